#include "core/train/Trainer.h"
#include "core/train/TrainingState.h"

#include "core/prep/NucleusLabels.h"

#include "core/models/ChromatinModel.h"
#include "core/runtime/ErrorText.h"
#include "core/train/AutodiffFields.h"
#include "core/train/FieldBundle.h"
#include "core/train/FieldDerivativeEngine.h"
#include "core/train/FieldNetwork.h"
#include "core/train/RateSolver.h"
#include "core/train/TensorConvert.h"
#include "core/train/Tiling.h"
#include "core/util/AtomicFile.h"
#include "core/util/Feedback.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <filesystem>
#include <random>

namespace mollichrom::train {

double snapshotBytesPerPixel(int frames, int haloT) {
  // Input, normalised input and correction (2T channels each, float32), two 32-channel
  // activations, and the derivatives of the frames the middle one reads.
  return 4.0 * (6 * frames + 2 * 32) + kDirectBytesPerNode * (2 * haloT + 1);
}

namespace {

using Clock = std::chrono::steady_clock;
using torch::indexing::None;
using torch::indexing::Slice;

struct Window {
  int y0, x0, h, w;
};

class Session {
 public:
  Session(const FieldBundle& data, const models::ParameterChoice& params, const TrainerConfig& cfg,
          const DirectEstimate& direct)
      : data_(data), params_(params), cfg_(cfg), model_(params.values), direct_(direct) {
    if (cfg.device == "cuda") {
      if (!torch::cuda::is_available())
        throw std::invalid_argument(
            "--device cuda: this LibTorch build has no CUDA device available");
      device_ = torch::kCUDA;
    }
    steady_ = direct.steady;
    MollifierSettings ms = cfg.mollifier;
    ms.halfWidthT = timeHalfWidthFor(data.frames, cfg.mollifier);
    engine_ =
        std::make_unique<FieldDerivativeEngine>(model_, ms, data.dx, data.dy, data.dt, !steady_);
    halo_ = engine_->haloXY();
    haloT_ = engine_->haloT();
    T_ = data.frames;
    H_ = data.height;
    W_ = data.width;
    torch::manual_seed(cfg.seed);
    rng_.seed(cfg.seed);
    dataT_ = data.fields.to(device_);  // [2, T, H, W] float32; shared with the bundle on the CPU
    sigma_ = data.noiseSigma;
    mean_ = dataT_.mean().item<double>();
    std_ = std::max(1e-6, dataT_.std().item<double>());
    region_ = prep::analysedRegion(data.mask, halo_);
    if (cv::countNonZero(region_) < 16)
      throw std::invalid_argument("the nucleus is too small for the derivative kernel");
    regionT_ = matToTensor(region_).to(device_, torch::kFloat32).gt(0.5);

    // λ starts at the direct estimate (NaN → its median), in log space for positivity.
    cv::Mat lam = direct.lambda.clone();
    std::vector<float> finite;
    for (int y = 0; y < lam.rows; ++y)
      for (int x = 0; x < lam.cols; ++x)
        if (std::isfinite(lam.at<float>(y, x))) finite.push_back(lam.at<float>(y, x));
    float med = 1.f;
    if (!finite.empty()) {
      std::nth_element(finite.begin(), finite.begin() + static_cast<long>(finite.size() / 2),
                       finite.end());
      med = finite[finite.size() / 2];
    }
    for (int y = 0; y < lam.rows; ++y)
      for (int x = 0; x < lam.cols; ++x) {
        float& v = lam.at<float>(y, x);
        v = std::log(std::clamp(std::isfinite(v) ? v : med, 0.02f, 50.f));
      }
    theta_ = matToTensor(lam).to(device_, torch::kFloat32).requires_grad_(true);
    freeM_ = !params.fixM && !steady_;
    freeG_ = !params.fixGamma && !steady_;
    logM_ = torch::full({}, std::log(direct.M), torch::dtype(torch::kFloat32).device(device_))
                .requires_grad_(freeM_);
    logG_ = torch::full({}, std::log(direct.gammaAc), torch::dtype(torch::kFloat32).device(device_))
                .requires_grad_(freeG_);

    if (cfg.arch == Arch::Cnn && cfg.engine == Engine::Autodiff)
      throw std::invalid_argument(
          "--engine autodiff needs a coordinate network (--arch mlp or fourier-mlp): a CNN's "
          "output has no derivative with respect to coordinates");
    FieldNetworkOptions no;
    no.arch = cfg.arch;
    no.fields = 2;
    no.frames = T_;
    no.coordDims = 3;
    no.span = {W_ * data.dx, H_ * data.dy, std::max(1, T_ - 1) * data.dt};
    no.mean = mean_;
    no.spread = std_;
    no.sigma = sigma_;
    net_ = FieldNetwork(no);
    net_->to(device_);
    // One module holds what is learnt (checkpoints are torch::save of it); the handles above
    // are the same tensors.
    state_ = TrainingState(theta_, logM_, freeM_, logG_, freeG_, net_);
    state_->setDataFingerprint(fingerprintOf(data.fields));

    // Residual scale: the reaction term's size at the direct estimate, so w_pde = 1 means
    // "residual errors count like data errors of one σ when they reach the reaction's size / 30".
    scale_ = std::max(1e-6, direct.reactionRms / 30.0);
    const std::int64_t cells = std::int64_t(T_) * H_ * W_;
    patch_ = cfg.patch > 0 ? cfg.patch : (cells <= 600'000 ? 0 : 64);
    if (patch_ > 0) patch_ = std::max(patch_, 2 * halo_ + 8);
    if (patch_ >= std::min(H_, W_)) patch_ = 0;
  }

  std::vector<torch::Tensor> parameters(bool nets) {
    std::vector<torch::Tensor> p;
    if (nets)
      for (auto& t : net_->parameters()) p.push_back(t);
    return p;
  }

  std::vector<torch::Tensor> rateParameters() {
    std::vector<torch::Tensor> p{theta_};
    if (freeM_) p.push_back(logM_);
    if (freeG_) p.push_back(logG_);
    return p;
  }

  models::Scalars scalars() { return {{"M", torch::exp(logM_)}, {"gamma_ac", torch::exp(logG_)}}; }

  Window sampleWindow() {
    if (patch_ == 0) return {0, 0, H_, W_};
    // Patches centred on the analysed region (uniform over its pixels).
    if (regionPixels_.empty())
      for (int y = 0; y < H_; ++y)
        for (int x = 0; x < W_; ++x)
          if (region_.at<std::uint8_t>(y, x)) regionPixels_.emplace_back(x, y);
    const auto& c =
        regionPixels_[std::uniform_int_distribution<size_t>(0, regionPixels_.size() - 1)(rng_)];
    const int y0 = std::clamp(c.y - patch_ / 2, 0, H_ - patch_),
              x0 = std::clamp(c.x - patch_ / 2, 0, W_ - patch_);
    return {y0, x0, patch_, patch_};
  }

  torch::Tensor coordsGrid(const Window& w, bool requireGrad, int t0 = 0, int nt = -1) const {
    // Physical coordinates (µm, µm, s) of every node of the window, t slowest.
    auto ys = torch::arange(w.y0, w.y0 + w.h, torch::kFloat32) * data_.dy;
    auto xs = torch::arange(w.x0, w.x0 + w.w, torch::kFloat32) * data_.dx;
    auto ts = torch::arange(t0, nt < 0 ? T_ : t0 + nt, torch::kFloat32) * data_.dt;
    auto g = torch::meshgrid({ts, ys, xs}, "ij");
    auto c = torch::stack({g[2].flatten(), g[1].flatten(), g[0].flatten()}, 1).to(device_);
    return requireGrad ? c.requires_grad_(true) : c;
  }

  // u on the window [2, T, h, w] and the data loss.
  std::pair<torch::Tensor, torch::Tensor> fields(const Window& w) {
    const auto d =
        dataT_.index({Slice(), Slice(), Slice(w.y0, w.y0 + w.h), Slice(w.x0, w.x0 + w.w)});
    return net_->window(d, net_->onGrid() ? torch::Tensor() : coordsGrid(w, false));
  }

  struct Losses {
    torch::Tensor total, data, pde, smooth;
  };

  torch::Tensor smoothness(const Window& w) {
    const auto lam = torch::exp(theta_.index({Slice(w.y0, w.y0 + w.h), Slice(w.x0, w.x0 + w.w)}));
    const auto reg = regionT_.index({Slice(w.y0, w.y0 + w.h), Slice(w.x0, w.x0 + w.w)});
    const auto mx = reg.index({Slice(), Slice(1, None)}) & reg.index({Slice(), Slice(None, -1)});
    const auto my = reg.index({Slice(1, None), Slice()}) & reg.index({Slice(None, -1), Slice()});
    const auto dx =
        (lam.index({Slice(), Slice(1, None)}) - lam.index({Slice(), Slice(None, -1)})).pow(2);
    const auto dy =
        (lam.index({Slice(1, None), Slice()}) - lam.index({Slice(None, -1), Slice()})).pow(2);
    const auto n = (mx.sum() + my.sum()).clamp_min(1);
    return ((dx * mx).sum() + (dy * my).sum()) / n;
  }

  Losses losses(const Window& w, double pdeRamp) {
    Losses L;
    torch::Tensor residualSq, count;
    if (cfg_.engine == Engine::Autodiff) {
      auto [u, dataLoss] = fields(w);
      L.data = dataLoss;
      // Derivatives by nested autograd at a random subset of region points of the window.
      std::vector<std::int64_t> pick;
      for (int t = haloT_; t < T_ - haloT_; ++t)
        for (int y = w.y0; y < w.y0 + w.h; ++y)
          for (int x = w.x0; x < w.x0 + w.w; ++x)
            if (region_.at<std::uint8_t>(y, x)) pick.push_back((std::int64_t(t) * H_ + y) * W_ + x);
      std::shuffle(pick.begin(), pick.end(), rng_);
      pick.resize(std::min<size_t>(pick.size(), 2048));
      auto idx = torch::tensor(pick, torch::kLong);
      const auto t = (idx / (H_ * W_)).to(torch::kFloat32),
                 y = ((idx / W_) % H_).to(torch::kFloat32), x = (idx % W_).to(torch::kFloat32);
      auto coords = torch::stack({x * float(data_.dx), y * float(data_.dy), t * float(data_.dt)}, 1)
                        .to(device_);
      coords.requires_grad_(true);
      const auto d =
          autodiffDerivatives(model_, model_.operators(!steady_), coords, net_->atCoords(coords));
      const auto aff = model_.residual(d, scalars(), steady_);
      const auto lam =
          torch::exp(theta_.flatten().index({(idx % (H_ * W_)).to(device_)})).reshape({-1, 1, 1});
      residualSq = (aff.A + aff.B * lam).pow(2);
      count = torch::full({}, double(pick.size()));
      L.pde = residualSq.sum() / count.clamp_min(1) / (scale_ * scale_);
    } else {
      auto [u, dataLoss] = fields(w);
      L.data = dataLoss;
      const auto d = (*engine_)(u);
      const auto aff = model_.residual(d, scalars(), steady_);
      const int h = halo_;
      const auto lam = torch::exp(
          theta_.index({Slice(w.y0 + h, w.y0 + w.h - h), Slice(w.x0 + h, w.x0 + w.w - h)}));
      const auto reg =
          regionT_.index({Slice(w.y0 + h, w.y0 + w.h - h), Slice(w.x0 + h, w.x0 + w.w - h)});
      const auto r = aff.A + aff.B * lam;
      const auto n = reg.sum().clamp_min(1) * r.size(0);
      L.pde = (r.pow(2) * reg).sum() / n / (scale_ * scale_);
    }
    L.smooth = smoothness(w);
    // The smoothness prior is scaled with the residual level (a discrepancy principle): as the
    // field network explains more of the residual, a fixed weight would flatten λ more and more
    // (measured: λ contrast fell to 0.6 of the truth over a 120 s run with a fixed weight).
    const double pdeNow = L.pde.item<double>();
    if (pde0_ <= 0 && std::isfinite(pdeNow) && pdeNow > 0) pde0_ = pdeNow;
    const double smoothScale =
        pde0_ > 0 && std::isfinite(pdeNow) ? std::clamp(pdeNow / pde0_, 0.01, 1.0) : 1.0;
    L.total = cfg_.dataWeight * wData_ * L.data + pdeRamp * cfg_.pdeWeight * wPde_ * L.pde +
              cfg_.smoothWeight * smoothScale * L.smooth;
    if (cfg_.scalarPriorSigma > 0) {
      const double s2 = cfg_.scalarPriorSigma * cfg_.scalarPriorSigma;
      if (freeM_) L.total = L.total + (logM_ - std::log(direct_.M)).pow(2) / s2;
      if (freeG_) L.total = L.total + (logG_ - std::log(direct_.gammaAc)).pow(2) / s2;
    }
    return L;
  }

  // Fields, derivatives and residual of the middle frame for snapshots (no gradients), in
  // tiles: the network runs on each tile's source grown by its receptive field and the
  // derivatives on the few frames the middle one reads, so nothing of the whole grid × frames
  // × operators is ever held. Tiles are exact (Tiling.h), so the picture has no seams.
  Snapshot snapshot() {
    torch::NoGradGuard g;
    Snapshot s;
    s.lambda = lambdaMap();
    s.M = std::exp(logM_.item<double>());
    s.gammaAc = std::exp(logG_.item<double>());
    const int h = halo_;
    const int validT = steady_ ? T_ : T_ - 2 * haloT_;
    const int f0 = validT / 2,
              nf = steady_ ? 1 : 2 * haloT_ + 1;  // input frames read by the middle one
    const cv::Rect image(0, 0, W_, H_);
    for (const Tile& tile : makeTiles(H_, W_, h, snapshotTile())) {
      const int margin = net_->margin();
      const cv::Rect net =
          cv::Rect(tile.source.x - margin, tile.source.y - margin, tile.source.width + 2 * margin,
                   tile.source.height + 2 * margin) &
          image;
      torch::Tensor u;
      const Window nw{net.y, net.x, net.height, net.width};
      if (net_->onGrid())
        u = fields(nw).first.narrow(1, f0, nf);
      else
        u = net_->atCoords(coordsGrid(nw, false, f0, nf))
                .t()
                .reshape({2, nf, net.height, net.width});
      u = u.narrow(2, tile.source.y - net.y, tile.source.height)
              .narrow(3, tile.source.x - net.x, tile.source.width);
      const auto d = (*engine_)(u);
      auto shown = model_.displayFields(d, scalars());
      const auto aff = model_.residual(d, scalars(), steady_);
      const cv::Rect& in = tile.interior;
      shown["residual"] = aff.A + aff.B * torch::exp(theta_.index({Slice(in.y, in.y + in.height),
                                                                   Slice(in.x, in.x + in.width)}));
      for (auto& [name, t] : shown) {
        auto it = s.fields.find(name);
        if (it == s.fields.end())
          it = s.fields.emplace(name, cv::Mat(H_, W_, CV_32F, cv::Scalar(std::nanf("")))).first;
        tensorToMat(t[0].cpu()).copyTo(it->second(in));
      }
    }
    return s;
  }

  int snapshotTile() const {
    return tileSizeFor(H_, W_, 1, halo_ + net_->margin(), snapshotBytesPerPixel(T_, haloT_),
                       kDefaultTileBudgetBytes);
  }

  cv::Mat lambdaMap() {
    torch::NoGradGuard g;
    cv::Mat lam = tensorToMat(torch::exp(theta_).cpu());
    lam.setTo(std::nanf(""), region_ == 0);
    return lam;
  }

  void balanceWeights(const Window& w) {
    // Gradient-norm balancing (as in Wang et al. 2021): data and PDE terms pull equally hard.
    auto params = parameters(true);
    for (auto& p : rateParameters()) params.push_back(p);
    auto gradNorm = [&](const torch::Tensor& loss) {
      auto g = torch::autograd::grad({loss}, params, {}, true, false, true);
      double s = 0;
      for (auto& t : g)
        if (t.defined()) s += t.pow(2).sum().item<double>();
      return std::sqrt(s);
    };
    const Losses L = losses(w, 1.0);
    const double gd = gradNorm(L.data), gp = gradNorm(L.pde);
    if (gd > 0 && gp > 0) wPde_ = 0.9 * wPde_ + 0.1 * std::clamp(gd / gp, 1e-3, 1e3);
  }

  void save(const std::string& dir, int step, const std::vector<LossRecord>& history,
            torch::optim::Optimizer& opt) {
    state_->setStep(step);
    state_->setPdeWeight(wPde_);
    state_->setHistory(history);
    saveCheckpoint(dir, state_, opt);
  }

  int load(const std::string& dir, std::vector<LossRecord>& history, torch::optim::Optimizer& opt) {
    loadCheckpoint(dir, state_, opt, H_, W_);
    wPde_ = state_->pdeWeight();
    history = state_->history();
    return state_->step();
  }

  std::vector<torch::Tensor> snapshotState() {
    std::vector<torch::Tensor> s;
    for (auto& p : parameters(true)) s.push_back(p.detach().clone());
    for (auto& p : {theta_, logM_, logG_}) s.push_back(p.detach().clone());
    return s;
  }
  void restoreState(const std::vector<torch::Tensor>& s) {
    torch::NoGradGuard g;
    auto ps = parameters(true);
    size_t i = 0;
    for (auto& p : ps) p.copy_(s[i++]);
    for (auto* p : {&theta_, &logM_, &logG_}) p->copy_(s[i++]);
  }

  bool freeM_ = false, freeG_ = false, steady_ = false;
  int halo_ = 0, haloT_ = 0, T_ = 0, H_ = 0, W_ = 0, patch_ = 0;
  double wPde_ = 1.0, wData_ = 1.0;
  double sigma_ = 1, scale_ = 1, pde0_ = 0;
  cv::Mat region_;
  torch::Tensor theta_, logM_, logG_;
  FieldNetwork net_{nullptr};
  TrainingState state_{nullptr};

 private:
  const FieldBundle& data_;
  models::ParameterChoice params_;
  TrainerConfig cfg_;
  models::ChromatinModel model_;
  DirectEstimate direct_;
  std::unique_ptr<FieldDerivativeEngine> engine_;
  torch::Device device_{torch::kCPU};
  std::mt19937_64 rng_;
  torch::Tensor dataT_, regionT_;
  double mean_ = 0, std_ = 1;
  std::vector<cv::Point> regionPixels_;
};

// The direct estimate becomes the reported λ, with its band, region and the scalars λ = κ/Γ_ac
// was computed with (so the map and the numbers beside it belong together).
void takeDirectAsAnswer(InferenceResult& r) {
  r.answer = Answer::Direct;
  r.lambda = r.direct.lambda;
  r.lambdaLow = r.direct.lambdaLow;
  r.lambdaHigh = r.direct.lambdaHigh;
  r.region = r.direct.region;
  r.M = r.direct.M;
  r.gammaAc = r.direct.gammaAc;
}

InferenceResult runInferenceImpl(const prep::FieldData& data, const models::ParameterChoice& params,
                                 const TrainerConfig& cfg, util::Feedback* feedback,
                                 const SnapshotFn& onSnapshot) {
  const auto start = Clock::now();
  double pausedSeconds =
      0;  // time spent paused counts neither towards the budget nor the losses' clock
  auto elapsed = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count() - pausedSeconds;
  };
  InferenceResult result;
  const FieldBundle bundle = FieldBundle::from(data);  // the one tensor copy of the fields
  // Does the model fit at the reported λ (FitQuality.h): on the answer's kernel and scalars.
  auto assessResult = [&](InferenceResult& r) {
    if (r.lambda.empty()) return;
    if (feedback) feedback->setProgress(0, "checking the fit");
    const int width = chosenHalfWidthXY(r.direct, cfg.directMollifier);
    r.fit = assessFit(bundle, params.values, r.M, r.gammaAc, cfg.directMollifier, width, r.lambda,
                      r.region);
    // Per nucleus (the table's verdict column): one nucleus may be fine and another not.
    r.nucleusFit.clear();
    const prep::NucleusLabels labels = prep::labelNuclei(data.mask);
    if (labels.nuclei.size() > 1)
      for (const auto& n : labels.nuclei)
        r.nucleusFit.push_back(assessFit(bundle, params.values, r.M, r.gammaAc, cfg.directMollifier,
                                         width, r.lambda, r.region & (labels.labels == n.label)));
    else
      r.nucleusFit.push_back(r.fit);
  };
  try {
    result.direct = cfg.knownDirect ? *cfg.knownDirect
                                    : estimateDirect(bundle, params, cfg.directMollifier, feedback,
                                                     cfg.tileSize);
  } catch (const util::Canceled&) {
    result.canceled = true;
    result.stopReason = "canceled";
    result.seconds = elapsed();
    return result;
  }
  result.steady = result.direct.steady;
  result.freeM = !params.fixM && !result.steady;
  result.freeGamma = !params.fixGamma && !result.steady;
  if (cfg.engine == Engine::Direct) {
    takeDirectAsAnswer(result);
    result.stopReason = "direct";
    assessResult(result);
    result.seconds = elapsed();
    return result;
  }

