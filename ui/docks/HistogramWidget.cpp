#include "ui/docks/HistogramWidget.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mollichrom::ui {

HistogramWidget::HistogramWidget(QWidget* parent) : QWidget(parent) {
  setMinimumHeight(90);
  setToolTip(
      tr("Intensity histograms (log counts): density blue, heterochromatin orange. "
         "Dashed: the intensities mapped to φ = 0 and φ = fraction."));
}

void HistogramWidget::setHistograms(const ChannelHistogram& density,
                                    const ChannelHistogram& hetero) {
  density_ = density;
  hetero_ = hetero;
  update();
}

void HistogramWidget::setMarks(bool shown, double dLow, double dHigh, double hLow, double hHigh) {
  marks_ = shown;
  marks[0] = dLow;
  marks[1] = dHigh;
  marks[2] = hLow;
  marks[3] = hHigh;
  update();
}

void HistogramWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(24, 26, 32));
  const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
  auto draw = [&](const ChannelHistogram& h, const QColor& colour, const double* mark) {
    if (h.counts.empty()) return;
    const double peak = std::log1p(*std::max_element(h.counts.begin(), h.counts.end()));
    if (peak <= 0) return;
    QPainterPath path(QPointF(area.left(), area.bottom()));
    for (size_t i = 0; i < h.counts.size(); ++i) {
      const double x = area.left() + area.width() * (double(i) + 0.5) / double(h.counts.size());
      path.lineTo(x, area.bottom() - area.height() * std::log1p(h.counts[i]) / peak);
    }
    path.lineTo(area.right(), area.bottom());
    QColor fill = colour;
    fill.setAlpha(90);
    p.fillPath(path, fill);
    p.setPen(colour);
    p.drawPath(path);
    if (marks_ && h.hi > h.lo) {
      p.setPen(QPen(colour, 1.5, Qt::DashLine));
      for (double v : {mark[0], mark[1]}) {
        const double x =
            area.left() + area.width() * std::clamp((v - h.lo) / (h.hi - h.lo), 0.0, 1.0);
        p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
      }
    }
  };
  draw(density_, QColor(90, 160, 255), marks);
  draw(hetero_, QColor(255, 150, 60), marks + 2);
  if (density_.counts.empty()) {
    p.setPen(QColor(150, 150, 160));
    p.drawText(rect(), Qt::AlignCenter, tr("no data"));
  }
}

}  // namespace mollichrom::ui
