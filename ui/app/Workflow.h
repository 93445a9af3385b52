#pragma once
// The user's way through an analysis — open (a stack or a project), prepare with the Data
// dock's settings, preview, train — between the AnalysisSession and the docks. The
// session holds the state and runs the tasks; the workflow decides what follows what: a
// project's results are restored once its data and preview are ready, Start with unapplied data
// settings applies them first and then trains, a new stack refits the view only when its extent
// changed. Tests and scripts drive it as the window's menus and buttons do (MainWindow::workflow).
#include "ui/app/Settings.h"

#include <QObject>
#include <QString>

#include <array>
#include <functional>
#include <optional>
#include <utility>

namespace mollichrom::ui {

class AnalysisSession;
class DataDock;
class LogDock;
class NucleiDock;
class PanelGrid;
class ProjectController;
class RecentFiles;
class SessionReporter;
class TimeBar;
class TrainingDock;
struct TrainingActions;

class Workflow : public QObject {
  Q_OBJECT
 public:
  // What the workflow moves data between; all owned by the window.
  struct Parts {
    AnalysisSession* session = nullptr;
    SessionReporter* reporter = nullptr;
    PanelGrid* panels = nullptr;
    ProjectController* projects = nullptr;
    RecentFiles* recent = nullptr;
    DataDock* dataDock = nullptr;
    TrainingDock* trainingDock = nullptr;
    LogDock* logDock = nullptr;
    NucleiDock* nucleiDock = nullptr;
    TimeBar* timeBar = nullptr;
    const TrainingActions* actions = nullptr;
  };
  Workflow(Parts parts, QObject* parent);

  // Opens a stack or a .mchrom project in the background; failures end in a dialog naming the
  // file (with dialogs off: on stderr) and openFailed.
  void open(const QString& path);
  void openStack(const QString& path);
  void openProject(const QString& path);
  // Re-prepares the open stack with the Data dock's settings.
  void applyDataSettings();
  // Channel mapping for the next open (the --channels flag); later opens start from the default
  // mapping again. Throws std::invalid_argument.
  void setChannels(const QString& mapping);
  // Asked before a trained result that is not saved in a project would be dropped (another file
  // opened, the data re-prepared); false keeps everything as it is. Unset: never asks.
  void setLeaveCheck(std::function<bool()> check) { leaveCheck_ = std::move(check); }
  // Saves the open stack's calibration (asks where; `saveCalibrationTo` does it without asking):
  // its gains and rates, to apply to other stacks of the same microscope setting.
  void saveCalibration();
  bool saveCalibrationTo(const QString& path);

  // Starts training with the Training dock's settings (applying unapplied data settings first).
  void startTraining();
  void setPaused(bool paused);
  void stopTraining();

  // Selects the nucleus under pixel (x, y) (what a click on an image does); its label, 0 outside.
  int selectNucleusAt(int x, int y);
  int frameCount() const;

 Q_SIGNALS:
  void stackOpened(const QString& path);
  void previewReady();
  void openFailed(const QString& message);
  void trainingSnapshot(int step);
  void trainingFinished(bool canceled);
  void trainingFailed(const QString& message);  // before trainingFinished
  void projectRestored(const QString& path);
  void titleChanged(const QString& file);  // the file the window is about now

 private:
  void connectSession();
  void load(const QString& path, const DataSettings& settings);
  void onLoaded();
  void finishOpening();  // the preview's end (or its absence): projects, start-after-apply
  void refreshNuclei();
  void updateActions();

  Parts p_;
  bool mayDropResult();

  bool startAfterApply_ = false;                  // Start pressed with unapplied data settings
  std::optional<prep::ChannelMap> nextChannels_;  // setChannels: for the next open only
  std::function<bool()> leaveCheck_;
  std::pair<QString, std::array<double, 2>> viewed_;  // file and extent (µm) last fitted
};

}  // namespace mollichrom::ui
