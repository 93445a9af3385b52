#pragma once
// The application's main window: wiring only (QGIS's gui over its core, 3D Slicer's Widget
// over its Logic). The state — data, preview, training, result — lives in an AnalysisSession;
// what it does is said by a SessionReporter (status bar, Log, progress, banner, dialogs); the
// panels and their shared camera live in a PanelGrid; exports and projects in their
// controllers; the menus in WindowMenus; the open → prepare → preview → train flow between the
// session and the docks in a Workflow. This class creates them and connects them.
#include "ui/app/Settings.h"
#include "ui/app/TrainingActions.h"

#include <QMainWindow>
#include <QMessageBox>
#include <QStringList>

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
class Workflow;

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
  // The open → prepare → preview → train flow (what the File menu, the Data dock's Apply and
  // Start do); tests and gui_main drive it.
  Workflow* workflow() const { return workflow_; }
  int currentFrame() const;
  void setFrame(int t);

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
  // Asked before a trained result not saved in a project is dropped (quit, another file, data
  // re-prepared): Save, Discard or Cancel (default: a question dialog; tests answer it).
  void setUnsavedResultsHandler(std::function<QMessageBox::StandardButton()> h) {
    unsavedHandler_ = std::move(h);
  }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildDocks();
  void buildBars();
  void setTitle(const QString& file);
  exporting::RunDescription runDescription() const;
  // True when nothing unsaved would be lost, or the user chose to save it (and it was) or to
  // discard it; false to stay.
  bool mayDropResults();

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
  Workflow* workflow_ = nullptr;
  TrainingActions actions_;
  std::function<QMessageBox::StandardButton()> unsavedHandler_;
};

}  // namespace mollichrom::ui
