#include "core/train/ProfileFit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace mollichrom::train {

namespace {

constexpr int kEntries = 6;
enum { kAA, kAL, kAH, kLL, kLH, kHH };
using Entries = std::array<double, kEntries>;
using prep::EstimatedValue;
using prep::ValueSource;

struct Solved {
  double M, G, J;
  bool ok;
};

// min over the free ones of J = aa − 2M aL + 4Γ ah + M² LL − 4MΓ Lh + 4Γ² hh.
Solved solve(const Entries& e, const ProfileChoice& c) {
  double M = c.M, G = c.gammaAc;
  bool ok = true;
  if (c.freeM && c.freeGamma) {
    const double det = 2 * (e[kLL] * e[kHH] - e[kLH] * e[kLH]);
    ok = e[kLL] > 0 && e[kHH] > 0 && det > 0;
    if (ok) {
      M = (e[kAL] * 2 * e[kHH] - 2 * e[kLH] * e[kAH]) / det;
      G = (-e[kLL] * e[kAH] + e[kLH] * e[kAL]) / det;
    }
  } else if (c.freeM) {
    ok = e[kLL] > 0;
    if (ok) M = (e[kAL] + 2 * G * e[kLH]) / e[kLL];
  } else if (c.freeGamma) {
    ok = e[kHH] > 0;
    if (ok) G = (M * e[kLH] - e[kAH]) / (2 * e[kHH]);
  }
  const double J = e[kAA] - 2 * M * e[kAL] + 4 * G * e[kAH] + M * M * e[kLL] - 4 * M * G * e[kLH] +
                   4 * G * G * e[kHH];
  return {M, G, J, ok && std::isfinite(M) && std::isfinite(G)};
}

struct Curve {
  std::vector<double> U;                    // per grid share (NaN: not evaluable)
  std::vector<std::vector<Solved>> solved;  // [group][share]
};

// U(s) = Σ_g min J_g / Σ_g aa_g from corrected sums [group][share].
Curve curveOf(const std::vector<std::vector<Entries>>& total, const ProfileChoice& c) {
  const size_t G = total.size(), S = total.front().size();
  Curve out{std::vector<double>(S, std::nan("")),
            std::vector<std::vector<Solved>>(
                G, std::vector<Solved>(S, Solved{c.M, c.gammaAc, 0, false}))};
  for (size_t s = 0; s < S; ++s) {
    double J = 0, aa = 0;
    bool ok = true;
    for (size_t g = 0; g < G && ok; ++g) {
      const Entries& e = total[g][s];
      if (!std::isfinite(e[0]) || !(e[kAA] > 0)) {
        ok = false;
        break;
      }
      out.solved[g][s] = solve(e, c);
      ok = out.solved[g][s].ok;
      J += out.solved[g][s].J;
      aa += e[kAA];
    }
    if (ok) out.U[s] = J / aa;
  }
  return out;
}

// One-sided 95 % quantile of Student's t: the spread of few realizations is itself uncertain.
double t95(int df) {
  static const double table[] = {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860,
                                 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746,
                                 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711,
                                 1.708, 1.706, 1.703, 1.701, 1.699, 1.697};
  if (df < 1) return std::nan("");
  if (df <= 30) return table[df - 1];
  return 1.645 + (1.697 - 1.645) * 30.0 / df;
}

std::string unexplainedNote(double U) {
  return "the model leaves " + std::to_string(int(std::lround(100 * U))) +
         " % of the dynamics unexplained: its scalars mean nothing here";
}

// A stack's sums of realization r at its own share, linear between its grid points.
bool interpolate(const StackProfile& p, size_t w, double share, int r, Entries& out) {
  const auto& g = p.shares;
  if (share < g.front() - 1e-12 || share > g.back() + 1e-12) return false;
  size_t i = size_t(std::upper_bound(g.begin(), g.end(), share) - g.begin());
  i = std::clamp<size_t>(i, 1, g.size() - 1);
  const double a = (share - g[i - 1]) / (g[i] - g[i - 1]);
  for (int k = 0; k < kEntries; ++k)
    out[size_t(k)] = (1 - a) * p.at(w, i - 1, r, k) + a * p.at(w, i, r, k);
  return true;
}

// The stacks' sums at one width, pooled per group at the pooled grid shares: the data (r = 0)
// and each realization (raw), and their noise-corrected combinations.
class Pooled {
 public:
  Pooled(const std::vector<const StackProfile*>& stacks, size_t w, double R, int K, int G,
         const std::vector<double>& shares)
      : stacks_(stacks), w_(w), R_(R), K_(K), G_(G) {
    raw_.assign(size_t(G), std::vector<std::vector<Entries>>(size_t(K + 1),
                                                             std::vector<Entries>(shares.size())));
    for (size_t s = 0; s < shares.size(); ++s) {
      const auto at = rawAt(shares[s]);
      for (int g = 0; g < G; ++g)
        for (int r = 0; r <= K; ++r) raw_[size_t(g)][size_t(r)][s] = at[size_t(g)][size_t(r)];
    }
  }
  // Corrected sums [group][share]: 2·data − mean of the realizations (r = 0, the estimate), or
  // 2·data − realization r (whose spread is the noise's effect).
  std::vector<std::vector<Entries>> corrected(int r) const {
    std::vector<std::vector<Entries>> c(raw_.size());
    for (size_t g = 0; g < raw_.size(); ++g)
      for (size_t s = 0; s < raw_[g][0].size(); ++s) {
        std::vector<Entries> q;
        for (const auto& rep : raw_[g]) q.push_back(rep[s]);
        c[g].push_back(combine(q, r));
      }
    return c;
  }
  // The same at any pooled share (between grid points): [group].
  std::vector<Entries> correctedAt(double share, int r) const {
    const auto at = rawAt(share);
    std::vector<Entries> c;
    for (const auto& q : at) c.push_back(combine(q, r));
    return c;
  }

