#pragma once
// Lateral drift correction: nuclei drift on the stage during a time-lapse, and a moving
// pattern looks like ∂tφ ≠ 0 to the model — i.e. like reactions that are not there.
// Each frame is registered to the time-mean by phase correlation (OpenCV), refined to sub-pixel
// by ECC.
#include <opencv2/core.hpp>

#include <vector>

namespace mollichrom::prep {

// Shift of every frame relative to frame 0 (px; frame 0 → (0, 0)). Frames CV_32F, same size.
// Each frame is matched against the time-mean of the registered frames.
std::vector<cv::Point2d> estimateDrift(const std::vector<cv::Mat>& frames);

// Moves each frame by −shift (bilinear; edges replicated), undoing the drift in place.
void applyDrift(std::vector<cv::Mat>& frames, const std::vector<cv::Point2d>& shifts);

}  // namespace mollichrom::prep
