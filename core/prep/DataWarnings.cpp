#include "core/prep/DataWarnings.h"

#include "core/io/StackInfo.h"
#include "core/prep/FieldData.h"
#include "core/prep/NucleusLabels.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

namespace mollichrom::prep {

namespace {

std::string percent(double share) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100 * share);
  return b;
}

std::string fixed(double v, int digits) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// Shift (px) between the density's first and last few frames, by phase correlation.
double driftPx(const std::vector<cv::Mat>& density) {
  const int T = static_cast<int>(density.size()), k = std::min(3, T / 2);
  if (k < 1) return 0;
  cv::Mat a = cv::Mat::zeros(density[0].size(), CV_32F), b = a.clone();
  for (int t = 0; t < k; ++t) {
    a += density[size_t(t)];
    b += density[size_t(T - 1 - t)];
  }
  cv::patchNaNs(a, 0);
  cv::patchNaNs(b, 0);
  const cv::Point2d s = cv::phaseCorrelate(a, b);
  return std::hypot(s.x, s.y);
}

}  // namespace

std::vector<DataWarning> checkData(const io::StackInfo& info, const FieldData& f,
                                   const PrepOptions& o, const RawFacts& raw) {
  std::vector<DataWarning> w;
  const int T = f.frames();
  // Channels: the model needs φ_h ≤ φ_c; a marker brighter than the density, or φ_e ≤ 0 over
  // much of the nucleus, usually means the channels are the other way round.
  // (By half again: the channels' gains differ, so a marker about as bright as the density
  // is no sign of a swap; the φ_e check below catches swaps by structure after mapping.)
  if (raw.countsMode && raw.nuclearSignal[1] > 1.5 * raw.nuclearSignal[0])
    w.push_back({"swapped-channels",
                 "the heterochromatin channel (" + std::to_string(o.channels.heterochromatin) +
                     ") is much brighter over the nuclei than the density channel (" +
                     std::to_string(o.channels.density) +
                     "): likely swapped — check --channels density=N,heterochromatin=N"});
  {
    // By structure: a DNA stain is the smoother channel, a heterochromatin marker the patchier
    // (foci, the nuclear rim). The density channel varying more than the marker over the
    // nuclei (coefficient of variation of the time-means, 1.2× margin) suggests a swap.
    const cv::Mat c = timeMean(f.density), h = timeMean(f.hetero);
    cv::Scalar mc, sc, mh, sh;
    cv::meanStdDev(c, mc, sc, f.mask);
    cv::meanStdDev(h, mh, sh, f.mask);
    const double cvC = mc[0] > 0 ? sc[0] / mc[0] : 0, cvH = mh[0] > 0 ? sh[0] / mh[0] : 0;
    const bool brighter = raw.countsMode && raw.nuclearSignal[1] > 1.5 * raw.nuclearSignal[0];
    if (!brighter && cvH > 0 && cvC > 1.2 * cvH)
      w.push_back({"swapped-channels",
                   "the density channel (" + std::to_string(o.channels.density) +
                       ") varies more over the nuclei than the heterochromatin channel (" +
                       std::to_string(o.channels.heterochromatin) + "): coefficient of variation " +
                       fixed(cvC, 2) + " vs " + fixed(cvH, 2) +
                       " — a DNA stain is the smoother one; likely swapped — check --channels "
                       "density=N,heterochromatin=N"});
    const int n = cv::countNonZero(f.mask);
    const int neg = cv::countNonZero((c - h <= 0) & f.mask);
    const double share = n ? double(neg) / n : 0;
    if (share > 0.05)
      w.push_back({"phi-e-nonpositive",
                   "phi_e = phi_c - phi_h <= 0 on " + percent(share) +
                       " of the nuclei (the model needs phi_h < phi_c): are the channels "
                       "swapped? Check --channels and the intensity calibration (--offset, "
                       "--hetero-share)"});
  }
  for (int k = 0; k < 2; ++k)
    if (raw.saturatedShare[k] > 0.001)
      w.push_back(
          {"saturated",
           std::string(k == 0 ? "density" : "heterochromatin") +
               " channel: " + percent(raw.saturatedShare[k]) +
               " of the nuclear pixels sit at its largest value (clipped): their "
               "fractions and lambda there are too low — acquire with less gain or exposure"});
  if (info.channels == 3 && info.pixelType == io::PixelType::UInt8)
    w.push_back({"rgb",
                 "an 8-bit 3-channel image looks like RGB: its channels are colours of a "
                 "rendering, not intensities — use the microscope's raw channels"});
  if (info.slices > 1 && info.frames == 1 && !o.slicesAreTime)
    w.push_back({"z-stack", "the stack has " + std::to_string(info.slices) +
                                " slices and no time axis: only slice " +
                                std::to_string(o.slice + 1) +
                                " is analysed, as a steady-state snapshot — if the slices are time "
                                "points, open it with --slices-are-time (GUI: Data dock)"});
  if (T < 3)
    w.push_back({"steady-state",
                 std::to_string(T) +
                     " frame(s): analysed as a steady-state snapshot — lambda "
                     "depends on the ratio M/gamma_ac you give (--set M=...,gamma_ac=...); M and "
                     "gamma_ac themselves are not inferred"});
  if (!f.calibratedSpace)
    w.push_back({"uncalibrated-space",
                 "no pixel size in the file: 1 um per pixel assumed — "
                 "lambda's spatial scale and M are wrong unless you set "
                 "--pixel-size"});
  if (T >= 3 && !f.calibratedTime)
    w.push_back({"uncalibrated-time",
                 "no frame interval in the file: 1 s assumed — M and gamma_ac "
                 "are in the wrong units unless you set --frame-interval"});
  if (T >= 3 && !o.bleachCorrection) {
    const double first = cv::mean(f.density.front(), f.mask)[0],
                 last = cv::mean(f.density.back(), f.mask)[0];
    if (first > 0 && last < 0.9 * first)
      w.push_back({"bleaching", "the nuclear density falls by " + percent(1 - last / first) +
                                    " from the first to the last frame: bleaching left "
                                    "uncorrected reads as a reaction — use --bleach"});
  }
  if (T >= 3 && !o.driftCorrection) {
    const double d = driftPx(f.density);
    if (d > 1.0)
      w.push_back({"drift", "the nuclei move by " + fixed(d, 1) +
                                " px over the series: drift left uncorrected reads as transport — "
                                "use --drift"});
  }
  if (f.counts.used && (f.counts.offsetMeasured[0] || f.counts.offsetMeasured[1]) &&
      f.counts.backgroundShare < 0.05)
    w.push_back({"no-background",
                 "less than 5 % of the image is background outside the nuclei: the camera "
                 "offsets measured there are unreliable — give them with --offset"});
  int border = 0;
  for (const auto& n : labelNuclei(f.mask).nuclei) border += n.touchesBorder ? 1 : 0;
  if (border > 0)
    w.push_back({"nucleus-at-border", std::to_string(border) +
                                          " nucleus(es) cut by the image border: their tables "
                                          "describe only the visible part (flagged in the table)"});
  return w;
}

std::string warningLines(const std::vector<DataWarning>& warnings) {
  std::string out;
  for (const auto& w : warnings) out += "warning: " + w.message + "\n";
  return out;
}

}  // namespace mollichrom::prep
