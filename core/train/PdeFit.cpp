#include "core/train/PdeFit.h"

#include "core/train/AutodiffFields.h"
#include "core/train/FieldDerivativeEngine.h"
#include "core/train/FieldNetwork.h"
#include "core/train/Metrics.h"
#include "core/train/TensorConvert.h"
#include "core/util/Median.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace mollichrom::train {

namespace {

using Clock = std::chrono::steady_clock;
using torch::indexing::None;
using torch::indexing::Slice;

struct Window {
  int y0, x0, h, w;
};

double seconds(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

// Central differences of p [H, W] along x and y, the edges replicated (zero across them).
std::pair<torch::Tensor, torch::Tensor> gradients(const torch::Tensor& p, double dx) {
  namespace F = torch::nn::functional;
  const auto q = F::pad(p.unsqueeze(0).unsqueeze(0),
                        F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReplicate))[0][0];
  const auto px =
      (q.index({Slice(1, -1), Slice(2, None)}) - q.index({Slice(1, -1), Slice(None, -2)})) /
      (2 * dx);
  const auto py =
      (q.index({Slice(2, None), Slice(1, -1)}) - q.index({Slice(None, -2), Slice(1, -1)})) /
      (2 * dx);
  return {px, py};
}

torch::Tensor residualOf(const models::PdeModel::Affine& a, const torch::Tensor& p,
                         const torch::Tensor& px, const torch::Tensor& py) {
  auto r = a.A + a.B * p;
  if (a.Bx.defined()) r = r + a.Bx * px;
  if (a.By.defined()) r = r + a.By * py;
  return r;
}

class Fit {
 public:
  Fit(const PdeFitData& d, const PdeFitOptions& o) : d_(d), o_(o), model_(*d.model) {
    if (o.engine == Engine::Direct)
      throw std::invalid_argument("fitPde: the engine must be mollifier or autodiff");
    if (o.engine == Engine::Autodiff && o.arch == Arch::Cnn)
      throw std::invalid_argument(
          "autodiff needs a coordinate network (mlp or fourier-mlp): a CNN's output has no "
          "derivative with respect to coordinates");
    series_ = d.grid == FitGrid::Series;
    data_ = d.observed.to(torch::kFloat32).contiguous();
    F_ = static_cast<int>(data_.size(0));
    T_ = static_cast<int>(data_.size(1));
    H_ = static_cast<int>(data_.size(2));
    W_ = static_cast<int>(data_.size(3));
    if (series_ && (T_ != 1 || H_ != 1))
      throw std::invalid_argument("fitPde: a series is [F, 1, 1, N]");
    torch::manual_seed(o.seed);
    rng_.seed(o.seed);
    if (series_) {
      engine_ = std::make_unique<FieldDerivativeEngine>(FieldDerivativeEngine::series(
          model_, o.kernelHalfWidthXY, d.dx, mollifier::KernelFamily::Polynomial));
    } else {
      MollifierSettings ms;
      ms.halfWidthXY = o.kernelHalfWidthXY;
      ms.halfWidthT = o.kernelHalfWidthT;
      engine_ = std::make_unique<FieldDerivativeEngine>(model_, ms, d.dx, d.dx, d.dt, true);
    }
    const double lo = data_.min().item<double>(), hi = data_.max().item<double>();
    mean_ = data_.mean().item<double>();
    spread_ = std::max(1e-6, data_.std().item<double>());
    sigma_ = std::max(d.noiseSigma, 1e-3 * std::max(1e-9, hi - lo));

    // The network-free start and the residual's scale, from the mollified data on the grid and
    // on the data with synthetic noise of their own σ added (seeded).
    {
      torch::NoGradGuard g;
      const auto fd = (*engine_)(data_);
      const auto sz = fd.data.sizes();  // [F', K, T', H', W']
      if (sz[2] < 1 || sz[3] < 1 || sz[4] < 1)
        throw std::invalid_argument("fitPde: the grid is too small for the kernel");
      oT_ = (T_ - static_cast<int>(sz[2])) / 2;
      oY_ = (H_ - static_cast<int>(sz[3])) / 2;
      oX_ = (W_ - static_cast<int>(sz[4])) / 2;
      const auto aff = model_.residual(fd, {}, false);
      // Synthetic noise of the data's σ, four realizations (one alone made the correction below
      // as noisy as the bias it removes: heat at 10 % noise).
      constexpr int kReps = 4;
      auto gen = at::detail::createCPUGenerator(o.seed * 2654435761ull + 7);
      double abN = 0, bbN = 0;
      std::vector<std::pair<torch::Tensor, torch::Tensor>> moved;  // (ΔA, ΔB) per realization
      for (int k = 0; k < kReps; ++k) {
        const auto noisy = data_ + sigma_ * at::normal(0, 1, data_.sizes(), gen, torch::kFloat32);
        const auto affN = model_.residual((*engine_)(noisy), {}, false);
        abN += (affN.A * affN.B).sum().item<double>() / kReps;
        bbN += (affN.B * affN.B).sum().item<double>() / kReps;
        moved.push_back({affN.A - aff.A, affN.B - aff.B});
      }
      // p0 = −ΣAB/ΣB² with both sums extrapolated to no noise (the linear SIMEX step, as the
      // direct estimator does: noise in A and B biases a plain ratio — towards 0 through ΣB²,
      // and through ΣAB where A holds derivatives of B's noise, as rd4's ∇²(u³) does).
      const double ab = (aff.A * aff.B).sum().item<double>(),
                   bb = (aff.B * aff.B).sum().item<double>();
      const double num = 2 * ab - abN, den = std::max(2 * bb - bbN, 0.1 * bb);
      p0_ = den > 0 ? -num / den : 1.0;
      if (!(p0_ > 0) || !std::isfinite(p0_)) p0_ = 1.0;
      // The residual's scale: how much it moves when the fields move by their noise. A fit that
      // bends the fields within σ changes the residual by about this much, so residual and data
      // misfit then weigh alike — the 4th-order residual is otherwise so sensitive to small
      // changes of the fields that a flexible network absorbs it (seen: the CNN drove R below the
      // truth's own residual and p away from it). It depends on p: s²(p) = mean((ΔA + ΔB·p)²) =
      // aa + 2·ab·p + bb·p² over the realizations (ΔBx, ΔBy of ∇p's terms left out: first order
      // in p's small gradient).
      for (const auto& [dA, dB] : moved) {
        noiseAA_ += dA.pow(2).mean().item<double>() / kReps;
        noiseAB_ += (dA * dB).mean().item<double>() / kReps;
        noiseBB_ += dB.pow(2).mean().item<double>() / kReps;
      }
      residualScale_ = std::max(1e-9, std::sqrt(residualVariance(p0_)));
      // The prior on p in the residual's units: a jump δp between neighbours costs what a
      // residual of B·δp does, whatever the residual's scale (B's size from the data).
      // Its length ℓ₀: the kernel's half-width, the scale below which the mollified residual
      // does not resolve p anyway (a Gaussian Markov field's smoothing length is √weight
      // nodes); choosePrior may lengthen it once the network has fitted the data.
      const double length = o.kernelHalfWidthXY;
      smoothScale_ = length * length * (aff.B * aff.B).mean().item<double>() /
                     (residualScale_ * residualScale_);
    }
    theta_ = torch::full({H_, W_}, std::log(p0_), torch::kFloat32).requires_grad_(true);
    if (std::getenv("MOLLICHROM_FIT_VERBOSE"))
      std::fprintf(stderr, "fit: p0 %.4g, residual scale %.4g, sigma %.4g, halo t %d y %d x %d\n",
                   p0_, residualScale_, sigma_, oT_, oY_, oX_);

    FieldNetworkOptions no;
    no.arch = o.arch;
    no.fields = F_;
    no.frames = T_;
    no.coordDims = series_ ? 1 : 3;
    no.span = series_ ? std::array<double, 3>{W_ * d.dx, 1, 1}
                      : std::array<double, 3>{W_ * d.dx, H_ * d.dx, std::max(1, T_ - 1) * d.dt};
    no.mean = mean_;
    no.spread = spread_;
    no.sigma = sigma_;
    net_ = FieldNetwork(no);

    scored_ = torch::zeros({H_, W_}, torch::kBool);
    scored_.index_put_({Slice(oY_, H_ - oY_), Slice(oX_, W_ - oX_)}, true);
    if (d.truth.defined()) {
      truth_ = d.truth.to(torch::kFloat32).reshape({H_, W_});
      truthMat_ = tensorToMat(truth_);
      scoredMat_ = tensorToMat(scored_.to(torch::kFloat32)) > 0.5f;
    }
  }