 private:
  Entries combine(const std::vector<Entries>& q, int r) const {
    Entries out{};
    for (int k = 0; k < kEntries; ++k) {
      double noisy = 0;
      if (r > 0)
        noisy = q[size_t(r)][size_t(k)];
      else
        for (int i = 1; i <= K_; ++i) noisy += q[size_t(i)][size_t(k)] / K_;
      out[size_t(k)] = 2 * q[0][size_t(k)] - noisy;
    }
    return out;
  }
  // [group][realization] at a pooled share: each stack at its own share S·r_i/R.
  std::vector<std::vector<Entries>> rawAt(double share) const {
    std::vector<std::vector<Entries>> out(size_t(G_), std::vector<Entries>(size_t(K_ + 1)));
    for (const auto* p : stacks_)
      for (int r = 0; r <= K_; ++r) {
        Entries e{};
        const bool inside = interpolate(*p, w_, share * p->countsRatio / R_, r, e);
        for (int k = 0; k < kEntries; ++k)
          out[size_t(p->group)][size_t(r)][size_t(k)] += inside ? e[size_t(k)] : std::nan("");
      }
    return out;
  }
  const std::vector<const StackProfile*>& stacks_;
  size_t w_;
  double R_;
  int K_, G_;
  std::vector<std::vector<std::vector<Entries>>> raw_;  // [group][realization][share]
};

// The rates at a given share (between grid points too): each realization's fit gives the
// spread, the interval is ± t·se.
WidthFit fitAtShare(const Pooled& pooled, WidthFit fit, int K, int G, const ProfileChoice& c) {
  std::vector<std::vector<Solved>> reps;
  double J = 0, aa = 0;
  const auto e0 = pooled.correctedAt(c.share, 0);
  std::vector<Solved> full;
  for (int g = 0; g < G; ++g) {
    if (!std::isfinite(e0[size_t(g)][0]) || !(e0[size_t(g)][kAA] > 0)) return fit;
    full.push_back(solve(e0[size_t(g)], c));
    if (!full.back().ok) return fit;
    J += full.back().J;
    aa += e0[size_t(g)][kAA];
  }
  std::vector<double> repU;
  for (int r = 1; r <= K; ++r) {
    const auto e = pooled.correctedAt(c.share, r);
    std::vector<Solved> row;
    double Jr = 0, aar = 0;
    for (int g = 0; g < G; ++g) {
      row.push_back(solve(e[size_t(g)], c));
      Jr += row.back().J;
      aar += e[size_t(g)][kAA];
    }
    reps.push_back(row);
    repU.push_back(aar > 0 ? Jr / aar : std::nan(""));
  }
  fit.usable = true;
  fit.unexplained = J / aa;
  fit.repUnexplained = repU;
  const double t = t95(K - 1), inflate = std::sqrt(1 + 1.0 / K);
  auto settle = [&](EstimatedValue& e, bool free, size_t g, double Solved::*value) {
    if (!free) return;
    e.value = full[g].*value;
    double m = 0, ss = 0;
    bool ok = true;
    for (const auto& row : reps) {
      ok = ok && row[g].ok;
      m += row[g].*value;
    }
    m /= K;
    for (const auto& row : reps) ss += (row[g].*value - m) * (row[g].*value - m);
    const double se = std::sqrt(ss / (K - 1)) * inflate;
    e.low = e.value - t * se;
    e.high = e.value + t * se;
    const bool explains = fit.unexplained <= kProfileUnexplainedBad;
    e.identifiable = explains && ok && e.low > 0 && e.high <= kRateIdentifiedFactor * e.low;
    e.note = e.identifiable ? ""
             : !explains    ? unexplainedNote(fit.unexplained)
             : !ok          ? "the noise realizations could not all be fitted"
             : !(e.low > 0) ? "its 90 % interval reaches zero"
                            : "its 90 % interval spans more than a factor 4";
  };
  for (size_t g = 0; g < size_t(G); ++g) {
    settle(fit.M[g], c.freeM, g, &Solved::M);
    settle(fit.gammaAc[g], c.freeGamma, g, &Solved::G);
  }
  return fit;
}

WidthFit fitWidth(const std::vector<const StackProfile*>& stacks, size_t w, double R, int K, int G,
                  const std::vector<double>& shares, const ProfileChoice& choice) {
  const size_t S = shares.size();
  WidthFit fit;
  fit.halfWidthXY = stacks.front()->widths[w].halfWidthXY;
  auto given = [&](EstimatedValue& e, bool free, double value) {
    e.value = e.low = e.high = value;
    e.source = free ? ValueSource::Identified : ValueSource::Given;
    e.identifiable = false;
    if (free) e.note = "the dynamics could not be fitted";
  };
  given(fit.share, choice.freeShare, choice.share);
  fit.M.resize(size_t(G));
  fit.gammaAc.resize(size_t(G));
  for (int g = 0; g < G; ++g) {
    given(fit.M[size_t(g)], choice.freeM, choice.M);
    given(fit.gammaAc[size_t(g)], choice.freeGamma, choice.gammaAc);
  }
  for (const auto* p : stacks)
    if (p->widths[w].pixels == 0) {
      for (auto* e : {&fit.share}) e->note = "the nuclei are too small for this kernel";
      return fit;
    }
  const Pooled pooled(stacks, w, R, K, G, shares);
  if (!choice.freeShare) return fitAtShare(pooled, fit, K, G, choice);
  auto corrected = [&](int r) { return pooled.corrected(r); };
  const Curve full = curveOf(corrected(0), choice);
  std::vector<Curve> reps;
  for (int r = 1; r <= K; ++r) reps.push_back(curveOf(corrected(r), choice));
  fit.profile = full.U;
  // The spread of a quantity over the realizations, times √(1 + 1/K): the estimate subtracts
  // the mean of K realizations from data that carry noise of their own. NaN when one failed.
  const double inflate = std::sqrt(1 + 1.0 / K);
  auto spread = [&](auto&& value) {
    double m = 0, ss = 0;
    for (const Curve& c : reps) {
      const double x = value(c);
      if (!std::isfinite(x)) return std::nan("");
      m += x;
    }
    m /= double(reps.size());
    for (const Curve& c : reps) ss += (value(c) - m) * (value(c) - m);
    return std::sqrt(ss / double(reps.size() - 1)) * inflate;
  };
  const double t = t95(K - 1);

  size_t best = S;
  if (choice.freeShare) {
    std::vector<double> upper(S, std::nan(""));
    for (size_t s = 0; s < S; ++s) {
      const double se = spread([&](const Curve& c) { return c.U[s]; });
      if (std::isfinite(full.U[s]) && std::isfinite(se)) upper[s] = full.U[s] + t * se;
    }
    for (size_t s = 0; s < S; ++s)
      if (std::isfinite(upper[s]) && (best == S || upper[s] < upper[best])) best = s;
    while (best != S) {
      size_t next = best;
      for (size_t n : {best - 1, best + 1})
        if (n < S && std::isfinite(full.U[n]) && full.U[n] < full.U[next]) next = n;
      if (next == best) break;
      best = next;
    }
  } else {
    for (size_t s = 0; s < S; ++s)
      if (best == S || std::abs(shares[s] - choice.share) < std::abs(shares[best] - choice.share))
        best = s;
    if (!std::isfinite(full.U[best])) best = S;
  }
  if (best == S) return fit;
  fit.usable = true;
  fit.unexplained = full.U[best];
  // Scalars of a model that does not explain the dynamics mean nothing, however narrow.
  const bool explains = fit.unexplained <= kProfileUnexplainedBad;
  for (const Curve& c : reps) fit.repUnexplained.push_back(c.U[best]);

  // ρ = (U(s) − U(best)) / (t·se of the difference): ≤ 1 inside the 90 % set. Where the data
  // or a realization cannot be fitted, nothing rejects the share: it stays in (ρ = 0).
  std::vector<double> rho(S, std::numeric_limits<double>::infinity());
  rho[best] = 0;
  if (choice.freeShare)
    for (size_t s = 0; s < S; ++s) {
      if (s == best) continue;
      const double se = spread([&](const Curve& c) { return c.U[s] - c.U[best]; });
      const double d = full.U[s] - full.U[best];
      if (!std::isfinite(se) || !std::isfinite(d)) {
        rho[s] = 0;
        continue;
      }
      rho[s] = d <= 0 ? 0 : se > 0 ? d / (t * se) : std::numeric_limits<double>::infinity();
    }
  size_t lo = best, hi = best;
  while (lo > 0 && rho[lo - 1] <= 1) --lo;
  while (hi + 1 < S && rho[hi + 1] <= 1) ++hi;
  if (choice.freeShare) {
    double share = shares[best];
    if (best > 0 && best + 1 < S && std::isfinite(full.U[best - 1]) &&
        std::isfinite(full.U[best + 1])) {
      const double a = full.U[best - 1], m = full.U[best], z = full.U[best + 1];
      const double den = a - 2 * m + z;
      if (den > 0) share += 0.5 * (shares[best + 1] - shares[best]) * (a - z) / den;
    }
    // The set's edges between grid points: where ρ, linear between the last share in and the
    // first out, reaches 1 (U − U_best grows quadratically away from the best, its se
    // linearly, so ρ about linearly).
    auto edge = [&](size_t in, size_t out) {
      if (!std::isfinite(rho[out])) return shares[in];
      const double a = (1 - rho[in]) / std::max(1e-12, rho[out] - rho[in]);
      return shares[in] + std::clamp(a, 0.0, 1.0) * (shares[out] - shares[in]);
    };
    EstimatedValue& e = fit.share;
    e.value = share;
    e.low = std::min(share, lo > 0 ? edge(lo, lo - 1) : shares[lo]);
    e.high = std::max(share, hi + 1 < S ? edge(hi, hi + 1) : shares[hi]);
    const bool inside = lo > 0 && hi + 1 < S && std::isfinite(t);
    e.identifiable = explains && inside && e.high - e.low <= kShareIdentifiedWidth;
    e.note = e.identifiable ? ""
             : !explains    ? unexplainedNote(fit.unexplained)
             : !inside      ? "the dynamics do not bound it within " +
                             std::to_string(shares.front()).substr(0, 4) + "-" +
                             std::to_string(shares.back()).substr(0, 4)
                       : "its 90 % interval is wider than the range the default assumes";
  }
  auto scalar = [&](EstimatedValue& e, bool free, size_t g, double Solved::*value) {
    if (!free) return;
    e.value = full.solved[g][best].*value;
    double low = e.value, high = e.value;
    bool bounded = std::isfinite(t);
    for (size_t s = lo; s <= hi; ++s) {
      const double v = full.solved[g][s].*value;
      const double se = spread([&](const Curve& c) { return c.solved[g][s].*value; });
      if (!std::isfinite(se) || !std::isfinite(v)) {
        bounded = false;
        continue;
      }
      low = std::min(low, v - t * se);
      high = std::max(high, v + t * se);
    }
    e.low = low;
    e.high = high;
    const bool shareOk = fit.share.identifiable || !choice.freeShare;
    e.identifiable =
        explains && bounded && low > 0 && high <= kRateIdentifiedFactor * low && shareOk;
    e.note = e.identifiable ? ""
             : !explains    ? unexplainedNote(fit.unexplained)
             : !bounded     ? "the noise realizations could not all be fitted"
             : !(low > 0)   ? "its 90 % interval reaches zero"
             : !shareOk     ? "the share it depends on is not identified"
                            : "its 90 % interval spans more than a factor 4";
  };
  for (size_t g = 0; g < size_t(G); ++g) {
    scalar(fit.M[g], choice.freeM, g, &Solved::M);
    scalar(fit.gammaAc[g], choice.freeGamma, g, &Solved::G);
  }
  return fit;
}

// Whether two intervals meet.
bool meet(const EstimatedValue& a, const EstimatedValue& b) {
  return a.low <= b.high && b.low <= a.high;
}

}  // namespace

