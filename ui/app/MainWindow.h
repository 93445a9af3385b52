#pragma once
// The application's main window (Logic vs Widgets as in 3D Slicer: the work happens in core,
// on worker threads; this class wires docks, panels and workers together on the GUI thread).
// Opening a stack loads and prepares it off the GUI thread and computes the direct λ estimate
// as an instant preview; training runs in a TrainingWorker whose snapshots update the four
// panels live. Projects (.mchrom) save settings, results and the view.
#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>

#include <array>
#include <functional>
#include <memory>

class QAction;
class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMenu;
class QSlider;
class QTimer;
class QToolButton;

namespace mollichrom::train {
struct Snapshot;
struct InferenceResult;
}  // namespace mollichrom::train
namespace mollichrom::exporting {
struct RunDescription;
}
namespace mollichrom::util {
class Feedback;
}
namespace mollichrom::prep {
struct FieldData;
}

namespace mollichrom::ui {

class DataDock;
class LogDock;
class PanelWidget;
class ProgressIndicator;
class TrainingDock;
class TrainingWorker;
class VtkView;
class NucleiDock;
struct LoadedData;
struct DataSettings;
struct ProjectState;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  PanelWidget* panelWidget(int index) const { return panels_.at(static_cast<size_t>(index)); }
  VtkView* panel(int index) const;
  DataDock* dataDock() const { return dataDock_; }
  TrainingDock* trainingDock() const { return trainingDock_; }
  LogDock* logDock() const { return logDock_; }
  // The warnings banner's text (empty when hidden): the data checks of the open stack.
  QString warningText() const;
  NucleiDock* nucleiDock() const { return nucleiDock_; }
  // Selects the nucleus under pixel (x, y) of the field (what a click on an image panel does);
  // returns its label, 0 on background.
  int selectNucleusAt(int x, int y);

  // Starts loading `path` (a stack, or a .mchrom project) in the background; errors end in a
  // dialog naming the file (or, with dialogs off, on stderr and in openFailed).
  void open(const QString& path);
  void openStack(const QString& path);
  void openProject(const QString& path);
  // Re-prepares the open stack with the Data dock's settings (re-reading the file only when the
  // crop, frames or binning changed).
  void applyDataSettings();
  // Cancels a load in progress (it ends in openFailed("canceled"), the open data kept).
  void cancelLoading();
  // Whether the last load read the file (false: the kept stack was re-prepared).
  bool lastLoadReadTheFile() const;
  // The data settings the open stack was prepared with (the dock may show pending changes).
  DataSettings appliedDataSettings() const;
  bool isBusy() const;
  int frameCount() const;
  int currentFrame() const;
  void setFrame(int t);
  QString stackPath() const;

  void startTraining();
  void setPaused(bool paused);
  void stopTraining();
  bool isTraining() const;
  bool hasTrainedResult() const;
  // Training length for the next start (overrides the dock: the --steps/--time-budget flags).
  void setTrainingLength(int steps, double timeBudgetSeconds);
  // Channel mapping for the next open (the --channels flag). Throws std::invalid_argument.
  void setChannels(const QString& mapping);

  // Exports (also in the File menu). Each returns the files written; throws std::exception
  // with a message naming the file on failure.
  QStringList exportAll(const QString& folder);
  QStringList exportLambda(const QString& basePath);  // base.tif, base.csv, base.png
  // Project: results go to "<name>_results/" beside it (exportAll), the rest into the JSON.
  void saveProject(const QString& path);
  QString projectPath() const { return projectPath_; }
  QStringList recentFiles() const;

  // Zooms every image panel (the linked camera) by `factor` (> 1: closer).
  void zoomImages(double factor);
  // Saves a grab of the whole window (VTK panels included), atomically. False on failure.
  bool saveScreenshot(const QString& path);
  // Memory limit for the run's memory plan (MB). setMemoryLimitMb holds for this window only
  // (0: the QSettings value "memoryLimitMb", else 75 % of the memory available).
  double memoryLimitMb() const;
  void setMemoryLimitMb(double mb);
  // Asked for a moved project's data when it is not found (project path, places looked at);
  // returns the file to use, empty to give up. Default: a "Locate…" dialog.
  void setLocateDataHandler(std::function<QString(const QString&, const QStringList&)> h) {
    locateData_ = std::move(h);
  }
  // Unattended runs (--quit) and tests: errors go to stderr and the signals, not to dialogs.
  void setShowDialogs(bool show) { showDialogs_ = show; }

 Q_SIGNALS:
  void stackOpened(const QString& path);
  void previewReady();
  void openFailed(const QString& message);
  void trainingSnapshot(int step);
  void trainingFinished(bool canceled);
  void trainingFailed(
      const QString& message);  // before trainingFinished, when the run failed or was refused
  void projectRestored(const QString& path);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildMenus();
  void buildTimeBar();
  void startLoad(const QString& path, const DataSettings& settings);
  void onLoaded();
  void onPreview();
  void onSnapshot(std::shared_ptr<const train::Snapshot> snapshot);
  void onTrainingDone(std::shared_ptr<const train::InferenceResult> result, const QString& error,
                      bool canceled);
  void refreshPanel(int index);
  void refreshPanels(bool perFrameOnly = false);
  void updateActions();
  void showError(const QString& title, const QString& text, const QString& details);
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void restoreProjectResults();
  std::shared_ptr<const train::InferenceResult> currentResult() const;
  exporting::RunDescription runDescription()
      const;                                    // for the summary: this stack and the dock settings
  void saveProjectInteractively(QString path);  // asks for a path when empty; errors as dialogs
  void onCameraModified();
  void fitImages();

  std::array<PanelWidget*, 4> panels_{};
  struct CameraLink;
  std::unique_ptr<CameraLink> camera_;
  DataDock* dataDock_ = nullptr;
  TrainingDock* trainingDock_ = nullptr;
  LogDock* logDock_ = nullptr;
  NucleiDock* nucleiDock_ = nullptr;
  void refreshNuclei();  // the table from the current result (or the direct estimate)
  TrainingWorker* worker_ = nullptr;
  QSlider* timeSlider_ = nullptr;
  void showDataWarnings(const prep::FieldData& f);
  QLabel* timeLabel_ = nullptr;
  QLabel* warningBanner_ = nullptr;  // the data checks' warnings above the panels
  QTimer* playTimer_ = nullptr;
  QAction* playAction_ = nullptr;
  QAction* startAction_ = nullptr;
  QAction* pauseAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QList<QAction*> resultActions_;
  QMenu* recentMenu_ = nullptr;
  ProgressIndicator* progress_ = nullptr;
  QToolButton* cancelLoad_ = nullptr;  // beside the progress while a stack loads

  std::shared_ptr<LoadedData> data_;
  std::shared_ptr<const train::Snapshot> snapshot_;
  std::shared_ptr<const train::InferenceResult> result_;
  QFutureWatcher<std::shared_ptr<LoadedData>> loadWatcher_;
  QFutureWatcher<std::shared_ptr<LoadedData>> previewWatcher_;
  std::unique_ptr<ProjectState> pendingProject_;  // restored once its stack is open
  QString projectPath_;
  bool showDialogs_ = true;
  bool startAfterApply_ = false;  // Start pressed with unapplied data settings
  std::shared_ptr<util::Feedback> loadFeedback_;
  std::function<QString(const QString&, const QStringList&)> locateData_;
  double memoryLimitMb_ = 0;
  int trainSteps_ = -1;
  double trainBudget_ = -1;
};

}  // namespace mollichrom::ui
