#include "ui/app/ProjectController.h"

#include "core/export/ResultArchive.h"
#include "core/export/ResultExport.h"
#include "core/io/StackReader.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/ExportController.h"
#include "ui/docks/DataDock.h"
#include "ui/docks/TrainingDock.h"
#include "ui/panels/PanelGrid.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace mollichrom::ui {

QString ProjectController::archivePath(const QString& resultsDir) {
  return QDir(resultsDir).filePath(QStringLiteral("result.mchres"));
}

ProjectController::ProjectController(Parts parts, QObject* parent)
    : QObject(parent), parts_(std::move(parts)) {}

void ProjectController::save(const QString& path) {
  const auto data = parts_.session->data();
  if (!data) throw std::runtime_error("open a stack before saving a project");
  ProjectState s;
  s.dataPath = QFileInfo(data->path).absoluteFilePath();
  s.data = data->settings;
  s.training = parts_.trainingDock->settings();
  if (parts_.session->result() || parts_.session->snapshot()) {
    s.resultsDir = resultsDirFor(path);
    parts_.exporter->exportAll(s.resultsDir);
    exporting::writeResultArchive(archivePath(s.resultsDir).toStdString(),
                                  parts_.session->result().get(), parts_.session->snapshot().get());
  }
  s.view.frame = parts_.frame();
  s.view.panels = parts_.panels->panelStates();
  s.view.camera = parts_.panels->cameraState();
  saveProject(path, s);
  parts_.session->markResultSaved();
  path_ = QFileInfo(path).absoluteFilePath();
  Q_EMIT info(tr("Saved the project %1").arg(path));
}

bool ProjectController::open(const QString& path, QString* error) {
  ProjectState s;
  try {
    s = loadProject(path);
  } catch (const std::exception& e) {
    *error = QString::fromUtf8(e.what());
    return false;
  }
  if (!s.dataFound()) {
    // Moved without its data: ask where it is now instead of failing.
    const QString located = locateData_ ? locateData_(path, s.dataCandidates) : QString();
    if (located.isEmpty()) {
      *error = tr("%1: its data file %2 was not found (looked in: %3)")
                   .arg(QFileInfo(path).fileName(), QFileInfo(s.dataPath).fileName(),
                        s.dataCandidates.join(QStringLiteral(", ")));
      return false;
    }
    s.dataPath = QFileInfo(located).absoluteFilePath();
  }
  parts_.trainingDock->setSettings(s.training);
  parts_.dataDock->setSettings(s.data);
  if (!parts_.session->load(s.dataPath, s.data, s.training.params)) {
    *error = tr("busy: wait for the current work to finish or stop the training");
    return false;
  }
  pending_ = std::make_unique<ProjectState>(s);
  path_ = QFileInfo(path).absoluteFilePath();
  Q_EMIT info(tr("Opening the project %1").arg(path));
  return true;
}

QString ProjectController::restorePending() {
  const std::unique_ptr<ProjectState> s = std::move(pending_);
  if (!s) return {};
  QString problem;
  try {
    if (!s->resultsDir.isEmpty()) {
      if (QFileInfo::exists(archivePath(s->resultsDir))) {
        const auto a = exporting::readResultArchive(archivePath(s->resultsDir).toStdString());
        parts_.session->restoreResult(a.result, a.snapshot);
      } else {
        restoreFromExports(s->resultsDir);
      }
    }
  } catch (const std::exception& e) {
    problem = QString::fromUtf8(e.what());
  }
  parts_.panels->restorePanelStates(s->view.panels);
  parts_.setFrame(s->view.frame);
  parts_.panels->refresh();
  parts_.panels->setCameraState(s->view.camera);
  return problem;
}

// Projects saved before the result archive existed: what the exports hold (λ, losses, scalars,
// fields; not the band, the verdict or the network's map beside the answer).
void ProjectController::restoreFromExports(const QString& resultsDir) {
  const QDir dir(resultsDir);
  auto r = std::make_shared<train::InferenceResult>();
  auto src = io::openStack(dir.filePath(QStringLiteral("lambda.tif")).toStdString());
  src->plane(0, 0, 0).convertTo(r->lambda, CV_32F);
  r->losses = exporting::readLossesCsv(dir.filePath(QStringLiteral("losses.csv")).toStdString());
  QFile summary(dir.filePath(QStringLiteral("summary.json")));
  if (summary.open(QIODevice::ReadOnly)) {
    const QJsonObject o = QJsonDocument::fromJson(summary.readAll()).object();
    const QJsonObject sc = o["scalars"].toObject();
    r->M = sc["M"].toObject()["value"].toDouble(1);
    r->gammaAc = sc["gamma_ac"].toObject()["value"].toDouble(1);
    r->freeM = sc["M"].toObject()["inferred"].toBool();
    r->freeGamma = sc["gamma_ac"].toObject()["inferred"].toBool();
    r->steps = o["steps"].toInt();
    r->seconds = o["seconds"].toDouble();
    r->stopReason = o["stop_reason"].toString().toStdString();
  }
  if (const auto d = parts_.session->data()) r->direct = d->direct;
  auto snap = std::make_shared<train::Snapshot>();
  snap->lambda = r->lambda;
  snap->losses = r->losses;
  snap->M = r->M;
  snap->gammaAc = r->gammaAc;
  snap->step = r->steps;
  snap->fraction = 1;
  const QDir fieldsDir(dir.filePath(QStringLiteral("fields")));
  for (const QString& name : fieldsDir.entryList({QStringLiteral("*.tif")}, QDir::Files)) {
    cv::Mat m;
    io::openStack(fieldsDir.filePath(name).toStdString())->plane(0, 0, 0).convertTo(m, CV_32F);
    snap->fields[QFileInfo(name).completeBaseName().toStdString()] = m;
  }
  // A project saved before training holds the direct estimate, which the preview redid.
  parts_.session->restoreResult(r->stopReason != "direct" ? r : nullptr, snap);
}

}  // namespace mollichrom::ui
