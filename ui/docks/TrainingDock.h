#pragma once
// The "Model & training" dock: model constants and which scalars are free, engine, network,
// preset (Preview / Balanced / Accurate / Custom), steps, time budget, seed, threads, and the
// Start / Pause-Resume / Stop buttons (the window's actions).
#include "ui/app/Settings.h"

#include <QDockWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

class QLabel;

namespace mollichrom::ui {

class TrainingDock : public QDockWidget {
  Q_OBJECT
 public:
  TrainingDock(QAction* start, QAction* pause, QAction* stop, QWidget* parent = nullptr);
  TrainingSettings settings() const;
  void setSettings(const TrainingSettings& s);
  void setPreset(const QString& name);  // preview | balanced | accurate
  // The automation's --steps / --time-budget, set as a user would type them (0 leaves that one
  // as it is), so the dock shows what will run; changed steps make the preset Custom.
  void setTrainingLength(int steps, double timeBudgetSeconds);
  // One frame: show the note on the M/Γ_ac ratio the steady-state snapshot depends on.
  void setSteadyState(bool steady);

 private:
  void presetChosen();
  void markCustom();
  QComboBox* preset_ = nullptr;
  QComboBox* engine_ = nullptr;
  QComboBox* arch_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QDoubleSpinBox* budget_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* threads_ = nullptr;
  QDoubleSpinBox* memoryLimit_ = nullptr;  // GB; the setting "memoryLimitMb" (0: automatic)
  QDoubleSpinBox* m_ = nullptr;
  QDoubleSpinBox* gamma_ = nullptr;
  QDoubleSpinBox* ell_ = nullptr;
  QDoubleSpinBox* phiMax_ = nullptr;
  QCheckBox* freeM_ = nullptr;
  QCheckBox* freeGamma_ = nullptr;
  QCheckBox* lbfgs_ = nullptr;
  QSpinBox* kernel_ = nullptr;
  QLabel* steadyNote_ = nullptr;
  // One frame locks the "infer" boxes unticked; what they said before comes back with the next
  // time-lapse, and stays what the settings mean (a snapshot's rates then come from a saved
  // calibration, or are the values above, assumed).
  bool steady_ = false, freeMWanted_ = true, freeGammaWanted_ = true;
  bool applyingPreset_ = false;
  TrainingSettings hidden_;  // settings without controls (learning rates, weights, kernel)
};

}  // namespace mollichrom::ui
