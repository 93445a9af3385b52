#include "ui/docks/DataDock.h"

#include "ui/docks/CalibrationView.h"

#include "ui/app/ProjectFile.h"
#include "ui/docks/DatasetDialog.h"
#include "ui/docks/HistogramWidget.h"
#include "ui/docks/MaskPreview.h"
#include "ui/docks/WheelGuard.h"

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
  props->setToolTip(
      tr("Pixel size (µm) and frame interval (s) of this stack, when the file "
         "lacks or misstates them: λ's derivatives are in these units"));
  connect(props, &QPushButton::clicked, this, &DataDock::editProperties);
  layout->addWidget(props);

  // Apply at the top, where a changed setting is seen to be pending (below the fold
  // it was missed, and Start trained on the old settings).
  status_ = new QLabel(body);
  status_->setWordWrap(true);
  status_->setObjectName(QStringLiteral("prepStatus"));
  layout->addWidget(status_);
  unapplied_ = new QLabel(
      tr("● Changed settings not applied yet — Apply, or Start applies them first"), body);
  unapplied_->setObjectName(QStringLiteral("unappliedNote"));
  unapplied_->setWordWrap(true);
  unapplied_->setStyleSheet(QStringLiteral("QLabel { color: #8a5a00; font-weight: bold; }"));
  // Its place is kept while hidden: appearing, it pushed every box below it down by a line, and
  // the click meant for one box landed on the next.
  QSizePolicy keep = unapplied_->sizePolicy();
  keep.setRetainSizeWhenHidden(true);
  unapplied_->setSizePolicy(keep);
  unapplied_->setVisible(false);
  layout->addWidget(unapplied_);
  apply_ = new QPushButton(tr("Apply to data"), body);
  apply_->setObjectName(QStringLiteral("applyData"));
  apply_->setEnabled(false);
  apply_->setToolTip(
      tr("Re-prepare the fields with these settings (the file is re-read only when "
         "the crop, frames or binning changed)"));
  connect(apply_, &QPushButton::clicked, this, &DataDock::applyRequested);
  layout->addWidget(apply_);

  auto* channels = new QGroupBox(tr("Channels → fields"), body);
  auto* cf = new QFormLayout(channels);
  cf->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow dock: label above field
  density_ = new QComboBox(channels);
  hetero_ = new QComboBox(channels);
  density_->setObjectName(QStringLiteral("densityChannel"));
  hetero_->setObjectName(QStringLiteral("heteroChannel"));
  density_->setToolTip(tr("The channel that measures all chromatin (e.g. a DNA stain or H2B)"));
  hetero_->setToolTip(tr("The channel that marks heterochromatin (e.g. H3K9me3 or HP1)"));
  // "Show" puts the chosen channel, as recorded, into the first panel: which one is the smooth
  // DNA stain and which the patchy marker is seen there, not guessed from a number.
  const auto withShow = [this, channels](QComboBox* box, const QString& name) {
    auto* row = new QHBoxLayout;
    row->addWidget(box, 1);
    auto* show = new QPushButton(tr("Show"), channels);
    show->setObjectName(name);
    show->setToolTip(tr("Show this channel as recorded in the first panel"));
    connect(show, &QPushButton::clicked, this,
            [this, box] { Q_EMIT showChannelRequested(box->currentIndex() + 1); });
    row->addWidget(show);
    return row;
  };
  cf->addRow(tr("Chromatin density φ_c"), withShow(density_, QStringLiteral("showDensity")));
  cf->addRow(tr("Heterochromatin marker φ_h"), withShow(hetero_, QStringLiteral("showHetero")));
  layout->addWidget(channels);

  auto* norm = new QGroupBox(tr("Intensity → volume fraction"), body);
  auto* nf = new QFormLayout(norm);
  nf->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow dock: label above field
  normalize_ = new QComboBox(norm);
  normalize_->setObjectName(QStringLiteral("normalize"));
  normalize_->addItem(tr("Auto"), "auto");
  normalize_->addItem(tr("Camera counts (offset + stated fractions)"), "counts");
  normalize_->addItem(tr("Percentile mapping"), "percentile");
  normalize_->addItem(tr("None (already fractions)"), "none");
  normalize_->setToolTip(
      tr("Auto: integer data are camera counts, float data in [−0.5, 1.5] "
         "are fractions"));
  // Counts: λ follows the two channels' relative scale, fixed by these stated assumptions.
  chromatin_ = new QDoubleSpinBox(norm);
  chromatin_->setObjectName(QStringLiteral("chromatinFraction"));
  chromatin_->setRange(0.05, 0.69);
  chromatin_->setSingleStep(0.05);
  chromatin_->setToolTip(tr("Assumed mean chromatin volume fraction φ_c over the nuclei"));
  share_ = new QDoubleSpinBox(norm);
  share_->setObjectName(QStringLiteral("heteroShare"));
  share_->setRange(0.05, 0.95);
  share_->setSingleStep(0.05);
  share_->setToolTip(
      tr("Mean heterochromatin share φ_h/φ_c over the nuclei, used where the dynamics do not "
         "identify it (or always, with 'Identify' off); λ scales with it"));
  identifyShare_ = new QCheckBox(tr("Identify the share from the dynamics"), norm);
  identifyShare_->setObjectName(QStringLiteral("identifyShare"));
  identifyShare_->setToolTip(
      tr("A time-lapse of counts: the share (the marker channel's gain) that makes the model "
         "explain most of the observed dynamics, with its 90 % interval; where the profile is "
         "flat the share above is kept and said so"));
  offsetD_ = new QDoubleSpinBox(norm);
  offsetH_ = new QDoubleSpinBox(norm);
  for (auto* o : {offsetD_, offsetH_}) {
    o->setRange(-1, 1e9);
    o->setDecimals(1);
    o->setSpecialValueText(tr("measured"));  // −1: the background outside the nuclei
    o->setToolTip(
        tr("Camera offset (counts); 'measured': the median background outside the nuclei"));
  }
  low_ = new QDoubleSpinBox(norm);
  high_ = new QDoubleSpinBox(norm);
  fraction_ = new QDoubleSpinBox(norm);
  for (auto* s : {low_, high_}) {
    s->setRange(0, 100);
    s->setDecimals(1);
    s->setSuffix(QStringLiteral(" %"));
  }
  fraction_->setRange(0.05, 1.0);
  fraction_->setToolTip(tr("The volume fraction the high percentile maps to"));
  fraction_->setSingleStep(0.05);
  low_->setToolTip(tr("Background: this percentile of the whole stack maps to φ = 0"));
  high_->setToolTip(tr("This percentile inside the nucleus maps to φ = fraction"));
  histogram_ = new HistogramWidget(norm);
  nf->addRow(tr("Mode"), normalize_);
  nf->addRow(tr("Mean φ_c (assumed)"), chromatin_);
  nf->addRow(identifyShare_);
  nf->addRow(tr("Share φ_h/φ_c (if not identified)"), share_);
  nf->addRow(tr("Offset density"), offsetD_);
  nf->addRow(tr("Offset heterochromatin"), offsetH_);
  nf->addRow(tr("Low percentile"), low_);
  nf->addRow(tr("High percentile"), high_);
  nf->addRow(tr("Fraction at high"), fraction_);
  nf->addRow(histogram_);
  layout->addWidget(norm);

  // The acquisition's calibration: what the step used and what the dynamics said, and a saved
  // calibration of the same microscope setting to apply (a snapshot takes its gains and rates).
  auto* cal = new QGroupBox(tr("Calibration (share, M, Γ_ac)"), body);
  auto* calLayout = new QVBoxLayout(cal);
  calibrationView_ = new CalibrationView(cal);
  calLayout->addWidget(calibrationView_);
  calibrationFile_ = new QLabel(tr("No saved calibration applied"), cal);
  calibrationFile_->setObjectName(QStringLiteral("calibrationFile"));
  calibrationFile_->setWordWrap(true);
  calLayout->addWidget(calibrationFile_);
  auto* calButtons = new QHBoxLayout;
  auto* loadCalibration = new QPushButton(tr("Apply saved…"), cal);
  loadCalibration->setToolTip(
      tr("Apply a calibration saved from a time-lapse of the same microscope setting: its gains "
         "(and, for a snapshot, its M and Γ_ac)"));
  saveCalibration_ = new QPushButton(tr("Save…"), cal);
  saveCalibration_->setObjectName(QStringLiteral("saveCalibration"));
  saveCalibration_->setToolTip(
      tr("Save this stack's calibration to apply it to other stacks of the same setting"));
  forgetCalibration_ = new QPushButton(tr("Forget"), cal);
  forgetCalibration_->setToolTip(tr("Stop applying the saved calibration"));
  calButtons->addWidget(loadCalibration);
  calButtons->addWidget(saveCalibration_);
  calButtons->addWidget(forgetCalibration_);
  calLayout->addLayout(calButtons);
  layout->addWidget(cal);
  connect(loadCalibration, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Saved calibration"), QString(),
                                                   tr("Calibration (*.json)"));
    if (f.isEmpty()) return;
    calibrationPath_ = f;
    calibrationFile_->setText(tr("Applying %1").arg(QFileInfo(f).fileName()));
    forgetCalibration_->setEnabled(true);
    updateDirty();
  });
  connect(forgetCalibration_, &QPushButton::clicked, this, [this] {
    calibrationPath_.clear();
    calibrationFile_->setText(tr("No saved calibration applied"));
    forgetCalibration_->setEnabled(false);
    updateDirty();
  });
  connect(saveCalibration_, &QPushButton::clicked, this, &DataDock::saveCalibrationRequested);
  saveCalibration_->setEnabled(false);

  auto* mask = new QGroupBox(tr("Nucleus mask"), body);
  auto* mf = new QFormLayout(mask);
  mf->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow dock: label above field
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
  maskPreview_ = new MaskPreview(mask);
  mf->addRow(maskPreview_);
  layout->addWidget(mask);
  maskMode_->setToolTip(
      tr("Automatic: Otsu's threshold on the time-mean density; Threshold: the "
         "slider's fraction of its range; From file: nonzero pixels of an image"));
  threshold_->setToolTip(
      tr("Mask threshold: fraction between the darkest and brightest time-mean "
         "density (dragging it switches to Threshold mode; the preview follows)"));
  browse->setToolTip(tr("Choose a mask image (nonzero = nucleus), the size of the stack"));
  connect(threshold_, &QSlider::valueChanged, this, [this](int v) {
    thresholdLabel_->setText(QStringLiteral("%1 %").arg(v));
    // The slider is always live: moving it in automatic mode means "this threshold instead".
    if (maskMode_->currentIndex() == 0) maskMode_->setCurrentIndex(1);
    previewMask();
  });
  connect(maskMode_, &QComboBox::currentIndexChanged, this, &DataDock::previewMask);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f =
        QFileDialog::getOpenFileName(this, tr("Nucleus mask (nonzero = nucleus)"), QString(),
                                     tr("Images (*.tif *.tiff *.png);;All files (*)"));
    if (f.isEmpty()) return;
    maskPath_ = f;
    maskFile_->setText(QFileInfo(f).fileName());
    maskMode_->setCurrentIndex(2);
  });

  auto* region = new QGroupBox(tr("Region, frames, binning"), body);
  auto* rf = new QFormLayout(region);
  rf->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow dock: label above field
  crop_ = new QCheckBox(tr("Crop"), region);
  crop_->setObjectName(QStringLiteral("crop"));
  crop_->setToolTip(tr("Analyse only this rectangle of the file (x, y, width, height in pixels)"));
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
  first_->setToolTip(tr("First frame analysed (0-based)"));
  last_->setToolTip(tr("Last frame analysed (0-based; the maximum: to the end)"));
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
  slicesAreTime_ = new QCheckBox(tr("Slices are time points"), region);
  slicesAreTime_->setObjectName(QStringLiteral("slicesAreTime"));
  slicesAreTime_->setToolTip(tr("A stack of slices with no time axis: read the slices as frames"));
  rf->addRow(slicesAreTime_);
  layout->addWidget(region);

  auto* corr = new QGroupBox(tr("Corrections"), body);
  auto* cl = new QVBoxLayout(corr);
  drift_ = new QCheckBox(tr("Drift correction (phase correlation)"), corr);
  bleach_ = new QCheckBox(tr("Bleach correction (simple ratio)"), corr);
  drift_->setObjectName(QStringLiteral("drift"));
  bleach_->setObjectName(QStringLiteral("bleach"));
  drift_->setToolTip(
      tr("Registers every frame to the time-mean; stage drift would read as reactions"));
  bleach_->setToolTip(
      tr("Keeps the mean nuclear density constant over time (gains applied to both channels)"));
  cl->addWidget(drift_);
  cl->addWidget(bleach_);
  layout->addWidget(corr);

  layout->addStretch(1);

  connect(normalize_, &QComboBox::currentIndexChanged, this, &DataDock::updateEnabled);
  connect(maskMode_, &QComboBox::currentIndexChanged, this, &DataDock::updateEnabled);
  connect(crop_, &QCheckBox::toggled, this, &DataDock::updateEnabled);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(body);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setWidget(scroll);
  guardWheel(body);
  setSettings(DataSettings{});
  // Any edit: compare with what the open data was prepared with.
  for (auto* c : body->findChildren<QComboBox*>())
    connect(c, &QComboBox::currentIndexChanged, this, &DataDock::updateDirty);
  for (auto* c : body->findChildren<QSpinBox*>())
    connect(c, &QSpinBox::valueChanged, this, &DataDock::updateDirty);
  for (auto* c : body->findChildren<QDoubleSpinBox*>())
    connect(c, &QDoubleSpinBox::valueChanged, this, &DataDock::updateDirty);
  for (auto* c : body->findChildren<QCheckBox*>())
    connect(c, &QCheckBox::toggled, this, &DataDock::updateDirty);
  connect(threshold_, &QSlider::valueChanged, this, &DataDock::updateDirty);
}

