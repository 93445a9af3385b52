#include "ui/app/TrainingWorker.h"

#include "core/runtime/ErrorText.h"
#include "core/runtime/Runtime.h"
#include "core/util/Feedback.h"
#include "ui/app/ProgressForwarding.h"

#include <QPointer>

#include <QtConcurrent/QtConcurrentRun>

namespace mollichrom::ui {

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &TrainingWorker::onDone);
}

TrainingWorker::~TrainingWorker() {
  cancel();
  wait();
}

bool TrainingWorker::start(std::shared_ptr<const prep::FieldData> data,
                           const TrainingSettings& settings) {
  if (isRunning() || !data) return false;
  feedback_ = std::make_shared<util::Feedback>();
  auto feedback = feedback_;
  QPointer<TrainingWorker> self(this);
  // Progress before the first snapshot too (the direct estimate, the set-up): a user saw
  // "starting" for 16 s.
  forwardProgress(*feedback, this, [this](double fraction, const QString& what) {
    Q_EMIT progress(fraction, what);
  });
  watcher_.setFuture(QtConcurrent::run([self, feedback, data, settings]() -> Outcome {
    Outcome out;
    try {
      // LibTorch's thread count is set where the work runs (OpenMP settings are per thread),
      // and so is its priority: below the event loop's.
      lowerThreadPriority();
      initRuntime(settings.threads);
      train::TrainerConfig cfg = settings.config;
      cfg.snapshotInterval = 1.0;  // the GUI renders at most one snapshot a second
      auto result = std::make_shared<train::InferenceResult>(train::runInference(
          *data, settings.params, cfg, feedback.get(), [self](const train::Snapshot& s) {
            auto copy = std::make_shared<const train::Snapshot>(s);
            QMetaObject::invokeMethod(
                self,
                [self, copy] {
                  if (self) Q_EMIT self->snapshot(copy);
                },
                Qt::QueuedConnection);
          }));
      out.result = result;
    } catch (const std::exception& e) {
      out.error = QString::fromStdString(userMessage(e));
    }
    return out;
  }));
  return true;
}

void TrainingWorker::setPaused(bool paused) {
  if (feedback_) feedback_->setPaused(paused);
}

bool TrainingWorker::isPaused() const { return feedback_ && feedback_->isPaused(); }

void TrainingWorker::cancel() {
  if (feedback_) feedback_->cancel();
}

bool TrainingWorker::isRunning() const { return watcher_.isRunning(); }

void TrainingWorker::wait() { watcher_.waitForFinished(); }

void TrainingWorker::onDone() {
  const Outcome out = watcher_.result();
  const bool canceled = feedback_ && feedback_->isCanceled();
  Q_EMIT finished(out.result, out.error, canceled);
}

}  // namespace mollichrom::ui