  PdeFitResult run() {
    PdeFitResult r;
    torch::optim::Adam adam(
        {torch::optim::OptimizerParamGroup(
             net_->parameters(), std::make_unique<torch::optim::AdamOptions>(o_.learningRate)),
         torch::optim::OptimizerParamGroup(
             {theta_}, std::make_unique<torch::optim::AdamOptions>(o_.parameterLearningRate))},
        torch::optim::AdamOptions(o_.learningRate));
    const std::vector<double> base{o_.learningRate, o_.parameterLearningRate};
    std::vector<double> stepTimes;
    auto good = state();
    double lrFactor = 1, lastScore = -1e9;
    const auto start = Clock::now();
    int step = 0;
    while (step < o_.maxSteps) {
      const double t = seconds(start);
      if (t >= o_.budgetSeconds) break;
      const double f = std::min(1.0, std::max(double(step) / o_.maxSteps, t / o_.budgetSeconds));
      const bool physics = f >= o_.warmup;
      if (!series_ && !physics && f >= 0.5 * o_.warmup && step % kSnapshotEvery == 0) addSnapshot();
      if (physics && !priorChosen_) choosePrior();
      const double sched = 0.1 + 0.9 * 0.5 * (1 + std::cos(3.14159265358979323846 * f));
      for (size_t g = 0; g < 2; ++g)
        static_cast<torch::optim::AdamOptions&>(adam.param_groups()[g].options())
            .lr(g == 1 && !physics ? 0.0 : base[g] * sched * lrFactor);
      const auto t0 = Clock::now();
      adam.zero_grad();
      const auto loss = lossAt(sampleWindow(), physics);
      if (!std::isfinite(loss.item<double>())) {
        restore(good);
        lrFactor *= 0.5;
        adam.state().clear();
        if (++r.rollbacks > 8) {
          r.diverged = true;
          break;
        }
        ++step;
        continue;
      }
      loss.backward();
      adam.step();
      ++step;
      if (physics) stepTimes.push_back(seconds(t0));
      if (step % 20 == 0) good = state();
      if (truth_.defined() && seconds(start) - lastScore >= o_.scoreEverySeconds) {
        lastScore = seconds(start);
        const double e = score().first;
        r.errorCurve.push_back({lastScore, e});
        if (physics && r.timeToTarget < 0 && e <= o_.targetRelativeL2) r.timeToTarget = lastScore;
      }
    }
    r.steps = step;
    r.seconds = seconds(start);
    r.priorLength = priorLength_;
    r.priorSnapshots = snapshots_;
    r.medianStepSeconds = stepTimes.empty() ? 0 : util::median(stepTimes);
    torch::NoGradGuard g;
    r.parameter = torch::where(scored_, torch::exp(theta_), torch::full_like(theta_, std::nan("")));
    r.scored = scored_;
    r.dataMisfit = wholeGrid().second.item<double>();
    if (truth_.defined()) {
      const auto [e, p] = score();
      r.relativeL2 = e;
      r.pearson = p;
      if (r.timeToTarget < 0 && e <= o_.targetRelativeL2 && !r.diverged) r.timeToTarget = r.seconds;
    }
    if (!torch::isfinite(theta_).all().item<bool>()) r.diverged = true;
    return r;
  }

