#pragma once
// Breiman's one-standard-error rule for choosing how much to regularize by held-out data: among
// candidates ordered from the least to the most regularized, the most regularized one whose
// held-out loss is within one standard error of the best's. Why not the best alone: when the
// candidates' losses differ by less than their own scatter, the minimum is decided by noise
// (seen: heat's Fourier MLP, whose prior lengths scored within 1e-4 of each other and flipped
// between runs), and the smoother answer is the one the data do not contradict.
#include <vector>

namespace mollichrom::train {

// losses[i][b]: candidate i's held-out loss on block b (the same blocks for every candidate, so
// the differences are paired). The standard error is that of the mean of the per-block
// differences against the best candidate. Returns the chosen index (0 for no candidates).
int oneStandardErrorChoice(const std::vector<std::vector<double>>& losses);

}  // namespace mollichrom::train
