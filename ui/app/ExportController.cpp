#include "ui/app/ExportController.h"

#include "core/export/ResultExport.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/FolderDialog.h"
#include "ui/app/WindowMenus.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>

namespace mollichrom::ui {

ExportController::ExportController(AnalysisSession* session,
                                   std::function<exporting::RunDescription()> describe,
                                   QWidget* dialogParent)
    : QObject(dialogParent),
      session_(session),
      describe_(std::move(describe)),
      dialogParent_(dialogParent) {}

QStringList ExportController::exportLambda(const QString& basePath) {
  const auto r = session_->currentResult();
  QStringList out;
  for (const auto& f : exporting::writeLambdaFiles(
           basePath.toStdString(), r->lambda, exporting::calibrationOf(*session_->data()->fields)))
    out << QString::fromStdString(f);
  Q_EMIT info(tr("Exported λ to %1").arg(out.join(QStringLiteral(", "))));
  return out;
}

QStringList ExportController::exportAll(const QString& folder) {
  const auto r = session_->currentResult();
  std::map<std::string, cv::Mat> fields;
  if (session_->snapshot()) fields = session_->snapshot()->fields;
  QStringList out;
  for (const auto& f : exporting::exportAll(folder.toStdString(), *r, fields,
                                            *session_->data()->fields, describe_()))
    out << QString::fromStdString(f);
  Q_EMIT info(tr("Exported %1 files to %2").arg(out.size()).arg(folder));
  return out;
}

QStringList ExportController::exportFields(const QString& folder) {
  if (!session_->snapshot())
    throw std::runtime_error("there are no network fields yet (train first)");
  QStringList out;
  for (const auto& f :
       exporting::writeFieldFiles(folder.toStdString(), session_->snapshot()->fields,
                                  exporting::calibrationOf(*session_->data()->fields)))
    out << QString::fromStdString(f);
  Q_EMIT info(tr("Exported %1 fields to %2").arg(out.size()).arg(folder));
  return out;
}

void ExportController::exportLosses(const QString& file) {
  exporting::writeLossesCsv(file.toStdString(), session_->currentResult()->losses);
  Q_EMIT info(tr("Exported the losses to %1").arg(file));
}

void ExportController::exportSummary(const QString& file) {
  exporting::writeSummaryJson(file.toStdString(), *session_->currentResult(),
                              *session_->data()->fields, describe_());
  Q_EMIT info(tr("Exported the summary to %1").arg(file));
}

void ExportController::guarded(const QString& file, const std::function<void()>& write) {
  try {
    write();
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Export failed"), file, QString::fromUtf8(e.what()));
  }
}

QString ExportController::proposedPath(const QString& suffix) const {
  const QFileInfo data(session_->path());
  if (data.fileName().isEmpty()) return suffix;
  return data.dir().filePath(stackBaseName(data.fileName()) + suffix);
}

QList<QAction*> ExportController::addMenuActions(QMenu* menu) {
  QList<QAction*> actions;
  QWidget* parent = dialogParent_;
  // Every dialog proposes a name made from the data's, beside it: "cell3_lambda.tif".
  actions << menu->addAction(tr("λ map (TIFF, CSV, PNG)…"), this, [this, parent] {
    const QString f = QFileDialog::getSaveFileName(parent, tr("Export λ map"),
                                                   proposedPath(QStringLiteral("_lambda.tif")),
                                                   tr("TIFF (*.tif)"));
    if (f.isEmpty()) return;
    QString base = f;
    if (base.endsWith(QStringLiteral(".tif"))) base.chop(4);
    guarded(f, [&] { exportLambda(base); });
  });
  actions << menu->addAction(tr("Current fields (TIFF)…"), this, [this, parent] {
    const QString dir = chooseOutputFolder(parent, tr("Export the fields into"),
                                           proposedPath(QStringLiteral("_fields")));
    if (!dir.isEmpty()) guarded(dir, [&] { exportFields(dir); });
  });
  actions << menu->addAction(tr("Losses (CSV)…"), this, [this, parent] {
    const QString f = QFileDialog::getSaveFileName(parent, tr("Export losses"),
                                                   proposedPath(QStringLiteral("_losses.csv")),
                                                   tr("CSV (*.csv)"));
    if (!f.isEmpty()) guarded(f, [&] { exportLosses(f); });
  });
  actions << menu->addAction(tr("Summary (JSON)…"), this, [this, parent] {
    const QString f = QFileDialog::getSaveFileName(parent, tr("Export summary"),
                                                   proposedPath(QStringLiteral("_summary.json")),
                                                   tr("JSON (*.json)"));
    if (!f.isEmpty()) guarded(f, [&] { exportSummary(f); });
  });
  menu->addSeparator();
  QAction* all = menu->addAction(tr("Export &all to a folder…"), this, [this, parent] {
    const QString dir = chooseOutputFolder(parent, tr("Export everything into"),
                                           proposedPath(QStringLiteral("_results")));
    if (!dir.isEmpty()) guarded(dir, [&] { exportAll(dir); });
  });
  all->setObjectName(QStringLiteral("exportAllAction"));
  all->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  actions << all;
  return actions;
}

}  // namespace mollichrom::ui
