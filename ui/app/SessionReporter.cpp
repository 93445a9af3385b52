#include "ui/app/SessionReporter.h"

#include "core/export/ResultExport.h"
#include "core/train/CalibrationVerdict.h"

#include "core/train/EngineKind.h"
#include "core/train/Trainer.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/GuiWords.h"
#include "ui/app/ProgressIndicator.h"
#include "ui/app/StatusTexts.h"
#include "ui/docks/LogDock.h"

#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>
#include <QToolButton>

#include <cstdio>

namespace mollichrom::ui {

SessionReporter::SessionReporter(AnalysisSession* session, QMainWindow* window, LogDock* log)
    : QObject(window), session_(session), window_(window), log_(log) {
  banner_ = new QLabel(window);
  banner_->setObjectName(QStringLiteral("warningBanner"));
  banner_->setWordWrap(true);
  banner_->setStyleSheet(
      QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 6px; border-bottom: "
                     "1px solid #e0c36a; }"));
  banner_->setVisible(false);
  progress_ = new ProgressIndicator(window);
  progress_->setVisible(false);
  window->statusBar()->addPermanentWidget(progress_);
  cancelLoad_ = new QToolButton(window);
  cancelLoad_->setObjectName(QStringLiteral("cancelLoad"));
  cancelLoad_->setText(tr("Cancel"));
  cancelLoad_->setToolTip(
      tr("Stop reading the stack or computing its preview (the data open before stays)"));
  cancelLoad_->setVisible(false);
  connect(cancelLoad_, &QToolButton::clicked, session, &AnalysisSession::cancelLoading);
  window->statusBar()->addPermanentWidget(cancelLoad_);

  // A passing message (a hover's value, "Saved …") gives the place back to the lasting one
  // ("Training finished …") instead of leaving the bar empty.
  connect(window->statusBar(), &QStatusBar::messageChanged, this, [this](const QString& m) {
    if (m.isEmpty() && !lasting_.isEmpty()) window_->statusBar()->showMessage(lasting_);
  });
  connect(session, &AnalysisSession::loadStarted, this, &SessionReporter::onLoadStarted);
  connect(session, &AnalysisSession::progress, this, [this](double fraction, const QString& stage) {
    progress_->setFraction(fraction, QStringLiteral("%1 %2 %")
                                         .arg(stage.isEmpty() ? tr("loading") : stage)
                                         .arg(int(100 * fraction)));
  });
  connect(session, &AnalysisSession::loaded, this, &SessionReporter::onLoaded);
  connect(session, &AnalysisSession::loadCanceled, this, [this](const QString& path) {
    showProgress(false);
    status(tr("Loading canceled"), 5000);
    log_->info(tr("Loading %1 canceled").arg(path));
  });
  connect(session, &AnalysisSession::loadFailed, this,
          [this](const QString& path, const QString& e) {
            showProgress(false);
            const QString name = QFileInfo(path).fileName();
            status(tr("Could not open %1").arg(name), 5000);
            error(tr("Could not open stack"), tr("%1 could not be opened.").arg(name), e);
          });
  connect(session, &AnalysisSession::previewFinished, this, &SessionReporter::onPreviewFinished);
  connect(session, &AnalysisSession::snapshotReady, this, &SessionReporter::onSnapshot);
  connect(session, &AnalysisSession::trainingFinished, this, &SessionReporter::onTrainingFinished);
  connect(session, &AnalysisSession::trainingRefused, this, &SessionReporter::onRefused);
}

void SessionReporter::status(const QString& text, int timeoutMs) {
  if (timeoutMs <= 0) lasting_ = guiWords(text);
  window_->statusBar()->showMessage(guiWords(text), timeoutMs);
}

void SessionReporter::info(const QString& text) { log_->info(text); }

void SessionReporter::busy() {
  status(tr("Busy — wait for the current work to finish or stop the training"), 4000);
}

void SessionReporter::showProgress(bool shown, bool cancellable) {
  progress_->setVisible(shown);
  cancelLoad_->setVisible(shown && cancellable);
}

void SessionReporter::error(const QString& title, const QString& text, const QString& details) {
  log_->error(QStringLiteral("%1 %2").arg(text, details));
  if (!showDialogs_) {
    std::fprintf(stderr, "mollichrom: %s\n", qPrintable(details));
    return;
  }
  // The details once, in the window's words ("Show Details…" repeated the same line).
  QMessageBox box(QMessageBox::Critical, title, text, QMessageBox::Ok, window_);
  box.setInformativeText(guiWords(details));
  box.setObjectName(QStringLiteral("errorDialog"));
  box.exec();
}

void SessionReporter::setWarnings(const QStringList& lines) {
  dataWarnings_ = lines;
  fitWarning_.clear();
  showBanner();
}

// The data's checks and the latest run's fit, never an earlier run's: after Stop the banner
// said both "model does not fit" (the run before) and "not tested" (this one).
void SessionReporter::showBanner() {
  QStringList kept;
  for (const QString& l : dataWarnings_ + QStringList{fitWarning_})
    if (!l.isEmpty()) kept << guiWords(l);
  banner_->setText(kept.join(QLatin1Char('\n')));
  banner_->setVisible(!kept.isEmpty());
}

QString SessionReporter::warningText() const {
  return banner_->isVisibleTo(window_) ? banner_->text() : QString();
}

void SessionReporter::onLoadStarted(const QString& path, bool readsFile) {
  status(readsFile ? tr("Loading %1 …").arg(path) : tr("Preparing %1 …").arg(path));
  log_->info(readsFile ? tr("Loading %1").arg(path)
                       : tr("Re-preparing %1 with the new settings").arg(path));
  progress_->setFraction(0, readsFile ? tr("loading") : tr("preparing"));
  showProgress(true, true);
}

