#include "core/prep/DriftCorrection.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <cmath>

namespace mollichrom::prep {

namespace {
// Phase correlation finds the shift robustly (large moves, any texture) but its sub-pixel
// centroid is biased towards whole pixels (0.2–0.3 px off at half-pixel shifts); a few ECC
// iterations (intensity least squares, translation only) started there bring it to ~0.05 px.
cv::Point2d refine(const cv::Mat& ref, const cv::Mat& frame, cv::Point2d start) {
  cv::Mat warp = (cv::Mat_<float>(2, 3) << 1, 0, float(start.x), 0, 1, float(start.y));
  try {
    cv::findTransformECC(
        ref, frame, warp, cv::MOTION_TRANSLATION,
        cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 50, 1e-4), cv::noArray(),
        1);
  } catch (const cv::Exception&) {
    return start;  // ECC did not converge (flat frame): keep the phase-correlation estimate
  }
  const cv::Point2d refined(warp.at<float>(0, 2), warp.at<float>(1, 2));
  // A refinement that wanders off by more than a pixel has locked onto something else.
  return cv::norm(refined - start) < 1.0 ? refined : start;
}
}  // namespace

std::vector<cv::Point2d> estimateDrift(const std::vector<cv::Mat>& frames) {
  std::vector<cv::Point2d> shifts(frames.size(), cv::Point2d(0, 0));
  if (frames.size() < 2) return shifts;
  // No apodising window: the nucleus sits on a dark background, so the image edges do not
  // wrap into false structure, and a Hann window would fade out the outline that carries the
  // motion (with it: 1.1 px of false drift on the still sample; without: 0.13 px).
  auto prepared = [](const cv::Mat& f) {
    cv::Mat g;
    f.convertTo(g, CV_32F);
    cv::patchNaNs(g, 0);
    cv::GaussianBlur(g, g, {0, 0}, 1.5);  // pixel noise would otherwise weigh like structure
    return g;
  };
  // Reference: the time-mean, where the lasting structure (nucleus outline, domains) dominates
  // and one noisy or early frame cannot. Frame-to-frame matching instead adds its small errors
  // into a random walk (0.5 px over the 21 frames of the still sample); frame 0 alone can be an
  // unstructured start (18 px off). Two passes: the second mean is taken of registered frames.
  std::vector<cv::Mat> work;
  for (const cv::Mat& f : frames) work.push_back(prepared(f));
  for (int pass = 0; pass < 2; ++pass) {
    cv::Mat ref = cv::Mat::zeros(work[0].size(), CV_32F);
    std::vector<cv::Mat> aligned = work;
    applyDrift(aligned, shifts);
    for (const cv::Mat& f : aligned) ref += f / double(aligned.size());
    for (size_t t = 0; t < work.size(); ++t)
      shifts[t] = refine(ref, work[t], cv::phaseCorrelate(ref, work[t]));
  }
  const cv::Point2d origin = shifts[0];  // frame 0 stays where it is
  for (auto& s : shifts) s -= origin;
  return shifts;
}

void applyDrift(std::vector<cv::Mat>& frames, const std::vector<cv::Point2d>& shifts) {
  for (size_t t = 0; t < frames.size() && t < shifts.size(); ++t) {
    // Below a twentieth of a pixel interpolation would only blur (and so denoise) the frame.
    if (std::hypot(shifts[t].x, shifts[t].y) < 0.05) continue;
    const cv::Matx23d back(1, 0, -shifts[t].x, 0, 1, -shifts[t].y);
    cv::Mat out;
    cv::warpAffine(frames[t], out, back, frames[t].size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    frames[t] = out;
  }
}

}  // namespace mollichrom::prep
