#include "ui/app/AnalysisSession.h"

#include "core/io/StackReader.h"
#include "core/runtime/ErrorText.h"
#include "core/runtime/Runtime.h"
#include "core/train/CalibrationVerdict.h"
#include "core/train/DirectEstimator.h"
#include "core/train/MemoryPlan.h"
#include "core/util/Feedback.h"
#include "ui/app/ProgressForwarding.h"
#include "ui/app/ProjectFile.h"
#include "ui/app/TrainingWorker.h"

#include <QFileInfo>
#include <QSettings>
#include <QStringList>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace mollichrom::ui {

namespace {
// Raw stacks up to this size stay in memory for a quick Apply (and at most a quarter of the
// run's memory limit): above it a re-read costs less than holding the copy.
constexpr double kKeepStackMb = 1024;

// The stages of a task and their shares of its time, measured (docs/gui.md, "Progress"). Opening:
// reading 0.3 s, calibrating 1.9 s, the direct estimate 2.2 s on the sample (96² × 21); 0.8,
// 25.8 and 52.2 s on a 512² × 30 camera field — 7 / 43 / 50 % and 1 / 33 / 66 %.
std::vector<util::ProgressStage> loadStages(bool readsFile) {
  const auto tr = [](const char* t) { return QObject::tr(t).toStdString(); };
  std::vector<util::ProgressStage> s;
  if (readsFile) s.push_back({"loading", tr("reading the file"), 0.03});
  s.push_back({"calibration", tr("calibrating"), 0.35});
  s.push_back({"direct estimate", tr("computing λ"), 0.62});
  return s;
}
// Training: the shares depend on the steps and the size, so the weights are expected seconds
// from the same measurements — the direct estimate 6.6 µs and the fit checks 1.3 µs per
// pixel-frame, a step 0.047 µs per pixel-frame but at least 0.1 s (512² × 30: 52 s, 10.2 s and
// 0.37 s a step; the sample: 20 steps in 2.6 s, checks 0.3 s). A reused preview estimate is no
// stage at all (the bar started at its share).
std::vector<util::ProgressStage> trainingStages(double nodes, int steps, double budget,
                                                bool directReused) {
  const auto tr = [](const char* t) { return QObject::tr(t).toStdString(); };
  double training = std::max(1, steps) * std::max(0.1, 4.7e-8 * nodes);
  if (budget > 0) training = std::min(training, budget);
  std::vector<util::ProgressStage> s;
  if (!directReused) s.push_back({"direct estimate", tr("computing λ"), 6.6e-6 * nodes});
  s.push_back({"training", tr("training the network"), training});
  s.push_back({"solving", tr("solving for λ"), 0.05 * training});
  s.push_back({"checking", tr("checking the fit"), 1.3e-6 * nodes});
  return s;
}

// Whether two parameter choices give the same direct estimate (values and what is fixed).
bool sameParameters(const models::ParameterChoice& a, const models::ParameterChoice& b) {
  return a.fixM == b.fixM && a.fixGamma == b.fixGamma && a.values.M == b.values.M &&
         a.values.gammaAc == b.values.gammaAc && a.values.ell == b.values.ell &&
         a.values.phiMax == b.values.phiMax;
}
}  // namespace

AnalysisSession::AnalysisSession(QObject* parent) : QObject(parent) {
  worker_ = new TrainingWorker(this);
  connect(worker_, &TrainingWorker::snapshot, this,
          [this](std::shared_ptr<const train::Snapshot> s) {
            // Not "only while running": the final snapshot is queued just before the worker
            // returns.
            if (!data_) return;
            snapshot_ = std::move(s);
            stages_.update(snapshot_->fraction, "training");
            Q_EMIT snapshotReady(snapshot_->step);
          });
  connect(worker_, &TrainingWorker::progress, this, [this](double fraction, const QString& what) {
    if (!worker_->isPaused()) reportStage(fraction, what);
  });
  connect(worker_, &TrainingWorker::finished, this, &AnalysisSession::onTrainingDone);
  connect(&loadWatcher_, &QFutureWatcher<std::shared_ptr<LoadedData>>::finished, this,
          &AnalysisSession::onLoaded);
  connect(&previewWatcher_, &QFutureWatcher<std::shared_ptr<LoadedData>>::finished, this,
          &AnalysisSession::onPreview);
}

AnalysisSession::~AnalysisSession() {
  cancelLoading();
  worker_->cancel();
  worker_->setPaused(false);
  worker_->wait();
  loadWatcher_.waitForFinished();
  previewWatcher_.waitForFinished();
}

std::shared_ptr<util::Feedback> AnalysisSession::newFeedback() {
  auto fb = std::make_shared<util::Feedback>();
  forwardProgress(*fb, this,
                  [this](double fraction, const QString& stage) { reportStage(fraction, stage); });
  return fb;
}

void AnalysisSession::reportStage(double fraction, const QString& what) {
  const double overall = stages_.update(fraction, what.toStdString());
  Q_EMIT progress(overall, QString::fromStdString(stages_.label()));
}

