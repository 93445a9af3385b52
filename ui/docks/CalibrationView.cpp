#include "ui/docks/CalibrationView.h"

#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mollichrom::ui {

QString describeValue(const prep::EstimatedValue& e) {
  QString s = QString::number(e.value, 'g', 3);
  if (e.hasInterval())
    s += QStringLiteral(" (90 % %1–%2)")
             .arg(QString::number(e.low, 'g', 3), QString::number(e.high, 'g', 3));
  s += QStringLiteral(", ") + QString::fromStdString(prep::valueSourceName(e.source));
  if (!e.identifiable && !e.note.empty() && e.source == prep::ValueSource::Assumed)
    s += QStringLiteral(" — ") + QString::fromStdString(e.note);
  return s;
}

ProfilePlot::ProfilePlot(QWidget* parent) : QWidget(parent) {
  setMinimumHeight(90);
  setToolTip(
      tr("The share of the dynamics the model leaves unexplained at each heterochromatin share "
         "(M and Γ_ac at their best for each): its least value is the share the dynamics "
         "identify; shaded, the shares the data cannot tell from it (90 %); the line, the share "
         "used."));
}

void ProfilePlot::setProfile(const std::vector<double>& shares,
                             const std::vector<double>& unexplained, double low, double high,
                             double used) {
  shares_ = shares;
  unexplained_ = unexplained;
  low_ = low;
  high_ = high;
  used_ = used;
  setVisible(!shares_.empty());
  update();
}

void ProfilePlot::paintEvent(QPaintEvent*) {
  if (shares_.size() < 2) return;
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QRectF area = rect().adjusted(38, 6, -14, -18);
  p.fillRect(rect(), palette().base());
  // The y range: the profile's finite values near the 90 % set (the misfit explodes where
  // φ_e → 0 at large shares and would flatten the part that matters), clipped at 1.
  double lo = 1e300, hi = -1e300;
  for (size_t i = 0; i < unexplained_.size(); ++i) {
    const double u = unexplained_[i];
    if (!std::isfinite(u)) continue;
    lo = std::min(lo, u);
    if (shares_[i] >= low_ - 0.15 && shares_[i] <= high_ + 0.15)
      hi = std::max(hi, std::min(u, 1.0));
  }
  if (!(hi > lo)) hi = lo + 1e-3;
  const double x0 = shares_.front(), x1 = shares_.back();
  auto X = [&](double s) { return area.left() + (s - x0) / (x1 - x0) * area.width(); };
  auto Y = [&](double u) {
    return area.bottom() - (std::min(u, 1.0) - lo) / (hi - lo) * area.height();
  };
  if (high_ > low_)
    p.fillRect(QRectF(QPointF(X(low_), area.top()), QPointF(X(high_), area.bottom())),
               QColor(80, 140, 220, 60));
  p.setPen(palette().color(QPalette::Mid));
  p.drawRect(area);
  QPainterPath path;
  bool started = false;
  for (size_t i = 0; i < shares_.size(); ++i) {
    if (!std::isfinite(unexplained_[i])) {
      started = false;
      continue;
    }
    const QPointF pt(X(shares_[i]), Y(unexplained_[i]));
    started ? path.lineTo(pt) : path.moveTo(pt);
    started = true;
  }
  p.setPen(QPen(palette().color(QPalette::Text), 1.5));
  p.drawPath(path);
  p.setPen(QPen(QColor(200, 60, 40), 1.5, Qt::DashLine));
  p.drawLine(QPointF(X(used_), area.top()), QPointF(X(used_), area.bottom()));
  p.setPen(palette().color(QPalette::Text));
  QFont f = font();
  f.setPointSizeF(f.pointSizeF() * 0.8);
  p.setFont(f);
  for (double s : {x0, 0.5, x1})
    p.drawText(QRectF(X(s) - 20, area.bottom() + 2, 40, 14), Qt::AlignHCenter,
               QString::number(s, 'g', 2));
  // The unexplained share of the dynamics, in per cent.
  p.drawText(QRectF(0, area.top(), 36, 14), Qt::AlignRight,
             QString::number(100 * hi, 'g', 2) + QStringLiteral(" %"));
  p.drawText(QRectF(0, area.bottom() - 14, 36, 14), Qt::AlignRight,
             QString::number(100 * lo, 'g', 2) + QStringLiteral(" %"));
}

CalibrationView::CalibrationView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  lines_ = new QLabel(this);
  lines_->setObjectName(QStringLiteral("calibrationText"));
  lines_->setWordWrap(true);
  lines_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  plot_ = new ProfilePlot(this);
  plot_->setObjectName(QStringLiteral("calibrationProfile"));
  layout->addWidget(lines_);
  layout->addWidget(plot_);
  clear();
}

void CalibrationView::clear() {
  lines_->setText(
      tr("Appears with the preview: the share, M and Γ_ac used, where each came "
         "from, and what the dynamics say."));
  plot_->setProfile({}, {}, 0, 0, 0);
}

void CalibrationView::setCalibration(const train::RunCalibration& c) {
  QStringList l;
  if (c.counts) l << tr("Share φ_h/φ_c: %1").arg(describeValue(c.share));
  l << tr("M (µm²/s): %1").arg(describeValue(c.M));
  l << tr("Γ_ac (s⁻¹): %1").arg(describeValue(c.gammaAc));
  if (!c.calibrationFile.empty())
    l << tr("Calibration: %1").arg(QString::fromStdString(c.calibrationFile));
  const bool allFromData = (!c.counts || c.share.source == prep::ValueSource::Identified) &&
                           c.M.source == prep::ValueSource::Identified &&
                           c.gammaAc.source == prep::ValueSource::Identified;
  if (c.profiled && allFromData) {
    l << tr("All three from the dynamics (kernel %1 px); they leave %2 % of them unexplained.")
             .arg(c.kernelHalfWidth)
             .arg(std::max(0.0, 100 * c.unexplained), 0, 'g', 2);
  } else if (c.profiled) {
    QString said = tr("The dynamics (kernel %1 px) say").arg(c.kernelHalfWidth);
    if (c.counts) said += tr(" share %1;").arg(describeValue(c.shareData));
    said += tr(" M %1; Γ_ac %2.").arg(describeValue(c.MData), describeValue(c.gammaAcData));
    l << said;
    if (c.rejected)
      l << tr("<b>The dynamics reject the values used</b> (%1 outside their 90 % interval).")
               .arg(QString::fromStdString([&] {
                 std::string names;
                 for (const auto& n : c.rejectedNames) names += (names.empty() ? "" : ", ") + n;
                 return names;
               }()));
  } else {
    l << tr(
        "One frame: no dynamics to identify the share, M or Γ_ac from — use a time-lapse's "
        "calibration of the same setting.");
  }
  lines_->setText(l.join(QStringLiteral("<br>")));
  if (c.profiled && c.counts)
    plot_->setProfile(c.profileShares, c.profile, c.shareData.low, c.shareData.high, c.share.value);
  else
    plot_->setProfile({}, {}, 0, 0, 0);
}

QString CalibrationView::text() const { return lines_->text(); }

}  // namespace mollichrom::ui