 private:
  Window sampleWindow() {
    if (series_) return {0, 0, 1, W_};
    const int e = o_.window > 0 ? o_.window : std::max(H_, W_);
    const int h = std::min(H_, e), w = std::min(W_, e);
    std::uniform_int_distribution<int> uy(0, H_ - h), ux(0, W_ - w);
    return {uy(rng_), ux(rng_), h, w};
  }

  // Physical coordinates of the window's nodes t ∈ [t0, t1), y, x ∈ the window shrunk by (my,
  // mx), in [t][y][x] order: columns x[, y, t].
  torch::Tensor coords(const Window& w, int t0, int t1, int my, int mx) const {
    const auto xs = torch::arange(w.x0 + mx, w.x0 + w.w - mx, torch::kFloat32);
    if (series_) return (xs * float(d_.dx)).unsqueeze(1);
    const auto ys = torch::arange(w.y0 + my, w.y0 + w.h - my, torch::kFloat32);
    const auto ts = torch::arange(t0, t1, torch::kFloat32);
    const auto g = torch::meshgrid({ts, ys, xs}, "ij");
    return nodeCoords(g[2].flatten(), g[1].flatten(), g[0].flatten());
  }

  // The network's input (x·dx, y·dx, t·dt), one row per node, of nodes given by their grid
  // indices: the one place that fixes the coordinates' order and scale.
  torch::Tensor nodeCoords(const torch::Tensor& x, const torch::Tensor& y,
                           const torch::Tensor& t) const {
    const auto f = [](const torch::Tensor& i, double h) {
      return i.to(torch::kFloat32) * float(h);
    };
    return torch::stack({f(x, d_.dx), f(y, d_.dx), f(t, d_.dt)}, 1);
  }

