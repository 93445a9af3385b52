#pragma once
// A progress bar for the status bar that only ever schedules its repaint. QProgressBar::
// setValue() repaints synchronously, and in a window holding OpenGL panels a synchronous
// repaint re-composes the whole window: 80 ms of blocked event loop per training snapshot
// under Mesa's software renderer.
#include <QWidget>

namespace mollichrom::ui {

class ProgressIndicator : public QWidget {
  Q_OBJECT
 public:
  explicit ProgressIndicator(QWidget* parent = nullptr);
  void setFraction(double fraction, const QString& text);  // fraction in [0, 1]
  double fraction() const { return fraction_; }
  QSize sizeHint() const override { return {220, 18}; }

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  double fraction_ = 0;
  QString text_;
};

}  // namespace mollichrom::ui
