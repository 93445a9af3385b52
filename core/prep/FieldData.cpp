#include "core/prep/FieldData.h"

#include "core/prep/NucleusLabels.h"

#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/prep/BleachCorrection.h"
#include "core/prep/DriftCorrection.h"
#include "core/prep/NonFinite.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace mollichrom::prep {

ChannelMap parseChannelMap(const std::string& text) {
  ChannelMap m;
  std::stringstream ss(text);
  std::string item;
  bool d = false, h = false;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("'" + item + "' is not FIELD=CHANNEL");
    const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    int ch = 0;
    try {
      size_t used = 0;
      ch = std::stoi(value, &used);
      if (used != value.size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw std::invalid_argument("'" + item + "': channel must be a number (1-based)");
    }
    if (ch < 1) throw std::invalid_argument("'" + item + "': channels count from 1");
    if (name == "density") {
      m.density = ch;
      d = true;
    } else if (name == "heterochromatin" || name == "hetero") {
      m.heterochromatin = ch;
      h = true;
    } else
      throw std::invalid_argument("unknown field '" + name + "' (density, heterochromatin)");
  }
  if (!d || !h) throw std::invalid_argument("needs both density=N and heterochromatin=N");
  if (m.density == m.heterochromatin)
    throw std::invalid_argument("density and heterochromatin must be different channels");
  return m;
}

Normalize parseNormalize(const std::string& name) {
  if (name == "auto") return Normalize::Auto;
  if (name == "none") return Normalize::None;
  if (name == "percentile") return Normalize::Percentile;
  if (name == "counts") return Normalize::Counts;
  throw std::invalid_argument("--normalize must be counts, none, percentile or auto, got '" + name +
                              "'");
}

std::string normalizeName(Normalize n) {
  switch (n) {
    case Normalize::Auto:
      return "auto";
    case Normalize::None:
      return "none";
    case Normalize::Percentile:
      return "percentile";
    case Normalize::Counts:
      return "counts";
  }
  return "auto";
}

namespace {

double percentileOf(std::vector<float>& v, double q) {
  if (v.empty()) return 0;
  const size_t k = static_cast<size_t>(std::clamp(q / 100.0, 0.0, 1.0) * double(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

std::vector<float> values(const std::vector<cv::Mat>& planes, const cv::Mat& mask = {}) {
  std::vector<float> out;
  for (const cv::Mat& p : planes)
    for (int y = 0; y < p.rows; ++y)
      for (int x = 0; x < p.cols; ++x)
        if (mask.empty() || mask.at<std::uint8_t>(y, x)) {
          const float v = p.at<float>(y, x);
          if (std::isfinite(v)) out.push_back(v);
        }
  return out;
}

}  // namespace

cv::Mat timeMean(const std::vector<cv::Mat>& frames) {
  cv::Mat mean = cv::Mat::zeros(frames.at(0).size(), CV_32F);
  for (const cv::Mat& p : frames) mean += p;
  return mean / double(frames.size());
}

namespace {
// Time-mean density as 8-bit (darkest → 0, brightest → 255), lightly blurred: noise would
// otherwise speckle the threshold.
cv::Mat meanDensity8(const std::vector<cv::Mat>& density) {
  cv::Mat mean = timeMean(density);
  cv::patchNaNs(mean, 0);
  double lo, hi;
  cv::minMaxLoc(mean, &lo, &hi);
  cv::Mat m8;
  mean.convertTo(m8, CV_8U, hi > lo ? 255.0 / (hi - lo) : 0, hi > lo ? -lo * 255.0 / (hi - lo) : 0);
  cv::GaussianBlur(m8, m8, {5, 5}, 1.0);
  return m8;
}
// Pixel size and frame interval: the user's overrides, else the file's calibration (a z-stack
// read as time has no frame interval of its own).
void applyCalibration(FieldData& f, const io::Calibration& cal, const PrepOptions& o,
                      bool slicesAsFrames) {
  f.dx = o.pixelSizeUm > 0 ? o.pixelSizeUm : cal.pixelXOr1();
  f.dy = o.pixelSizeUm > 0 ? o.pixelSizeUm * cal.pixelYOr1() / cal.pixelXOr1() : cal.pixelYOr1();
  f.dt = o.frameIntervalS > 0 ? o.frameIntervalS : cal.frameIntervalOr1();
  f.calibratedSpace = cal.pixelX.has_value() || o.pixelSizeUm > 0;
  f.calibratedTime = (cal.frameInterval.has_value() && !slicesAsFrames) || o.frameIntervalS > 0;
}
}  // namespace

cv::Mat autoNucleusMask(const std::vector<cv::Mat>& density, double threshold,
                        double* thresholdUsed) {
  const cv::Mat m8 = meanDensity8(density);
  cv::Mat bin;
  double used;
  if (threshold < 0)
    used = cv::threshold(m8, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU) / 255.0;
  else
    used = cv::threshold(m8, bin, std::clamp(threshold, 0.0, 1.0) * 255.0, 255, cv::THRESH_BINARY) /
           255.0;
  if (thresholdUsed) *thresholdUsed = used;
  cv::Mat mask = bin.clone();
  // Fill holes: flood the background from the border; what it cannot reach is inside.
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::floodFill(padded, cv::Point(0, 0), 128);
  cv::Mat inner = padded(cv::Rect(1, 1, mask.cols, mask.rows));
  mask.setTo(255, inner == 0);
  // Every nucleus of the field, debris left out (NucleusLabels).
  return nucleusMask(labelNuclei(mask));
}

cv::Mat analysedRegion(const cv::Mat& mask, int r) {
  cv::Mat out;
  if (r <= 0) return mask.clone();
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, r, r, r, r, cv::BORDER_CONSTANT,
                     0);  // the border counts as outside
  cv::erode(padded, padded, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1}));
  return padded(cv::Rect(r, r, mask.cols, mask.rows)).clone();
}

