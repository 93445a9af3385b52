#pragma once
// Loss curves per term (total, data, PDE, smoothness) against the step, on a log axis, drawn by
// VTK's charts inside a VtkView (a vtkContextActor in the view's renderer: Debian's VTK has no
// Qt 6 chart widget).
#include <memory>
#include <vector>

namespace mollichrom::train {
struct LossRecord;
}

class vtkRenderer;

namespace mollichrom::ui {

class VtkView;

class ChartPanel {
 public:
  // Draws with `renderer` (the panel's, in `view`'s window).
  ChartPanel(VtkView* view, vtkRenderer* renderer);
  ~ChartPanel();
  void setLosses(const std::vector<train::LossRecord>& losses);
  void setVisible(bool visible);
  int pointCount() const { return points_; }

 private:
  struct Pipeline;
  VtkView* view_;
  std::unique_ptr<Pipeline> p_;
  int points_ = 0;
};

}  // namespace mollichrom::ui
