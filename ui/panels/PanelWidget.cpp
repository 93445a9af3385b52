#include "ui/panels/PanelWidget.h"

#include "ui/app/ProjectFile.h"
#include "ui/panels/PanelContent.h"
#include "ui/vtk/ChartPanel.h"
#include "ui/vtk/ColourMaps.h"
#include "ui/vtk/ImagePanel.h"
#include "ui/vtk/TextFont.h"
#include "ui/vtk/VtkView.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include <cmath>

namespace mollichrom::ui {

struct PanelWidget::Overlay {
  vtkNew<vtkTextActor> message;
  vtkNew<vtkCamera> ownCamera;  // for the chart and messages
  vtkCamera* shared = nullptr;  // the linked image camera
  vtkRenderer* renderer = nullptr;
};

PanelWidget::PanelWidget(int index, QWidget* parent)
    : QWidget(parent), index_(index), overlay_(std::make_unique<Overlay>()) {
  setObjectName(QStringLiteral("panel%1").arg(index));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(1);
  auto* header = new QHBoxLayout;
  header->setContentsMargins(2, 0, 2, 0);
  selector_ = new QComboBox(this);
  selector_->setObjectName(QStringLiteral("contentSelector"));
  for (const auto& c : panelContents()) {
    selector_->addItem(c.label, c.key);
    if (const QString help = panelContentHelp(c.key); !help.isEmpty())
      selector_->setItemData(selector_->count() - 1, help, Qt::ToolTipRole);
  }
  selector_->setToolTip(tr("What this panel shows"));
  selector_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  selector_->setMinimumContentsLength(14);
  // The list opens as wide as its longest entry (the closed box may be narrower than a label).
  selector_->view()->setMinimumWidth(selector_->view()->sizeHintForColumn(0) + 24);
  colourMap_ = new QComboBox(this);
  colourMap_->setObjectName(QStringLiteral("colourMap"));
  for (const auto& name : colourMapNames()) colourMap_->addItem(QString::fromStdString(name));
  colourMap_->setToolTip(tr("Colour map"));
  contrast_ = new QComboBox(this);
  contrast_->setObjectName(QStringLiteral("contrastMode"));
  contrast_->addItems({tr("Auto"), tr("Manual")});
  contrast_->setToolTip(
      tr("Contrast: automatic from the 1st and 99th percentile, or the range on the right"));
  min_ = new QDoubleSpinBox(this);
  max_ = new QDoubleSpinBox(this);
  for (auto* s : {min_, max_}) {
    s->setDecimals(4);
    s->setRange(-1e9, 1e9);
    s->setMaximumWidth(78);
    s->setButtonSymbols(QAbstractSpinBox::NoButtons);
    s->setKeyboardTracking(false);
  }
  min_->setObjectName(QStringLiteral("rangeMin"));
  min_->setToolTip(tr("Value at the bottom of the colour bar (Manual contrast)"));
  max_->setToolTip(tr("Value at the top of the colour bar (Manual contrast)"));
  max_->setObjectName(QStringLiteral("rangeMax"));
  auto* reset = new QToolButton(this);
  reset->setText(tr("Fit"));
  reset->setToolTip(tr("Fit the image to the panel (all linked panels follow)"));
  header->addWidget(selector_, 2);
  header->addWidget(colourMap_);
  header->addWidget(contrast_);
  header->addWidget(min_);
  header->addWidget(max_);
  header->addWidget(reset);
  layout->addLayout(header);

  view_ = new VtkView(this);
  vtkNew<vtkRenderer> renderer;
  renderer->SetBackground(0.08, 0.09, 0.11);
  view_->renderWindow()->AddRenderer(renderer);
  overlay_->renderer = renderer;
  image_ = std::make_unique<ImagePanel>(view_, renderer);
  chart_ = std::make_unique<ChartPanel>(view_, renderer);
  overlay_->message->GetTextProperty()->SetFontSize(13);
  useUnicodeFont(overlay_->message->GetTextProperty());
  overlay_->message->GetTextProperty()->SetColor(0.7, 0.7, 0.75);
  overlay_->message->GetTextProperty()->SetJustificationToCentered();
  overlay_->message->GetTextProperty()->SetVerticalJustificationToCentered();
  overlay_->message->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  overlay_->message->SetPosition(0.5, 0.5);
  renderer->AddActor2D(overlay_->message);
  layout->addWidget(view_, 1);
  readout_ = new QLabel(this);
  readout_->setObjectName(QStringLiteral("readout"));
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(readout_);
  view_->setMouseTracking(true);
  view_->installEventFilter(this);

  connect(selector_, &QComboBox::currentIndexChanged, this, [this] {
    const PanelContent* c = findPanelContent(content());
    if (c && *c->colourMap) setColourMap(QString::fromLatin1(c->colourMap));
    setRange(std::nullopt);
    Q_EMIT contentChanged(index_, content());
  });
  connect(colourMap_, &QComboBox::currentTextChanged, this,
          [this](const QString& name) { image_->setColourMap(name.toStdString()); });
  connect(contrast_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (i == 0)
      setRange(std::nullopt);
    else
      setRange(std::make_pair(min_->value(), max_->value()));
  });
  auto manual = [this] {
    if (contrast_->currentIndex() == 1 && max_->value() > min_->value())
      image_->setRange(std::make_pair(min_->value(), max_->value()));
  };
  connect(min_, &QDoubleSpinBox::valueChanged, this, manual);
  connect(max_, &QDoubleSpinBox::valueChanged, this, manual);
  connect(reset, &QToolButton::clicked, this, [this] { image_->resetCamera(); });
  showMessage(tr("Open a stack (File > Open, or drop it on the window)"));
}

