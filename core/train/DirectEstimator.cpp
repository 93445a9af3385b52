#include "core/train/DirectEstimator.h"

#include "core/models/ChromatinModel.h"
#include "core/runtime/ErrorText.h"
#include "core/train/FieldBundle.h"
#include "core/train/ModelTerms.h"
#include "core/train/HashedNoise.h"
#include "core/train/TensorConvert.h"
#include "core/train/Tiling.h"
#include "core/util/Feedback.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace mollichrom::train {

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
        addHashedNoise(noisy, tile.source, H, W, kSimexSeed + std::uint64_t(r), sigma);
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

  // λ pass: κ = Γλ from its per-pixel normal equation Σ e (a − M L + 2Γ h − 2κ e) = 0, tile by
  // tile.
  out.tileSize = chooseTile(data, h, tileSize);
  const auto tiles = makeTiles(H, W, h, out.tileSize, mirror);
  out.tiles = static_cast<int>(tiles.size());
  const double before = done;
  total = before + double(tiles.size());
  cv::Mat full(H, W, CV_32F, cv::Scalar(std::nanf("")));
  double residualSum = 0, reactionSum = 0;
  int64_t regionCount = 0, validCount = 0;
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  for (const Tile& tile : tiles) {
    checkCancel();
    const auto t = engine(data.window(tile.source, torch::kFloat64));
    const auto reg = regionOf(out.region, tile.interior);
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
    progress(1);
  }
  out.reactionRms = std::sqrt(reactionSum / std::max<int64_t>(1, validCount));
  out.residualRms = std::sqrt(residualSum / std::max<int64_t>(1, regionCount));
  out.lambda = full;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

}  // namespace mollichrom::train
