#pragma once
// Intensity histograms of the two mapped channels (log counts), with the percentile mapping's
// low and high intensities marked: what becomes φ = 0 and φ = fraction.
#include <QWidget>

#include <vector>

namespace mollichrom::ui {

struct ChannelHistogram {
  double lo = 0, hi = 1;        // intensity range of the bins
  std::vector<double> counts;   // equal-width bins over [lo, hi]
  // Intensity at percentile q (0–100) of the counted values.
  double percentile(double q) const;
};

class HistogramWidget : public QWidget {
  Q_OBJECT
 public:
  explicit HistogramWidget(QWidget* parent = nullptr);
  void setHistograms(const ChannelHistogram& density, const ChannelHistogram& hetero);
  // The intensities the percentile mapping sent to φ = 0 and φ = fraction, per channel (as
  // applied by prep::prepare); hidden when the data were not mapped.
  void setMarks(bool shown, double densityLow = 0, double densityHigh = 0, double heteroLow = 0, double heteroHigh = 0);
  QSize sizeHint() const override { return {260, 110}; }

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  ChannelHistogram density_, hetero_;
  bool marks_ = false;
  double marks[4] = {0, 0, 0, 0};
};

}  // namespace mollichrom::ui
