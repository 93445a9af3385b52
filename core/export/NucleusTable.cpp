#include "core/export/NucleusTable.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mollichrom::exporting {

namespace {

double quantile(std::vector<float>& v, double q) {
  if (v.empty()) return std::nan("");
  const auto k = static_cast<long>(std::lround(q * double(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[static_cast<size_t>(k)];
}

}  // namespace

std::vector<NucleusRow> nucleusTable(const prep::NucleusLabels& labels, const cv::Mat& lambda,
                                     const cv::Mat& low, const cv::Mat& high, double dx, double dy,
                                     double M, double gammaAc) {
  std::vector<NucleusRow> rows;
  for (const auto& n : labels.nuclei) {
    NucleusRow r;
    r.label = n.label;
    r.centroidXUm = n.centroidPx.x * dx;
    r.centroidYUm = n.centroidPx.y * dy;
    r.areaUm2 = n.areaPx * dx * dy;
    r.pixels = n.areaPx;
    r.touchesBorder = n.touchesBorder;
    r.split = n.split;
    r.M = M;
    r.gammaAc = gammaAc;
    std::vector<float> values, widths;
    for (int y = n.box.y; y < n.box.y + n.box.height; ++y)
      for (int x = n.box.x; x < n.box.x + n.box.width; ++x) {
        if (labels.labels.at<int>(y, x) != n.label) continue;
        const float v = lambda.at<float>(y, x);
        if (!std::isfinite(v)) continue;
        values.push_back(v);
        if (!low.empty() && !high.empty()) {
          const float w = high.at<float>(y, x) - low.at<float>(y, x);
          if (std::isfinite(w)) widths.push_back(w);
        }
      }
    r.finiteShare = n.areaPx > 0 ? double(values.size()) / n.areaPx : 0;
    double sum = 0;
    for (float v : values) sum += v;
    r.mean = values.empty() ? std::nan("") : sum / double(values.size());
    r.median = quantile(values, 0.5);
    r.q25 = quantile(values, 0.25);
    r.q75 = quantile(values, 0.75);
    if (!widths.empty()) r.bandWidth = quantile(widths, 0.5);
    rows.push_back(r);
  }
  return rows;
}

std::string nucleusTableCsv(const std::vector<NucleusRow>& rows) {
  std::ostringstream s;
  s.precision(6);
  s << "label,centroid_x_um,centroid_y_um,area_um2,pixels,finite_share,lambda_mean,lambda_median,"
       "lambda_q25,lambda_q75,lambda_band90_width,M,gamma_ac,touches_border,split,fit,"
       "share,share_low90,share_high90,share_source,M_low90,M_high90,M_source,gamma_ac_low90,"
       "gamma_ac_high90,gamma_ac_source\n";
  for (const auto& r : rows)
    s << r.label << ',' << r.centroidXUm << ',' << r.centroidYUm << ',' << r.areaUm2 << ','
      << r.pixels << ',' << r.finiteShare << ',' << r.mean << ',' << r.median << ',' << r.q25 << ','
      << r.q75 << ',' << r.bandWidth << ',' << r.M << ',' << r.gammaAc << ','
      << (r.touchesBorder ? 1 : 0) << ',' << (r.split ? 1 : 0) << ',' << r.fit << ',' << r.share
      << ',' << r.shareLow << ',' << r.shareHigh << ',' << r.shareSource << ',' << r.MLow << ','
      << r.MHigh << ',' << r.MSource << ',' << r.gammaAcLow << ',' << r.gammaAcHigh << ','
      << r.gammaAcSource << '\n';
  return s.str();
}

}  // namespace mollichrom::exporting
