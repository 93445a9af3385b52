#include "ui/docks/DatasetDialog.h"

#include "core/io/PixelType.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mollichrom::ui {

namespace {
QString sourceText(io::CalibrationSource s) {
  switch (s) {
    case io::CalibrationSource::ImageJ:
      return QObject::tr("from the ImageJ metadata");
    case io::CalibrationSource::OME:
      return QObject::tr("from the OME-XML");
    case io::CalibrationSource::TiffResolution:
      return QObject::tr("from the TIFF resolution tags");
    case io::CalibrationSource::User:
      return QObject::tr("set by you");
    default:
      return QObject::tr("unknown — 1 px / 1 frame assumed");
  }
}
}  // namespace

DatasetDialog::DatasetDialog(const io::StackInfo& info, double pixelOverride,
                             double intervalOverride, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(
      tr("Dataset properties — %1").arg(QFileInfo(QString::fromStdString(info.path)).fileName()));
  setObjectName(QStringLiteral("datasetDialog"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  const auto& cal = info.calibration;
  form->addRow(tr("File"), new QLabel(QString::fromStdString(info.path), this));
  form->addRow(tr("Axes"), new QLabel(QString::fromStdString(info.axes()), this));
  form->addRow(tr("Size"), new QLabel(tr("%1 × %2 px, %3 channel(s), %4 slice(s), %5 frame(s)")
                                          .arg(info.width)
                                          .arg(info.height)
                                          .arg(info.channels)
                                          .arg(info.slices)
                                          .arg(info.frames),
                                      this));
  form->addRow(tr("Pixel type"),
               new QLabel(QString::fromStdString(io::pixelTypeName(info.pixelType)), this));
  form->addRow(tr("Compression"), new QLabel(QString::fromStdString(info.compression), this));
  if (!info.note.empty())
    form->addRow(tr("Note"), new QLabel(QString::fromStdString(info.note), this));
  form->addRow(tr("Pixel size"), new QLabel(cal.pixelX ? tr("%1 µm × %2 µm (%3)")
                                                             .arg(*cal.pixelX)
                                                             .arg(cal.pixelYOr1())
                                                             .arg(sourceText(cal.pixelSource))
                                                       : sourceText(cal.pixelSource),
                                            this));
  form->addRow(
      tr("Frame interval"),
      new QLabel(cal.frameInterval
                     ? tr("%1 s (%2)").arg(*cal.frameInterval).arg(sourceText(cal.timeSource))
                     : sourceText(cal.timeSource),
                 this));
  if (info.slices > 1)
    form->addRow(
        tr("Z step"),
        new QLabel(cal.zStep ? tr("%1 µm (%2)").arg(*cal.zStep).arg(sourceText(cal.zSource))
                             : sourceText(cal.zSource),
                   this));
  overridePixel_ = new QCheckBox(tr("Override pixel size"), this);
  overrideInterval_ = new QCheckBox(tr("Override frame interval"), this);
  overridePixel_->setObjectName(QStringLiteral("overridePixel"));
  overrideInterval_->setObjectName(QStringLiteral("overrideInterval"));
  pixel_ = new QDoubleSpinBox(this);
  pixel_->setObjectName(QStringLiteral("pixelSize"));
  pixel_->setDecimals(5);
  pixel_->setRange(1e-5, 1e4);
  pixel_->setSuffix(QStringLiteral(" µm"));
  pixel_->setValue(pixelOverride > 0 ? pixelOverride : cal.pixelXOr1());
  interval_ = new QDoubleSpinBox(this);
  interval_->setObjectName(QStringLiteral("frameInterval"));
  interval_->setDecimals(5);
  interval_->setRange(1e-6, 1e6);
  interval_->setSuffix(QStringLiteral(" s"));
  interval_->setValue(intervalOverride > 0 ? intervalOverride : cal.frameIntervalOr1());
  overridePixel_->setChecked(pixelOverride > 0);
  overrideInterval_->setChecked(intervalOverride > 0);
  pixel_->setEnabled(pixelOverride > 0);
  interval_->setEnabled(intervalOverride > 0);
  connect(overridePixel_, &QCheckBox::toggled, pixel_, &QWidget::setEnabled);
  connect(overrideInterval_, &QCheckBox::toggled, interval_, &QWidget::setEnabled);
  form->addRow(overridePixel_, pixel_);
  form->addRow(overrideInterval_, interval_);
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

double DatasetDialog::pixelSizeUm() const {
  return overridePixel_->isChecked() ? pixel_->value() : 0.0;
}
double DatasetDialog::frameIntervalS() const {
  return overrideInterval_->isChecked() ? interval_->value() : 0.0;
}

}  // namespace mollichrom::ui
