#include "ui/docks/DataDock.h"

#include "ui/docks/HistogramWidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace mollichrom::ui {

DataDock::DataDock(QWidget* parent) : QDockWidget(tr("Data"), parent) {
  setObjectName(QStringLiteral("dataDock"));
  auto* body = new QWidget;
  auto* layout = new QVBoxLayout(body);

  auto* props = new QPushButton(tr("Dataset properties…"), body);
  props->setObjectName(QStringLiteral("propertiesButton"));
  connect(props, &QPushButton::clicked, this, &DataDock::propertiesRequested);
  layout->addWidget(props);

  auto* channels = new QGroupBox(tr("Channels → fields"), body);
  auto* cf = new QFormLayout(channels);
  density_ = new QComboBox(channels);
  hetero_ = new QComboBox(channels);
  density_->setObjectName(QStringLiteral("densityChannel"));
  hetero_->setObjectName(QStringLiteral("heteroChannel"));
  cf->addRow(tr("Chromatin density φ_c"), density_);
  cf->addRow(tr("Heterochromatin marker φ_h"), hetero_);
  layout->addWidget(channels);

  auto* norm = new QGroupBox(tr("Intensity → volume fraction"), body);
  auto* nf = new QFormLayout(norm);
  normalize_ = new QComboBox(norm);
  normalize_->setObjectName(QStringLiteral("normalize"));
  normalize_->addItem(tr("Auto"), "auto");
  normalize_->addItem(tr("Percentile mapping"), "percentile");
  normalize_->addItem(tr("None (already fractions)"), "none");
  low_ = new QDoubleSpinBox(norm);
  high_ = new QDoubleSpinBox(norm);
  fraction_ = new QDoubleSpinBox(norm);
  for (auto* s : {low_, high_}) {
    s->setRange(0, 100);
    s->setDecimals(1);
    s->setSuffix(QStringLiteral(" %"));
  }
  fraction_->setRange(0.05, 1.0);
  fraction_->setSingleStep(0.05);
  low_->setToolTip(tr("Background: this percentile of the whole stack maps to φ = 0"));
  high_->setToolTip(tr("This percentile inside the nucleus maps to φ = fraction"));
  histogram_ = new HistogramWidget(norm);
  nf->addRow(tr("Mode"), normalize_);
  nf->addRow(tr("Low percentile"), low_);
  nf->addRow(tr("High percentile"), high_);
  nf->addRow(tr("Fraction at high"), fraction_);
  nf->addRow(histogram_);
  layout->addWidget(norm);

  auto* mask = new QGroupBox(tr("Nucleus mask"), body);
  auto* mf = new QFormLayout(mask);
  maskMode_ = new QComboBox(mask);
  maskMode_->setObjectName(QStringLiteral("maskMode"));
  maskMode_->addItems({tr("Automatic (Otsu)"), tr("Threshold"), tr("From file")});
  threshold_ = new QSlider(Qt::Horizontal, mask);
  threshold_->setObjectName(QStringLiteral("maskThreshold"));
  threshold_->setRange(0, 100);
  threshold_->setValue(30);
  thresholdLabel_ = new QLabel(QStringLiteral("30 %"), mask);
  auto* thresholdRow = new QHBoxLayout;
  thresholdRow->addWidget(threshold_);
  thresholdRow->addWidget(thresholdLabel_);
  auto* fileRow = new QHBoxLayout;
  maskFile_ = new QLabel(tr("(none)"), mask);
  auto* browse = new QPushButton(tr("Browse…"), mask);
  fileRow->addWidget(maskFile_, 1);
  fileRow->addWidget(browse);
  mf->addRow(tr("Mode"), maskMode_);
  mf->addRow(tr("Threshold"), thresholdRow);
  mf->addRow(tr("Mask file"), fileRow);
  layout->addWidget(mask);
  connect(threshold_, &QSlider::valueChanged, this, [this](int v) { thresholdLabel_->setText(QStringLiteral("%1 %").arg(v)); });
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Nucleus mask (nonzero = nucleus)"), QString(),
                                                   tr("Images (*.tif *.tiff *.png);;All files (*)"));
    if (f.isEmpty()) return;
    maskPath_ = f;
    maskFile_->setText(QFileInfo(f).fileName());
    maskMode_->setCurrentIndex(2);
  });

  auto* region = new QGroupBox(tr("Region, frames, binning"), body);
  auto* rf = new QFormLayout(region);
  crop_ = new QCheckBox(tr("Crop"), region);
  crop_->setObjectName(QStringLiteral("crop"));
  cropX_ = new QSpinBox(region);
  cropY_ = new QSpinBox(region);
  cropW_ = new QSpinBox(region);
  cropH_ = new QSpinBox(region);
  auto* cropRow = new QHBoxLayout;
  for (auto* s : {cropX_, cropY_, cropW_, cropH_}) {
    s->setRange(0, 1 << 20);
    cropRow->addWidget(s);
  }
  cropX_->setToolTip(tr("x (px)"));
  cropY_->setToolTip(tr("y (px)"));
  cropW_->setToolTip(tr("width (px)"));
  cropH_->setToolTip(tr("height (px)"));
  first_ = new QSpinBox(region);
  last_ = new QSpinBox(region);
  first_->setObjectName(QStringLiteral("firstFrame"));
  last_->setObjectName(QStringLiteral("lastFrame"));
  binning_ = new QSpinBox(region);
  binning_->setObjectName(QStringLiteral("binning"));
  binning_->setRange(1, 8);
  binning_->setToolTip(tr("n × n block average; the pixel size grows n times"));
  auto* frameRow = new QHBoxLayout;
  frameRow->addWidget(first_);
  frameRow->addWidget(new QLabel(QStringLiteral("–"), region));
  frameRow->addWidget(last_);
  rf->addRow(crop_, cropRow);
  rf->addRow(tr("Frames"), frameRow);
  rf->addRow(tr("Binning"), binning_);
  layout->addWidget(region);

  auto* corr = new QGroupBox(tr("Corrections"), body);
  auto* cl = new QVBoxLayout(corr);
  drift_ = new QCheckBox(tr("Drift correction (phase correlation)"), corr);
  bleach_ = new QCheckBox(tr("Bleach correction (simple ratio)"), corr);
  drift_->setObjectName(QStringLiteral("drift"));
  bleach_->setObjectName(QStringLiteral("bleach"));
  drift_->setToolTip(tr("Registers every frame to the time-mean; stage drift would read as reactions"));
  bleach_->setToolTip(tr("Keeps the mean nuclear density constant over time (gains applied to both channels)"));
  cl->addWidget(drift_);
  cl->addWidget(bleach_);
  layout->addWidget(corr);

  status_ = new QLabel(body);
  status_->setWordWrap(true);
  status_->setObjectName(QStringLiteral("prepStatus"));
  layout->addWidget(status_);
  apply_ = new QPushButton(tr("Apply to data"), body);
  apply_->setObjectName(QStringLiteral("applyData"));
  apply_->setEnabled(false);
  connect(apply_, &QPushButton::clicked, this, &DataDock::applyRequested);
  layout->addWidget(apply_);
  layout->addStretch(1);

  connect(normalize_, &QComboBox::currentIndexChanged, this, &DataDock::updateEnabled);
  connect(maskMode_, &QComboBox::currentIndexChanged, this, &DataDock::updateEnabled);
  connect(crop_, &QCheckBox::toggled, this, &DataDock::updateEnabled);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(body);
  scroll->setWidgetResizable(true);
  setWidget(scroll);
  setSettings(DataSettings{});
}

