#pragma once
// The state of one analysis, without widgets (3D Slicer's Logic beside its Widget; QGIS's core
// beside its gui): the open stack and its prepared fields, the direct λ preview, the training
// run, its snapshots and result. Loading (with the preview) and training are tasks on worker
// threads in the manner of QgsTask: the work polls a util::Feedback for cancel and reports
// progress; the outcome arrives on the GUI thread as a signal. Tests drive a whole session
// without a display; MainWindow only wires it to docks and panels.
#include "core/util/StagedProgress.h"
#include "ui/app/ChannelHistogram.h"
#include "ui/app/Settings.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::ui {

class TrainingWorker;

// What one load produced; read-only once handed to the GUI thread.
struct LoadedData {
  QString path;
  QString error;
  bool canceled = false;
  io::StackInfo info;  // of the file, before crop and binning
  DataSettings settings;
  std::shared_ptr<const prep::FieldData> fields;
  ChannelHistogram histDensity, histHetero;
  train::DirectEstimate direct;
  bool hasDirect = false;
  models::ParameterChoice directParams;  // what the preview was computed with (calibrated)
  // The calibration step (Calibrate.h) the preview ran: the share, M and Γ_ac used and what the
  // dynamics said; the fields above are already at its gains.
  train::RunCalibration calibration;
  bool hasCalibration = false;
  models::ParameterChoice dockParams;  // the training dock's parameters the step started from
  // The stack as read (crop, frames, binning applied), kept while small enough so a change of
  // only the mapping or the mask re-prepares it without re-reading the file.
  std::shared_ptr<const io::Stack> stack;
  QDateTime modified;  // the file's, when read: a changed file is read again
  bool reread = true;  // whether this load read the file
};

class AnalysisSession : public QObject {
  Q_OBJECT
 public:
  explicit AnalysisSession(QObject* parent = nullptr);
  ~AnalysisSession() override;  // cancels and joins every task

  // Starts loading `path` with `settings`, then the direct λ preview with `previewParams`.
  // The file is read again only when the pixels to read changed (another file, crop, frames,
  // binning) or the file did. False (nothing started) while busy.
  bool load(const QString& path, const DataSettings& settings,
            const models::ParameterChoice& previewParams);
  void cancelLoading();
  bool isLoading() const;

  // Starts training on the open data: refused (trainingRefused, false) over the memory limit,
  // with one frame of viewing-only data, or while busy. The preview's direct estimate is reused
  // when it was computed with these parameters.
  bool startTraining(TrainingSettings settings);
  void setPaused(bool paused);
  bool isPaused() const;
  void stopTraining();  // the run ends within about one step (trainingFinished)
  void waitForTraining();
  bool isTraining() const;
  bool isBusy() const { return isLoading() || isTraining(); }

  // The open data (null before the first successful load).
  std::shared_ptr<const LoadedData> data() const { return data_; }
  QString path() const { return data_ ? data_->path : QString(); }
  std::shared_ptr<const train::Snapshot> snapshot() const { return snapshot_; }
  // The trained (or restored) result; null before training, after a run canceled at once, or
  // when a new stack was opened.
  std::shared_ptr<const train::InferenceResult> result() const { return result_; }
  // The result to show and export: the run's, else the direct estimate as a result. Throws
  // std::runtime_error when there is neither.
  std::shared_ptr<const train::InferenceResult> currentResult() const;
  // A trained result not yet saved in a project (what quitting or opening another file would
  // lose); saving the project marks it saved, a restored one is saved.
  bool hasUnsavedResult() const { return result_ && !resultSaved_; }
  void markResultSaved() { resultSaved_ = true; }
  // A project's results read back from its folder.
  void restoreResult(std::shared_ptr<const train::InferenceResult> result,
                     std::shared_ptr<const train::Snapshot> snapshot);

  // The running task's progress over all its stages (never decreasing), its stage in words, and
  // the seconds each stage took (the Log's "stage times").
  double progressFraction() const { return stages_.fraction(); }
  QString stageTimes() const;

  // The memory limit for training's memory plan (MB): set for this session, else the setting
  // "memoryLimitMb", else 75 % of the memory available.
  double memoryLimitMb() const;
  void setMemoryLimitMb(double mb) { memoryLimitMb_ = mb; }

 Q_SIGNALS:
  void loadStarted(const QString& path, bool readsFile);
  // The running task's overall fraction (monotone) and its current stage in words ("reading the
  // file", "calibrating", "computing λ", "training the network", …).
  void progress(double fraction, const QString& stage);
  void loaded();  // data() is the new stack; its preview follows unless it is viewing-only
  void loadFailed(const QString& path, const QString& error);
  void loadCanceled(const QString& path);
  // The preview ended: data()->hasDirect, or `error`, or canceled (the stack stays open).
  void previewFinished(const QString& error, bool canceled);
  void trainingRefused(const QString& message);
  void snapshotReady(int step);
  // The run ended; result() holds it unless it failed (`error`) or ended before its first step.
  void trainingFinished(const QString& error, bool canceled);

 private:
  void onLoaded();
  void onPreview();
  void onTrainingDone(std::shared_ptr<const train::InferenceResult> result, const QString& error,
                      bool canceled);
  void startPreview(const models::ParameterChoice& params);
  std::shared_ptr<util::Feedback> newFeedback();
  void reportStage(double fraction, const QString& what);

  std::shared_ptr<const LoadedData> data_;
  std::shared_ptr<const train::Snapshot> snapshot_;
  std::shared_ptr<const train::InferenceResult> result_;
  QFutureWatcher<std::shared_ptr<LoadedData>> loadWatcher_, previewWatcher_;
  std::shared_ptr<util::Feedback> loadFeedback_;
  models::ParameterChoice previewParams_;
  TrainingWorker* worker_ = nullptr;
  double memoryLimitMb_ = 0;
  bool resultSaved_ = true;
  util::StagedProgress stages_;
};

}  // namespace mollichrom::ui
