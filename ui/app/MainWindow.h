#pragma once
// The application's main window: four VTK panels around the inference.
// Opening a stack loads it on a worker thread (the GUI never waits on disk), shows the density
// and heterochromatin frames with a time slider, and computes the direct λ estimate as an
// instant preview, also off the GUI thread.
#include <QFutureWatcher>
#include <QMainWindow>

#include <array>
#include <memory>

class QSlider;
class QLabel;
class QAction;
class QProgressBar;
class QCloseEvent;

namespace mollichrom::util { class Feedback; }
namespace mollichrom::train { struct Snapshot; struct InferenceResult; }

namespace mollichrom::ui {

class VtkView;
class ImagePanel;
struct LoadedData;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  VtkView* panel(int index) const { return panels_.at(static_cast<size_t>(index)); }
  // Starts loading `path` in the background; errors end in a dialog naming the file.
  void openStack(const QString& path);
  bool isBusy() const;
  int frameCount() const;
  // Training on a worker thread; snapshots update the panels on the GUI thread.
  void startTraining();
  void stopTraining();
  bool isTraining() const;
  // Training length for the next start (0 = defaults).
  void setTrainingLength(int steps, double timeBudgetSeconds);
  // Saves a grab of the whole window (VTK panels included), atomically. False on failure.
  bool saveScreenshot(const QString& path);
  // Unattended runs (--quit): errors go to stderr and the openFailed signal, not to dialogs.
  void setShowDialogs(bool show) { showDialogs_ = show; }

 Q_SIGNALS:
  void stackOpened(const QString& path);
  void previewReady();
  void openFailed(const QString& message);
  void trainingSnapshot(int step);
  void trainingFinished(bool canceled);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void showFrame(int t);
  void onLoaded();
  void onPreview();
  void onSnapshot(const std::shared_ptr<train::Snapshot>& snap);
  void onTrainingDone();

  std::array<VtkView*, 4> panels_{};
  std::array<std::unique_ptr<ImagePanel>, 4> images_;
  QSlider* timeSlider_ = nullptr;
  QLabel* timeLabel_ = nullptr;
  std::shared_ptr<LoadedData> data_;
  QFutureWatcher<std::shared_ptr<LoadedData>> loadWatcher_;
  QFutureWatcher<std::shared_ptr<LoadedData>> previewWatcher_;
  QFutureWatcher<QString> trainWatcher_;
  std::shared_ptr<util::Feedback> trainFeedback_;
  QAction* startAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QProgressBar* progress_ = nullptr;
  bool showDialogs_ = true;
  int trainSteps_ = 0;
  double trainBudget_ = 0;
};

}  // namespace mollichrom::ui
