#include "ui/vtk/ImagePanel.h"

#include "core/io/MapExport.h"
#include "ui/vtk/VtkView.h"

#include <vtkCamera.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkScalarBarActor.h>
#include <vtkTextProperty.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace mollichrom::ui {

struct ImagePanel::Pipeline {
  vtkNew<vtkImageData> image;
  vtkNew<vtkImageActor> actor;
  vtkNew<vtkLookupTable> lut;
  vtkNew<vtkScalarBarActor> bar;
  vtkRenderer* renderer = nullptr;
};

namespace {
// Viridis anchor colours (matplotlib), interpolated.
void fillViridis(vtkLookupTable* lut) {
  static const double anchors[][3] = {{0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
                                      {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
                                      {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441}, {0.478, 0.821, 0.318},
                                      {0.741, 0.873, 0.150}, {0.993, 0.906, 0.144}};
  const int n = 256;
  lut->SetNumberOfTableValues(n);
  for (int i = 0; i < n; ++i) {
    const double f = double(i) / (n - 1) * 10;
    const int k = std::min(9, int(f));
    const double w = f - k;
    lut->SetTableValue(i, anchors[k][0] * (1 - w) + anchors[k + 1][0] * w, anchors[k][1] * (1 - w) + anchors[k + 1][1] * w,
                       anchors[k][2] * (1 - w) + anchors[k + 1][2] * w, 1.0);
  }
}
}  // namespace

ImagePanel::ImagePanel(VtkView* view) : view_(view), p_(std::make_unique<Pipeline>()) {
  p_->renderer = view->renderWindow()->GetRenderers()->GetFirstRenderer();
  p_->actor->GetMapper()->SetInputData(p_->image);
  p_->actor->GetProperty()->SetLookupTable(p_->lut);
  p_->actor->GetProperty()->UseLookupTableScalarRangeOn();
  p_->actor->GetProperty()->SetInterpolationTypeToNearest();
  p_->lut->SetNanColor(0, 0, 0, 0);  // NaN (outside the analysed region) transparent
  p_->bar->SetLookupTable(p_->lut);
  p_->bar->SetNumberOfLabels(3);
  p_->bar->SetWidth(0.08);
  p_->bar->SetHeight(0.8);
  p_->bar->SetPosition(0.9, 0.1);
  p_->bar->GetTitleTextProperty()->SetFontSize(12);
  p_->bar->GetLabelTextProperty()->SetFontSize(10);
  p_->renderer->AddActor(p_->actor);
  p_->renderer->AddActor2D(p_->bar);
  p_->actor->VisibilityOff();
  p_->bar->VisibilityOff();
}

ImagePanel::~ImagePanel() = default;

void ImagePanel::show(const cv::Mat& map, double dx, double dy, const std::string& title, bool colourMap) {
  cv::Mat f;
  map.convertTo(f, CV_32F);
  const int w = f.cols, h = f.rows;
  p_->image->SetDimensions(w, h, 1);
  p_->image->SetSpacing(dx, dy, 1);
  p_->image->SetOrigin(0, 0, 0);
  vtkNew<vtkFloatArray> values;
  values->SetNumberOfTuples(vtkIdType(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)  // VTK's y axis points up; images are stored top row first.
      values->SetValue(vtkIdType(y) * w + x, f.at<float>(h - 1 - y, x));
  p_->image->GetPointData()->SetScalars(values);
  auto [lo, hi] = io::finitePercentileRange(f, 0.01, 0.99).value_or(std::make_pair(0.0, 1.0));
  if (!(hi > lo)) hi = lo + 1e-6;
  if (colourMap) fillViridis(p_->lut);
  else {
    p_->lut->SetNumberOfTableValues(256);
    p_->lut->SetHueRange(0, 0);
    p_->lut->SetSaturationRange(0, 0);
    p_->lut->SetValueRange(0, 1);
    p_->lut->ForceBuild();
  }
  p_->lut->SetNanColor(0, 0, 0, 0);
  p_->lut->SetTableRange(lo, hi);
  p_->bar->SetTitle(title.c_str());
  p_->image->Modified();
  p_->actor->VisibilityOn();
  p_->bar->VisibilityOn();
  if (!cameraFitted_) {
    p_->renderer->ResetCamera();
    p_->renderer->GetActiveCamera()->ParallelProjectionOn();
    p_->renderer->ResetCamera();
    cameraFitted_ = true;
  }
  view_->requestRender();
}

}  // namespace mollichrom::ui
