#include "core/train/OneStandardError.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace mollichrom::train {

int oneStandardErrorChoice(const std::vector<std::vector<double>>& losses) {
  if (losses.empty()) return 0;
  const size_t n = losses.front().size();
  for (const auto& row : losses)
    if (row.size() != n) throw std::invalid_argument("one-SE rule: candidates on different blocks");
  const auto mean = [n](const std::vector<double>& v) {
    return n ? std::accumulate(v.begin(), v.end(), 0.0) / double(n) : 0.0;
  };
  int best = 0;
  for (size_t i = 1; i < losses.size(); ++i)
    if (mean(losses[i]) < mean(losses[best])) best = static_cast<int>(i);
  int chosen = best;
  for (size_t i = best + 1; i < losses.size(); ++i) {
    std::vector<double> d(n);
    for (size_t b = 0; b < n; ++b) d[b] = losses[i][b] - losses[best][b];
    const double m = mean(d);
    double ss = 0;
    for (const double x : d) ss += (x - m) * (x - m);
    const double se = n > 1 ? std::sqrt(ss / double(n - 1) / double(n)) : 0.0;
    if (m <= se) chosen = static_cast<int>(i);
  }
  return chosen;
}

}  // namespace mollichrom::train
