#include "ui/vtk/ImagePanel.h"

#include "core/io/MapExport.h"
#include "ui/vtk/ColourMaps.h"
#include "ui/vtk/VtkView.h"

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkLineSource.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkScalarBarActor.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mollichrom::ui {

struct ImagePanel::Pipeline {
  vtkNew<vtkImageData> image;
  vtkNew<vtkImageActor> actor;
  vtkNew<vtkLookupTable> lut;
  vtkNew<vtkScalarBarActor> bar;
  vtkNew<vtkLineSource> scaleLine;
  vtkNew<vtkActor> scaleActor;
  vtkNew<vtkTextActor> scaleText;
  vtkNew<vtkTextActor> title;
  vtkRenderer* renderer = nullptr;
};

ImagePanel::ImagePanel(VtkView* view) : view_(view), p_(std::make_unique<Pipeline>()) {
  p_->renderer = view->renderWindow()->GetRenderers()->GetFirstRenderer();
  p_->actor->GetMapper()->SetInputData(p_->image);
  p_->actor->GetProperty()->SetLookupTable(p_->lut);
  p_->actor->GetProperty()->UseLookupTableScalarRangeOn();
  p_->actor->GetProperty()->SetInterpolationTypeToNearest();  // pixels are data, not texture
  fillColourMap(p_->lut, colourMap_);
  p_->bar->SetLookupTable(p_->lut);
  p_->bar->SetNumberOfLabels(3);
  p_->bar->SetWidth(0.05);
  p_->bar->SetHeight(0.8);
  p_->bar->SetPosition(0.84, 0.08);  // labels go right of the bar: leave them room
  p_->bar->SetLabelFormat("%-#6.3g");
  // Fixed point sizes: VTK would otherwise shrink text to the bar's width (a title with units
  // became unreadable).
  p_->bar->UnconstrainedFontSizeOn();
  // The field's name and unit: top left of the panel (above the bar it would be clipped).
  p_->title->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  p_->title->SetPosition(0.02, 0.93);
  p_->title->GetTextProperty()->SetFontSize(13);
  p_->title->GetTextProperty()->SetColor(0.85, 0.85, 0.9);
  p_->bar->GetLabelTextProperty()->SetFontSize(11);
  p_->bar->GetLabelTextProperty()->ItalicOff();
  // Scale bar in world units (µm): it zooms with the image, as a physical ruler should.
  vtkNew<vtkPolyDataMapper> lineMapper;
  lineMapper->SetInputConnection(p_->scaleLine->GetOutputPort());
  p_->scaleActor->SetMapper(lineMapper);
  p_->scaleActor->GetProperty()->SetColor(1, 1, 1);
  p_->scaleActor->GetProperty()->SetLineWidth(4);
  p_->scaleActor->GetProperty()->LightingOff();
  p_->scaleText->GetPositionCoordinate()->SetCoordinateSystemToWorld();
  p_->scaleText->GetTextProperty()->SetFontSize(13);
  p_->scaleText->GetTextProperty()->SetColor(1, 1, 1);
  p_->scaleText->GetTextProperty()->BoldOn();
  p_->renderer->AddActor(p_->actor);
  p_->renderer->AddActor(p_->scaleActor);
  p_->renderer->AddActor2D(p_->scaleText);
  p_->renderer->AddActor2D(p_->bar);
  p_->renderer->AddActor2D(p_->title);
  setVisible(true);  // nothing is drawn until there is an image
}

ImagePanel::~ImagePanel() = default;

void ImagePanel::show(const cv::Mat& map, double dx, double dy, const std::string& title) {
  map.convertTo(image_, CV_32F);
  dx_ = dx;
  dy_ = dy;
  const int w = image_.cols, h = image_.rows;
  p_->image->SetDimensions(w, h, 1);
  p_->image->SetSpacing(dx, dy, 1);
  p_->image->SetOrigin(0, 0, 0);
  vtkNew<vtkFloatArray> values;
  values->SetNumberOfTuples(vtkIdType(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)  // VTK's y axis points up; images are stored top row first.
      values->SetValue(vtkIdType(y) * w + x, image_.at<float>(h - 1 - y, x));
  p_->image->GetPointData()->SetScalars(values);
  p_->title->SetInput(title.c_str());
  p_->image->Modified();
  applyLookupTable();
  updateScaleBar();
  setVisible(visible_);
  if (!cameraFitted_) resetCamera();
  view_->requestRender();
}

void ImagePanel::resetCamera() {
  if (image_.empty()) return;
  p_->renderer->GetActiveCamera()->ParallelProjectionOn();
  p_->renderer->ResetCamera();
  cameraFitted_ = true;
  view_->requestRender();
}

void ImagePanel::setVisible(bool visible) {
  visible_ = visible;
  const bool on = visible && !image_.empty();
  p_->actor->SetVisibility(on);
  p_->bar->SetVisibility(on);
  p_->title->SetVisibility(on);
  p_->scaleActor->SetVisibility(on && scaleBar_);
  p_->scaleText->SetVisibility(on && scaleBar_);
  view_->requestRender();
}

void ImagePanel::setColourMap(const std::string& name) {
  colourMap_ = name;
  fillColourMap(p_->lut, colourMap_);
  applyLookupTable();
  view_->requestRender();
}

void ImagePanel::setRange(std::optional<std::pair<double, double>> range) {
  manualRange_ = range;
  applyLookupTable();
  view_->requestRender();
}

void ImagePanel::setScaleBarVisible(bool visible) {
  scaleBar_ = visible;
  setVisible(visible_);
}

void ImagePanel::applyLookupTable() {
  if (manualRange_) range_ = *manualRange_;
  else if (!image_.empty()) {
    range_ = io::finitePercentileRange(image_, 0.01, 0.99).value_or(std::make_pair(0.0, 1.0));
    // A diverging map is read against zero: white must mean 0, so the automatic range is
    // symmetric for signed fields.
    if (colourMap_ == "coolwarm" && range_.first < 0 && range_.second > 0) {
      const double m = std::max(-range_.first, range_.second);
      range_ = {-m, m};
    }
  }
  if (!(range_.second > range_.first)) range_.second = range_.first + 1e-6;
  p_->lut->SetTableRange(range_.first, range_.second);
  p_->lut->Modified();
}

void ImagePanel::updateScaleBar() {
  const double widthUm = image_.cols * dx_, heightUm = image_.rows * dy_;
  const double length = io::niceScaleBarLength(widthUm);
  const double x0 = 0.05 * widthUm, y0 = 0.06 * heightUm;
  p_->scaleLine->SetPoint1(x0, y0, 0.1);
  p_->scaleLine->SetPoint2(x0 + length, y0, 0.1);
  char label[32];
  std::snprintf(label, sizeof label, "%g \xC2\xB5m", length);  // UTF-8 µ
  p_->scaleText->SetInput(label);
  p_->scaleText->GetPositionCoordinate()->SetValue(x0, y0 + 0.025 * heightUm, 0.1);
}

std::optional<ImagePanel::Probe> ImagePanel::probe(double worldX, double worldY) const {
  if (image_.empty()) return std::nullopt;
  const int col = static_cast<int>(std::lround(worldX / dx_));
  const int rowUp = static_cast<int>(std::lround(worldY / dy_));
  if (col < 0 || col >= image_.cols || rowUp < 0 || rowUp >= image_.rows) return std::nullopt;
  Probe p;
  p.col = col;
  p.row = image_.rows - 1 - rowUp;
  p.xUm = col * dx_;
  p.yUm = p.row * dy_;
  p.value = image_.at<float>(p.row, col);
  return p;
}

}  // namespace mollichrom::ui
