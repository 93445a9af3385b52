#pragma once
// The "Data" dock: channel → field mapping, intensity normalisation with a histogram preview,
// nucleus mask (Otsu, threshold slider, file), crop / frame range / binning, drift and bleach
// correction. "Apply" re-prepares the fields off the GUI thread (the window does that); until
// then the dock marks its settings as unapplied, and Start applies them first.
#include "ui/app/Settings.h"

#include <QDockWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace mollichrom::ui {

class CalibrationView;
class HistogramWidget;
class MaskPreview;
struct ChannelHistogram;

class DataDock : public QDockWidget {
  Q_OBJECT
 public:
  explicit DataDock(QWidget* parent = nullptr);

  DataSettings settings() const;
  void setSettings(const DataSettings& s);
  // Adapts the channel choices, crop and frame limits to a newly opened stack, then shows
  // the settings it was loaded with.
  void setStack(const io::StackInfo& info, const DataSettings& settings);
  void setHistograms(const ChannelHistogram& density, const ChannelHistogram& hetero);
  void setPrepared(const prep::FieldData& fields);  // status line, histogram marks, slider start
  HistogramWidget* histogram() const { return histogram_; }
  void setBusy(bool busy);
  // The settings the open data was prepared with: the dock marks any difference as unapplied.
  void markApplied(const DataSettings& s);
  bool hasUnappliedChanges() const { return dirty_; }
  // What the calibration step said (the preview's), or nothing yet.
  void setCalibration(const train::RunCalibration* calibration);
  CalibrationView* calibrationView() const { return calibrationView_; }
  // The open stack's time-mean density, for the live mask preview (empty: none).
  void setMaskSource(const cv::Mat& timeMeanDensity);
  MaskPreview* maskPreview() const { return maskPreview_; }

 Q_SIGNALS:
  void applyRequested();
  void unappliedChanged(bool unapplied);
  // Save the open stack's calibration for other stacks of the same setting.
  void saveCalibrationRequested();
  // Look at this channel (1-based) as recorded, before choosing what it maps to.
  void showChannelRequested(int channel);

 private:
  void editProperties();  // the Dataset properties dialog; Apply when accepted
  void updateEnabled();
  void updateDirty();
  void previewMask();
  std::optional<io::StackInfo> info_;  // of the open stack
  QComboBox* density_ = nullptr;
  QComboBox* hetero_ = nullptr;
  QComboBox* normalize_ = nullptr;
  QDoubleSpinBox* low_ = nullptr;
  QDoubleSpinBox* high_ = nullptr;
  QDoubleSpinBox* fraction_ = nullptr;
  QDoubleSpinBox* chromatin_ = nullptr;  // counts: mean φ_c over the nuclei
  QDoubleSpinBox* share_ = nullptr;      // counts: mean φ_h / mean φ_c
  QDoubleSpinBox* offsetD_ = nullptr;    // counts: camera offsets (−1: measured)
  QDoubleSpinBox* offsetH_ = nullptr;
  QCheckBox* identifyShare_ = nullptr;  // counts: the share from the dynamics where they allow
  QLabel* calibrationFile_ = nullptr;
  QString calibrationPath_;  // a saved acquisition calibration applied to the stack
  QPushButton* forgetCalibration_ = nullptr;
  QPushButton* saveCalibration_ = nullptr;
  CalibrationView* calibrationView_ = nullptr;
  QCheckBox* slicesAreTime_ = nullptr;
  HistogramWidget* histogram_ = nullptr;
  QComboBox* maskMode_ = nullptr;
  QSlider* threshold_ = nullptr;
  QLabel* thresholdLabel_ = nullptr;
  QLabel* maskFile_ = nullptr;
  QString maskPath_;
  QCheckBox* crop_ = nullptr;
  QSpinBox* cropX_ = nullptr;
  QSpinBox* cropY_ = nullptr;
  QSpinBox* cropW_ = nullptr;
  QSpinBox* cropH_ = nullptr;
  QSpinBox* first_ = nullptr;
  QSpinBox* last_ = nullptr;
  QSpinBox* binning_ = nullptr;
  QCheckBox* drift_ = nullptr;
  QCheckBox* bleach_ = nullptr;
  QLabel* status_ = nullptr;
  QPushButton* apply_ = nullptr;
  QLabel* unapplied_ = nullptr;
  MaskPreview* maskPreview_ = nullptr;
  DataSettings applied_;
  bool hasApplied_ = false, dirty_ = false;
  DataSettings hidden_;  // what the dock has no control for (calibration overrides, slice)
};

}  // namespace mollichrom::ui
