#include "ui/vtk/ImagePanel.h"

#include "core/io/MapExport.h"
#include "ui/vtk/ColourMaps.h"
#include "ui/vtk/TextFont.h"
#include "ui/vtk/VtkView.h"

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCommand.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkScalarBarActor.h>
#include <vtkSmartPointer.h>
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
  vtkNew<vtkPoints> scalePoints;
  vtkNew<vtkPolyData> scaleLine;
  vtkNew<vtkActor2D> scaleActor;
  vtkNew<vtkTextActor> scaleText;
  vtkNew<vtkTextActor> title;
  vtkRenderer* renderer = nullptr;  // the panel's: the image, in the middle of the panel
  vtkNew<vtkRenderer> annotation;   // layer 1, whole panel: title, colour bar, scale bar
  vtkNew<vtkRenderer> backdrop;     // layer 0, whole panel, drawn first: clears the margins
  unsigned long observer = 0;
};

namespace {
// The margins (px) the annotations live in, so a zoomed image never runs under them
// (the title, colour bar and scale bar were drawn over the data).
constexpr int kTopPx = 24, kBottomPx = 26, kRightPx = 84;
}  // namespace

ImagePanel::ImagePanel(VtkView* view, vtkRenderer* renderer)
    : view_(view), p_(std::make_unique<Pipeline>()) {
  auto* window = view->renderWindow();
  p_->renderer = renderer;
  // A renderer clears only its viewport: a backdrop renderer, drawn first, clears the margins
  // (else the colour bar's old labels stayed there as ghosts). It goes in front of the panel's
  // renderer in the window's list, which draws a layer in list order.
  vtkSmartPointer<vtkRenderer> main = p_->renderer;
  p_->backdrop->SetBackground(main->GetBackground());
  p_->backdrop->InteractiveOff();
  window->RemoveRenderer(main);
  window->AddRenderer(p_->backdrop);
  window->AddRenderer(main);
  window->SetNumberOfLayers(2);
  p_->annotation->SetLayer(1);
  p_->annotation->InteractiveOff();  // pan and zoom go to the image below
  window->AddRenderer(p_->annotation);
  p_->actor->GetMapper()->SetInputData(p_->image);
  p_->actor->GetProperty()->SetLookupTable(p_->lut);
  p_->actor->GetProperty()->UseLookupTableScalarRangeOn();
  p_->actor->GetProperty()->SetInterpolationTypeToNearest();  // pixels are data, not texture
  fillColourMap(p_->lut, colourMap_);
  p_->bar->SetLookupTable(p_->lut);
  p_->bar->SetNumberOfLabels(3);
  p_->bar->SetLabelFormat("%-#6.3g");
  // Fixed point sizes: VTK would otherwise shrink text to the bar's width (a title with units
  // became unreadable).
  p_->bar->UnconstrainedFontSizeOn();
  p_->bar->GetLabelTextProperty()->SetFontSize(11);
  p_->bar->GetLabelTextProperty()->ItalicOff();
  p_->bar->GetLabelTextProperty()->ShadowOff();
  p_->title->GetTextProperty()->SetFontSize(13);
  p_->title->GetTextProperty()->SetColor(0.85, 0.85, 0.9);
  useUnicodeFont(p_->title->GetTextProperty());
  // Scale bar: a screen-space ruler in the bottom margin whose length follows the zoom.
  p_->scalePoints->SetNumberOfPoints(2);
  p_->scaleLine->SetPoints(p_->scalePoints);
  vtkNew<vtkCellArray> lines;
  const vtkIdType ids[2] = {0, 1};
  lines->InsertNextCell(2, ids);
  p_->scaleLine->SetLines(lines);
  vtkNew<vtkPolyDataMapper2D> lineMapper;
  lineMapper->SetInputData(p_->scaleLine);
  vtkNew<vtkCoordinate> normalized;
  normalized->SetCoordinateSystemToNormalizedViewport();
  lineMapper->SetTransformCoordinate(normalized);
  p_->scaleActor->SetMapper(lineMapper);
  p_->scaleActor->GetProperty()->SetColor(1, 1, 1);
  p_->scaleActor->GetProperty()->SetLineWidth(4);
  p_->scaleText->GetTextProperty()->SetFontSize(12);
  p_->scaleText->GetTextProperty()->SetColor(1, 1, 1);
  p_->scaleText->GetTextProperty()->SetVerticalJustificationToCentered();
  useUnicodeFont(p_->scaleText->GetTextProperty());
  p_->renderer->AddActor(p_->actor);
  p_->annotation->AddActor2D(p_->scaleActor);
  p_->annotation->AddActor2D(p_->scaleText);
  p_->annotation->AddActor2D(p_->bar);
  p_->annotation->AddActor2D(p_->title);
  // Before each frame: the margins for this panel size, the ruler for this zoom.
  vtkNew<vtkCallbackCommand> layout;
  layout->SetClientData(this);
  layout->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
    static_cast<ImagePanel*>(self)->layoutAnnotations();
  });
  p_->observer = window->AddObserver(vtkCommand::StartEvent, layout);
  setVisible(true);  // nothing is drawn until there is an image
}