PanelWidget::~PanelWidget() = default;

QString PanelWidget::content() const { return selector_->currentData().toString(); }

void PanelWidget::setContent(const QString& key) {
  const int i = selector_->findData(key);
  if (i < 0) return;
  if (i == selector_->currentIndex())
    Q_EMIT contentChanged(index_, key);
  else
    selector_->setCurrentIndex(i);
}

void PanelWidget::setMode(Mode m) {
  mode_ = m;
  image_->setVisible(m == Mode::Image);
  chart_->setVisible(m == Mode::Chart);
  overlay_->message->SetVisibility(m == Mode::Message);
  // The chart and messages must not move the linked camera when dragged.
  vtkCamera* cam =
      (m == Mode::Image && overlay_->shared) ? overlay_->shared : overlay_->ownCamera.Get();
  if (overlay_->renderer->GetActiveCamera() != cam) overlay_->renderer->SetActiveCamera(cam);
  for (QWidget* w : {static_cast<QWidget*>(colourMap_), static_cast<QWidget*>(contrast_)})
    w->setEnabled(m == Mode::Image);
  syncContrastControls();
  view_->requestRender();
}

void PanelWidget::showImage(const cv::Mat& map, double dx, double dy, const char* title) {
  if (mode_ != Mode::Image) setMode(Mode::Image);  // first: the image fits the linked camera
  image_->show(map, dx, dy, title);
  syncContrastControls();
}

void PanelWidget::showLosses(const std::vector<train::LossRecord>& losses) {
  if (losses.empty()) {
    showMessage(tr("Loss curves appear once training has started"));
    return;
  }
  chart_->setLosses(losses);
  setMode(Mode::Chart);
}

void PanelWidget::showMessage(const QString& text) {
  // Wrapped to the panel's width (long placeholders were cut at the edges).
  const int chars = std::max(16, view_->width() / 9);
  QStringList lines;
  for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
    QString line;
    for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
      if (!line.isEmpty() && line.size() + 1 + word.size() > chars) {
        lines << line;
        line.clear();
      }
      line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    lines << line;
  }
  messageText_ = text;
  overlay_->message->SetInput(lines.join(QLatin1Char('\n')).toUtf8().constData());
  setMode(Mode::Message);
}

void PanelWidget::setColourMap(const QString& name) {
  const int i = colourMap_->findText(name);
  if (i >= 0) colourMap_->setCurrentIndex(i);
  image_->setColourMap(name.toStdString());
}

QString PanelWidget::colourMap() const { return colourMap_->currentText(); }