  Session s(bundle, params, cfg, result.direct);
  const int maxSteps = cfg.steps > 0 ? cfg.steps : kDefaultSteps;
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto netParams = s.parameters(true);
  groups.emplace_back(netParams, std::make_unique<torch::optim::AdamOptions>(cfg.learningRate));
  groups.emplace_back(std::vector<torch::Tensor>{s.theta_},
                      std::make_unique<torch::optim::AdamOptions>(cfg.lambdaLearningRate));
  auto scalarParams = s.rateParameters();
  scalarParams.erase(scalarParams.begin());  // θ has its own group
  groups.emplace_back(scalarParams,
                      std::make_unique<torch::optim::AdamOptions>(cfg.scalarLearningRate));
  torch::optim::Adam adam(groups, torch::optim::AdamOptions(cfg.learningRate));
  std::vector<double> baseLr{cfg.learningRate, cfg.lambdaLearningRate, cfg.scalarLearningRate};

  int step = 0;
  if (cfg.resume) {
    if (cfg.checkpointDir.empty()) throw std::invalid_argument("--resume needs --checkpoint DIR");
    step = s.load(cfg.checkpointDir, result.losses, adam);
  }
  const double resumedSeconds = result.losses.empty() ? 0.0 : result.losses.back().seconds;
  auto good = s.snapshotState();
  double lrFactor = 1.0, lastSnapshot = -1e9, snapshotCost = 0;
  const bool ramp = cfg.arch != Arch::Cnn && cfg.engine != Engine::Autodiff;
  result.stopReason = "steps";
  const int firstStep = step;
  const double loopStart = elapsed();
  while (step < maxSteps) {
    if (feedback) pausedSeconds += feedback->waitWhilePaused();
    const double t = elapsed();
    if (cfg.timeBudget > 0 && t >= cfg.timeBudget) {
      result.stopReason = "time budget";
      break;
    }
    if (feedback && feedback->isCanceled()) {
      result.canceled = true;
      result.stopReason = "canceled";
      break;
    }
    // Progress (and the schedule) follow whichever limit is nearer: steps or time budget.
    const double fraction =
        std::max(double(step) / maxSteps, cfg.timeBudget > 0 ? t / cfg.timeBudget : 0.0);
    // Cosine schedule to 10% of the base rate.
    const double sched =
        0.1 + 0.9 * 0.5 * (1 + std::cos(3.14159265358979323846 * std::min(1.0, fraction)));
    const bool ratesFrozen = fraction < cfg.rateWarmup;
    for (size_t g = 0; g < adam.param_groups().size(); ++g)
      static_cast<torch::optim::AdamOptions&>(adam.param_groups()[g].options())
          .lr(g >= 1 && ratesFrozen ? 0.0 : baseLr[g] * sched * lrFactor);
    const Window w = s.sampleWindow();
    if (cfg.adaptiveWeights && step % 50 == 0 && step > 0) s.balanceWeights(w);
    adam.zero_grad();
    const double pdeRamp =
        ramp ? std::min(1.0, (step - firstStep + 1) / (0.2 * std::min(maxSteps, 1000))) : 1.0;
    auto L = s.losses(w, pdeRamp);
    if (step == cfg.injectNanAtStep) L.total = L.total * std::nan("");
    const double total = L.total.item<double>();
    if (!std::isfinite(total)) {
      // Roll back to the last good state, halve the rate, go on.
      s.restoreState(good);
      lrFactor *= 0.5;
      ++result.nanRecoveries;
      if (result.nanRecoveries > 8)
        throw DivergedError("training diverged: the loss stayed non-finite after " +
                            std::to_string(result.nanRecoveries) + " rollbacks");
      adam.state().clear();
      ++step;
      continue;
    }
    L.total.backward();
    adam.step();
    ++step;
    if (step % 20 == 0) good = s.snapshotState();
    LossRecord r{step,
                 resumedSeconds + t,
                 total,
                 L.data.item<double>(),
                 L.pde.item<double>(),
                 L.smooth.item<double>(),
                 std::exp(s.logM_.item<double>()),
                 std::exp(s.logG_.item<double>()),
                 baseLr[0] * sched * lrFactor};
    result.losses.push_back(r);
    if (!cfg.checkpointDir.empty() && step % cfg.checkpointEvery == 0)
      s.save(cfg.checkpointDir, step, result.losses, adam);
    if (feedback) feedback->setProgress(std::min(1.0, fraction), "training");
    // A snapshot is a pass over the whole field; on big fields it costs many steps, so they are
    // spaced to take at most a fifth of the run (an interval of 0 asks for one every step).
    if (onSnapshot &&
        (cfg.snapshotInterval <= 0 ||
         elapsed() - lastSnapshot >= std::max(cfg.snapshotInterval, 4 * snapshotCost))) {
      lastSnapshot = elapsed();
      Snapshot snap = s.snapshot();
      snapshotCost = elapsed() - lastSnapshot;
      snap.step = step;
      snap.totalSteps = maxSteps == INT_MAX ? 0 : maxSteps;
      snap.seconds = elapsed();
      snap.fraction = double(step) / maxSteps;
      if (cfg.timeBudget > 0)
        snap.fraction = std::max(snap.fraction, snap.seconds / cfg.timeBudget);
      snap.fraction = std::min(1.0, snap.fraction);
      snap.eta = remainingSeconds(elapsed() - loopStart, step - firstStep, maxSteps - step,
                                  cfg.timeBudget > 0 ? cfg.timeBudget - elapsed() : -1);
      snap.losses = result.losses;
      onSnapshot(snap);
    }
  }
  if (cfg.lbfgsFinish && !result.canceled) {
    // Fields fixed, polish λ and the scalars.
    torch::optim::LBFGS lbfgs(s.rateParameters(), torch::optim::LBFGSOptions(0.5).max_iter(40));
    const Window all{0, 0, s.H_, s.W_};
    auto closure = [&] {
      lbfgs.zero_grad();
      auto L = s.losses(all, 1.0);
      auto loss = cfg.pdeWeight * s.wPde_ * L.pde + cfg.smoothWeight * L.smooth;
      loss.backward();
      return loss;
    };
    lbfgs.step(closure);
  }
  if (!cfg.checkpointDir.empty()) s.save(cfg.checkpointDir, step, result.losses, adam);
  result.lambda = s.lambdaMap();
  result.region = s.region_;
  result.M = std::exp(s.logM_.item<double>());
  result.gammaAc = std::exp(s.logG_.item<double>());
  const Answer answer = resolveAnswer(cfg.answer);
  result.answer = Answer::Trained;
  if (answer == Answer::Solve && !result.canceled) {
    // The answer: λ minimising the mollified residual under its prior, α by the discrepancy
    // principle (RateSolver.h) — a minimiser, so it does not depend on how long the network
    // trained; the trained λ only warm-starts it.
    try {
      // The solve's kernel: the width the direct estimate chose from the data (its error
      // estimate is the same trade-off of noise against blur).
      MollifierSettings solveKernel = cfg.directMollifier;
      solveKernel.halfWidthXY = chosenHalfWidthXY(result.direct, cfg.directMollifier);
      result.solve = solveRates(bundle, params.values, result.M, result.gammaAc, solveKernel,
                                result.direct.region, result.lambda, cfg.rateSolve, feedback);
      result.solve.kernelHalfWidthXY = solveKernel.halfWidthXY;
      result.trainedLambda = result.lambda;
      result.lambda = result.solve.lambda;
      result.lambdaLow = result.solve.lambdaLow;
      result.lambdaHigh = result.solve.lambdaHigh;
      result.region = result.direct.region;
      result.solved = true;
      result.answer = Answer::Solve;
    } catch (const util::Canceled&) {
      result.canceled = true;
      result.stopReason = "canceled";
    }
  }
  if (answer == Answer::Direct) {
    // The network trained (its fields, derivatives and loss curves are shown and kept), but
    // its λ did not beat the direct estimate on the suite: that is the answer (Answer.h).
    result.trainedLambda = result.lambda;
    takeDirectAsAnswer(result);
  }
  result.steps = step;
  if (!result.canceled) assessResult(result);
  result.seconds = elapsed();
  if (onSnapshot && !result.canceled) {  // a canceled run returns at once
    Snapshot snap = s.snapshot();
    snap.step = step;
    snap.seconds = result.seconds;
    snap.fraction = 1.0;
    snap.losses = result.losses;
    onSnapshot(snap);
  }
  return result;
}

}  // namespace

namespace {

// A map that is mostly NaN where λ was to be estimated is no answer: it fails the run with
// one line instead of passing as "done" (a batch would count it, collect a NaN median).
// Half: a legitimate estimate leaves only scattered pixels without a value (where φ_e
// vanishes), never most of the region.
void refuseMostlyNonFinite(const InferenceResult& r) {
  if (r.canceled || r.lambda.empty() || r.region.empty()) return;
  const int analysed = cv::countNonZero(r.region);
  if (analysed == 0) return;
  int finite = 0;
  for (int y = 0; y < r.lambda.rows; ++y)
    for (int x = 0; x < r.lambda.cols; ++x)
      finite += r.region.at<std::uint8_t>(y, x) && std::isfinite(r.lambda.at<float>(y, x));
  if (2 * finite >= analysed) return;
  throw util::ComputeError("lambda has a value at only " + std::to_string(finite) + " of the " +
                           std::to_string(analysed) +
                           " analysed nucleus pixels: the fields hold values the model cannot "
                           "use (check the input for NaN, infinite or constant planes)");
}

}  // namespace

double remainingSeconds(double loopSeconds, int stepsDone, int stepsLeft, double budgetLeft) {
  const double eta = loopSeconds / std::max(1, stepsDone) * std::max(0, stepsLeft);
  return budgetLeft >= 0 ? std::min(eta, budgetLeft) : eta;
}

InferenceResult runInference(const prep::FieldData& data, const models::ParameterChoice& params,
                             const TrainerConfig& cfg, util::Feedback* feedback,
                             const SnapshotFn& onSnapshot) {
  return translatingErrors([&] {
    InferenceResult r = runInferenceImpl(data, params, cfg, feedback, onSnapshot);
    refuseMostlyNonFinite(r);
    // A scalar the data do not determine is not a result: the trained value moves
    // only within its prior around the direct estimate's, so the direct estimate's verdict holds.
    r.inferredM = r.freeM && r.direct.estimatedM;
    r.inferredGamma = r.freeGamma && r.direct.estimatedGammaAc;
    const int width = chosenHalfWidthXY(r.direct, cfg.directMollifier);
    if (data.counts.used && !r.canceled && !r.lambda.empty()) {
      r.sensitivity =
          shareSensitivity(data, r.lambda, params, r.M, r.gammaAc, cfg.directMollifier, width);
    }
    return r;
  });
}

}  // namespace mollichrom::train