  // The network's fields on the whole grid and their data loss (FieldNetwork::window's pair).
  std::pair<torch::Tensor, torch::Tensor> wholeGrid() {
    const Window all{0, 0, H_, W_};
    return net_->window(data_, net_->onGrid() ? torch::Tensor() : coords(all, 0, T_, 0, 0));
  }

  torch::Tensor lossAt(const Window& w, bool physics) {
    const auto d =
        data_.index({Slice(), Slice(), Slice(w.y0, w.y0 + w.h), Slice(w.x0, w.x0 + w.w)});
    torch::Tensor u, dataLoss;
    if (randomNodes()) {
      dataLoss = dataLossAtRandomNodes();
      if (!physics) return dataLoss;
      // The mollifier reads the fields on the window's grid; autodiff evaluates its own nodes.
      if (o_.engine == Engine::Mollifier)
        u = net_->atCoords(coords(w, 0, T_, 0, 0)).t().reshape(d.sizes());
    } else {
      std::tie(u, dataLoss) =
          net_->window(d, net_->onGrid() ? torch::Tensor() : coords(w, 0, T_, 0, 0));
      if (!physics) return dataLoss;
    }
    // p on the window's valid nodes (where the mollifier's kernel fits), and its gradient.
    const auto p = torch::exp(theta_);
    const auto [gx, gy] = gradients(p, d_.dx);
    const auto crop = [&](const torch::Tensor& x) {
      return x.index({Slice(w.y0 + oY_, w.y0 + w.h - oY_), Slice(w.x0 + oX_, w.x0 + w.w - oX_)});
    };
    torch::Tensor R, pAt;
    if (o_.engine == Engine::Mollifier) {
      const auto aff = model_.residual((*engine_)(u), {}, false);
      R = residualOf(aff, crop(p), crop(gx), crop(gy));
      pAt = crop(p);
    } else {
      // The same nodes by nested autograd of the coordinate network.
      auto c = coords(w, oT_, T_ - oT_, oY_, oX_).requires_grad_(true);
      const auto fd = autodiffDerivatives(model_, model_.operators(true), c, net_->atCoords(c));
      const auto aff = model_.residual(fd, {}, false);
      const int nt = series_ ? 1 : T_ - 2 * oT_;
      auto atNodes = [&](const torch::Tensor& x) {
        const auto q = crop(x);
        return q.unsqueeze(0).expand({nt, q.size(0), q.size(1)}).reshape({-1, 1, 1});
      };
      R = residualOf(aff, atNodes(p), atNodes(gx), atNodes(gy));
      pAt = atNodes(p);
    }
    // R² over the residual's noise variance at each node's own p, s²(p), not at the start's:
    // the errors-in-variables (Deming) likelihood. Noise in B — the fields' derivatives —
    // otherwise biases a least-squares p towards zero, the more the rougher the network's fields
    // (seen: heat with the Fourier MLP at 10 % noise, p's mean fell from 1.06 to 0.78, rel. L2
    // 0.45; with s²(p) 0.19-0.20, and the CNN's 0.79 became 0.22-0.27). s²(p) grows with p, so a
    // p that explains the residual by amplifying noise pays for it.
    const auto pde = likelihood(R, pAt);
    const auto smooth = smoothness(p) * smoothScale_;
    if (verbose_ && (++calls_ % 200 == 0))
      std::fprintf(stderr, "fit: data %.4g pde %.4g smooth %.4g p mean %.4g\n",
                   dataLoss.item<double>(), pde.item<double>(), smooth.item<double>(),
                   p.mean().item<double>());
    return dataLoss + pde + o_.smoothWeight * smooth;
  }