QString AnalysisSession::stageTimes() const {
  QStringList parts;
  for (const auto& [label, seconds] : stages_.stageSeconds())
    parts << QStringLiteral("%1 %2 s").arg(QString::fromStdString(label)).arg(seconds, 0, 'f', 1);
  return parts.join(QStringLiteral(", "));
}

bool AnalysisSession::isLoading() const {
  return loadWatcher_.isRunning() || previewWatcher_.isRunning();
}
bool AnalysisSession::isTraining() const { return worker_->isRunning(); }
bool AnalysisSession::isPaused() const { return worker_->isPaused(); }

bool AnalysisSession::load(const QString& path, const DataSettings& settings,
                           const models::ParameterChoice& previewParams) {
  if (isBusy()) return false;
  // Re-read only when the pixels to read changed or the file did; a mapping or mask change
  // re-prepares the kept stack.
  std::shared_ptr<const io::Stack> kept;
  const QDateTime modified = QFileInfo(path).lastModified();
  if (data_ && data_->stack && data_->path == path && data_->modified == modified &&
      sameLoad(data_->settings.load, settings.load))
    kept = data_->stack;
  previewParams_ = previewParams;
  stages_ = util::StagedProgress(loadStages(!kept));
  loadFeedback_ = newFeedback();
  const double keepMb = std::min(kKeepStackMb, 0.25 * memoryLimitMb());
  loadWatcher_.setFuture(
      QtConcurrent::run([path, settings, kept, modified, keepMb, fb = loadFeedback_] {
        auto d = std::make_shared<LoadedData>();
        d->path = path;
        d->settings = settings;
        d->modified = modified;
        try {
          auto src = io::openStack(path.toStdString());
          d->info = src->info();
          std::shared_ptr<const io::Stack> read = kept;
          d->reread = !kept;
          if (!read) {
            read = std::make_shared<const io::Stack>(src->load(settings.load, fb.get()));
            if (double(src->estimateBytes(settings.load)) / 1048576.0 <= keepMb) d->stack = read;
          } else {
            d->stack = kept;
          }
          const io::Stack& stack = *read;
          fb->throwIfCanceled();
          // A stack without the two channels (one channel, a grey PNG) opens for looking only.
          d->fields = std::make_shared<const prep::FieldData>(
              prep::tooFewChannels(stack.info()) ? prep::prepareForViewing(stack, settings.prep)
                                                 : prep::prepare(stack, settings.prep));
          d->histDensity = histogramOf(stack, settings.prep.channels.density, settings.prep.slice);
          d->histHetero =
              histogramOf(stack, settings.prep.channels.heterochromatin, settings.prep.slice);
        } catch (const util::Canceled&) {
          d->canceled = true;
        } catch (const std::exception& e) {
          d->error = QString::fromStdString(userMessage(e));
        }
        return d;
      }));
  Q_EMIT loadStarted(path, !kept);
  return true;
}

void AnalysisSession::cancelLoading() {
  if (loadFeedback_) loadFeedback_->cancel();
}

void AnalysisSession::onLoaded() {
  auto d = loadWatcher_.result();
  // Cancel pressed before the GUI thread got here counts even if the worker had just finished:
  // the user asked for the previous data to stay (and a test's cancel must not race the load).
  if (d->canceled || loadFeedback_->isCanceled()) {
    Q_EMIT loadCanceled(d->path);
    return;
  }
  if (!d->error.isEmpty()) {
    Q_EMIT loadFailed(d->path, d->error);
    return;
  }
  data_ = d;
  snapshot_.reset();
  result_.reset();
  Q_EMIT loaded();
  if (d->fields->viewOnlyReason.empty()) startPreview(previewParams_);
}

void AnalysisSession::startPreview(const models::ParameterChoice& dockParams) {
  previewWatcher_.setFuture(QtConcurrent::run([d = data_, dockParams, fb = loadFeedback_] {
    auto out = std::make_shared<LoadedData>(*d);
    lowerThreadPriority();  // background work: below the event loop (a pooled thread keeps it)
    try {
      // The calibration step first (the share, M and Γ_ac: identified, given or the saved
      // calibration's), on a copy of the fields it rescales to the gains used.
      train::CalibrationRequest request;
      request.shareGiven = !d->settings.identifyShare;
      if (!d->settings.calibrationFile.empty()) {
        request.givenPath = d->settings.calibrationFile;
        request.given = prep::readCalibrationFile(request.givenPath);
      }
      auto fields = std::make_shared<prep::FieldData>(*out->fields);
      models::ParameterChoice params = dockParams;
      out->calibration = train::calibrateRun(*fields, params, request, fb.get());
      out->hasCalibration = true;
      out->dockParams = dockParams;
      out->fields = fields;
      out->direct = train::estimateDirect(*out->fields, params,
                                          train::TrainerConfig{}.directMollifier, fb.get());
      out->hasDirect = true;
      out->directParams = params;
    } catch (const util::Canceled&) {
      out->canceled = true;
    } catch (const std::exception& e) {
      out->error = QString::fromStdString(userMessage(e));
    }
    return out;
  }));
}

