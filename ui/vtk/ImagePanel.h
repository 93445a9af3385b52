#pragma once
// One VTK panel showing a 2-D field: calibrated image actor (µm), a colour map (grey for raw
// frames, viridis for maps), NaN transparent, a colour bar with the field's name, and a camera
// fitted to the image. Owns nothing Qt; drives a VtkView's renderer.
#include <opencv2/core.hpp>

#include <memory>
#include <string>

namespace mollichrom::ui {

class VtkView;

class ImagePanel {
 public:
  explicit ImagePanel(VtkView* view);
  ~ImagePanel();
  // map: CV_32F (any single-channel type is converted). Range: 1st–99th percentile of the
  // finite values. colourMap false = grey.
  void show(const cv::Mat& map, double dx, double dy, const std::string& title, bool colourMap);
  VtkView* view() const { return view_; }

 private:
  struct Pipeline;
  VtkView* view_;
  std::unique_ptr<Pipeline> p_;
  bool cameraFitted_ = false;
};

}  // namespace mollichrom::ui