cv::Mat insideImage(const cv::Mat& mask, int b) {
  cv::Mat out = cv::Mat::zeros(mask.size(), CV_8U);
  if (2 * b >= mask.cols || 2 * b >= mask.rows) return out;
  const cv::Rect inner(b, b, mask.cols - 2 * b, mask.rows - 2 * b);
  mask(inner).copyTo(out(inner));
  return out;
}

bool tooFewChannels(const io::StackInfo& info) { return info.channels < 2; }

FieldData prepareForViewing(const io::Stack& stack, const PrepOptions& o) {
  const io::StackInfo& info = stack.info();
  const int channel = o.channels.density <= info.channels ? o.channels.density : 1;
  const int z = std::clamp(o.slice, 0, info.slices - 1);
  FieldData f;
  for (int t = 0; t < info.frames; ++t) {
    cv::Mat d;
    stack.plane(t, channel - 1, z).convertTo(d, CV_32F);
    f.density.push_back(d);
    f.hetero.push_back(cv::Mat::zeros(d.size(), CV_32F));
  }
  applyCalibration(f, info.calibration, o, false);
  f.normalizeUsed = Normalize::None;
  f.mask = autoNucleusMask(f.density, o.maskThreshold, &f.maskThreshold);
  f.viewOnlyReason =
      "the stack has " + std::to_string(info.channels) +
      " channel(s); λ needs a chromatin-density and a heterochromatin-marker channel "
      "(channels " +
      std::to_string(o.channels.density) + " and " + std::to_string(o.channels.heterochromatin) +
      " were asked for)";
  f.warnings.push_back(
      {"one-channel", "Shown for looking only: " + f.viewOnlyReason +
                          ". Open a two-channel stack, or choose existing channels."});
  return f;
}

