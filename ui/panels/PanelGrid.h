#pragma once
// The window's four panels in resizable splitters, with the one camera their images share
// (linked pan/zoom). Each panel shows what its PanelContent entry provides from the session's
// state (PanelInputs, read through a function the window sets), so the grid knows no data
// source and the window no panel content.
#include "ui/app/ProjectFile.h"
#include "ui/panels/PanelContent.h"

#include <QWidget>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mollichrom::ui {

class PanelWidget;

class PanelGrid : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kPanels = 4;
  explicit PanelGrid(QWidget* parent = nullptr);
  ~PanelGrid() override;

  PanelWidget* panel(int index) const { return panels_.at(size_t(index)); }
  // Where the panels read the session's state; null inputs (no stack yet) show a prompt.
  void setInputs(std::function<std::optional<PanelInputs>()> inputs) {
    inputs_ = std::move(inputs);
  }

  // Redraws every panel, or only those that follow the frame.
  void refresh(bool perFrameOnly = false);
  void refreshPanel(int index);
  // After a training snapshot: the panels that change while training, one per event-loop turn
  // (each redraw costs 10–30 ms under a software renderer while training occupies the cores).
  void refreshLive();

  // The shared camera: fit to the image, zoom (> 1: closer), and its state for projects
  // (focal point, position, parallel scale; empty: none yet).
  void fitImages();
  void zoom(double factor);
  std::vector<double> cameraState() const;
  void setCameraState(const std::vector<double>& state);
  std::array<PanelState, kPanels> panelStates() const;
  void restorePanelStates(const std::array<PanelState, kPanels>& states);

 Q_SIGNALS:
  void hovered(const QString& text);
  void pixelClicked(int x, int y);

 private:
  void onCameraModified();
  std::array<PanelWidget*, kPanels> panels_{};
  std::function<std::optional<PanelInputs>()> inputs_;
  struct CameraLink;
  std::unique_ptr<CameraLink> camera_;
  int liveGeneration_ = 0;  // a newer snapshot cancels the older one's pending redraws
};

}  // namespace mollichrom::ui
