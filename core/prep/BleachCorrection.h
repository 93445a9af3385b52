#pragma once
// Bleach correction: fluorophores fade over a time-lapse, and a uniformly dimming channel
// would read as a reaction draining φ_h or φ_c. "Simple ratio" as in Fiji: every frame is
// scaled (above the background) so its mean inside the nucleus equals frame 0's.
// Only the density channel measures a conserved quantity (total chromatin); the marker's mean
// changes through the very reactions we infer. So the gains come from the density channel and
// are applied to both (one exposure bleaches both; a per-dye bleach rate is not modelled).
#include <opencv2/core.hpp>

#include <vector>

namespace mollichrom::prep {

// Gain per frame that restores frame 0's mean nuclear signal above the background; frames
// CV_32F, mask CV_8U (nonzero = nucleus).
std::vector<double> bleachGains(const std::vector<cv::Mat>& frames, const cv::Mat& mask);
// In place: I ← b + (I − b)·gain_t. Background b: the median outside the mask (0 when the mask
// covers everything).
void applyBleachGains(std::vector<cv::Mat>& frames, const cv::Mat& mask,
                      const std::vector<double>& gains);

}  // namespace mollichrom::prep
