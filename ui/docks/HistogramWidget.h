#pragma once
// Intensity histograms of the two mapped channels (log counts), with the percentile mapping's
// low and high intensities marked: what becomes φ = 0 and φ = fraction.
#include "ui/app/ChannelHistogram.h"

#include <QWidget>

#include <vector>

namespace mollichrom::ui {

class HistogramWidget : public QWidget {
  Q_OBJECT
 public:
  explicit HistogramWidget(QWidget* parent = nullptr);
  void setHistograms(const ChannelHistogram& density, const ChannelHistogram& hetero);
  // The intensities the percentile mapping sent to φ = 0 and φ = fraction, per channel (as
  // applied by prep::prepare); hidden when the data were not mapped.
  void setMarks(bool shown, double densityLow = 0, double densityHigh = 0, double heteroLow = 0,
                double heteroHigh = 0);
  QSize sizeHint() const override { return {260, 110}; }

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  ChannelHistogram density_, hetero_;
  bool marks_ = false;
  double marks[4] = {0, 0, 0, 0};
};

}  // namespace mollichrom::ui