void SessionReporter::onLoaded() {
  const auto d = session_->data();
  const prep::FieldData& f = *d->fields;
  const QString summary = stackSummary(d->path, f);
  log_->info(summary);
  QStringList warnings;
  for (const auto& w : f.warnings) {
    warnings << QStringLiteral("⚠ ") + QString::fromStdString(w.message);
    log_->warning(QString::fromStdString(w.message));
  }
  setWarnings(warnings);
  if (!f.viewOnlyReason.empty()) {
    status(summary + tr(" — for looking only: λ needs two channels"));
    showProgress(false);
    return;
  }
  status(summary + tr(" — computing the direct λ preview …"));
  progress_->setFraction(0, tr("direct estimate"));
}

void SessionReporter::onPreviewFinished(const QString& error, bool canceled) {
  showProgress(false);
  const auto d = session_->data();
  if (canceled) {
    status(tr("λ preview canceled: Start computes it with the training"));
    log_->info(tr("direct λ preview canceled"));
  } else if (!d->hasDirect) {
    status(tr("No λ preview: %1").arg(error), 8000);
    log_->error(tr("direct estimate failed: %1").arg(error));
  } else {
    const QString text = previewSummary(d->direct, d->hasCalibration ? &d->calibration : nullptr);
    status(text);
    log_->info(text);
    log_->info(tr("Stage times: %1").arg(session_->stageTimes()));
    if (d->hasCalibration) {
      // What the calibration step used and what the dynamics said (the CLI's same lines).
      train::InferenceResult r;
      train::attachCalibration(r, d->calibration);
      r.steady = d->direct.steady;
      if (d->fields->counts.used)
        log_->info(QString::fromStdString(exporting::sensitivityLine(*d->fields, r)));
      if (const auto line = exporting::calibrationLine(r); !line.empty()) {
        if (d->calibration.rejected)
          log_->error(QString::fromStdString(line));
        else
          log_->info(QString::fromStdString(line));
      }
    }
  }
}

void SessionReporter::trainingStarted(const TrainingSettings& s) {
  fitWarning_.clear();
  showBanner();
  progress_->setFraction(0, tr("starting"));
  showProgress(true);
  status(tr("Training …"));
  log_->info(
      tr("Training started: %1 engine, %2 network, %3 steps%4, seed %5")
          .arg(QString::fromStdString(train::engineName(s.config.engine)),
               QString::fromStdString(train::archName(s.config.arch)))
          .arg(s.config.steps > 0 ? s.config.steps : train::kDefaultSteps)
          .arg(s.config.timeBudget > 0 ? tr(" (at most %1 s)").arg(s.config.timeBudget) : QString())
          .arg(s.config.seed));
}

void SessionReporter::paused(bool paused, int step, const QString& resumeKey,
                             const QString& stopKey) {
  // Paused stays said (no timeout) until resumed: a user saw the text vanish after 4 s.
  pausedText_ =
      tr("Training paused at step %1 — Resume (%2) or Stop (%3)").arg(step).arg(resumeKey, stopKey);
  if (paused)
    status(pausedText_);
  else
    status(tr("Training resumed"), 4000);
  progress_->setFraction(progress_->fraction(),
                         paused ? tr("paused") : tr("%1 %").arg(int(100 * progress_->fraction())));
  log_->info(paused ? tr("Training paused") : tr("Training resumed"));
}

void SessionReporter::onSnapshot() {
  const auto s = session_->snapshot();
  if (session_->isPaused()) {
    // The step under way when Pause was pressed still reports; the bar and the status keep
    // saying "paused" (an ETA there read as if the run went on).
    progress_->setFraction(session_->progressFraction(), tr("paused"));
    status(pausedText_);
    return;
  }
  const double overall = session_->progressFraction();
  progress_->setFraction(overall, tr("training the network %1 %").arg(int(100 * overall)));
  status(tr("Training: step %1, loss %2, M %3, Γ_ac %4 — ETA %5 s")
             .arg(s->step)
             .arg(s->losses.empty() ? 0.0 : s->losses.back().total, 0, 'g', 4)
             .arg(s->M, 0, 'g', 3)
             .arg(s->gammaAc, 0, 'g', 3)
             .arg(s->etaSeconds(), 0, 'f', 0));
}

void SessionReporter::onTrainingFinished(const QString& e, bool canceled) {
  showProgress(false);
  const auto result = session_->result();
  if (!e.isEmpty()) {
    // Stays in the status bar (no timeout) until the next message: the run did not finish.
    status(tr("Training failed: %1").arg(e));
    error(tr("Training failed"), tr("The training stopped with an error."), e);
  } else if (result) {
    const RunReport report = runReport(*result, *session_->data()->fields, canceled);
    // Stays until the next message: a user looked away and found the bar empty 10 s later.
    status(report.headline);
    log_->info(report.headline);
    log_->info(tr("Stage times: %1").arg(session_->stageTimes()));
    for (const QString& line : report.details) log_->info(line);
    // The fit verdict next to the answer: in the Log, and in the banner when it is not good.
    if (report.fitIsGood) {
      log_->info(report.fit);
    } else {
      log_->warning(report.fit);
      fitWarning_ = QStringLiteral("⚠ ") + report.fit;
      showBanner();
    }
  }
}

void SessionReporter::onRefused(const QString& message) {
  status(tr("Training refused: not enough memory"));
  error(tr("Not enough memory"),
        tr("%1 is too large to train with the memory limit.")
            .arg(QFileInfo(session_->path()).fileName()),
        message);
}

}  // namespace mollichrom::ui
