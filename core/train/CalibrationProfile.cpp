#include "core/train/CalibrationProfile.h"

#include "core/models/ChromatinModel.h"
#include "core/prep/FieldData.h"
#include "core/train/DirectEstimator.h"
#include "core/train/FieldBundle.h"
#include "core/train/ModelTerms.h"
#include "core/train/TensorConvert.h"
#include "core/train/Tiling.h"
#include "core/util/Feedback.h"

#include <opencv2/imgproc.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace mollichrom::train {

namespace {

constexpr std::uint64_t kProfileNoiseSeed = 20261207;
constexpr int kProfileEntries = 6;  // aa, aL, ah, LL, Lh, hh
constexpr int kProfileTile = 128;

// The six projected sums at every grid share for the pixels of one tile: [S, 6, P].
torch::Tensor projectedSums(const TermComponents& c, const torch::Tensor& pick,
                            const torch::Tensor& V) {
  // Components [8, T', P] over the picked pixels.
  const auto X = torch::stack({c.aC, c.aH, c.eC, c.eH, c.LC, c.LH, c.L2, c.L3})
                     .flatten(2)
                     .index_select(2, pick)
                     .to(torch::kFloat64);
  const int64_t nS = V.size(0), P = X.size(2);
  // As plain products rather than einsum, which batched tiny matrix products over the pixels:
  // G = Σ_t X_i X_j [8, 8, P]; W = V·G in one product [S·4, 8·P]; S = W·Vᵀ batched over the
  // shares [S, 4, 4, P] (a, e, h, L).
  const auto G = (X.unsqueeze(1) * X.unsqueeze(0)).sum(2);
  const auto W = torch::mm(V.reshape({nS * 4, 8}), G.reshape({8, 8 * P})).reshape({nS, 4, 8, P});
  const auto S =
      torch::bmm(V, W.permute({0, 2, 1, 3}).reshape({nS, 8, 4 * P})).reshape({nS, 4, 4, P});
  auto s = [&](int x, int y) { return S.select(1, x).select(1, y); };
  const auto ee = s(1, 1).clamp_min(1e-30);
  auto proj = [&](int x, int y) { return s(x, y) - s(1, x) * s(1, y) / ee; };
  return torch::stack({proj(0, 0), proj(0, 3), proj(0, 2), proj(3, 3), proj(3, 2), proj(2, 2)}, 1);
}

// The coefficient vectors of a, e, h, L over the components at each share: [S, 4, 8].
torch::Tensor coefficientVectors(const std::vector<double>& shares, double shareRef) {
  auto V = torch::zeros({int64_t(shares.size()), 4, 8}, torch::kFloat64);
  auto v = V.accessor<double, 3>();
  for (size_t i = 0; i < shares.size(); ++i) {
    const double g = shares[i] / shareRef;
    const int64_t k = int64_t(i);
    v[k][0][0] = 1;  // a = aC + g aH
    v[k][0][1] = g;
    v[k][1][2] = 1;  // e = eC + g eH
    v[k][1][3] = g;
    v[k][2][3] = -g;  // h = −g eH
    v[k][3][4] = 1;   // L = LC + g LH + g² L2 + g³ L3
    v[k][3][5] = g;
    v[k][3][6] = g * g;
    v[k][3][7] = g * g * g;
  }
  return V;
}

}  // namespace

std::vector<double> defaultShareGrid() {
  std::vector<double> s;
  for (int k = 5; k <= 45; ++k) s.push_back(0.02 * k);
  return s;
}

