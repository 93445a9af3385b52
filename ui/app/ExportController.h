#pragma once
// File ▸ Export: the session's current result written as calibrated files (λ as TIFF/CSV/PNG,
// the fields, the losses, the summary, or all of them into a folder). The calls throw with a
// message naming the file; the menu's actions ask for paths and report through signals, so the
// window only shows what they say.
#include <QObject>
#include <QStringList>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace mollichrom::exporting {
struct RunDescription;
}

namespace mollichrom::ui {

class AnalysisSession;

class ExportController : public QObject {
  Q_OBJECT
 public:
  // `describe`: this run's settings for the summary (the docks' at the time of the export).
  ExportController(AnalysisSession* session, std::function<exporting::RunDescription()> describe,
                   QWidget* dialogParent);

  QStringList exportAll(const QString& folder);
  QStringList exportLambda(const QString& basePath);  // base.tif, base.csv, base.png
  QStringList exportFields(const QString& folder);
  void exportLosses(const QString& file);
  void exportSummary(const QString& file);

  // Adds the export items to `menu`; returns them (enabled only when there is a result).
  QList<QAction*> addMenuActions(QMenu* menu);

 Q_SIGNALS:
  void info(const QString& text);
  void failed(const QString& title, const QString& file, const QString& details);

 private:
  // Runs `write` and reports a failure naming `file` (the menu's actions).
  void guarded(const QString& file, const std::function<void()>& write);
  // "<data folder>/<data name><suffix>" (just the suffix before any data is open).
  QString proposedPath(const QString& suffix) const;
  AnalysisSession* session_;
  std::function<exporting::RunDescription()> describe_;
  QWidget* dialogParent_;
};

}  // namespace mollichrom::ui
