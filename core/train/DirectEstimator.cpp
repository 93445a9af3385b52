#include "core/train/DirectEstimator.h"

#include "core/models/ChromatinModel.h"
#include "core/runtime/ErrorText.h"
#include "core/train/FieldBundle.h"
#include "core/train/HashedNoise.h"
#include "core/train/ModelTerms.h"
#include "core/train/TensorConvert.h"
#include "core/train/Tiling.h"
#include "core/util/Feedback.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace mollichrom::train {

int chosenHalfWidthXY(const DirectEstimate& d, const MollifierSettings& s) {
  return d.kernelRule == "fixed" ? s.halfWidthXY : static_cast<int>(d.kernelMedian);
}

int timeHalfWidthFor(int frames, const MollifierSettings& s) {
  if (frames < 3) return 0;
  return std::max(1, std::min(s.halfWidthT, (frames - 1) / 2));
}

namespace {

using torch::indexing::Slice;

struct ScalarFit {
  double M, G;
  bool ok;
};

// The projected normal-equation entries of the (M, Γ) problem, Γλ eliminated per pixel. Sums
// over pixels, so tiles add up.
struct Normal {
  double LL = 0, hh = 0, Lh = 0, aL = 0, ah = 0;
  Normal& operator+=(const Normal& o) {
    LL += o.LL;
    hh += o.hh;
    Lh += o.Lh;
    aL += o.aL;
    ah += o.ah;
    return *this;
  }
};

Normal normalEntries(const models::ChromatinModel::Terms& t, const torch::Tensor& region) {
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  const auto ee = dot(t.e, t.e).clamp_min(1e-12);
  auto proj = [&](const torch::Tensor& x, const torch::Tensor& y) {
    return dot(x, y) - dot(t.e, x) * dot(t.e, y) / ee;
  };
  const auto sumR = [&](const torch::Tensor& x) {
    return x.masked_select(region).sum().item<double>();
  };
  return {sumR(proj(t.L, t.L)), sumR(proj(t.h, t.h)), sumR(proj(t.L, t.h)), sumR(proj(t.a, t.L)),
          sumR(proj(t.a, t.h))};
}

// r = P a − M P L + 2Γ P h, minimised over the free ones.
ScalarFit solveScalars(const Normal& n, double M, double G, bool freeM, bool freeG) {
  if (freeM && freeG) {
    const double a11 = n.LL, a12 = -2 * n.Lh, a22 = 4 * n.hh, b1 = n.aL, b2 = -2 * n.ah;
    const double det = a11 * a22 - a12 * a12;
    if (!(std::abs(det) > 1e-30) || !(a11 > 0) || !(a22 > 0)) return {M, G, false};
    return {(b1 * a22 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det, true};
  }
  if (freeM) return {(n.aL + 2 * G * n.Lh) / n.LL, G, n.LL > 0};
  if (freeG) return {M, -(n.ah - M * n.Lh) / (2 * n.hh), n.hh > 0};
  return {M, G, true};
}

// The region's pixels inside a tile's interior, as a bool tensor [h, w].
torch::Tensor regionOf(const cv::Mat& region, const cv::Rect& interior) {
  return matToTensor(region(interior)).gt(0);
}

int chooseTile(const FieldBundle& b, int halo, int requested) {
  if (requested > 0) return requested;
  return tileSizeFor(b.height, b.width, b.frames, halo, kDirectBytesPerNode,
                     kDefaultTileBudgetBytes);
}

constexpr std::uint64_t kSimexSeed = 20261127;
constexpr int kSimexReps = 4;
// Synthetic-noise repetitions of the kernel choice and of the band, and the 90 % band's half-
// width in sd. Both average over many pixels (the risk over the nuclei, the band's variance over
// the kernel's support), so one or two realizations suffice; each costs a pass of the estimate.
constexpr int kSelectionReps = 2;
constexpr int kBandReps = 1;
constexpr double kBand90 = 1.645;
// The kernel choice reads at most this many pixel-frames of nucleus, in tiles of this edge.
constexpr int64_t kSelectionNodes = 1'000'000;
constexpr int kSelectionTile = 64;

// The ladder of space half-widths the adaptive kernel chooses from: ~25 % steps.
std::vector<int> kernelLadder(const MollifierSettings& s) {
  // ~25 % steps up to 8 px, then 2 px: the error curve is flat there and a coarse step skips
  // its minimum (a ladder 10 → 13 → 16 lost the 12 px rung and moved choices).
  std::vector<int> k;
  for (int r = s.minHalfWidthXY; r <= s.maxHalfWidthXY;
       r = r < 8 ? std::max(r + 1, static_cast<int>(std::lround(r * 1.25))) : r + 2)
    k.push_back(r);
  return k;
}

// λ = κ/Γ from the per-pixel normal equation over the frames, on `region` (NaN elsewhere),
// tile by tile with the fields mirrored at the image border (ModelTerms::mirrorXY).
struct LambdaPass {
  double M, G;
  int tileSize;
  util::Feedback* feedback;
  int tiles = 0;
  double residualSum = 0, reactionSum = 0;
  int64_t regionCount = 0, validCount = 0;

  cv::Mat run(const FieldBundle& data, const ModelTerms& engine, const cv::Mat& region) {
    const int H = data.height, W = data.width;
    const auto tileList = makeTiles(H, W, engine.haloXY(), tileSize, engine.mirrorXY());
    tiles = static_cast<int>(tileList.size());
    cv::Mat full(H, W, CV_32F, cv::Scalar(std::nanf("")));
    auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
    for (const Tile& tile : tileList) {
      if (feedback) feedback->throwIfCanceled();
      const auto reg = regionOf(region, tile.interior);
      if (!reg.any().item<bool>()) continue;
      const auto t = engine(data.window(tile.source, torch::kFloat64));
      const auto ee = dot(t.e, t.e).clamp_min(1e-12);
      const auto kappa = dot(t.e, t.a - M * t.L + 2 * G * t.h) / (2 * ee);
      auto lambda = (kappa / G).clamp_min(0.0);
      const auto resid = t.a - M * t.L - 2 * G * (lambda.unsqueeze(0) * t.e - t.h);
      reactionSum += (2 * G * t.h).pow(2).sum().item<double>();
      validCount += t.h.numel();
      residualSum += (resid * resid).mean(0).masked_select(reg).sum().item<double>();
      regionCount += reg.sum().item<int64_t>();
      lambda = torch::where(reg, lambda, torch::full_like(lambda, std::nan("")));
      tensorToMat(lambda).copyTo(full(tile.interior));
    }
    return full;
  }
};

// The window a tile interior's λ reads at this kernel.
cv::Rect sourceOf(const ModelTerms& engine, const cv::Rect& interior) {
  const int k = engine.haloXY();
  return {interior.x - k, interior.y - k, interior.width + 2 * k, interior.height + 2 * k};
}

// The direct estimate's λ from a window's fields, unclamped: [h, w] float64.
torch::Tensor lambdaOfFields(const ModelTerms& engine, const torch::Tensor& fields, double M,
                             double G) {
  const auto t = engine(fields);
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  const auto ee = dot(t.e, t.e).clamp_min(1e-12);
  return dot(t.e, t.a - M * t.L + 2 * G * t.h) / (2 * ee * G);
}

// The direct estimate's λ on a tile interior from the window around it (noisy when sigma > 0),
// unclamped: [h, w] float64.
torch::Tensor lambdaOnTile(const FieldBundle& data, const ModelTerms& engine,
                           const cv::Rect& interior, double M, double G, std::uint64_t seed,
                           double sigma) {
  const cv::Rect source = sourceOf(engine, interior);
  return lambdaOfFields(engine,
                        sigma > 0 ? data.noisyWindow(source, torch::kFloat64, seed)
                                  : data.window(source, torch::kFloat64),
                        M, G);
}

std::uint64_t repSeed(int r) { return kSimexSeed + 101 + std::uint64_t(r); }

struct Selection {
  std::vector<double> risk, variance;
  size_t best = 0;
  int64_t pixels = 0;
};

// The tiles the kernel choice and the noise split read: the richest in nucleus, ~kSelectionNodes
// pixel-frames of them.
std::vector<std::pair<int, Tile>> selectionTiles(const FieldBundle& data, const ModelTerms& engine,
                                                 const cv::Mat& region) {
  return richestTiles(region, engine.haloXY(), kSelectionTile, engine.mirrorXY(), data.frames,
                      kSelectionNodes);
}

// The estimated risk of every width (DirectEstimator's kernel rule) over the region where all
// of them fit, on at most ~kSelectionNodes pixel-frames of it (the tiles richest in nucleus).
Selection selectKernel(const FieldBundle& data, const std::vector<std::unique_ptr<ModelTerms>>& e,
                       const cv::Mat& region, double M, double G, util::Feedback* feedback) {
  Selection out;
  out.risk.assign(e.size(), 0.0);
  out.variance.assign(e.size(), 0.0);
  const double sigma = data.noiseSigma;
  for (const auto& [count, tile] : selectionTiles(data, *e.back(), region)) {
    if (feedback) feedback->throwIfCanceled();
    const auto reg = regionOf(region, tile.interior).to(torch::kFloat64);
    out.pixels += count;
    std::vector<torch::Tensor> ref{lambdaOnTile(data, *e[0], tile.interior, M, G, 0, 0)};
    for (int r = 0; r < kSelectionReps; ++r)
      ref.push_back(lambdaOnTile(data, *e[0], tile.interior, M, G, repSeed(r), sigma) - ref[0]);
    for (size_t i = 0; i < e.size(); ++i) {
      const auto l = lambdaOnTile(data, *e[i], tile.interior, M, G, 0, 0);
      auto vk = torch::zeros_like(l), vd = torch::zeros_like(l);
      for (int r = 0; r < kSelectionReps; ++r) {
        const auto dk = lambdaOnTile(data, *e[i], tile.interior, M, G, repSeed(r), sigma) - l;
        vk += dk * dk / kSelectionReps;
        vd += (dk - ref[size_t(r) + 1]).pow(2) / kSelectionReps;
      }
      const auto d = l - ref[0];
      out.risk[i] += ((d * d - vd + vk) * reg).sum().item<double>();
      out.variance[i] += (vk * reg).sum().item<double>();
    }
  }
  for (size_t i = 0; i < e.size(); ++i) {
    out.risk[i] /= double(std::max<int64_t>(1, out.pixels));
    out.variance[i] /= double(std::max<int64_t>(1, out.pixels));
    if (out.risk[i] < out.risk[out.best]) out.best = i;
  }
  return out;
}

// Where λ's noise comes from, at one width: the share of its variance caused by the
// frame-mean of the field noise alone. A perturbation δ(x) common to every frame leaves ∂tφ_d
// alone and changes the residual by a nearly static amount that a change of λ(x) absorbs, so
// no model of the fields — a network, a denoiser, a constrained fit — can tell it from signal:
// that part of λ's noise is a floor set by σ/√T, reachable only by more frames, less noise or a
// prior on λ. On the suite's 27 time-lapses it is 0.62–0.93, median 0.87 (a constrained fit of
// the fields, prototyped, improved λ by < 0.01 in r at the chosen width). Measured on the
// selection's tiles, one realization.
double staticNoiseShare(const FieldBundle& data, const ModelTerms& engine, const cv::Mat& region,
                        double M, double G, util::Feedback* feedback) {
  if (data.frames < 3 || !(data.noiseSigma > 0)) return -1;
  double full = 0, common = 0;
  for (const auto& [count, tile] : selectionTiles(data, engine, region)) {
    if (feedback) feedback->throwIfCanceled();
    const cv::Rect source = sourceOf(engine, tile.interior);
    const auto reg = regionOf(region, tile.interior).to(torch::kFloat64);
    const auto clean = data.window(source, torch::kFloat64);
    const auto noise = data.noisyWindow(source, torch::kFloat64, repSeed(0)) - clean;
    const auto l = lambdaOfFields(engine, clean, M, G);
    const auto dFull = lambdaOfFields(engine, clean + noise, M, G) - l;
    const auto dCommon =
        lambdaOfFields(engine, clean + noise.mean(1, true).expand_as(noise), M, G) - l;
    full += (dFull * dFull * reg).sum().item<double>();
    common += (dCommon * dCommon * reg).sum().item<double>();
  }
  return full > 0 ? std::min(1.0, common / full) : -1;
}

struct Band {
  cv::Mat lambda, variance, bias2;  // CV_32F, image size; λ NaN where the width does not fit
};

// λ at the chosen width over the region where it fits, its noise variance and its squared bias
// against the narrowest width (noise part removed), tile by tile.
// Fills `b` on the pixels of `region` where this width fits.
void chosenWidth(const FieldBundle& data, const ModelTerms& chosen, const ModelTerms& narrowest,
                 const cv::Mat& region, double M, double G, int tileSize, util::Feedback* feedback,
                 Band& b) {
  const int H = data.height, W = data.width;
  const double sigma = data.noiseSigma;
  for (const Tile& tile : makeTiles(H, W, chosen.haloXY(), tileSize, chosen.mirrorXY())) {
    if (feedback) feedback->throwIfCanceled();
    if (cv::countNonZero(region(tile.interior)) == 0) continue;
    const auto l = lambdaOnTile(data, chosen, tile.interior, M, G, 0, 0);
    const auto l0 = lambdaOnTile(data, narrowest, tile.interior, M, G, 0, 0);
    auto v = torch::zeros_like(l), vd = torch::zeros_like(l);
    for (int r = 0; r < kBandReps; ++r) {
      const auto dk = lambdaOnTile(data, chosen, tile.interior, M, G, repSeed(r), sigma) - l;
      const auto d0 = lambdaOnTile(data, narrowest, tile.interior, M, G, repSeed(r), sigma) - l0;
      v += dk * dk / kBandReps;
      vd += (dk - d0).pow(2) / kBandReps;
    }
    const auto bias2 = (l - l0).pow(2) - vd;
    const cv::Mat m = region(tile.interior);
    tensorToMat(l).copyTo(b.lambda(tile.interior), m);
    tensorToMat(v).copyTo(b.variance(tile.interior), m);
    tensorToMat(bias2).copyTo(b.bias2(tile.interior), m);
  }
}

DirectEstimate estimateDirectTiled(const FieldBundle& data, const models::ParameterChoice& params,
                                   const MollifierSettings& settings, util::Feedback* feedback,
                                   int tileSize);

}  // namespace

DirectEstimate estimateDirect(const prep::FieldData& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings, util::Feedback* feedback,
                              int tileSize) {
  return translatingErrors([&] {
    return estimateDirect(FieldBundle::from(data), params, settings, feedback, tileSize);
  });
}

DirectEstimate estimateDirect(const FieldBundle& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings, util::Feedback* feedback,
                              int tileSize) {
  return translatingErrors(
      [&] { return estimateDirectTiled(data, params, settings, feedback, tileSize); });
}

namespace {

DirectEstimate estimateDirectTiled(const FieldBundle& data, const models::ParameterChoice& params,
                                   const MollifierSettings& settings, util::Feedback* feedback,
                                   int tileSize) {
  const auto start = std::chrono::steady_clock::now();
  auto checkCancel = [&] {
    if (feedback) feedback->throwIfCanceled();
  };
  torch::NoGradGuard noGrad;
  DirectEstimate out;
  const int T = data.frames;
  out.steady = T < 3;
  MollifierSettings s = settings;
  s.halfWidthT = timeHalfWidthFor(T, settings);
  const models::ChromatinModel model(params.values);
  const ModelTerms engine(model, s, data.dx, data.dy, data.dt, !out.steady);
  out.haloXY = engine.haloXY();
  out.haloT = engine.haloT();
  const int h = out.haloXY;
  const int H = data.height, W = data.width;
  // The whole nucleus, up to its edge: the fields are measured on both sides of it. Only the
  // image border, where the kernel would leave the image, is lost.
  const int mirror = engine.mirrorXY();
  out.region = prep::insideImage(data.mask, h - mirror);
  if (cv::countNonZero(out.region) < 16)
    throw std::invalid_argument("the image is too small for the derivative kernel (" +
                                std::to_string(2 * h + 1) +
                                " px wide): fewer than 16 nucleus pixels remain inside its border");

  // Work units for progress: the scalar passes (1 + SIMEX repetitions) and the λ pass.
  double done = 0, total = 1;
  auto progress = [&](double units) {
    done += units;
    if (feedback) feedback->setProgress(std::min(1.0, done / total), "direct estimate");
  };

  out.noiseSigma = data.noiseSigma;
  double M = params.values.M, G = params.values.gammaAc;
  const bool freeM = !params.fixM && !out.steady, freeG = !params.fixGamma && !out.steady;
  if (freeM || freeG) {
    // Fit on the widest kernel (down to the λ kernel) that leaves at least 200 region pixels.
    int k = h;
    cv::Mat scalarRegion = out.region;
    for (int kk = settings.scalarHalfWidthXY; kk > s.halfWidthXY; kk -= 4) {
      const cv::Mat reg = prep::insideImage(data.mask, 2 * kk);
      if (cv::countNonZero(reg) < 200 || 4 * kk + 1 >= std::min(H, W)) continue;
      k = kk;
      scalarRegion = reg;
      out.scalarHalfWidthXY = kk;
      break;
    }
    MollifierSettings wideS = s;
    if (out.scalarHalfWidthXY > 0) wideS.halfWidthXY = out.scalarHalfWidthXY;
    const ModelTerms se(model, wideS, data.dx, data.dy, data.dt, true);
    k = se.haloXY();
    // Noise in the fields is noise in the regressors (L holds 4th derivatives): plain least
    // squares shrinks M towards 0. Corrected least squares: the noise's share of each entry is
    // measured by adding synthetic noise of the estimated level and removed (the linear SIMEX
    // step, Cook & Stefanski 1994). The synthetic noise is a function of the pixel (HashedNoise),
    // so tiles see one consistent realization.
    const double sigma = data.noiseSigma;
    out.noiseSigma = sigma;
    Normal n0;
    std::vector<Normal> n1(kSimexReps);
    const auto tiles = makeTiles(H, W, k, chooseTile(data, k, tileSize));
    total = double(tiles.size()) * (1 + kSimexReps) + 1;
    for (const Tile& tile : tiles) {
      const auto reg = regionOf(scalarRegion, tile.interior);
      if (!reg.any().item<bool>()) {
        progress(1 + kSimexReps);
        continue;
      }
      const auto clean = data.window(tile.source, torch::kFloat64);
      checkCancel();
      n0 += normalEntries(se(clean), reg);
      progress(1);
      for (int r = 0; r < kSimexReps; ++r) {
        checkCancel();
        auto noisy = clean.clone();
        addHashedNoise(noisy, tile.source, H, W, kSimexSeed + std::uint64_t(r), data.fieldNoise);
        n1[static_cast<size_t>(r)] += normalEntries(se(noisy), reg);
        progress(1);
      }
    }
    // Each synthetic realization gives its own corrected estimate; their spread says whether
    // the data determine M and Γ at all at this noise level.
    std::vector<double> Ms, Gs;
    for (const Normal& n : n1) {
      const Normal c{2 * n0.LL - n.LL, 2 * n0.hh - n.hh, 2 * n0.Lh - n.Lh, 2 * n0.aL - n.aL,
                     2 * n0.ah - n.ah};
      const ScalarFit fr = solveScalars(c, M, G, freeM, freeG);
      Ms.push_back(fr.ok ? fr.M : std::nan(""));
      Gs.push_back(fr.ok ? fr.G : std::nan(""));
    }
    auto meanSpread = [](const std::vector<double>& v, double* mean, double* spread) {
      double s1 = 0, s2 = 0;
      for (double x : v) {
        s1 += x;
        s2 += x * x;
      }
      *mean = s1 / v.size();
      *spread = std::sqrt(std::max(0.0, s2 / v.size() - *mean * *mean));
    };
    double mM, sM, mG, sG;
    meanSpread(Ms, &mM, &sM);
    meanSpread(Gs, &mG, &sG);
    out.uncertaintyM = sM;
    out.uncertaintyGammaAc = sG;
    // Identifiable: positive, and the realizations agree to within 25%.
    auto determined = [](double m, double sd) {
      return std::isfinite(m) && m > 0 && sd < 0.25 * m;
    };
    ScalarFit f{freeM ? mM : M, freeG ? mG : G, true};
    out.noiseCorrected = true;
    if (freeM && !determined(mM, sM)) f.M = -1;  // → default below
    if (freeG && !determined(mG, sG)) f.G = -1;
    // A negative mobility or rate means the data cannot tell; keep the default then.
    if (freeM && f.ok && f.M > 0 && std::isfinite(f.M)) M = f.M;
    if (freeG && f.ok && f.G > 0 && std::isfinite(f.G)) G = f.G;
    out.estimatedM = freeM && M == f.M;
    out.estimatedGammaAc = freeG && G == f.G;
  }
  out.M = M;
  out.gammaAc = G;

  // λ pass at the configured kernel: κ = Γλ from its per-pixel normal equation
  // Σ e (a − M L + 2Γ h − 2κ e) = 0, tile by tile.
  out.tileSize = chooseTile(data, h, tileSize);
  const double before = done;
  MollifierSettings ladder = s;
  if (out.steady) ladder.maxHalfWidthXY = std::max(s.maxHalfWidthXY, s.maxHalfWidthXYSnapshot);
  const auto kernels = s.adaptiveXY ? kernelLadder(ladder) : std::vector<int>{};
  const double passes = 1 + double(kernels.size()) * (1 + kSelectionReps);
  total = before + passes;
  LambdaPass base{M, G, out.tileSize, feedback};
  const cv::Mat full = base.run(data, engine, out.region);
  out.tiles = base.tiles;
  out.reactionRms = std::sqrt(base.reactionSum / std::max<int64_t>(1, base.validCount));
  out.residualRms = std::sqrt(base.residualSum / std::max<int64_t>(1, base.regionCount));
  out.lambda = full;
  out.kernelRule = "fixed";
  progress(1);
  if (!kernels.empty()) {
    // The kernel width by an unbiased estimate of the mean squared error of λ (a SURE/Lepski-
    // type rule): MSE_k = bias_k² + var_k. var_k is the estimate's change under synthetic noise
    // of the data's own level (HashedNoise, repeated and averaged). The bias is measured against
    // the narrowest width j, nearly unbiased but noisy: E(λ_k − λ_j)² = (b_k − b_j)² +
    // var(λ_k − λ_j), and var(λ_k − λ_j) comes from the same synthetic noise, so
    // R_k = mean[(λ_k − λ_j)² − var(λ_k − λ_j) + var_k] estimates MSE_k up to a constant. Sharp
    // bands pull the choice to narrow kernels, noise to wide ones: the width follows the noise
    // level and the feature scale, with no threshold to set. The risk is averaged over the
    // nuclei, or over a sample of tiles of them on a large field (its cost does not grow with
    // the image beyond kSelectionNodes).
    std::vector<std::unique_ptr<ModelTerms>> engines;
    for (int k : kernels) {
      MollifierSettings sk = s;
      sk.halfWidthXY = k;
      engines.push_back(
          std::make_unique<ModelTerms>(model, sk, data.dx, data.dy, data.dt, !out.steady));
    }
    const Selection sel = selectKernel(data, engines, out.region, M, G, feedback);
    for (size_t i = 0; i < kernels.size(); ++i) {
      out.kernelRisk.push_back(sel.risk[i]);
      out.kernelVariance.push_back(sel.variance[i]);
    }
    progress(kernels.size() * (1 + kSelectionReps) / 2.0);
    if (sel.pixels > 0) {
      const size_t best = sel.best;
      out.kernelCandidates = kernels;
      out.kernelMedian = out.kernelP10 = out.kernelP90 = kernels[best];
      out.kernelRule = "risk";
      out.staticNoiseShare = staticNoiseShare(data, *engines[best], out.region, M, G, feedback);
      // λ at the chosen width where it fits (the fixed kernel's value in the image border it
      // does not reach) and its 90 % band from the noise sd and the measured bias against the
      // narrowest width, both averaged over the kernel's support.
      // Near the image border the chosen width may not fit: the widest narrower one that
      // does takes those pixels.
      Band band{cv::Mat(H, W, CV_32F, cv::Scalar(std::nanf(""))),
                cv::Mat(H, W, CV_32F, cv::Scalar(0)), cv::Mat(H, W, CV_32F, cv::Scalar(0))};
      cv::Mat widthMap(H, W, CV_32F, cv::Scalar(std::nanf("")));
      cv::Mat todo = out.region.clone();
      for (size_t i = best + 1; i-- > 0 && cv::countNonZero(todo) > 0;) {
        const cv::Mat fits =
            prep::insideImage(data.mask, engines[i]->haloXY() - engines[i]->mirrorXY());
        const cv::Mat here = todo & fits;
        chosenWidth(data, *engines[i], *engines[0], here, M, G,
                    chooseTile(data, engines[i]->haloXY(), tileSize), feedback, band);
        widthMap.setTo(float(kernels[i]), here);
        todo &= ~fits;
      }
      const cv::Size win(2 * kernels[best] + 1, 2 * kernels[best] + 1);
      // Averages over the analysed pixels only (outside the nucleus φ_e ≈ 0 and λ means
      // nothing): blur(x·valid)/blur(valid).
      cv::Mat valid, v, b2, weight, half;
      cv::Mat(band.lambda == band.lambda).convertTo(valid, CV_32F, 1.0 / 255);
      cv::blur(valid, weight, win, cv::Point(-1, -1), cv::BORDER_REFLECT);
      weight = cv::max(weight, 1e-6);
      cv::blur(band.variance.mul(valid), v, win, cv::Point(-1, -1), cv::BORDER_REFLECT);
      cv::blur(band.bias2.mul(valid), b2, win, cv::Point(-1, -1), cv::BORDER_REFLECT);
      // The squared bias: measured locally where it stands out, never below its average over
      // the region (the chosen width's estimated risk less its variance) — the local
      // measurement subtracts a noisy variance and scatters around it.
      const double meanBias2 = std::max(0.0, sel.risk[best] - sel.variance[best]);
      cv::sqrt((v + cv::max(b2, meanBias2 * weight)) / weight, half);
      out.kernelMap = cv::Mat(H, W, CV_32F, cv::Scalar(std::nanf("")));
      out.lambdaLow = cv::Mat(H, W, CV_32F, cv::Scalar(std::nanf("")));
      out.lambdaHigh = out.lambdaLow.clone();
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const float l = band.lambda.at<float>(y, x);
          if (!out.region.at<std::uint8_t>(y, x) || !std::isfinite(l)) continue;
          const float lc = std::max(0.0f, l), d = float(kBand90) * half.at<float>(y, x);
          out.lambda.at<float>(y, x) = lc;
          out.lambdaLow.at<float>(y, x) = std::max(0.0f, lc - d);
          out.lambdaHigh.at<float>(y, x) = lc + d;
          out.kernelMap.at<float>(y, x) = widthMap.at<float>(y, x);
        }
    }
    progress(kernels.size() * (1 + kSelectionReps) / 2.0);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

}  // namespace mollichrom::train