namespace {

struct Shape {
  int K = 0, G = 0;
  double R = 1;
};

Shape shapeOf(const std::vector<const StackProfile*>& stacks) {
  if (stacks.empty()) throw std::invalid_argument("no time-lapse to identify the scalars from");
  const auto& first = *stacks.front();
  Shape out;
  out.K = first.reps;
  double wsum = 0, rsum = 0;
  for (const auto* p : stacks) {
    if (p->shares != first.shares || p->widths.size() != first.widths.size() || p->widths.empty())
      throw std::invalid_argument("the stacks' profiles were taken on different grids");
    out.K = std::min(out.K, p->reps);
    out.G = std::max(out.G, p->group + 1);
    // The pooled share Σφ_h/Σφ_c = ρ·R with R the pixel-weighted mean counts ratio: stack i's
    // share is S·r_i/R at a pooled share S.
    const double w = double(p->widths.front().pixels + 1);
    wsum += w;
    rsum += w * p->countsRatio;
  }
  if (out.K < 2) throw std::invalid_argument("the profile needs at least 2 noise realizations");
  out.R = rsum / wsum;
  return out;
}

}  // namespace

ScalarCheck checkScalars(const std::vector<const StackProfile*>& stacks, const ProfileFit& fit,
                         double share, const std::vector<double>& M,
                         const std::vector<double>& gammaAc) {
  ScalarCheck out;
  const WidthFit* best = fit.best();
  if (!best || best->repUnexplained.empty()) return out;
  const Shape shape = shapeOf(stacks);
  if (M.size() < size_t(shape.G) || gammaAc.size() < size_t(shape.G)) return out;
  const Pooled pooled(stacks, size_t(fit.chosen), shape.R, shape.K, shape.G, {});
  auto usedU = [&](int r) {
    const auto e = pooled.correctedAt(share, r);
    double J = 0, aa = 0;
    for (size_t g = 0; g < e.size(); ++g) {
      if (!std::isfinite(e[g][0])) return std::nan("");
      J += e[g][kAA] - 2 * M[g] * e[g][kAL] + 4 * gammaAc[g] * e[g][kAH] + M[g] * M[g] * e[g][kLL] -
           4 * M[g] * gammaAc[g] * e[g][kLH] + 4 * gammaAc[g] * gammaAc[g] * e[g][kHH];
      aa += e[g][kAA];
    }
    return aa > 0 ? J / aa : std::nan("");
  };
  out.unexplainedUsed = usedU(0);
  out.unexplainedBest = best->unexplained;
  if (!std::isfinite(out.unexplainedUsed)) return out;
  const int K = int(best->repUnexplained.size());
  std::vector<double> d;
  for (int r = 1; r <= K; ++r) d.push_back(usedU(r) - best->repUnexplained[size_t(r - 1)]);
  double m = 0, ss = 0;
  for (double x : d) m += x;
  m /= K;
  for (double x : d) ss += (x - m) * (x - m);
  out.se = std::sqrt(ss / (K - 1)) * std::sqrt(1 + 1.0 / K);
  out.tested = std::isfinite(out.se);
  out.rejected = out.tested && out.unexplainedUsed - out.unexplainedBest > t95(K - 1) * out.se;
  return out;
}

