#pragma once
// The time tool bar: Play/Pause playback, the frame slider and the frame/time label. It knows
// the stack's frame count and interval, nothing else; frameChanged tells the window to redraw
// the panels that follow the frame.
#include <QToolBar>

class QAction;
class QLabel;
class QSlider;
class QTimer;

namespace mollichrom::ui {

class TimeBar : public QToolBar {
  Q_OBJECT
 public:
  explicit TimeBar(QWidget* parent = nullptr);
  // A new stack: `frames` frames `dt` seconds apart; back to the first frame (no frameChanged).
  void setStack(int frames, double dt);
  int frame() const;
  void setFrame(int t);  // clamped to the stack; emits frameChanged when it changes

 Q_SIGNALS:
  void frameChanged(int t);

 private:
  void showLabel(int t);
  QAction* play_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* label_ = nullptr;
  QTimer* timer_ = nullptr;
  int frames_ = 0;
  double dt_ = 1;
};

}  // namespace mollichrom::ui
