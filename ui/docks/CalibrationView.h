#pragma once
// What the calibration step said, in the Data dock: the share, M and Γ_ac used with their 90 %
// intervals and sources, what the dynamics said where the values came from elsewhere, and a
// small profile plot — the share of the dynamics left unexplained against the share, the 90 %
// set shaded, the value used marked.
#include "core/train/Calibrate.h"

#include <QWidget>

class QLabel;

namespace mollichrom::ui {

class ProfilePlot : public QWidget {
  Q_OBJECT
 public:
  explicit ProfilePlot(QWidget* parent = nullptr);
  // Empty shares: nothing to plot (a snapshot, fractions).
  void setProfile(const std::vector<double>& shares, const std::vector<double>& unexplained,
                  double low, double high, double used);
  QSize sizeHint() const override { return {240, 110}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  std::vector<double> shares_, unexplained_;
  double low_ = 0, high_ = 0, used_ = 0;
};

class CalibrationView : public QWidget {
  Q_OBJECT
 public:
  explicit CalibrationView(QWidget* parent = nullptr);
  void setCalibration(const train::RunCalibration& c);
  void clear();
  QString text() const;  // the lines shown (tests)

 private:
  QLabel* lines_ = nullptr;
  ProfilePlot* plot_ = nullptr;
};

// One value as the dock shows it: "0.589 (90 % 0.531–0.627), identified".
QString describeValue(const prep::EstimatedValue& e);

}  // namespace mollichrom::ui
