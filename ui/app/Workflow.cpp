#include "ui/app/Workflow.h"

#include <QFileDialog>
#include <QFileInfo>

#include "core/export/ResultExport.h"
#include "core/prep/NucleusLabels.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/ProjectController.h"
#include "ui/app/RecentFiles.h"
#include "ui/app/SessionReporter.h"
#include "ui/app/TimeBar.h"
#include "ui/app/TrainingActions.h"
#include "ui/docks/DataDock.h"
#include "ui/docks/LogDock.h"
#include "ui/docks/NucleiDock.h"
#include "ui/docks/TrainingDock.h"
#include "ui/panels/PanelGrid.h"

#include <QAction>
#include <QFileInfo>

namespace mollichrom::ui {

Workflow::Workflow(Parts parts, QObject* parent) : QObject(parent), p_(parts) {
  connect(p_.dataDock, &DataDock::applyRequested, this, &Workflow::applyDataSettings);
  connect(p_.dataDock, &DataDock::saveCalibrationRequested, this, &Workflow::saveCalibration);
  connectSession();
}

void Workflow::updateActions() { p_.actions->update(*p_.session); }

void Workflow::saveCalibration() {
  const auto d = p_.session->data();
  if (!d || !d->hasCalibration || !d->calibration.counts) return;
  const QString path = QFileDialog::getSaveFileName(
      p_.dataDock, tr("Save the calibration"),
      QFileInfo(d->path).dir().filePath(QFileInfo(d->path).completeBaseName() +
                                        QStringLiteral("_calibration.json")),
      tr("Calibration (*.json)"));
  if (path.isEmpty()) return;
  saveCalibrationTo(path);
}

bool Workflow::saveCalibrationTo(const QString& path) {
  const auto d = p_.session->data();
  if (!d || !d->hasCalibration || !d->calibration.counts) return false;
  try {
    prep::AcquisitionCalibration c = d->calibration.asCalibration(d->path.toStdString());
    c.ell = d->directParams.values.ell;
    c.phiMax = d->directParams.values.phiMax;
    c.chromatinFraction = d->fields->counts.chromatinFraction;
    prep::writeCalibrationFile(path.toStdString(), c);
    p_.reporter->info(tr("Calibration saved to %1").arg(path));
    return true;
  } catch (const std::exception& e) {
    Q_EMIT openFailed(QString::fromStdString(e.what()));
    return false;
  }
}

void Workflow::connectSession() {
  AnalysisSession* s = p_.session;
  connect(s, &AnalysisSession::loadStarted, this, [this] {
    p_.dataDock->setBusy(true);
    updateActions();
  });
  connect(s, &AnalysisSession::loaded, this, &Workflow::onLoaded);
  const auto loadEnded = [this](const QString& why) {
    p_.dataDock->setBusy(false);
    p_.projects->clearPending();
    startAfterApply_ = false;
    updateActions();
    Q_EMIT openFailed(why);
  };
  connect(s, &AnalysisSession::loadCanceled, this, [loadEnded] { loadEnded(tr("canceled")); });
  connect(s, &AnalysisSession::loadFailed, this,
          [loadEnded](const QString&, const QString& error) { loadEnded(error); });
  connect(s, &AnalysisSession::previewFinished, this, [this](const QString&, bool canceled) {
    if (canceled) startAfterApply_ = false;
    const auto d = p_.session->data();
    p_.dataDock->setCalibration(d && d->hasCalibration ? &d->calibration : nullptr);
    p_.panels->refresh();
    refreshNuclei();
    finishOpening();
  });
  connect(s, &AnalysisSession::snapshotReady, this, [this](int step) {
    p_.panels->refreshLive();
    Q_EMIT trainingSnapshot(step);
  });
  connect(s, &AnalysisSession::trainingFinished, this, [this](const QString& error, bool canceled) {
    p_.panels->refresh();
    refreshNuclei();
    updateActions();
    if (!error.isEmpty()) Q_EMIT trainingFailed(error);
    Q_EMIT trainingFinished(canceled);
  });
  connect(s, &AnalysisSession::trainingRefused, this, [this](const QString& msg) {
    Q_EMIT trainingFailed(msg);
    Q_EMIT trainingFinished(false);
  });
}

// ---------------------------------------------------------------- opening and preparing

void Workflow::open(const QString& path) {
  path.endsWith(QStringLiteral(".mchrom"), Qt::CaseInsensitive) ? openProject(path)
                                                                : openStack(path);
}

// Each file starts from the default data settings: a mapping, a mask threshold or a correction
// chosen for one stack is wrong for the next (a 3-channel mapping made every 2-channel file fail;
// drift correction stayed on unseen). The saved acquisition calibration is carried over on
// purpose — it belongs to the microscope setting, not to the file — and the Log says so.
void Workflow::openStack(const QString& path) {
  if (!mayDropResult()) return;
  const DataSettings previous = p_.dataDock->settings();
  DataSettings s;
  if (nextChannels_) s.prep.channels = *std::exchange(nextChannels_, std::nullopt);
  s.identifyShare = previous.identifyShare;
  s.calibrationFile = previous.calibrationFile;
  if (!s.calibrationFile.empty())
    p_.logDock->info(tr("%1 opens with the saved calibration %2 still applied (the same "
                        "microscope setting); Data dock ▸ Calibration ▸ Forget removes it")
                         .arg(QFileInfo(path).fileName(),
                              QFileInfo(QString::fromStdString(s.calibrationFile)).fileName()));
  p_.projects->forget();
  load(path, s);
}

bool Workflow::mayDropResult() {
  return !p_.session->hasUnsavedResult() || !leaveCheck_ || leaveCheck_();
}

void Workflow::openProject(const QString& path) {
  if (p_.session->isBusy()) return p_.reporter->busy();
  if (!mayDropResult()) return;
  QString error;
  if (!p_.projects->open(path, &error)) {
    p_.reporter->error(tr("Could not open the project"),
                       tr("%1 could not be opened.").arg(QFileInfo(path).fileName()), error);
    Q_EMIT openFailed(error);
    return;
  }
  p_.recent->add(p_.projects->path());
}

void Workflow::setChannels(const QString& mapping) {
  nextChannels_ = prep::parseChannelMap(mapping.toStdString());
}

void Workflow::applyDataSettings() {
  if (!p_.session->data()) return;
  if (!mayDropResult()) {
    startAfterApply_ = false;
    return;
  }
  load(p_.session->path(), p_.dataDock->settings());
}

void Workflow::load(const QString& path, const DataSettings& settings) {
  if (!p_.session->load(path, settings, p_.trainingDock->settings().params)) p_.reporter->busy();
}

void Workflow::onLoaded() {
  const auto d = p_.session->data();
  const prep::FieldData& f = *d->fields;
  DataDock* dock = p_.dataDock;
  dock->setBusy(false);
  p_.recent->add(d->path);
  if (!p_.projects->hasPending()) Q_EMIT titleChanged(d->path);
  dock->setStack(d->info, d->settings);
  dock->markApplied(dock->settings());  // as the dock shows what was applied
  dock->setHistograms(d->histDensity, d->histHetero);
  dock->setPrepared(f);
  dock->setMaskSource(prep::timeMean(f.density));
  p_.timeBar->setStack(f.frames(), f.dt);
  // The same picture in µm keeps the user's pan/zoom; another file, crop, binning or pixel size
  // is fitted (a view kept across a new pixel size showed a dot).
  const std::array<double, 2> extent{f.width() * f.dx, f.height() * f.dy};
  p_.panels->refresh();
  if (viewed_.first != d->path || viewed_.second != extent) p_.panels->fitImages();
  viewed_ = {d->path, extent};
  p_.trainingDock->setSteadyState(f.frames() < 3);  // one or two frames: the steady snapshot
  refreshNuclei();
  Q_EMIT stackOpened(d->path);
  if (!f.viewOnlyReason.empty()) {  // no preview follows
    startAfterApply_ = false;
    finishOpening();
    return;
  }
  updateActions();
}

void Workflow::finishOpening() {
  updateActions();
  if (p_.projects->hasPending()) {
    const QString problem = p_.projects->restorePending();
    if (!problem.isEmpty()) {
      p_.logDock->error(tr("the project's results could not be read: %1").arg(problem));
      p_.reporter->error(tr("Project results missing"),
                         tr("The settings were restored, but not the results."), problem);
    }
    refreshNuclei();
    Q_EMIT titleChanged(p_.projects->path());
    updateActions();
    Q_EMIT projectRestored(p_.projects->path());
  }
  Q_EMIT previewReady();
  if (std::exchange(startAfterApply_, false)) startTraining();
}

int Workflow::frameCount() const {
  return p_.session->data() ? p_.session->data()->fields->frames() : 0;
}

// ---------------------------------------------------------------- training

void Workflow::startTraining() {
  if (!p_.session->data() || p_.session->isBusy()) return;
  if (p_.dataDock->hasUnappliedChanges()) {
    // Never train on settings the dock no longer shows: apply, then start.
    p_.logDock->info(tr("Applying the changed data settings before training"));
    startAfterApply_ = true;
    applyDataSettings();
    return;
  }
  const TrainingSettings s = p_.trainingDock->settings();
  if (!p_.session->startTraining(s)) return;
  p_.actions->resetPause();
  p_.reporter->trainingStarted(s);
  p_.panels->refresh();
  updateActions();
}

void Workflow::setPaused(bool paused) {
  if (!p_.session->isTraining()) return;
  p_.session->setPaused(paused);
  QAction* pause = p_.actions->pause;
  pause->setText(paused ? tr("Resume") : tr("Pause"));
  p_.reporter->paused(paused, p_.session->snapshot() ? p_.session->snapshot()->step : 0,
                      pause->shortcut().toString(QKeySequence::NativeText),
                      p_.actions->stop->shortcut().toString(QKeySequence::NativeText));
}

void Workflow::stopTraining() {
  p_.session->stopTraining();
  p_.actions->stop->setEnabled(false);
  p_.actions->pause->setEnabled(false);
}

// ---------------------------------------------------------------- nuclei

void Workflow::refreshNuclei() {
  const auto d = p_.session->data();
  try {
    p_.nucleiDock->setRows(d ? exporting::nucleusRows(*p_.session->currentResult(), *d->fields)
                             : std::vector<exporting::NucleusRow>{});
  } catch (const std::exception&) {
    p_.nucleiDock->setRows({});  // no result yet
  }
}

int Workflow::selectNucleusAt(int x, int y) {
  const auto d = p_.session->data();
  if (!d) return 0;
  const auto& mask = d->fields->mask;
  if (x < 0 || y < 0 || x >= mask.cols || y >= mask.rows) return 0;
  const int label = prep::labelNuclei(mask).labels.at<int>(y, x);
  p_.nucleiDock->selectLabel(label);
  if (label > 0) p_.nucleiDock->raise();
  return label;
}

}  // namespace mollichrom::ui
