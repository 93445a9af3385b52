#pragma once
// Camera counts → volume fractions. A camera records offset + gain·signal per
// channel; the model needs φ_c and φ_h in absolute volume fractions, and λ follows the ratio of
// the two channels' scales (20 % error in it: r 0.94 → 0.50–0.83 on a simulated series), so
// both scales are fixed by stated, documented assumptions instead of percentiles:
//   offset_k  the background outside the nuclei (median), or given;
//   s_c       mean φ_c over the nuclei = chromatinFraction;
//   s_h       mean φ_h over the nuclei = heteroShare · mean φ_c;
//   φ_k = (I_k − offset_k)·s_k.
// Defaults: chromatinFraction 0.5 and heteroShare 0.5 — the middle of the model's regime as the
// project simulates it (mean φ_c 0.45–0.55; at balance λφ_e ≈ φ_h, so a share of 0.5 is λ ≈ 1).
// They are assumptions, not measurements: every report states them, and the sensitivity of λ
// to the share is reported beside it.
#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace mollichrom::prep {

struct CountCalibration {
  double offset[2] = {-1, -1};     // density, heterochromatin (counts); < 0: measured
  double chromatinFraction = 0.5;  // mean φ_c over the nuclei
  double heteroShare = 0.5;        // mean φ_h / mean φ_c over the nuclei
  // The acquisition's gains (φ per count above the offset, AcquisitionCalibration.h); when
  // both are > 0 they are applied as they are and the two stated fractions above are not used:
  // the cell's own mean φ_c and share then follow from its counts.
  double gain[2] = {0, 0};
  bool hasGains() const { return gain[0] > 0 && gain[1] > 0; }
};

// What was applied, for the reports.
struct AppliedCalibration {
  bool used = false;
  double offset[2] = {0, 0}, scale[2] = {0, 0};
  bool offsetMeasured[2] = {false, false};
  double backgroundShare = 0;                     // of the image used for the measured offsets
  double chromatinFraction = 0, heteroShare = 0;  // as applied: stated, or the cell's own
  bool gainsGiven = false;  // the acquisition's gains were applied (CountCalibration::gain)
};

// Parses "density=100,heterochromatin=98" or one number for both. Throws std::invalid_argument.
void parseOffsets(const std::string& text, CountCalibration& c);

// The background of a channel: the median of the pixels more than 5 px outside every nucleus
// over (a sample of) the frames. `share` receives the fraction of the image that is background.
double backgroundLevel(const std::vector<cv::Mat>& planes, const cv::Mat& mask, double* share);

// Subtracts the offsets (measured where not given) from both channels in place.
void subtractOffsets(std::vector<cv::Mat>& density, std::vector<cv::Mat>& hetero,
                     const cv::Mat& mask, const CountCalibration& c, AppliedCalibration& applied);

// Scales both (offset-free) channels in place to the stated mean fractions, or by the
// acquisition's gains when they are given.
// Throws std::invalid_argument when a channel has no signal over the nuclei.
void scaleToFractions(std::vector<cv::Mat>& density, std::vector<cv::Mat>& hetero,
                      const cv::Mat& mask, const CountCalibration& c, AppliedCalibration& applied);

}  // namespace mollichrom::prep