  // Whether the data term is taken on random nodes of the whole grid (coordinate networks)
  // rather than on the window's block. Why: a 32² block's nodes are neighbours, so each step
  // pulls the network towards one patch and it forgets the others — seen on rd4, whose
  // phase-separated field the tanh MLP then never fitted (χ² 828 / 34 / 9.3 at 1 / 5 / 10 %
  // noise in 20 s; on 16 384 random nodes 1.96 / 1.04 / 1.01). A CNN sees the window's data
  // whole (its output at a node depends on its neighbours), so it keeps the window's term.
  bool randomNodes() const {
    return !series_ && !net_->onGrid() && o_.dataNodes > 0 && int64_t(T_) * H_ * W_ > o_.dataNodes;
  }

  // mean(((u − data)/σ)²) on o_.dataNodes nodes drawn uniformly from the whole grid.
  torch::Tensor dataLossAtRandomNodes() {
    const int64_t plane = int64_t(H_) * W_;
    const auto idx = torch::randint(int64_t(T_) * plane, {o_.dataNodes}, torch::kLong);
    const auto t = torch::div(idx, plane, "floor"),
               y = torch::div(idx.remainder(plane), W_, "floor"), x = idx.remainder(W_);
    const auto observed = data_.reshape({F_, -1}).index_select(1, idx).t();  // [P, F]
    return ((net_->atCoords(nodeCoords(x, y, t)) - observed) / float(sigma_)).pow(2).mean();
  }

  // Mean squared difference of p between grid neighbours (along x; along y too on a 2-D grid).
  static torch::Tensor smoothness(const torch::Tensor& p) {
    auto s =
        (p.index({Slice(), Slice(1, None)}) - p.index({Slice(), Slice(None, -1)})).pow(2).mean();
    if (p.size(0) > 1)
      s = s +
          (p.index({Slice(1, None), Slice()}) - p.index({Slice(None, -1), Slice()})).pow(2).mean();
    return s;
  }