void DataDock::updateEnabled() {
  const bool percentile = normalize_->currentData().toString() != "none";
  for (QWidget* w : {static_cast<QWidget*>(low_), static_cast<QWidget*>(high_), static_cast<QWidget*>(fraction_)})
    w->setEnabled(percentile);
  threshold_->setEnabled(maskMode_->currentIndex() == 1);
  for (auto* s : {cropX_, cropY_, cropW_, cropH_}) s->setEnabled(crop_->isChecked());
}

void DataDock::setBusy(bool busy) { apply_->setEnabled(!busy && density_->count() > 0); }

DataSettings DataDock::settings() const {
  DataSettings s = hidden_;
  auto& p = s.prep;
  p.channels.density = density_->currentIndex() + 1;
  p.channels.heterochromatin = hetero_->currentIndex() + 1;
  p.normalize = prep::parseNormalize(normalize_->currentData().toString().toStdString());
  p.percentile.low = low_->value();
  p.percentile.high = high_->value();
  p.percentile.fraction = fraction_->value();
  p.mask = maskMode_->currentIndex() == 2 && !maskPath_.isEmpty() ? maskPath_.toStdString() : "auto";
  p.maskThreshold = maskMode_->currentIndex() == 1 ? threshold_->value() / 100.0 : -1;
  p.driftCorrection = drift_->isChecked();
  p.bleachCorrection = bleach_->isChecked();
  auto& l = s.load;
  l.crop.reset();
  if (crop_->isChecked() && cropW_->value() > 0 && cropH_->value() > 0)
    l.crop = cv::Rect(cropX_->value(), cropY_->value(), cropW_->value(), cropH_->value());
  l.firstFrame = first_->value();
  l.lastFrame = last_->value() >= last_->maximum() ? -1 : last_->value();
  l.binning = binning_->value();
  return s;
}

