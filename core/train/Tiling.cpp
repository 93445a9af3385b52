#include "core/train/Tiling.h"

#include <algorithm>
#include <cmath>

namespace mollichrom::train {

std::vector<Tile> makeTiles(int height, int width, int halo, int tileSize, int pad) {
  std::vector<Tile> tiles;
  const int b = halo - std::clamp(pad, 0, halo);
  const int y0 = b, y1 = height - b, x0 = b, x1 = width - b;
  if (y1 <= y0 || x1 <= x0) return tiles;
  const int step = std::max(1, tileSize);
  for (int y = y0; y < y1; y += step)
    for (int x = x0; x < x1; x += step) {
      const cv::Rect in(x, y, std::min(step, x1 - x), std::min(step, y1 - y));
      tiles.push_back(
          {in, cv::Rect(in.x - halo, in.y - halo, in.width + 2 * halo, in.height + 2 * halo)});
    }
  return tiles;
}

std::vector<std::pair<int, Tile>> richestTiles(const cv::Mat& region, int halo, int tileSize,
                                               int pad, int frames, std::int64_t budgetNodes) {
  std::vector<std::pair<int, Tile>> ranked;
  for (const Tile& t : makeTiles(region.rows, region.cols, halo, tileSize, pad)) {
    const int n = cv::countNonZero(region(t.interior));
    if (n > 0) ranked.push_back({n, t});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::int64_t nodes = 0;
  size_t keep = 0;
  while (keep < ranked.size() && nodes < budgetNodes)
    nodes += std::int64_t(ranked[keep++].first) * std::max(1, frames);
  ranked.resize(keep);
  return ranked;
}

int tileSizeFor(int height, int width, int frames, int halo, double bytesPerNode,
                double budgetBytes) {
  const double perRow = std::max(1.0, bytesPerNode * std::max(1, frames));
  const int edge =
      static_cast<int>(std::floor(std::sqrt(std::max(0.0, budgetBytes / perRow)))) - 2 * halo;
  return std::clamp(edge, 16, std::max(16, std::max(height, width)));
}

}  // namespace mollichrom::train
