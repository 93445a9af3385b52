#pragma once
// The application's main window: wiring only (QGIS's gui over its core, 3D Slicer's Widget
// over its Logic). The state — data, preview, training, result — lives in an AnalysisSession;
// what it does is said by a SessionReporter (status bar, Log, progress, banner, dialogs); the
// panels and their shared camera live in a PanelGrid; exports and projects in their
// controllers; the menus in WindowMenus. This class creates them and passes the data between
// the session and the docks.
#include "ui/app/Settings.h"
#include "ui/app/TrainingActions.h"

#include <QMainWindow>
#include <QStringList>

#include <array>
#include <functional>
#include <memory>

class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;

namespace mollichrom::exporting {
struct RunDescription;
}

namespace mollichrom::ui {

class AnalysisSession;
class DataDock;
class ExportController;
class LogDock;
class NucleiDock;
class PanelGrid;
class PanelWidget;
class ProjectController;
class RecentFiles;
class SessionReporter;
class TimeBar;
class TrainingDock;
class VtkView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  AnalysisSession* session() const { return session_; }
  PanelGrid* panels() const { return panels_; }
  PanelWidget* panelWidget(int index) const;
  VtkView* panel(int index) const;
  DataDock* dataDock() const { return dataDock_; }
  TrainingDock* trainingDock() const { return trainingDock_; }
  LogDock* logDock() const { return logDock_; }
  NucleiDock* nucleiDock() const { return nucleiDock_; }
  // The warnings banner's text (empty when hidden): the data checks and a doubtful fit.
  QString warningText() const;
  // Selects the nucleus under pixel (x, y) (what a click on an image does); its label, 0 outside.
  int selectNucleusAt(int x, int y);

  // Opens a stack or a .mchrom project in the background; failures end in a dialog naming the
  // file (with dialogs off: on stderr) and openFailed.
  void open(const QString& path);
  void openStack(const QString& path);
  void openProject(const QString& path);
  // Re-prepares the open stack with the Data dock's settings.
  void applyDataSettings();
  int frameCount() const;
  int currentFrame() const;
  void setFrame(int t);

  // Starts training with the Training dock's settings (applying unapplied data settings first).
  void startTraining();
  void setPaused(bool paused);
  void stopTraining();
  // Training length for the next start (the --steps/--time-budget flags override the dock).
  void setTrainingLength(int steps, double timeBudgetSeconds);
  // Channel mapping for the next open (the --channels flag). Throws std::invalid_argument.
  void setChannels(const QString& mapping);

  // Exports and projects (File menu); each throws with a message naming the file.
  QStringList exportAll(const QString& folder);
  QStringList exportLambda(const QString& basePath);
  void saveProject(const QString& path);
  QString projectPath() const;

  bool saveScreenshot(const QString& path);  // the whole window, atomically; false on failure
  // Asked for a moved project's data; returns the file to use, empty to give up (default: a
  // "Locate…" dialog).
  void setLocateDataHandler(std::function<QString(const QString&, const QStringList&)> h);
  // Unattended runs (--quit) and tests: errors go to stderr and the signals, not to dialogs.
  void setShowDialogs(bool show);

 Q_SIGNALS:
  void stackOpened(const QString& path);
  void previewReady();
  void openFailed(const QString& message);
  void trainingSnapshot(int step);
  void trainingFinished(bool canceled);
  void trainingFailed(const QString& message);  // before trainingFinished
  void projectRestored(const QString& path);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildDocks();
  void buildBars();
  void connectSession();
  void load(const QString& path, const DataSettings& settings);
  void onLoaded();
  void finishOpening();  // the preview's end (or its absence): projects, start-after-apply
  void refreshNuclei();
  void updateActions() { actions_.update(*session_); }
  void setTitle(const QString& file);
  exporting::RunDescription runDescription() const;

  AnalysisSession* session_ = nullptr;
  SessionReporter* reporter_ = nullptr;
  PanelGrid* panels_ = nullptr;
  ExportController* exporter_ = nullptr;
  ProjectController* projects_ = nullptr;
  RecentFiles* recent_ = nullptr;
  DataDock* dataDock_ = nullptr;
  TrainingDock* trainingDock_ = nullptr;
  LogDock* logDock_ = nullptr;
  NucleiDock* nucleiDock_ = nullptr;
  TimeBar* timeBar_ = nullptr;
  TrainingActions actions_;
  bool startAfterApply_ = false;                      // Start pressed with unapplied data settings
  std::pair<QString, std::array<double, 2>> viewed_;  // file and extent (µm) last fitted
  int trainSteps_ = -1;
  double trainBudget_ = -1;
};

}  // namespace mollichrom::ui
