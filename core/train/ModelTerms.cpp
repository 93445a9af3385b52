#include "core/train/ModelTerms.h"

namespace mollichrom::train {

namespace {

mollifier::MollifierLayer layer(const mollifier::KernelSpec& k, std::vector<std::string> ops) {
  mollifier::MollifierLayerOptions o;
  o.kernel = k;
  o.operators = std::move(ops);
  return mollifier::MollifierLayer(o);
}

}  // namespace

ModelTerms::ModelTerms(const models::ChromatinModel& model, const MollifierSettings& s, double dx,
                       double dy, double dt, bool timeDependent)
    : model_(model), timeDependent_(timeDependent) {
  const auto spatial = kernelSpec(s, dx, dy, dt, false);
  space1_ = layer(spatial, {"value", "lap"});
  space1v_ = layer(spatial, {"value"});
  pass2_ = layer(spatial, {"value", "lap"});
  pass2v_ = layer(spatial, {"value"});
  first_ = second_ = static_cast<int>(space1_->halo().back());
  if (timeDependent) {
    // The time kernel as a 1-D kernel along the frame axis ("x" of a 1-D layer is ∂t).
    mollifier::KernelSpec k = spatial;
    k.dims = 1;
    k.dx = dt;
    k.radius = (s.halfWidthT + 1) * dt;
    time_ = layer(k, {"value", "x"});
    haloT_ = static_cast<int>(time_->halo().back());
  }
}

torch::Tensor ModelTerms::timePass(const torch::Tensor& series) const {
  return time_->forwardStacked(series.unsqueeze(1)).squeeze(1);  // [N, 1, K, T'] → [N, K, T']
}

torch::Tensor ModelTerms::timeSmooth(const torch::Tensor& x) const {
  if (!timeDependent_) return x;
  const auto T = x.size(0), H = x.size(1), W = x.size(2);
  const auto q = timePass(x.permute({1, 2, 0}).reshape({H * W, T}));  // [HW, 2, T']
  return q.select(1, 0).reshape({H, W, -1}).permute({2, 0, 1}).contiguous();
}

torch::Tensor ModelTerms::spatialBlur(const torch::Tensor& x) const {
  const auto once = space1v_->forwardStacked(x.unsqueeze(1)).squeeze(2);  // [N, 1, H', W']
  return pass2v_->forwardStacked(once).squeeze(1).squeeze(1);
}

models::ChromatinModel::Terms ModelTerms::operator()(const torch::Tensor& fields) const {
  const auto& fixed = model_.fixed();
  const double pm = fixed.phiMax, l2 = fixed.ell * fixed.ell;
  const auto raw = fields[1];
  // [3 fields, T, H, W]: φ_c, φ_h, h(φ_h).
  const auto input = torch::stack({fields[0], fields[1], raw * (pm - raw) * (pm - 2 * raw)});
  torch::Tensor values, rates;  // [3, T', H, W], [2, T', H, W]
  if (timeDependent_) {
    const auto F = input.size(0), T = input.size(1), H = input.size(2), W = input.size(3);
    const auto q = timePass(input.permute({0, 2, 3, 1}).reshape({F * H * W, T}));  // [FHW, 2, T']
    auto back = [&](const torch::Tensor& y) {
      return y.reshape({F, H, W, -1}).permute({0, 3, 1, 2});
    };
    values = back(q.select(1, 0));
    rates = back(q.select(1, 1)).slice(0, 0, 2);
  } else {
    values = input;
  }
  // Pass 1 (frames as the batch) → [T', 3, 2 ops, H', W'].
  const auto d = space1_->forwardStacked(values.transpose(0, 1).contiguous());
  const auto c = d.select(1, 0).select(1, 0), h = d.select(1, 1).select(1, 0);
  const auto well = d.select(1, 2).select(1, 0);
  const auto lapD = 2 * d.select(1, 1).select(1, 1) - d.select(1, 0).select(1, 1);
  const auto e = c - h;
  const auto mu = -e + well - l2 * lapD;
  torch::Tensor a;
  if (timeDependent_) {
    const auto aRaw = (2 * rates[1] - rates[0]).unsqueeze(1).contiguous();  // [T', 1, H, W]
    a = space1v_->forwardStacked(aRaw).squeeze(1).squeeze(1);
  } else {
    a = torch::zeros_like(c);
  }
  // Pass 2 over (μ, a, e, h) with frames as the batch → [T', 4, 2 ops, H'', W''].
  const auto q = pass2_->forwardStacked(torch::stack({mu, a, e, h}, 1));
  models::ChromatinModel::Terms t;
  t.L = q.select(1, 0).select(1, 1);
  t.a = q.select(1, 1).select(1, 0);
  t.e = q.select(1, 2).select(1, 0);
  t.h = q.select(1, 3).select(1, 0);
  return t;
}

models::ChromatinModel::Terms TermComponents::at(double g) const {
  models::ChromatinModel::Terms t;
  t.a = aC + g * aH;
  t.e = eC + g * eH;
  t.h = -g * eH;
  t.L = LC + g * LH + (g * g) * L2 + (g * g * g) * L3;
  return t;
}

TermComponents ModelTerms::components(const torch::Tensor& fields) const {
  const auto& fixed = model_.fixed();
  const double pm = fixed.phiMax, l2 = fixed.ell * fixed.ell;
  const auto C = fields[0], H = fields[1];
  // [4, T, H, W]: C, H, H², H³ — the well term's monomials.
  const auto input = torch::stack({C, H, H * H, H * H * H});
  torch::Tensor values, rates;
  if (timeDependent_) {
    const auto F = input.size(0), T = input.size(1), Hh = input.size(2), W = input.size(3);
    const auto q = timePass(input.permute({0, 2, 3, 1}).reshape({F * Hh * W, T}));
    auto back = [&](const torch::Tensor& y) {
      return y.reshape({F, Hh, W, -1}).permute({0, 3, 1, 2});
    };
    values = back(q.select(1, 0));
    rates = q.slice(0, 0, 2 * Hh * W).select(1, 1).reshape({2, Hh, W, -1}).permute({0, 3, 1, 2});
  } else {
    values = input;
  }
  // Pass 1 → [T', 4, 2 ops, H', W'].
  const auto d = space1_->forwardStacked(values.transpose(0, 1).contiguous());
  auto v = [&](int k) { return d.select(1, k).select(1, 0); };
  auto lap = [&](int k) { return d.select(1, k).select(1, 1); };
  // μ_d = −φ_e + h(φ_h) − ℓ²∇²φ_d with φ_e = C − gH, φ_d = 2gH − C.
  const auto muC = -v(0) + l2 * lap(0);
  const auto muH = (1 + pm * pm) * v(1) - 2 * l2 * lap(1);
  const auto mu2 = -3 * pm * v(2);
  const auto mu3 = 2 * v(3);
  torch::Tensor aC, aH;
  if (timeDependent_) {
    // ∂tφ_d = 2g∂tH − ∂tC.
    const auto r = torch::stack({-rates[0], 2 * rates[1]}, 1).contiguous();  // [T', 2, H, W]
    const auto m = space1v_->forwardStacked(r).squeeze(2);                   // [T', 2, H', W']
    aC = m.select(1, 0);
    aH = m.select(1, 1);
  } else {
    aC = torch::zeros_like(v(0));
    aH = torch::zeros_like(v(0));
  }
  // Pass 2 → [T', 8, 2 ops, H'', W''].
  const auto q = pass2_->forwardStacked(torch::stack({muC, muH, mu2, mu3, aC, aH, v(0), v(1)}, 1));
  auto v2 = [&](int k) { return q.select(1, k).select(1, 0); };
  auto lap2 = [&](int k) { return q.select(1, k).select(1, 1); };
  TermComponents c;
  c.LC = lap2(0);
  c.LH = lap2(1);
  c.L2 = lap2(2);
  c.L3 = lap2(3);
  c.aC = v2(4);
  c.aH = v2(5);
  c.eC = v2(6);
  c.eH = -v2(7);
  return c;
}

}  // namespace mollichrom::train
