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

 Q_SIGNALS:
  void stackOpened(const QString& path);
  void previewReady();
  void openFailed(const QString& message);

 private:
  void showFrame(int t);
  void onLoaded();
  void onPreview();

  std::array<VtkView*, 4> panels_{};
  std::array<std::unique_ptr<ImagePanel>, 4> images_;
  QSlider* timeSlider_ = nullptr;
  QLabel* timeLabel_ = nullptr;
  std::shared_ptr<LoadedData> data_;
  QFutureWatcher<std::shared_ptr<LoadedData>> loadWatcher_;
  QFutureWatcher<std::shared_ptr<LoadedData>> previewWatcher_;
};

}  // namespace mollichrom::ui
