#pragma once
// Dataset properties: the stack's axes, sizes, pixel type and calibration with where each
// value came from (ImageJ, OME, TIFF tags, default); pixel size and frame interval can be
// overridden (a microscope that wrote no metadata, or wrote it wrong).
#include "core/io/StackInfo.h"

#include <QDialog>

class QCheckBox;
class QDoubleSpinBox;

namespace mollichrom::ui {

class DatasetDialog : public QDialog {
  Q_OBJECT
 public:
  // pixelOverride / intervalOverride: current overrides (0 = from the file).
  DatasetDialog(const io::StackInfo& info, double pixelOverride, double intervalOverride,
                QWidget* parent = nullptr);
  double pixelSizeUm() const;     // 0: keep the file's
  double frameIntervalS() const;  // 0: keep the file's

 private:
  QCheckBox* overridePixel_ = nullptr;
  QCheckBox* overrideInterval_ = nullptr;
  QDoubleSpinBox* pixel_ = nullptr;
  QDoubleSpinBox* interval_ = nullptr;
};

}  // namespace mollichrom::ui
