#pragma once
// A physics-informed fit of any PdeModel (the paper's benchmark problems): a field
// network (FieldNetwork: cnn, mlp or fourier-mlp) and the positive parameter map p(x) — the
// model's λ, as a grid of log-values — trained jointly on
//   mean((u − data)²)/σ²  +  mean(R²/s²(p))  +  w_s · ℓ² · mean(B²)/s₀² · mean(|∇p|²)
// where R = A + B·p (+ Bx·∂x p + By·∂y p) is the model's residual on the network's fields, its
// derivatives taken by the mollifier layer (u∗∂η on a window of the grid) or by recursive
// autodiff of a coordinate network at the same nodes — so the two engines are compared on the
// same loss, nodes, network and budget. s(p) is the residual's own noise: the RMS change of R
// when the data move by synthetic noise of their σ, at each node's p (so bending the fields
// within their noise and missing the equation by its noise weigh alike, and noise in the
// derivatives does not bias p towards zero — the errors-in-variables likelihood); s₀ = s(p0).
// The prior on p is in the residual's units (a
// jump δp between neighbours costs what a residual B·δp does) with a smoothing length ℓ of at
// least the kernel's half-width — below it the mollified residual does not resolve p anyway —
// and 1, 2, 4 or 8 times it as held-out frames choose once the warmup has fitted the network
// (how far to smooth depends on how rough the network's fields are: only the data can tell),
// on the fields' mean over the warmup's second half (not the last step's SGD noise).
// Start: the network first fits the data alone (warmup), p at the network-free constant
// −ΣAB/ΣB² of the mollified data (ΣB² less its noise part) — the same start for every engine
// and network.
// Internal to core/train (LibTorch).
#include "core/models/PdeModel.h"
#include "core/train/EngineKind.h"

#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace mollichrom::train {

enum class FitGrid {
  Series,     // a 1-D series along W (T = H = 1): Langevin's time axis
  SpaceTime,  // frames of a 2-D image, [T, H, W]
};

struct PdeFitData {
  const models::PdeModel* model = nullptr;
  FitGrid grid = FitGrid::SpaceTime;
  torch::Tensor observed;  // [F, T, H, W] float32 (a series: [F, 1, 1, N])
  double dx = 1, dt = 1;   // grid spacings: space (a series: its axis) and time
  double noiseSigma = 0;   // σ of the data term (floored at 1e-3 of the data's range)
  torch::Tensor truth;     // [H, W] (a series: [1, N]), optional: scored while training
};

struct PdeFitOptions {
  Engine engine = Engine::Mollifier;  // mollifier | autodiff
  Arch arch = Arch::Mlp;
  int maxSteps = 1000000;
  double budgetSeconds = 20;  // wall time of the training loop (whichever ends first)
  std::uint64_t seed = 1;
  int kernelHalfWidthXY = 4, kernelHalfWidthT = 2;  // the mollifier's kernel (nodes)
  int window = 32;  // edge of the spatial window per step (nodes; 0: whole grid)
  // Coordinate networks: the data term on this many nodes drawn at random from the whole grid
  // each step (when it has more); 0: on the window's nodes, as the CNN always.
  int dataNodes = 0;
  double learningRate = 5e-3, parameterLearningRate = 2e-2;
  double warmup = 0.2;            // share of the budget fitting the data alone
  double smoothWeight = 1.0;      // w_s
  double targetRelativeL2 = 0.1;  // "time to accuracy": the first time the error is below this
  double scoreEverySeconds = 0.25;
};

struct PdeFitResult {
  torch::Tensor parameter;  // [H, W] (a series: [1, N]); NaN where never evaluated
  torch::Tensor scored;     // bool [H, W]: where p is scored (the mollifier's valid interior)
  int steps = 0;
  double seconds = 0;
  double medianStepSeconds = 0;
  bool diverged = false;  // the loss stayed non-finite after 8 rollbacks
  int rollbacks = 0;
  // The discrepancy: mean(((u − data)/σ)²) of the final fields on the whole grid — about 1
  // when they fit the data to their noise; far above it, the fields and so p's residual are
  // not the data's (a p from them is not to be trusted).
  double dataMisfit = -1;
  // The prior's smoothing length in kernel half-widths (1, 2, 4 or 8), chosen by held-out
  // frames at the end of the warmup; 1 on a series, with too few frames to hold out, or when
  // the fit ended before the warmup did.
  double priorLength = 1;
  // How many snapshots of the fields (every 10th step of the warmup's second half) were
  // averaged for that choice.
  int priorSnapshots = 0;
  double relativeL2 = -1, pearson = 0;                // against the truth, when given
  double timeToTarget = -1;                           // s until relativeL2 ≤ target, −1: never
  std::vector<std::pair<double, double>> errorCurve;  // (s, relative L2) while training
};

// Throws std::invalid_argument for an impossible combination (autodiff with the CNN) or data
// too small for the kernel.
PdeFitResult fitPde(const PdeFitData& data, const PdeFitOptions& options);

}  // namespace mollichrom::train
