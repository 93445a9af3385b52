#pragma once
// A small live picture of the nucleus mask in the Data dock: the time-mean density in grey with
// the mask the current threshold gives in orange, recomputed while the slider moves,
// so a threshold is judged before anything is re-prepared. It runs the same prep::autoNucleusMask
// as preparing does, on a copy reduced to at most kPreviewEdge px so a drag stays smooth on
// 4096² fields.
#include <QLabel>

#include <opencv2/core.hpp>

class QTimer;

namespace mollichrom::ui {

class MaskPreview : public QLabel {
  Q_OBJECT
 public:
  static constexpr int kPreviewEdge = 320;
  explicit MaskPreview(QWidget* parent = nullptr);
  // The time-mean density of the open stack (any size; CV_32F). Empty: nothing to show. The
  // preview is drawn by the next setThreshold.
  void setSource(const cv::Mat& timeMeanDensity);
  // Fraction between the darkest and brightest value (0–1); negative: Otsu's choice.
  void setThreshold(double fraction);
  // Share of the preview's pixels inside the mask (what tests read; −1 before a source).
  double maskedShare() const { return share_; }
  // Otsu's threshold on the preview (where the slider starts in automatic mode).
  double otsuThreshold() const { return otsu_; }

 private:
  void render();
  cv::Mat source_;
  double threshold_ = -1, share_ = -1, otsu_ = -1;
  QTimer* throttle_ = nullptr;
};

}  // namespace mollichrom::ui