  // The fields on the whole grid, added to the warmup's running sum (every kSnapshotEvery-th
  // step of its second half: a snapshot costs about one evaluation of the network on every
  // node). Why: the
  // prior's length is chosen on the fields' mean over those snapshots, not on the last step's,
  // whose SGD noise decided near-ties — heat's tanh MLP took 8ℓ₀ in one run of five of the same
  // cell (0.197 against 0.157–0.163); on the mean, both engines kept ℓ₀ in all 12 runs of three
  // seeds. Iterate averaging: the choice depends on where the fit is, not on where the wall
  // clock stopped it.
  void addSnapshot() {
    torch::NoGradGuard g;
    const auto u = wholeGrid().first;
    snapshotSum_ = snapshotSum_.defined() ? snapshotSum_ + u : u.clone();
    ++snapshots_;
  }

  // The prior's length by held-out frames, once the network has fitted the data alone (the end
  // of the warmup): its fields' residual — of their mean over the warmup's second half
  // (addSnapshot) — taken by the mollifier on the whole grid, is split
  // into early and late frames (a gap of the kernel's temporal reach between them), p is fitted
  // on one part with the fit's own p-loss and scored on the other, both ways, for ℓ = 1, 2, 4
  // and 8 kernel half-widths; the best ℓ is kept. Why: how far p must be smoothed depends on
  // how rough the network's fields are (seen in the suite: the tanh MLP on heat keeps ℓ₀, the
  // Fourier MLP's rougher fields take 8ℓ₀, the CNN's — the data's — longer as the noise grows),
  // which only the data can tell. The mollifier for both engines: this is the prior's choice,
  // not the PDE loss the engines are compared on, and autodiff on every node of the grid would
  // take minutes and tens of GB (rd4).
  void choosePrior() {
    priorChosen_ = true;
    if (series_) return;  // p varies along the series' only axis, time: no frames to hold out
    torch::NoGradGuard g;
    const auto fields = snapshots_ > 0 ? snapshotSum_ / double(snapshots_) : wholeGrid().first;
    snapshotSum_ = torch::Tensor();  // used once: not held through the rest of the fit
    const auto aff = model_.residual((*engine_)(fields), {}, false);
    const int nT = static_cast<int>(aff.A.size(0));
    const int half = (nT - 2 * o_.kernelHalfWidthT) / 2;
    if (half < 2) return;
    const auto frames = [&](int t0, int t1) {
      const auto part = [&](const torch::Tensor& x) {
        return x.defined() ? x.index({Slice(t0, t1)}) : x;
      };
      return models::PdeModel::Affine{part(aff.A), part(aff.B), part(aff.Bx), part(aff.By)};
    };
    const auto early = frames(0, half), late = frames(nT - half, nT);
    const std::array<std::pair<const models::PdeModel::Affine*, const models::PdeModel::Affine*>, 2>
        folds{{{&early, &late}, {&late, &early}}};
    double best = 1, bestScore = std::numeric_limits<double>::infinity();
    for (const double length : {1.0, 2.0, 4.0, 8.0}) {
      double score = 0;
      for (const auto& [fitOn, testOn] : folds) {
        const auto th = fitParameterOnly(*fitOn, length * length * smoothScale_);
        score += pLoss(*testOn, th).item<double>();
      }
      if (verbose_) std::fprintf(stderr, "fit: prior length x%g held-out %.6g\n", length, score);
      if (score < bestScore) bestScore = score, best = length;
    }
    smoothScale_ *= best * best;  // the GMRF's weight grows with the square of its length
    priorLength_ = best;
  }

  // mean(R²/s²(p)) of a residual on the mollifier's valid nodes, p = exp(theta).
  torch::Tensor pLoss(const models::PdeModel::Affine& a, const torch::Tensor& theta) const {
    const auto p = torch::exp(theta);
    const auto [gx, gy] = gradients(p, d_.dx);
    const auto crop = [&](const torch::Tensor& x) {
      return x.index({Slice(oY_, H_ - oY_), Slice(oX_, W_ - oX_)});
    };
    return likelihood(residualOf(a, crop(p), crop(gx), crop(gy)), crop(p));
  }

