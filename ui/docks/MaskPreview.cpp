#include "ui/docks/MaskPreview.h"

#include "core/prep/FieldData.h"

#include <QImage>
#include <QPixmap>
#include <QTimer>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace mollichrom::ui {

MaskPreview::MaskPreview(QWidget* parent) : QLabel(parent) {
  setObjectName(QStringLiteral("maskPreview"));
  setAlignment(Qt::AlignCenter);
  setMinimumHeight(60);
  setToolTip(
      tr("The nucleus mask the current threshold gives (orange), on the time-mean density; "
         "it follows the slider before Apply"));
  // One recomputation per burst of slider moves: a drag sends dozens of values a second.
  throttle_ = new QTimer(this);
  throttle_->setSingleShot(true);
  throttle_->setInterval(30);
  connect(throttle_, &QTimer::timeout, this, &MaskPreview::render);
}

void MaskPreview::setSource(const cv::Mat& density) {
  source_.release();
  share_ = otsu_ = -1;
  if (density.empty()) {
    clear();
    return;
  }
  const double scale = std::min(1.0, double(kPreviewEdge) / std::max(density.cols, density.rows));
  cv::Mat f;
  density.convertTo(f, CV_32F);
  cv::patchNaNs(f, 0);
  if (scale < 1)
    cv::resize(f, source_, cv::Size(), scale, scale, cv::INTER_AREA);
  else
    source_ = f;
  // Drawn by the next setThreshold (the dock sets the mode's threshold right after).
}

void MaskPreview::setThreshold(double fraction) {
  threshold_ = fraction;
  throttle_->start();
}

void MaskPreview::render() {
  if (source_.empty()) return;
  double used = -1;
  const cv::Mat mask = prep::autoNucleusMask({source_}, threshold_, &used);
  if (threshold_ < 0) otsu_ = used;
  share_ = double(cv::countNonZero(mask)) / double(mask.total());
  double lo = 0, hi = 1;
  cv::minMaxLoc(source_, &lo, &hi);
  cv::Mat grey;
  source_.convertTo(grey, CV_8U, hi > lo ? 255.0 / (hi - lo) : 1,
                    hi > lo ? -lo * 255.0 / (hi - lo) : 0);
  cv::Mat edge;
  cv::morphologyEx(mask, edge, cv::MORPH_GRADIENT, cv::Mat());
  QImage img(grey.cols, grey.rows, QImage::Format_RGB32);
  for (int y = 0; y < grey.rows; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    const uchar *g = grey.ptr<uchar>(y), *m = mask.ptr<uchar>(y), *e = edge.ptr<uchar>(y);
    for (int x = 0; x < grey.cols; ++x) {
      const int v = g[x];
      line[x] = e[x]   ? qRgb(255, 140, 0)
                : m[x] ? qRgb(std::min(255, v / 2 + 128), v / 2 + 50, v / 3)
                       : qRgb(v, v, v);
    }
  }
  const int w = std::max(120, width() - 4);
  setPixmap(
      QPixmap::fromImage(img.scaled(w, std::min(180, w * img.height() / std::max(1, img.width())),
                                    Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

}  // namespace mollichrom::ui
