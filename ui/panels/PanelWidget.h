#pragma once
// One of the main window's four panels: a selector (what to show), colour map and contrast
// controls, the VTK view (image layer, loss chart layer, or a message), and a read-out of the
// value and µm position under the mouse. Image panels share one camera (linked pan/zoom).
#include "ui/vtk/ImagePanel.h"

#include <QWidget>

#include <opencv2/core.hpp>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class vtkCamera;

namespace mollichrom::train {
struct LossRecord;
}

namespace mollichrom::ui {

class VtkView;
class ChartPanel;
struct PanelState;

class PanelWidget : public QWidget {
  Q_OBJECT
 public:
  explicit PanelWidget(int index, QWidget* parent = nullptr);
  ~PanelWidget() override;

  QString content() const;
  void setContent(const QString& key);  // emits contentChanged
  VtkView* view() const { return view_; }
  ImagePanel* imageLayer() const { return image_.get(); }
  ChartPanel* chartLayer() const { return chart_.get(); }

  void showImage(const cv::Mat& map, double dx, double dy, const char* title);
  void showLosses(const std::vector<train::LossRecord>& losses);
  // Nothing to show yet (e.g. before training); wrapped to the panel's width.
  void showMessage(const QString& text);
  QString messageText() const { return mode_ == Mode::Message ? messageText_ : QString(); }
  bool showsImage() const { return mode_ == Mode::Image; }

  void setColourMap(const QString& name);
  QString colourMap() const;
  void setRange(std::optional<std::pair<double, double>> range);  // nullopt: auto
  PanelState state() const;
  void restoreState(const PanelState& s);
  // Image layers of all panels use this camera: pan/zoom in one moves all.
  void setSharedCamera(vtkCamera* camera);

  // The read-out for a point in widget coordinates (also what hovering shows); empty outside.
  QString readoutAt(const QPoint& pos) const;
  // The image pixel (column, row) under a point in widget coordinates; nullopt outside.
  std::optional<std::pair<int, int>> pixelAt(const QPoint& pos) const;

 private:
  // The image's probe under a point in widget coordinates (both of the above read it).
  std::optional<ImagePanel::Probe> probeAt(const QPoint& pos) const;

 public:
 Q_SIGNALS:
  void contentChanged(int index, const QString& key);
  void hovered(const QString& text);
  // A click (press and release on the same spot) on the image: its pixel column and row.
  void pixelClicked(int x, int y);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  enum class Mode { Message, Image, Chart };
  void setMode(Mode m);
  void syncContrastControls();
  int index_;
  Mode mode_ = Mode::Message;
  QComboBox* selector_ = nullptr;
  QPoint pressedAt_{-1, -1};
  QComboBox* colourMap_ = nullptr;
  QComboBox* contrast_ = nullptr;
  QDoubleSpinBox* min_ = nullptr;
  QDoubleSpinBox* max_ = nullptr;
  QLabel* readout_ = nullptr;
  VtkView* view_ = nullptr;
  std::unique_ptr<ImagePanel> image_;
  std::unique_ptr<ChartPanel> chart_;
  struct Overlay;
  std::unique_ptr<Overlay> overlay_;
  QString units_;
  QString messageText_;  // of the value shown (read-out)
};

}  // namespace mollichrom::ui
