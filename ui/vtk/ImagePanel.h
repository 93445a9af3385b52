#pragma once
// One VTK layer showing a 2-D field: a calibrated image actor (µm, y up as in VTK, first image
// row at the top), a colour map with NaN transparent, a colour bar with the field's name, and
// a scale bar in µm that zooms with the image. Owns nothing Qt; drives a VtkView's renderer.
#include <opencv2/core.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>

class vtkRenderer;

namespace mollichrom::ui {

class VtkView;

class ImagePanel {
 public:
  // Draws with `renderer` (the panel's, in `view`'s window).
  ImagePanel(VtkView* view, vtkRenderer* renderer);
  ~ImagePanel();
  // map: any single-channel type (converted to float). Keeps the colour map and contrast mode.
  void show(const cv::Mat& map, double dx, double dy, const std::string& title);
  // Hides everything (the panel then shows another layer or nothing).
  void setVisible(bool visible);
  bool hasImage() const { return !image_.empty(); }

  void setColourMap(const std::string& name);
  const std::string& colourMap() const { return colourMap_; }
  // nullopt: automatic contrast (1st–99th percentile of the finite values; symmetric about 0
  // with the diverging map when the values change sign).
  void setRange(std::optional<std::pair<double, double>> range);
  bool autoRange() const { return !manualRange_.has_value(); }
  std::pair<double, double> range() const { return range_; }
  void setScaleBarVisible(bool visible);
  // The ruler's label as last drawn (e.g. "2 µm"): it follows the zoom.
  std::string scaleBarText() const;

  struct Probe {
    int col = 0, row = 0;     // image pixel (row 0 at the top)
    double xUm = 0, yUm = 0;  // its centre, µm from the top-left pixel's centre
    float value = 0;
  };
  // The pixel under a point in world coordinates (µm, VTK's y up); nullopt outside the image.
  std::optional<Probe> probe(double worldX, double worldY) const;
  // The image's area in the panel (normalized xmin, ymin, xmax, ymax; y up): the panel less
  // the annotation margins.
  std::array<double, 4> imageArea() const;
  // Fits the camera to the image (also done on the first show()).
  void resetCamera();
  VtkView* view() const { return view_; }
  const cv::Mat& image() const { return image_; }

 private:
  void applyLookupTable();
  void layoutAnnotations();  // before each frame: margins, colour bar, ruler for the zoom
  struct Pipeline;
  VtkView* view_;
  std::unique_ptr<Pipeline> p_;
  cv::Mat image_;  // CV_32F, as shown
  double dx_ = 1, dy_ = 1;
  std::string colourMap_ = "grey";
  std::optional<std::pair<double, double>> manualRange_;
  std::pair<double, double> range_{0, 1};
  bool cameraFitted_ = false, visible_ = true, scaleBar_ = true;
};

}  // namespace mollichrom::ui