FieldData prepare(const io::Stack& stack, const PrepOptions& o) {
  const io::StackInfo& info = stack.info();
  const std::string& path = info.path;
  for (int ch : {o.channels.density, o.channels.heterochromatin})
    if (ch > info.channels)
      throw io::StackError(path, "has " + std::to_string(info.channels) + " channel(s); channel " +
                                     std::to_string(ch) +
                                     " was requested (--channels density=N,heterochromatin=N)");
  if (o.slice < 0 || o.slice >= info.slices) throw io::StackError(path, "slice out of range");
  FieldData f;
  RawFacts raw;
  // A z-stack without time read as a time-lapse when the user says its slices are time.
  const bool slicesAsFrames = o.slicesAreTime && info.frames == 1 && info.slices > 1;
  const int frames = slicesAsFrames ? info.slices : info.frames;
  for (int t = 0; t < frames; ++t) {
    const int tt = slicesAsFrames ? 0 : t, z = slicesAsFrames ? t : o.slice;
    cv::Mat d, h;
    stack.plane(tt, o.channels.density - 1, z).convertTo(d, CV_32F);
    stack.plane(tt, o.channels.heterochromatin - 1, z).convertTo(h, CV_32F);
    f.density.push_back(d);
    f.hetero.push_back(h);
  }
  // Before anything convolves or averages the planes: one NaN would spread through all of it.
  std::string nonFinite;
  if (info.pixelType == io::PixelType::Float32) {
    const auto repairedDensity = repairNonFinite(f.density, o.channels.density, path);
    const auto repairedHetero = repairNonFinite(f.hetero, o.channels.heterochromatin, path);
    nonFinite = nonFiniteWarning(repairedDensity, repairedHetero, o.channels.density,
                                 o.channels.heterochromatin);
  }
  applyCalibration(f, info.calibration, o, slicesAsFrames);
  if (o.driftCorrection && f.frames() > 1) {
    // Register on the density channel (the brighter, structure-rich one); move both channels.
    f.drift = estimateDrift(f.density);
    applyDrift(f.density, f.drift);
    applyDrift(f.hetero, f.drift);
  }

  Normalize norm = o.normalize;
  if (norm == Normalize::Auto) {
    // Integer samples are camera counts; float data within [-0.5, 1.5] are taken as fractions.
    norm = Normalize::Counts;
    if (info.pixelType == io::PixelType::Float32) {
      auto v = values(f.density);
      auto w = values(f.hetero);
      v.insert(v.end(), w.begin(), w.end());
      if (!v.empty() && *std::min_element(v.begin(), v.end()) >= -0.5f &&
          *std::max_element(v.begin(), v.end()) <= 1.5f)
        norm = Normalize::None;
    }
  }
  f.normalizeUsed = norm;

  if (o.mask == "auto" || o.mask.empty()) {
    f.mask = autoNucleusMask(f.density, o.maskThreshold, &f.maskThreshold);
  } else {
    auto src = io::openStack(o.mask);
    if (src->info().width != info.width || src->info().height != info.height)
      throw io::StackError(o.mask, "the mask is " + std::to_string(src->info().width) + " x " +
                                       std::to_string(src->info().height) + " but the stack is " +
                                       std::to_string(info.width) + " x " +
                                       std::to_string(info.height));
    cv::Mat m;
    src->plane(0, 0, 0).convertTo(m, CV_32F);
    f.mask = m > 0;
  }
  if (cv::countNonZero(f.mask) == 0)
    throw io::StackError(o.mask == "auto" ? path : o.mask, "the nucleus mask is empty");
  if (info.pixelType != io::PixelType::Float32) {
    // Clipping shows as a plateau at the channel's largest value (whatever the camera's bit
    // depth inside its 16-bit container): the share of nuclear pixels sitting on it.
    const double nuclearPixels = double(cv::countNonZero(f.mask)) * f.frames();
    int k = 0;
    for (const auto* planes : {&f.density, &f.hetero}) {
      double top = -1e300;
      for (const cv::Mat& p : *planes) {
        double lo, hi;
        cv::minMaxLoc(p, &lo, &hi);
        top = std::max(top, hi);
      }
      int64_t at = 0;
      for (const cv::Mat& p : *planes) at += cv::countNonZero((p >= top) & f.mask);
      raw.saturatedShare[k++] = double(at) / nuclearPixels;
    }
  }

  // Counts: the offsets come off before the bleach correction (its gains multiply the signal,
  // not the camera's offset).
  if (norm == Normalize::Counts) {
    subtractOffsets(f.density, f.hetero, f.mask, o.counts, f.counts);
    raw.countsMode = true;
    for (int k = 0; k < 2; ++k) {
      double sum = 0;
      for (const cv::Mat& p : k == 0 ? f.density : f.hetero) sum += cv::mean(p, f.mask)[0];
      raw.nuclearSignal[k] = sum / f.frames();
    }
  }
  if (o.bleachCorrection && f.frames() > 1) {
    f.bleachFactors = bleachGains(f.density, f.mask);
    applyBleachGains(f.density, f.mask, f.bleachFactors);
    applyBleachGains(f.hetero, f.mask, f.bleachFactors);
  }
  if (norm == Normalize::Counts) {
    try {
      scaleToFractions(f.density, f.hetero, f.mask, o.counts, f.counts);
    } catch (const std::invalid_argument& e) {
      throw io::StackError(path, e.what());
    }
  }
  if (norm == Normalize::Percentile) {
    int channel = 0;
    for (auto* planes : {&f.density, &f.hetero}) {
      auto all = values(*planes);
      auto inside = values(*planes, f.mask);
      const double lo = percentileOf(all, o.percentile.low),
                   hi = percentileOf(inside, o.percentile.high);
      if (!(hi > lo))
        throw io::StackError(path, "a channel has no contrast (percentile mapping impossible)");
      f.mappedLow[channel] = lo;
      f.mappedHigh[channel++] = hi;
      for (cv::Mat& p : *planes) p = (p - lo) * (o.percentile.fraction / (hi - lo));
    }
  }
  f.warnings = checkData(info, f, o, raw);
  if (!nonFinite.empty()) f.warnings.insert(f.warnings.begin(), {"non-finite-values", nonFinite});
  return f;
}

}  // namespace mollichrom::prep