StackProfile profileStack(const FieldBundle& data, const models::ChromatinParameters& values,
                          double shareRef, double countsRatio, const ProfileSettings& settings,
                          util::Feedback* feedback) {
  torch::NoGradGuard noGrad;
  if (data.frames < 3)
    throw std::invalid_argument(
        "the dynamics identify the scalars only in a time-lapse (>= 3 frames)");
  StackProfile out;
  out.shareRef = shareRef;
  out.countsRatio = countsRatio;
  out.shares = settings.shares.empty() ? defaultShareGrid() : settings.shares;
  out.reps = settings.noiseReps;
  const int64_t S = int64_t(out.shares.size()), R1 = out.reps + 1;
  const auto V = coefficientVectors(out.shares, shareRef);
  const models::ChromatinModel model(values);
  const double widths = double(std::max<size_t>(1, settings.widths.size()));
  for (size_t wi = 0; wi < settings.widths.size(); ++wi) {
    const int width = settings.widths[wi];
    MollifierSettings ms;
    ms.adaptiveXY = false;
    ms.halfWidthXY = width;
    ms.halfWidthT = timeHalfWidthFor(data.frames, ms);
    const ModelTerms engine(model, ms, data.dx, data.dy, data.dt, true);
    const int halo = engine.haloXY();
    // At least a kernel radius inside the nucleus: at the nuclear edge the fields meet a
    // background the model does not describe (no chromatin; recorded counts never go below the
    // background while the model's φ_h spreads past the edge), and terms reaching across it
    // biased M by half on simulated camera counts (true 2: 0.84 at 12 px; 1.86 a radius inside,
    // 1.76 the whole support inside). One radius keeps small nuclei usable.
    const cv::Mat region = prep::analysedRegion(data.mask, width);
    WidthSums w;
    w.halfWidthXY = width;
    auto sums = torch::zeros({S, R1, kProfileEntries}, torch::kFloat64);
    const auto tiles = richestTiles(region, halo, kProfileTile, engine.mirrorXY(), data.frames,
                                    settings.budgetNodes);
    double passes = 0;  // of this width's (tiles × noise realizations)
    for (const auto& [count, tile] : tiles) {
      // Only the region's pixels are summed: shrinking the interior to their bounding box
      // leaves every value the same (exact tiles) and skips the terms around the nucleus.
      const cv::Rect in = cv::boundingRect(region(tile.interior)) + tile.interior.tl();
      std::vector<int64_t> pickV;
      for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x)
          if (region.at<std::uint8_t>(in.y + y, in.x + x))
            pickV.push_back(int64_t(y) * in.width + x);
      if (pickV.empty()) continue;
      w.pixels += int64_t(pickV.size());
      const auto pick = torch::tensor(pickV, torch::kInt64);
      const cv::Rect src(in.x - halo, in.y - halo, in.width + 2 * halo, in.height + 2 * halo);
      for (int r = 0; r <= out.reps; ++r) {
        if (feedback) feedback->throwIfCanceled();
        const auto fields =
            r == 0 ? data.window(src, torch::kFloat32)
                   : data.noisyWindow(src, torch::kFloat32, kProfileNoiseSeed + std::uint64_t(r));
        sums.select(1, r) += projectedSums(engine.components(fields), pick, V).sum(2);
        passes += 1;
        if (feedback)
          feedback->setProgress(
              (double(wi) + passes / double(tiles.size() * size_t(out.reps + 1))) / widths,
              "calibration");
      }
    }
    w.entries.assign(sums.data_ptr<double>(), sums.data_ptr<double>() + sums.numel());
    out.widths.push_back(std::move(w));
  }
  return out;
}

std::string stackProfileJson(const StackProfile& p) {
  QJsonArray widths;
  for (const auto& w : p.widths) {
    QJsonArray e;
    for (double x : w.entries) e.append(x);
    widths.append(
        QJsonObject{{"half_width_px", w.halfWidthXY}, {"pixels", double(w.pixels)}, {"sums", e}});
  }
  QJsonArray shares;
  for (double s : p.shares) shares.append(s);
  return QJsonDocument(QJsonObject{{"format", "mollichrom-profile"},
                                   {"version", 1},
                                   {"name", QString::fromStdString(p.name)},
                                   {"share_ref", p.shareRef},
                                   {"counts_ratio", p.countsRatio},
                                   {"mean_counts", QJsonArray{p.meanCounts[0], p.meanCounts[1]}},
                                   {"nucleus_pixels", double(p.nucleusPixels)},
                                   {"noise_realizations", p.reps},
                                   {"shares", shares},
                                   {"widths", widths}})
      .toJson(QJsonDocument::Compact)
      .toStdString();
}

StackProfile parseStackProfileJson(const std::string& text, const std::string& path) {
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text));
  const QJsonObject o = doc.object();
  if (!doc.isObject() || o.value("format").toString() != "mollichrom-profile")
    throw std::runtime_error(path + ": not a Mollichrom profile");
  StackProfile p;
  p.name = o.value("name").toString().toStdString();
  p.shareRef = o.value("share_ref").toDouble();
  p.countsRatio = o.value("counts_ratio").toDouble();
  p.reps = o.value("noise_realizations").toInt();
  const QJsonArray counts = o.value("mean_counts").toArray();
  if (counts.size() == 2) {
    p.meanCounts[0] = counts[0].toDouble();
    p.meanCounts[1] = counts[1].toDouble();
  }
  p.nucleusPixels = int64_t(o.value("nucleus_pixels").toDouble());
  for (const QJsonValue& v : o.value("shares").toArray()) p.shares.push_back(v.toDouble());
  const size_t expected = p.shares.size() * size_t(p.reps + 1) * kProfileEntries;
  for (const QJsonValue& v : o.value("widths").toArray()) {
    const QJsonObject wo = v.toObject();
    WidthSums w;
    w.halfWidthXY = wo.value("half_width_px").toInt();
    w.pixels = int64_t(wo.value("pixels").toDouble());
    for (const QJsonValue& x : wo.value("sums").toArray()) w.entries.push_back(x.toDouble());
    if (w.entries.size() != expected) throw std::runtime_error(path + ": damaged profile");
    p.widths.push_back(std::move(w));
  }
  if (p.shares.empty() || p.widths.empty() || !(p.shareRef > 0) || !(p.countsRatio > 0))
    throw std::runtime_error(path + ": damaged profile");
  return p;
}

}  // namespace mollichrom::train