void DataDock::markApplied(const DataSettings& s) {
  applied_ = s;
  hasApplied_ = true;
  updateDirty();
}

void DataDock::updateDirty() {
  const bool dirty = hasApplied_ && !sameData(settings(), applied_);
  unapplied_->setVisible(dirty);
  apply_->setText(dirty ? tr("Apply to data ●") : tr("Apply to data"));
  QFont f = apply_->font();
  f.setBold(dirty);
  apply_->setFont(f);
  if (dirty != dirty_) {
    dirty_ = dirty;
    Q_EMIT unappliedChanged(dirty);
  }
}

void DataDock::setMaskSource(const cv::Mat& density) {
  maskPreview_->setSource(density);
  previewMask();
}

void DataDock::previewMask() {
  const int mode = maskMode_->currentIndex();
  maskPreview_->setVisible(mode != 2);
  if (mode != 2) maskPreview_->setThreshold(mode == 1 ? threshold_->value() / 100.0 : -1);
}

void DataDock::updateEnabled() {
  const QString mode = normalize_->currentData().toString();
  const bool percentile = mode == "percentile", counts = mode == "counts" || mode == "auto";
  for (QWidget* w : {static_cast<QWidget*>(low_), static_cast<QWidget*>(high_),
                     static_cast<QWidget*>(fraction_)})
    w->setEnabled(percentile);
  for (QWidget* w : {static_cast<QWidget*>(chromatin_), static_cast<QWidget*>(share_),
                     static_cast<QWidget*>(offsetD_), static_cast<QWidget*>(offsetH_),
                     static_cast<QWidget*>(identifyShare_)})
    w->setEnabled(counts);
  for (auto* s : {cropX_, cropY_, cropW_, cropH_}) s->setEnabled(crop_->isChecked());
}