ProfileFit fitProfile(const std::vector<const StackProfile*>& stacks, const ProfileChoice& choice) {
  const Shape shape = shapeOf(stacks);
  const int K = shape.K, G = shape.G;
  const double R = shape.R;
  const auto& first = *stacks.front();
  ProfileFit out;
  out.shares = first.shares;
  for (size_t w = 0; w < first.widths.size(); ++w)
    out.widths.push_back(fitWidth(stacks, w, R, K, G, out.shares, choice));
  // Intersection of confidence intervals over the widths, narrowest kernel first: the widths
  // not detectably biased against every narrower one; of those, the one whose interval is
  // narrowest (the erosion of the nuclei by a wider support can cost more than its lower noise).
  std::vector<const WidthFit*> seen;
  auto spanOf = [&](const WidthFit& f) {
    if (choice.freeShare) return f.share.high - f.share.low;
    double span = 0;
    for (size_t g = 0; g < f.M.size(); ++g) {
      if (choice.freeM)
        span += std::log(std::max(1e-12, f.M[g].high) / std::max(1e-12, f.M[g].low));
      if (choice.freeGamma)
        span += std::log(std::max(1e-12, f.gammaAc[g].high) / std::max(1e-12, f.gammaAc[g].low));
    }
    return span;
  };
  for (size_t w = 0; w < out.widths.size(); ++w) {
    const WidthFit& f = out.widths[w];
    if (!f.usable) continue;
    bool consistent = true;
    for (const WidthFit* n : seen) {
      if (choice.freeShare && !meet(f.share, n->share)) consistent = false;
      for (size_t g = 0; g < f.M.size(); ++g) {
        if (choice.freeM && !meet(f.M[g], n->M[g])) consistent = false;
        if (choice.freeGamma && !meet(f.gammaAc[g], n->gammaAc[g])) consistent = false;
      }
    }
    if (!consistent) break;
    seen.push_back(&f);
    if (out.chosen < 0 || spanOf(f) < spanOf(out.widths[size_t(out.chosen)])) out.chosen = int(w);
  }
  // The chosen width's intervals widened to the hull of every consistent width's: which kernel
  // the data allow is itself uncertain, and its small bias (mollifying λ·φ_e) is not noise —
  // at 1 % noise the chosen width's own interval alone missed a true Γ_ac 4 % away.
  if (out.chosen >= 0) {
    WidthFit& c = out.widths[size_t(out.chosen)];
    auto widen = [](EstimatedValue& e, const EstimatedValue& o) {
      if (!e.hasInterval() || !o.hasInterval()) return;
      e.low = std::min(e.low, o.low);
      e.high = std::max(e.high, o.high);
    };
    for (const WidthFit* f : seen) {
      if (f == &c) continue;
      if (f->share.identifiable || !choice.freeShare) widen(c.share, f->share);
      for (size_t g = 0; g < c.M.size(); ++g) {
        if (f->M[g].identifiable) widen(c.M[g], f->M[g]);
        if (f->gammaAc[g].identifiable) widen(c.gammaAc[g], f->gammaAc[g]);
      }
    }
  }
  return out;
}

}  // namespace mollichrom::train
