#pragma once
// Preprocessing: from a loaded stack to the model's fields. Channel → field mapping,
// intensity → volume fraction, nucleus mask. The result is what every inference engine reads.
#include "core/io/Stack.h"
#include "core/prep/DataWarnings.h"
#include "core/prep/IntensityCalibration.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace mollichrom::prep {

struct ChannelMap {
  int density = 1;          // 1-based channel of the chromatin density φ_c
  int heterochromatin = 2;  // 1-based channel of the heterochromatin marker φ_h
};
// "density=1,heterochromatin=2" (either order; "hetero" accepted). Throws std::invalid_argument.
ChannelMap parseChannelMap(const std::string& text);

// How intensities become volume fractions. Counts: offsets and stated mean fractions
// (IntensityCalibration.h) — the default for integer data; None: float data already in
// fractions; Percentile: the old per-channel percentile stretch (kept for comparison; it maps
// both channels' bright end to the same fraction, so φ_e collapses on real counts).
enum class Normalize { Auto, None, Percentile, Counts };
Normalize parseNormalize(const std::string& name);  // auto | none | percentile | counts
std::string normalizeName(Normalize n);

// Percentile mapping for raw intensities: per channel, the low percentile of the whole stack
// (background) maps to 0 and the high percentile inside the nucleus maps to `fraction`:
//   φ = fraction · (I − P_low) / (P_high − P_low)
// Defaults suit widefield/confocal nuclei: background ≈ 1st percentile, bright chromatin ≈ 99.5th,
// and a compact nucleus's volume fraction ≈ 0.55.
struct PercentileMapping {
  double low = 1.0, high = 99.5, fraction = 0.55;
};

struct PrepOptions {
  ChannelMap channels;
  Normalize normalize = Normalize::Auto;  // float data within [-0.5, 1.5] → None, else Counts
  PercentileMapping percentile;
  CountCalibration counts;
  bool slicesAreTime = false;  // a stack of slices and one frame: read the slices as frames
  std::string mask = "auto";   // "auto" (Otsu) or a mask image file (nonzero = nucleus)
  // For "auto": < 0 picks the threshold by Otsu; otherwise the fraction of the way from the
  // darkest to the brightest time-mean density (what the GUI's slider sets).
  double maskThreshold = -1;
  int slice = 0;                  // z index for 3-D stacks
  bool driftCorrection = false;   // register frames by phase correlation of the density
  bool bleachCorrection = false;  // keep each channel's mean nuclear signal constant in time
  // User calibration (dataset-properties dialog); 0 keeps the file's value.
  double pixelSizeUm = 0, frameIntervalS = 0;
};

struct FieldData {
  std::vector<cv::Mat> density, hetero;  // φ_c, φ_h per frame, CV_32F
  cv::Mat mask;                          // CV_8U, 255 = nucleus
  double dx = 1, dy = 1, dt = 1;         // µm, µm, s
  bool calibratedSpace = false, calibratedTime = false;
  Normalize normalizeUsed = Normalize::None;
  double maskThreshold =
      -1;  // fraction the automatic mask used (Otsu's or the user's); -1: mask file
  // Percentile mapping as applied: intensity → 0 (low) and → fraction (high), density then
  // heterochromatin (zeros when not mapped).
  double mappedLow[2] = {0, 0}, mappedHigh[2] = {0, 0};
  double noiseSigma = 0;  // known noise σ (tests, simulations); 0 = estimate from the data
  std::vector<cv::Point2d> drift;  // per-frame shift removed by drift correction (px), empty if off
  std::vector<double>
      bleachFactors;          // per-frame density gain applied by bleach correction, empty if off
  AppliedCalibration counts;  // the counts mapping as applied (counts.used)
  std::vector<DataWarning> warnings;  // checks of the data (DataWarnings.h), in the order found
  // Not empty: the stack cannot give λ (e.g. one channel) and was prepared for looking only
  // (prepareForViewing); says why, for the GUI's banner and its disabled Start.
  std::string viewOnlyReason;
  int frames() const { return static_cast<int>(density.size()); }
  int width() const { return density.empty() ? 0 : density[0].cols; }
  int height() const { return density.empty() ? 0 : density[0].rows; }
};

// Throws io::StackError (naming the stack's path) for a missing channel or mask problem.
FieldData prepare(const io::Stack& stack, const PrepOptions& options);

// Whether the stack has fewer channels than λ needs (a one-channel stack, a grey PNG): such
// data is still worth looking at (prepareForViewing). A two-channel stack asked for a channel
// it lacks is a mistake in the mapping instead, which `prepare` reports.
bool tooFewChannels(const io::StackInfo& info);

// A stack that cannot give λ, prepared for looking only: the first requested channel that
// exists as density (intensities as they are, no mapping), heterochromatin zero, the automatic
// mask, viewOnlyReason set and a "one-channel" warning saying what is missing.
FieldData prepareForViewing(const io::Stack& stack, const PrepOptions& options);

// Pixel-wise mean over frames (CV_32F).
cv::Mat timeMean(const std::vector<cv::Mat>& frames);

// Threshold of the time-mean density (Otsu when threshold < 0, else the fraction between its
// darkest and brightest value), holes filled, every nucleus kept (components of at least
// kMinNucleusShare of the largest; NucleusLabels.h). `thresholdUsed`
// receives the fraction applied (Otsu's choice: where the GUI's slider starts).
cv::Mat autoNucleusMask(const std::vector<cv::Mat>& density, double threshold = -1,
                        double* thresholdUsed = nullptr);

// The region whose derivatives the mollifier can compute from inside the nucleus: the mask
// eroded by `radiusPx` (a disk), also kept `radiusPx` away from the image border.
cv::Mat analysedRegion(const cv::Mat& mask, int radiusPx);

// The mask without a border of `borderPx` around the image: where a kernel that reads the
// fields on both sides of the nuclear edge (they are measured everywhere) still fits.
cv::Mat insideImage(const cv::Mat& mask, int borderPx);

}  // namespace mollichrom::prep
