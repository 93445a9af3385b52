#pragma once
// Projects (.mchrom): saving the docks' settings, the view and the results (exported into
// "<name>_results/" beside the project), and opening one — its data found where it moved to or
// located by the user, loaded through the session, and its results and view restored once the
// data is open.
#include "ui/app/ProjectFile.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace mollichrom::ui {

class AnalysisSession;
class DataDock;
class ExportController;
class PanelGrid;
class TrainingDock;

class ProjectController : public QObject {
  Q_OBJECT
 public:
  // What the controller needs of the window: the docks, the panels, the exporter and the frame.
  struct Parts {
    AnalysisSession* session = nullptr;
    DataDock* dataDock = nullptr;
    TrainingDock* trainingDock = nullptr;
    PanelGrid* panels = nullptr;
    ExportController* exporter = nullptr;
    std::function<int()> frame;
    std::function<void(int)> setFrame;
  };
  ProjectController(Parts parts, QObject* parent);

  // Writes the project (atomically; results into its folder). Throws naming the file.
  void save(const QString& path);
  // Reads the project and starts loading its data (asking `locateData` when it is not found).
  // False, with `error` set, when it cannot be opened; the results follow in restorePending().
  bool open(const QString& path, QString* error);
  // Asked for a moved project's data (project path, places looked at); returns the file to
  // use, empty to give up.
  void setLocateData(std::function<QString(const QString&, const QStringList&)> f) {
    locateData_ = std::move(f);
  }

  bool hasPending() const { return pending_ != nullptr; }
  void clearPending() { pending_.reset(); }
  // Restores the pending project's results and view (after its data and preview are ready).
  // Returns a message when the results could not be read (the settings are restored anyway).
  QString restorePending();

  QString path() const { return path_; }
  void forget() { path_.clear(); }

 Q_SIGNALS:
  void info(const QString& text);

 private:
  // The result exactly as held (ResultArchive.h), inside the project's results folder.
  static QString archivePath(const QString& resultsDir);
  void restoreFromExports(const QString& resultsDir);

  Parts parts_;
  std::unique_ptr<ProjectState> pending_;
  QString path_;
  std::function<QString(const QString&, const QStringList&)> locateData_;
};

}  // namespace mollichrom::ui