void DataDock::setSettings(const DataSettings& s) {
  hidden_ = s;
  const auto& p = s.prep;
  auto ensure = [](QComboBox* box, int n) {
    while (box->count() < n) box->addItem(QStringLiteral("%1").arg(box->count() + 1));
  };
  ensure(density_, p.channels.density);
  ensure(hetero_, p.channels.heterochromatin);
  density_->setCurrentIndex(p.channels.density - 1);
  hetero_->setCurrentIndex(p.channels.heterochromatin - 1);
  const char* norm = p.normalize == prep::Normalize::None ? "none" : p.normalize == prep::Normalize::Percentile ? "percentile" : "auto";
  normalize_->setCurrentIndex(normalize_->findData(QString::fromLatin1(norm)));
  low_->setValue(p.percentile.low);
  high_->setValue(p.percentile.high);
  fraction_->setValue(p.percentile.fraction);
  if (p.mask != "auto" && !p.mask.empty()) {
    maskPath_ = QString::fromStdString(p.mask);
    maskFile_->setText(QFileInfo(maskPath_).fileName());
    maskMode_->setCurrentIndex(2);
  } else if (p.maskThreshold >= 0) {
    threshold_->setValue(int(std::lround(p.maskThreshold * 100)));
    maskMode_->setCurrentIndex(1);
  } else {
    maskMode_->setCurrentIndex(0);
  }
  drift_->setChecked(p.driftCorrection);
  bleach_->setChecked(p.bleachCorrection);
  crop_->setChecked(s.load.crop.has_value());
  if (s.load.crop) {
    cropX_->setValue(s.load.crop->x);
    cropY_->setValue(s.load.crop->y);
    cropW_->setValue(s.load.crop->width);
    cropH_->setValue(s.load.crop->height);
  }
  first_->setValue(s.load.firstFrame);
  last_->setValue(s.load.lastFrame < 0 ? last_->maximum() : s.load.lastFrame);
  binning_->setValue(s.load.binning);
  updateEnabled();
}

void DataDock::setStack(const io::StackInfo& info, const DataSettings& settings) {
  for (QComboBox* box : {density_, hetero_}) {
    const QSignalBlocker block(box);
    box->clear();
    for (int c = 1; c <= std::max(info.channels, 2); ++c)
      box->addItem(c <= info.channels ? tr("channel %1").arg(c) : tr("channel %1 (missing)").arg(c));
  }
  first_->setRange(0, std::max(0, info.frames - 1));
  last_->setRange(0, std::max(0, info.frames - 1));
  cropX_->setMaximum(info.width - 1);
  cropY_->setMaximum(info.height - 1);
  cropW_->setMaximum(info.width);
  cropH_->setMaximum(info.height);
  cropW_->setValue(info.width);  // the whole image until a crop says otherwise
  cropH_->setValue(info.height);
  setSettings(settings);
  setBusy(false);
}

void DataDock::setHistograms(const ChannelHistogram& density, const ChannelHistogram& hetero) {
  histogram_->setHistograms(density, hetero);
}

void DataDock::setPrepared(const prep::FieldData& f) {
  const bool mapped = f.normalizeUsed == prep::Normalize::Percentile;
  histogram_->setMarks(mapped, f.mappedLow[0], f.mappedHigh[0], f.mappedLow[1], f.mappedHigh[1]);
  if (maskMode_->currentIndex() == 0 && f.maskThreshold >= 0) {
    const QSignalBlocker block(threshold_);
    threshold_->setValue(int(std::lround(f.maskThreshold * 100)));  // the slider starts where Otsu put it
    thresholdLabel_->setText(QStringLiteral("%1 %").arg(threshold_->value()));
  }
  double drift = 0;
  for (const auto& d : f.drift) drift = std::max(drift, std::hypot(d.x, d.y));
  QString text = tr("%1 × %2 px, %3 frames; %4 · mask %5 px")
                     .arg(f.width())
                     .arg(f.height())
                     .arg(f.frames())
                     .arg(mapped ? tr("percentile mapped") : tr("used as fractions"))
                     .arg(cv::countNonZero(f.mask));
  if (!f.drift.empty()) text += tr(" · drift up to %1 px removed").arg(drift, 0, 'f', 2);
  if (!f.bleachFactors.empty()) text += tr(" · bleach gain up to %1").arg(f.bleachFactors.back(), 0, 'f', 3);
  status_->setText(text);
}

}  // namespace mollichrom::ui