ImagePanel::~ImagePanel() { view_->renderWindow()->RemoveObserver(p_->observer); }

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
  // The margins belong to the image: a chart or a message has the whole panel.
  if (!visible) p_->renderer->SetViewport(0, 0, 1, 1);
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
  if (manualRange_)
    range_ = *manualRange_;
  else if (!image_.empty()) {
    range_ = io::finitePercentileRange(image_, 0.01, 0.99).value_or(std::make_pair(0.0, 1.0));
    // A diverging map is read against zero: white must mean 0, so the automatic range is
    // symmetric for signed fields.
    if (colourMap_ == "coolwarm" && range_.first < 0 && range_.second > 0) {
      const double m = std::max(-range_.first, range_.second);
      range_ = {-m, m};
    }
  }
  // An end within float noise of zero is zero (a density bar read "-1.40e-09").
  const double span = range_.second - range_.first;
  if (std::abs(range_.first) < 1e-4 * span) range_.first = 0;
  if (std::abs(range_.second) < 1e-4 * span) range_.second = 0;
  if (!(range_.second > range_.first)) range_.second = range_.first + 1e-6;
  p_->lut->SetTableRange(range_.first, range_.second);
  p_->lut->Modified();
}

std::array<double, 4> ImagePanel::imageArea() const {
  std::array<double, 4> v{};
  p_->renderer->GetViewport(v.data());
  return v;
}

std::string ImagePanel::scaleBarText() const {
  const char* t = p_->scaleText->GetInput();
  return t ? t : "";
}

void ImagePanel::layoutAnnotations() {
  if (!visible_ || image_.empty()) return;
  const int* size = view_->renderWindow()->GetSize();
  const double w = std::max(size[0], 1), h = std::max(size[1], 1);
  // Margins in pixels, as fractions of this panel; tiny panels keep at least half for data.
  const double right = std::min(0.5, kRightPx / w), top = std::min(0.25, kTopPx / h),
               bottom = std::min(0.25, kBottomPx / h);
  p_->renderer->SetViewport(0, bottom, 1 - right, 1 - top);
  p_->title->SetPosition(6, h - kTopPx + 5);
  p_->bar->SetPosition(1 - right + 8 / w, bottom);
  p_->bar->SetWidth(14 / w + 0.5 * right);  // the bar plus its labels
  p_->bar->SetBarRatio(14 / (14 + 0.5 * right * w));
  p_->bar->SetHeight(1 - top - bottom);
  if (!scaleBar_) return;
  // The ruler: a round length near a fifth of the visible width, drawn to the zoom's scale.
  vtkCamera* cam = p_->renderer->GetActiveCamera();
  const double viewW = (1 - right) * w, viewH = (1 - top - bottom) * h;
  const double umPerPx = 2 * cam->GetParallelScale() / std::max(viewH, 1.0);
  const double length = io::niceScaleBarLength(viewW * umPerPx);
  const double px = length / umPerPx, y = 0.5 * kBottomPx;
  p_->scalePoints->SetPoint(0, 8 / w, y / h, 0);
  p_->scalePoints->SetPoint(1, (8 + px) / w, y / h, 0);
  p_->scalePoints->Modified();
  p_->scaleLine->Modified();
  char label[32];
  std::snprintf(label, sizeof label, "%g \xC2\xB5m", length);  // UTF-8 µ
  p_->scaleText->SetInput(label);
  p_->scaleText->SetPosition(14 + px, y);
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