void PanelWidget::setRange(std::optional<std::pair<double, double>> range) {
  {
    const QSignalBlocker block(contrast_);
    contrast_->setCurrentIndex(range ? 1 : 0);
  }
  image_->setRange(range);
  syncContrastControls();
}

void PanelWidget::syncContrastControls() {
  const bool manual = contrast_->currentIndex() == 1;
  const auto [lo, hi] = image_->range();
  const QSignalBlocker b1(min_), b2(max_);
  min_->setValue(lo);
  max_->setValue(hi);
  // The range boxes only take room when they are used (four panels must fit a laptop screen).
  min_->setVisible(manual && mode_ == Mode::Image);
  max_->setVisible(manual && mode_ == Mode::Image);
}

PanelState PanelWidget::state() const {
  PanelState s;
  s.content = content();
  s.colourMap = colourMap();
  if (!image_->autoRange()) s.range = image_->range();
  return s;
}

void PanelWidget::restoreState(const PanelState& s) {
  if (!s.content.isEmpty()) setContent(s.content);
  if (!s.colourMap.isEmpty()) setColourMap(s.colourMap);
  setRange(s.range);
}

void PanelWidget::setSharedCamera(vtkCamera* camera) {
  overlay_->shared = camera;
  setMode(mode_);
}

std::optional<ImagePanel::Probe> PanelWidget::probeAt(const QPoint& pos) const {
  if (mode_ != Mode::Image) return std::nullopt;
  vtkRenderer* r = overlay_->renderer;
  const double dpr = view_->devicePixelRatioF();
  r->SetDisplayPoint(pos.x() * dpr, (view_->height() - 1 - pos.y()) * dpr, 0);
  r->DisplayToWorld();
  double world[4];
  r->GetWorldPoint(world);
  if (world[3] != 0) {
    world[0] /= world[3];
    world[1] /= world[3];
  }
  return image_->probe(world[0], world[1]);
}

std::optional<std::pair<int, int>> PanelWidget::pixelAt(const QPoint& pos) const {
  const auto p = probeAt(pos);
  if (!p) return std::nullopt;
  return std::make_pair(p->col, p->row);
}

QString PanelWidget::readoutAt(const QPoint& pos) const {
  const auto p = probeAt(pos);
  if (!p) return {};
  const PanelContent* c = findPanelContent(content());
  // The quantity by its title where the selector's first word would mislead ("λ: 90 % band
  // width", not "λ", on the uncertainty map).
  QString name = QStringLiteral("value");
  if (c) {
    const QString title = QString::fromUtf8(c->title);
    name = title.contains(':') ? QString(title).remove(':') : c->label.section(' ', 0, 0);
  }
  return tr("x %1 µm, y %2 µm (pixel %3, %4)   %5 = %6")
      .arg(p->xUm, 0, 'f', 2)
      .arg(p->yUm, 0, 'f', 2)
      .arg(p->col)
      .arg(p->row)
      .arg(name)
      .arg(std::isfinite(p->value) ? QString::number(p->value, 'g', 5)
                                   : tr("— (outside the analysed region)"));
}

bool PanelWidget::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_ && event->type() == QEvent::MouseMove) {
    const QString text = readoutAt(static_cast<QMouseEvent*>(event)->position().toPoint());
    readout_->setText(text);
    if (!text.isEmpty()) Q_EMIT hovered(text);
  } else if (watched == view_ && event->type() == QEvent::Leave) {
    readout_->clear();
  } else if (watched == view_ && event->type() == QEvent::MouseButtonPress) {
    pressedAt_ = static_cast<QMouseEvent*>(event)->position().toPoint();
  } else if (watched == view_ && event->type() == QEvent::MouseButtonRelease) {
    // A click, not the end of a pan: the pointer stayed (within a few pixels) where it went down.
    const QPoint at = static_cast<QMouseEvent*>(event)->position().toPoint();
    if ((at - pressedAt_).manhattanLength() <= 3)
      if (const auto px = pixelAt(at)) Q_EMIT pixelClicked(px->first, px->second);
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace mollichrom::ui
