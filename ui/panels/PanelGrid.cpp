#include "ui/panels/PanelGrid.h"

#include "core/prep/FieldData.h"
#include "ui/panels/PanelWidget.h"
#include "ui/vtk/ImagePanel.h"
#include "ui/vtk/VtkView.h"

#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkNew.h>

namespace mollichrom::ui {

namespace {
// The data, the answer, the network's λ live while it trains, the loss curves (the
// derivatives are one choice away in each selector).
const char* kDefaultPanels[PanelGrid::kPanels] = {"density", "lambda", "lambda_trained", "losses"};
}  // namespace

// The camera shared by the image layers of all panels. When one panel's interactor moves it,
// the others must redraw; rendering itself also touches the camera (clipping range), so only a
// change of what is seen triggers redraws.
struct PanelGrid::CameraLink {
  vtkNew<vtkCamera> camera;
  std::array<double, 7> last{};
  std::array<double, 7> now() const {
    std::array<double, 7> s{};
    camera->GetFocalPoint(s.data());
    camera->GetPosition(s.data() + 3);
    s[6] = camera->GetParallelScale();
    return s;
  }
};

PanelGrid::PanelGrid(QWidget* parent) : QWidget(parent), camera_(std::make_unique<CameraLink>()) {
  camera_->camera->ParallelProjectionOn();
  camera_->camera->AddObserver(vtkCommand::ModifiedEvent, this, &PanelGrid::onCameraModified);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* rows = new QSplitter(Qt::Vertical, this);
  rows->setObjectName(QStringLiteral("panelRows"));
  for (int r = 0; r < 2; ++r) {
    auto* row = new QSplitter(Qt::Horizontal, rows);
    row->setObjectName(QStringLiteral("panelRow%1").arg(r));
    for (int c = 0; c < 2; ++c) {
      const int i = r * 2 + c;
      auto* p = new PanelWidget(i, row);
      p->setSharedCamera(camera_->camera);
      panels_[size_t(i)] = p;
      row->addWidget(p);
      connect(p, &PanelWidget::contentChanged, this,
              [this](int index, const QString&) { refreshPanel(index); });
      connect(p, &PanelWidget::hovered, this, &PanelGrid::hovered);
      connect(p, &PanelWidget::pixelClicked, this, &PanelGrid::pixelClicked);
    }
    rows->addWidget(row);
  }
  layout->addWidget(rows);
  for (int i = 0; i < kPanels; ++i)
    panels_[size_t(i)]->setContent(QString::fromLatin1(kDefaultPanels[i]));
}

PanelGrid::~PanelGrid() { camera_->camera->RemoveAllObservers(); }

void PanelGrid::refresh(bool perFrameOnly) {
  const auto in = inputs_ ? inputs_() : std::nullopt;
  for (int i = 0; i < kPanels; ++i) {
    const PanelContent* c = findPanelContent(panels_[size_t(i)]->content());
    // Before training the network's φ panels show the measured frame, so they follow it too.
    const bool followsFrame = c && (c->perFrame || (in && !in->snapshot && c->live &&
                                                    c->key.startsWith(QLatin1String("phi_"))));
    if (!perFrameOnly || followsFrame) refreshPanel(i);
  }
}

void PanelGrid::refreshPanel(int index) {
  PanelWidget* p = panels_[size_t(index)];
  const PanelContent* c = findPanelContent(p->content());
  if (!c) return;
  const auto in = inputs_ ? inputs_() : std::nullopt;
  if (!in || !in->fields) {
    p->showMessage(tr("Open a stack (File ▸ Open, or drop it on the window)"));
    return;
  }
  const prep::FieldData& f = *in->fields;
  if (!f.viewOnlyReason.empty() && c->key != "density" && c->key != "mask" && c->key != "nuclei") {
    p->showMessage(tr(
        "Only one channel: λ needs a density and a heterochromatin channel (Data dock: Channels)"));
    return;
  }
  const PanelView v = c->provide(*c, *in);
  switch (v.kind) {
    case PanelView::Kind::Image:
      p->showImage(v.image, f.dx, f.dy, v.title.c_str());
      break;
    case PanelView::Kind::Losses:
      p->showLosses(*v.losses);
      break;
    case PanelView::Kind::Message:
      p->showMessage(v.message);
      break;
  }
}

void PanelGrid::refreshLive() {
  const int generation = ++liveGeneration_;
  int delay = 0;
  for (int i = 0; i < kPanels; ++i) {
    const PanelContent* c = findPanelContent(panels_[size_t(i)]->content());
    if (!c || !c->live) continue;
    QTimer::singleShot(delay, this, [this, i, generation] {
      if (generation == liveGeneration_) refreshPanel(i);
    });
    delay += 40;
  }
}

void PanelGrid::fitImages() {
  // The camera is shared, so one fit serves all; it must be done through a panel that shows an
  // image (a chart panel's renderer holds its own camera).
  for (auto* p : panels_)
    if (p->showsImage()) {
      p->imageLayer()->resetCamera();
      return;
    }
}

void PanelGrid::zoom(double factor) { camera_->camera->Zoom(factor); }

std::vector<double> PanelGrid::cameraState() const {
  const auto s = camera_->now();
  return {s.begin(), s.end()};
}

void PanelGrid::setCameraState(const std::vector<double>& s) {
  if (s.size() != 7) return;
  camera_->camera->SetFocalPoint(s.data());
  camera_->camera->SetPosition(s.data() + 3);
  camera_->camera->SetParallelScale(s[6]);
}

std::array<PanelState, PanelGrid::kPanels> PanelGrid::panelStates() const {
  std::array<PanelState, kPanels> out;
  for (int i = 0; i < kPanels; ++i) out[size_t(i)] = panels_[size_t(i)]->state();
  return out;
}

void PanelGrid::restorePanelStates(const std::array<PanelState, kPanels>& states) {
  for (int i = 0; i < kPanels; ++i) panels_[size_t(i)]->restoreState(states[size_t(i)]);
}

void PanelGrid::onCameraModified() {
  const auto now = camera_->now();
  if (now == camera_->last) return;  // only the clipping range changed (every render does that)
  camera_->last = now;
  for (auto* p : panels_)
    if (p->showsImage()) p->view()->requestRender();
}

}  // namespace mollichrom::ui
