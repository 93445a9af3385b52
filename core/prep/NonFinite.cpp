#include "core/prep/NonFinite.h"

#include "core/io/StackError.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mollichrom::prep {

namespace {

// Beyond this share of a plane the bad samples are no longer isolated defects: at 1 %, a
// random bad sample still has all eight neighbours finite with probability 0.99⁸ ≈ 92 %, so
// the median of its neighbours is a sound stand-in; far beyond it the plane itself is broken.
constexpr double kMaxShare = 0.01;

std::string where(int channel, int frame, const std::string& what) {
  return "channel " + std::to_string(channel) + ", frame " + std::to_string(frame + 1) + ": " +
         what;
}

const char* kWhatToDo =
    "replace them before the analysis (Fiji: Process > Noise > Remove NaNs..., or set a NaN "
    "background to 0)";

}  // namespace

NonFiniteRepair repairNonFinite(std::vector<cv::Mat>& planes, int channel,
                                const std::string& path) {
  NonFiniteRepair report;
  for (int t = 0; t < static_cast<int>(planes.size()); ++t) {
    cv::Mat& p = planes[t];
    CV_Assert(p.type() == CV_32F);
    if (cv::checkRange(p, true)) continue;  // the common case: one pass, nothing to do
    std::vector<cv::Point> bad;
    for (int y = 0; y < p.rows; ++y) {
      const float* row = p.ptr<float>(y);
      for (int x = 0; x < p.cols; ++x)
        if (!std::isfinite(row[x])) bad.emplace_back(x, y);
    }
    const double share = double(bad.size()) / p.total();
    if (share > kMaxShare) {
      std::ostringstream s;
      s << bad.size() << " of " << p.total() << " values are NaN or infinite ("
        << std::round(share * 1000) / 10 << " %), too many to repair; " << kWhatToDo;
      throw io::StackError(path, where(channel, t, s.str()));
    }
    // Medians from the plane as read, so a repaired sample never feeds its neighbour's repair.
    const cv::Mat source = p.clone();
    std::vector<float> around;
    for (const cv::Point& q : bad) {
      around.clear();
      int neighbours = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int x = q.x + dx, y = q.y + dy;
          if ((dx == 0 && dy == 0) || x < 0 || y < 0 || x >= p.cols || y >= p.rows) continue;
          ++neighbours;
          const float v = source.at<float>(y, x);
          if (std::isfinite(v)) around.push_back(v);
        }
      // At least half of the neighbours finite: an isolated defect (a pair still qualifies);
      // a clump's inside has no finite neighbourhood to stand in for it.
      if (2 * static_cast<int>(around.size()) < neighbours) {
        std::ostringstream s;
        s << "a clump of NaN or infinite values around pixel (" << q.x << ", " << q.y
          << "), too many to repair; " << kWhatToDo;
        throw io::StackError(path, where(channel, t, s.str()));
      }
      const auto mid = around.begin() + static_cast<std::ptrdiff_t>(around.size() / 2);
      std::nth_element(around.begin(), mid, around.end());
      float m = *mid;
      if (around.size() % 2 == 0) m = (m + *std::max_element(around.begin(), mid)) / 2;
      p.at<float>(q.y, q.x) = m;
    }
    report.repaired += static_cast<std::int64_t>(bad.size());
    ++report.planes;
    if (report.firstFrame < 0) report.firstFrame = t;
  }
  return report;
}

std::string nonFiniteWarning(const NonFiniteRepair& density, const NonFiniteRepair& hetero,
                             int densityChannel, int heteroChannel) {
  if (density.repaired == 0 && hetero.repaired == 0) return {};
  std::ostringstream s;
  s << density.repaired + hetero.repaired
    << " NaN or infinite value(s) were replaced by the median of their neighbours (";
  bool first = true;
  for (const auto& [r, channel] : {std::pair{density, densityChannel}, {hetero, heteroChannel}}) {
    if (r.repaired == 0) continue;
    s << (first ? "" : "; ") << r.repaired << " in channel " << channel << ", " << r.planes
      << " frame(s) from frame " << r.firstFrame + 1;
    first = false;
  }
  s << "); check the export or the camera that produced them.";
  return s.str();
}

}  // namespace mollichrom::prep
