#pragma once
// Runs train::runInference on a worker thread (QtConcurrent) for the GUI: pause/resume and
// cancel through util::Feedback, snapshots and the result delivered on the GUI thread
// (queued), so receivers may render. Torch stays out of this header (moc reads it).
#include "ui/app/Settings.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::ui {

class TrainingWorker : public QObject {
  Q_OBJECT
 public:
  explicit TrainingWorker(QObject* parent = nullptr);
  ~TrainingWorker() override;  // cancels and joins

  // Starts training on `data` (shared, read-only while training). False when already running.
  bool start(std::shared_ptr<const prep::FieldData> data, const TrainingSettings& settings);
  void setPaused(bool paused);
  bool isPaused() const;
  void cancel();
  bool isRunning() const;
  // Blocks until the worker has returned (after cancel(), within about one training step).
  void wait();

 Q_SIGNALS:
  void snapshot(std::shared_ptr<const mollichrom::train::Snapshot> snapshot);
  // The run's stage and its progress (e.g. "direct estimate", "training"), on the GUI thread.
  void progress(double fraction, const QString& what);
  // result is null when training failed; error then says why.
  void finished(std::shared_ptr<const mollichrom::train::InferenceResult> result, QString error,
                bool canceled);

 private:
  void onDone();
  struct Outcome {
    std::shared_ptr<const train::InferenceResult> result;
    QString error;
  };
  QFutureWatcher<Outcome> watcher_;
  std::shared_ptr<util::Feedback> feedback_;
};

}  // namespace mollichrom::ui