void AnalysisSession::onPreview() {
  auto d = previewWatcher_.result();
  if (!data_ || d->path != data_->path) return;
  if (d->hasDirect) data_ = d;
  Q_EMIT previewFinished(d->error, d->canceled);
}

double AnalysisSession::memoryLimitMb() const {
  const double v =
      memoryLimitMb_ > 0 ? memoryLimitMb_ : QSettings().value(kMemoryLimitSetting, 0.0).toDouble();
  return v > 0 ? v : train::defaultRunMemoryLimitMb();
}

bool AnalysisSession::startTraining(TrainingSettings s) {
  if (!data_ || isBusy() || !data_->fields->viewOnlyReason.empty()) return false;
  // The memory plan before anything large is allocated: over the limit, refuse with what fits.
  try {
    const auto& f = *data_->fields;
    train::RunShape shape;
    shape.width = f.width();
    shape.height = f.height();
    shape.frames = f.frames();
    shape.bytesPerSample = 0;  // the stack itself is not kept once the fields are prepared
    train::checkMemoryPlan(shape, data_->settings.prep, s.config, memoryLimitMb());
  } catch (const util::MemoryPlanError& e) {
    Q_EMIT trainingRefused(QString::fromStdString(e.what()));
    return false;
  }
  // The calibration step's M and Γ_ac when the dock asks what it asked at the preview.
  if (data_->hasCalibration && sameParameters(data_->dockParams, s.params))
    s.params = data_->directParams;
  // The preview's direct estimate is the trainer's starting point: reused when it was computed
  // with these parameters (the data-chosen kernel makes it a large field's costly part).
  const train::MollifierSettings defaults = train::TrainerConfig{}.directMollifier;
  if (data_->hasDirect && sameParameters(data_->directParams, s.params) &&
      s.config.directMollifier.adaptiveXY == defaults.adaptiveXY &&
      s.config.directMollifier.halfWidthXY == defaults.halfWidthXY)
    s.config.knownDirect = std::make_shared<const train::DirectEstimate>(data_->direct);
  snapshot_.reset();
  result_.reset();
  const auto& f = *data_->fields;
  stages_ = util::StagedProgress(
      trainingStages(double(f.width()) * f.height() * f.frames(),
                     s.config.steps > 0 ? s.config.steps : train::kDefaultSteps,
                     s.config.timeBudget, s.config.knownDirect != nullptr));
  return worker_->start(data_->fields, s);
}

void AnalysisSession::setPaused(bool paused) {
  if (worker_->isRunning()) worker_->setPaused(paused);
}

void AnalysisSession::stopTraining() {
  worker_->cancel();
  worker_->setPaused(false);  // a paused run must wake to see the cancel
}

void AnalysisSession::waitForTraining() { worker_->wait(); }

void AnalysisSession::onTrainingDone(std::shared_ptr<const train::InferenceResult> result,
                                     const QString& error, bool canceled) {
  if (result && !result->lambda.empty() && data_ && data_->hasCalibration) {
    // The run's scalars and verdict with the calibration they rest on (CalibrationVerdict.h).
    auto withCalibration = std::make_shared<train::InferenceResult>(*result);
    train::attachCalibration(*withCalibration, data_->calibration);
    result = withCalibration;
  }
  result_ =
      result && !result->lambda.empty() ? result : nullptr;  // canceled before step 1: nothing
  resultSaved_ = !result_;
  Q_EMIT trainingFinished(error, canceled);
}

std::shared_ptr<const train::InferenceResult> AnalysisSession::currentResult() const {
  if (result_) return result_;
  if (!data_) throw std::runtime_error("no stack is open");
  if (!data_->hasDirect)
    throw std::runtime_error("there is no result yet (the direct estimate is still running)");
  // Before training: the direct estimate is the result.
  auto r = std::make_shared<train::InferenceResult>();
  r->direct = data_->direct;
  r->lambda = data_->direct.lambda;
  r->lambdaLow = data_->direct.lambdaLow;
  r->lambdaHigh = data_->direct.lambdaHigh;
  r->region = data_->direct.region;
  r->M = data_->direct.M;
  r->gammaAc = data_->direct.gammaAc;
  r->steady = data_->direct.steady;
  r->stopReason = "direct";
  if (snapshot_) r->losses = snapshot_->losses;
  if (data_->hasCalibration) train::attachCalibration(*r, data_->calibration);
  return r;
}

void AnalysisSession::restoreResult(std::shared_ptr<const train::InferenceResult> result,
                                    std::shared_ptr<const train::Snapshot> snapshot) {
  result_ = std::move(result);
  snapshot_ = std::move(snapshot);
  resultSaved_ = true;
}

}  // namespace mollichrom::ui
