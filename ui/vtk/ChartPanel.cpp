#include "ui/vtk/ChartPanel.h"

#include "core/train/Trainer.h"
#include "ui/vtk/VtkView.h"

#include <vtkAxis.h>
#include <vtkBrush.h>
#include <vtkChartLegend.h>
#include <vtkChartXY.h>
#include <vtkContextActor.h>
#include <vtkContextScene.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkPen.h>
#include <vtkPlot.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkTable.h>
#include <vtkTextProperty.h>

#include <array>
#include <cmath>

namespace mollichrom::ui {

namespace {
struct Series {
  const char* name;
  double train::LossRecord::*member;
  std::array<unsigned char, 3> rgb;
};
const std::array<Series, 4> kSeries{{{"total", &train::LossRecord::total, {240, 240, 240}},
                                     {"data", &train::LossRecord::data, {80, 160, 255}},
                                     {"PDE", &train::LossRecord::pde, {255, 140, 60}},
                                     {"smooth", &train::LossRecord::smooth, {120, 220, 120}}}};
}  // namespace

struct ChartPanel::Pipeline {
  vtkNew<vtkContextActor> actor;
  vtkNew<vtkChartXY> chart;
  std::array<vtkNew<vtkTable>, 4> tables;
  std::array<vtkPlot*, 4> plots{};
};

ChartPanel::ChartPanel(VtkView* view, vtkRenderer* renderer)
    : view_(view), p_(std::make_unique<Pipeline>()) {
  p_->actor->GetScene()->AddItem(p_->chart);
  p_->actor->GetScene()->SetRenderer(renderer);
  renderer->AddActor(p_->actor);
  auto* left = p_->chart->GetAxis(vtkAxis::LEFT);
  left->SetTitle("loss");
  left->SetLogScale(true);  // the terms span decades
  p_->chart->GetAxis(vtkAxis::BOTTOM)->SetTitle("step");
  for (auto* axis : {left, p_->chart->GetAxis(vtkAxis::BOTTOM)}) {
    axis->GetTitleProperties()->SetColor(0.9, 0.9, 0.9);
    axis->GetLabelProperties()->SetColor(0.9, 0.9, 0.9);
    axis->GetPen()->SetColor(200, 200, 200);
    axis->GetGridPen()->SetColor(70, 70, 80);
  }
  p_->chart->SetShowLegend(true);
  p_->chart->GetLegend()->GetLabelProperties()->SetColor(0.9, 0.9, 0.9);
  p_->chart->GetLegend()->GetBrush()->SetColor(30, 30, 40, 200);
  // One table per term: a log axis cannot show the zero a term has before it starts
  // (the data term at step 1), so each curve keeps only its positive points.
  for (size_t i = 0; i < kSeries.size(); ++i) {
    vtkNew<vtkFloatArray> x, y;
    x->SetName("step");
    y->SetName(kSeries[i].name);
    p_->tables[i]->AddColumn(x);
    p_->tables[i]->AddColumn(y);
    vtkPlot* plot = p_->chart->AddPlot(vtkChart::LINE);
    plot->SetInputData(p_->tables[i], 0, 1);
    plot->SetColor(kSeries[i].rgb[0], kSeries[i].rgb[1], kSeries[i].rgb[2], 255);
    plot->SetWidth(2.0);
    plot->SetLabel(kSeries[i].name);
    p_->plots[i] = plot;
  }
  setVisible(false);
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::setLosses(const std::vector<train::LossRecord>& losses) {
  points_ = 0;
  for (size_t i = 0; i < kSeries.size(); ++i) {
    vtkTable* t = p_->tables[i];
    int n = 0;
    for (const auto& r : losses)
      n += (r.*kSeries[i].member > 0 && std::isfinite(r.*kSeries[i].member)) ? 1 : 0;
    t->SetNumberOfRows(n);
    int row = 0;
    for (const auto& r : losses) {
      const double v = r.*kSeries[i].member;
      if (!(v > 0) || !std::isfinite(v)) continue;
      t->SetValue(row, 0, double(r.step));
      t->SetValue(row, 1, v);
      ++row;
    }
    t->Modified();
    points_ += n;
    p_->plots[i]->SetVisible(n > 1);  // a line needs two points
  }
  // The axes' ranges are set here, not left to the first paint: a plot caches its points in
  // the axis' scale when it is first drawn, and an axis whose automatic range still starts at
  // 0 is not log-active then — a chart drawn once (a reopened project) showed every term as a
  // flat line at 10^0.
  double lo = INFINITY, hi = 0;
  int first = 0, last = 0;
  for (const auto& r : losses) {
    for (const auto& s : kSeries) {
      const double v = r.*s.member;
      if (v > 0 && std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    first = first == 0 ? r.step : std::min(first, r.step);
    last = std::max(last, r.step);
  }
  auto* left = p_->chart->GetAxis(vtkAxis::LEFT);
  auto* bottom = p_->chart->GetAxis(vtkAxis::BOTTOM);
  if (hi > 0) {
    left->SetBehavior(vtkAxis::FIXED);
    left->SetUnscaledRange(std::pow(10.0, std::floor(std::log10(lo))),
                           std::pow(10.0, std::ceil(std::log10(hi) + 1e-9)));
    bottom->SetBehavior(vtkAxis::FIXED);
    bottom->SetRange(first, std::max(last, first + 1));
  }
  p_->chart->RecalculateBounds();
  for (auto* plot : p_->plots) plot->Modified();
  view_->requestRender();
}

void ChartPanel::setVisible(bool visible) {
  p_->actor->SetVisibility(visible);
  view_->requestRender();
}

}  // namespace mollichrom::ui