void DataDock::setBusy(bool busy) { apply_->setEnabled(!busy && density_->count() > 0); }

void DataDock::setCalibration(const train::RunCalibration* c) {
  if (c)
    calibrationView_->setCalibration(*c);
  else
    calibrationView_->clear();
  // Only counts have gains to save.
  saveCalibration_->setEnabled(c && c->counts);
}

DataSettings DataDock::settings() const {
  DataSettings s = hidden_;
  auto& p = s.prep;
  p.channels.density = density_->currentIndex() + 1;
  p.channels.heterochromatin = hetero_->currentIndex() + 1;
  p.normalize = prep::parseNormalize(normalize_->currentData().toString().toStdString());
  p.percentile.low = low_->value();
  p.percentile.high = high_->value();
  p.percentile.fraction = fraction_->value();
  p.counts.chromatinFraction = chromatin_->value();
  p.counts.heteroShare = share_->value();
  s.identifyShare = identifyShare_->isChecked();
  s.calibrationFile = calibrationPath_.toStdString();
  p.counts.offset[0] = offsetD_->value();
  p.counts.offset[1] = offsetH_->value();
  p.slicesAreTime = slicesAreTime_->isChecked();
  p.mask =
      maskMode_->currentIndex() == 2 && !maskPath_.isEmpty() ? maskPath_.toStdString() : "auto";
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
  normalize_->setCurrentIndex(
      normalize_->findData(QString::fromStdString(prep::normalizeName(p.normalize))));
  low_->setValue(p.percentile.low);
  high_->setValue(p.percentile.high);
  fraction_->setValue(p.percentile.fraction);
  chromatin_->setValue(p.counts.chromatinFraction);
  share_->setValue(p.counts.heteroShare);
  identifyShare_->setChecked(s.identifyShare);
  calibrationPath_ = QString::fromStdString(s.calibrationFile);
  calibrationFile_->setText(calibrationPath_.isEmpty()
                                ? tr("No saved calibration applied")
                                : tr("Applying %1").arg(QFileInfo(calibrationPath_).fileName()));
  forgetCalibration_->setEnabled(!calibrationPath_.isEmpty());
  offsetD_->setValue(p.counts.offset[0]);
  offsetH_->setValue(p.counts.offset[1]);
  slicesAreTime_->setChecked(p.slicesAreTime);
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

void DataDock::editProperties() {
  if (!info_) return;  // nothing open
  DataSettings s = settings();
  DatasetDialog dialog(*info_, s.prep.pixelSizeUm, s.prep.frameIntervalS, this);
  if (dialog.exec() != QDialog::Accepted) return;
  s.prep.pixelSizeUm = dialog.pixelSizeUm();
  s.prep.frameIntervalS = dialog.frameIntervalS();
  setSettings(s);
  Q_EMIT applyRequested();
}

void DataDock::setStack(const io::StackInfo& info, const DataSettings& settings) {
  info_ = info;
  for (QComboBox* box : {density_, hetero_}) {
    const QSignalBlocker block(box);
    box->clear();
    for (int c = 1; c <= std::max(info.channels, 2); ++c)
      box->addItem(c <= info.channels ? tr("channel %1").arg(c)
                                      : tr("channel %1 (missing)").arg(c));
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
  if (f.counts.used) {
    // Counts: each channel's offset (φ = 0) and the count at φ = mean fraction's double, so
    // both mappings show on the histogram.
    const double c0 = f.counts.offset[0], h0 = f.counts.offset[1];
    histogram_->setMarks(
        true, c0, c0 + 2 * f.counts.chromatinFraction / f.counts.scale[0], h0,
        h0 + 2 * f.counts.heteroShare * f.counts.chromatinFraction / f.counts.scale[1]);
  } else {
    histogram_->setMarks(mapped, f.mappedLow[0], f.mappedHigh[0], f.mappedLow[1], f.mappedHigh[1]);
  }
  if (maskMode_->currentIndex() == 0 && f.maskThreshold >= 0) {
    const QSignalBlocker block(threshold_);
    threshold_->setValue(
        int(std::lround(f.maskThreshold * 100)));  // the slider starts where Otsu put it
    thresholdLabel_->setText(QStringLiteral("%1 %").arg(threshold_->value()));
  }
  double drift = 0;
  for (const auto& d : f.drift) drift = std::max(drift, std::hypot(d.x, d.y));
  QString text = tr("%1 × %2 px, %3 frames; %4 · mask %5 px")
                     .arg(f.width())
                     .arg(f.height())
                     .arg(f.frames())
                     .arg(f.counts.used ? tr("counts mapped")
                          : mapped      ? tr("percentile mapped")
                                        : tr("used as fractions"))
                     .arg(cv::countNonZero(f.mask));
  if (f.counts.used) {
    // The mapping and the φ_e range it gives, so a wrong assumption shows before training.
    double lo = 0, hi = 0;
    const cv::Mat e = prep::timeMean(f.density) - prep::timeMean(f.hetero);
    cv::minMaxLoc(e, &lo, &hi, nullptr, nullptr, f.mask);
    text += tr(" · offsets %1 / %2 counts%3 · each count above them is %4 (density) / %5 "
               "(marker) of volume fraction · euchromatin φ_e = φ_c − φ_h in the nuclei %6 … %7 "
               "(must stay above 0)")
                .arg(f.counts.offset[0], 0, 'f', 1)
                .arg(f.counts.offset[1], 0, 'f', 1)
                .arg(f.counts.offsetMeasured[0] ? tr(" (measured)") : QString())
                .arg(f.counts.scale[0], 0, 'g', 3)
                .arg(f.counts.scale[1], 0, 'g', 3)
                .arg(lo, 0, 'f', 2)
                .arg(hi, 0, 'f', 2);
  }
  if (!f.drift.empty()) text += tr(" · drift up to %1 px removed").arg(drift, 0, 'f', 2);
  if (!f.bleachFactors.empty())
    text += tr(" · bleach gain up to %1").arg(f.bleachFactors.back(), 0, 'f', 3);
  status_->setText(text);
}

}  // namespace mollichrom::ui