  // mean(R²/s²(p)) with p at R's nodes (s² floored, so a node where it vanishes cannot dominate).
  torch::Tensor likelihood(const torch::Tensor& R, const torch::Tensor& pAt) const {
    const auto variance =
        torch::clamp_min(residualVariance(pAt), 1e-6 * residualScale_ * residualScale_);
    return (R.pow(2) / variance).mean();
  }

  // log p minimizing pLoss + w_s·scale·smoothness for fixed fields (L-BFGS from the start p0).
  torch::Tensor fitParameterOnly(const models::PdeModel::Affine& a, double scale) const {
    torch::AutoGradMode on(true);
    auto th = torch::full({H_, W_}, std::log(p0_), torch::kFloat32).requires_grad_(true);
    // In units of the start's loss: L-BFGS's tolerances are absolute, and a fitted network's
    // residual is orders of magnitude below the raw data's noise s.
    const double unit = std::max(1e-30, pLoss(a, th).item<double>());
    torch::optim::LBFGS opt(
        {th}, torch::optim::LBFGSOptions(1).max_iter(400).line_search_fn("strong_wolfe"));
    opt.step([&] {
      opt.zero_grad();
      auto l = (pLoss(a, th) + o_.smoothWeight * scale * smoothness(torch::exp(th))) / unit;
      l.backward();
      return l;
    });
    return th.detach();
  }

  // s²(p): the residual's variance when the data move by their noise, at a parameter p (a
  // number, or a tensor of p at the residual's nodes).
  template <class P>
  P residualVariance(const P& p) const {
    return noiseAA_ + (2 * noiseAB_ + noiseBB_ * p) * p;
  }

  // (relative L2, Pearson) of p on the scored nodes: the project's one accuracy (compareMaps).
  std::pair<double, double> score() const {
    torch::NoGradGuard g;
    const MapAccuracy a = compareMaps(tensorToMat(torch::exp(theta_)), truthMat_, scoredMat_);
    return {a.relativeL2, a.pearson};
  }

  std::vector<torch::Tensor> state() {
    std::vector<torch::Tensor> s;
    for (auto& p : net_->parameters()) s.push_back(p.detach().clone());
    s.push_back(theta_.detach().clone());
    return s;
  }
  void restore(const std::vector<torch::Tensor>& s) {
    torch::NoGradGuard g;
    size_t i = 0;
    for (auto& p : net_->parameters()) p.copy_(s[i++]);
    theta_.copy_(s[i]);
  }

  const PdeFitData& d_;
  PdeFitOptions o_;
  const models::PdeModel& model_;
  bool series_ = false;
  torch::Tensor data_, theta_, scored_, truth_;
  cv::Mat truthMat_, scoredMat_;
  int F_ = 1, T_ = 1, H_ = 1, W_ = 1, oT_ = 0, oY_ = 0, oX_ = 0;
  double mean_ = 0, spread_ = 1, sigma_ = 1, p0_ = 1, residualScale_ = 1, smoothScale_ = 1;
  double noiseAA_ = 0, noiseAB_ = 0, noiseBB_ = 0;
  std::unique_ptr<FieldDerivativeEngine> engine_;
  FieldNetwork net_{nullptr};
  std::mt19937_64 rng_;
  // MOLLICHROM_FIT_VERBOSE=1: the start and the loss terms every 200 steps on stderr.
  bool verbose_ = std::getenv("MOLLICHROM_FIT_VERBOSE") != nullptr;

  int calls_ = 0;
  static constexpr int kSnapshotEvery = 10;  // steps between the warmup's field snapshots
  torch::Tensor snapshotSum_;  // the fields summed over the warmup's snapshots (addSnapshot)
  int snapshots_ = 0;
  bool priorChosen_ = false;
  double priorLength_ = 1;  // ℓ/ℓ₀ chosen by choosePrior
};

}  // namespace

PdeFitResult fitPde(const PdeFitData& data, const PdeFitOptions& options) {
  if (!data.model) throw std::invalid_argument("fitPde: no model");
  Fit fit(data, options);
  return fit.run();
}

}  // namespace mollichrom::train
