#include "ui/app/ProgressIndicator.h"

#include <QPainter>

#include <algorithm>

namespace mollichrom::ui {

ProgressIndicator::ProgressIndicator(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("trainingProgress"));
  setMinimumWidth(220);
}

void ProgressIndicator::setFraction(double fraction, const QString& text) {
  fraction_ = std::clamp(fraction, 0.0, 1.0);
  text_ = text;
  setToolTip(text);
  update();
}

void ProgressIndicator::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRect r = rect().adjusted(1, 2, -1, -2);
  p.setPen(palette().color(QPalette::Mid));
  p.setBrush(palette().color(QPalette::Base));
  p.drawRect(r);
  QRect filled = r.adjusted(1, 1, 0, 0);
  filled.setWidth(int(fraction_ * (r.width() - 1)));
  p.fillRect(filled, palette().color(QPalette::Highlight));
  p.setPen(palette().color(QPalette::Text));
  p.drawText(r, Qt::AlignCenter, text_);
}

}  // namespace mollichrom::ui
