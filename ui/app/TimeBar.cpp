#include "ui/app/TimeBar.h"

#include <QAction>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>

#include <algorithm>

namespace mollichrom::ui {

TimeBar::TimeBar(QWidget* parent) : QToolBar(tr("Time"), parent) {
  setObjectName(QStringLiteral("timeToolbar"));
  play_ = addAction(tr("Play"));
  play_->setObjectName(QStringLiteral("playAction"));
  play_->setCheckable(true);
  play_->setToolTip(tr("Play the frames in the per-frame panels"));
  timer_ = new QTimer(this);
  timer_->setInterval(150);
  connect(play_, &QAction::toggled, this, [this](bool on) {
    play_->setText(on ? tr("Pause playback") : tr("Play"));
    on ? timer_->start() : timer_->stop();
  });
  connect(timer_, &QTimer::timeout, this, [this] {
    if (frames_ > 1) slider_->setValue((slider_->value() + 1) % frames_);
  });
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setObjectName(QStringLiteral("timeSlider"));
  slider_->setToolTip(tr("Frame shown in the per-frame panels"));
  slider_->setEnabled(false);
  slider_->setMinimumWidth(300);
  label_ = new QLabel(tr("frame –"), this);
  label_->setObjectName(QStringLiteral("frameLabel"));
  addWidget(slider_);
  addWidget(label_);
  connect(slider_, &QSlider::valueChanged, this, [this](int t) {
    showLabel(t);
    Q_EMIT frameChanged(t);
  });
}

void TimeBar::setStack(int frames, double dt) {
  frames_ = frames;
  dt_ = dt;
  {
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, frames - 1));
    slider_->setValue(0);
  }
  slider_->setEnabled(frames > 1);
  // Wide enough for the longest text of this stack, so playback never cuts it ("frame 14/2").
  label_->setMinimumWidth(label_->fontMetrics().horizontalAdvance(
      tr("  frame %1/%1, t = %2 s").arg(frames).arg((frames - 1) * dt, 0, 'g', 4) +
      QStringLiteral("00")));
  showLabel(0);
}

void TimeBar::showLabel(int t) {
  label_->setText(tr("  frame %1/%2, t = %3 s").arg(t + 1).arg(frames_).arg(t * dt_, 0, 'g', 4));
}

int TimeBar::frame() const { return slider_->value(); }

void TimeBar::setFrame(int t) { slider_->setValue(std::clamp(t, 0, std::max(0, frames_ - 1))); }

}  // namespace mollichrom::ui
