#pragma once
// Overlapping tiles for operators with a finite footprint (the mollifier's derivatives, a CNN's
// receptive field). Interiors partition the part of the image where the operator is defined
// (the image less a border of `halo`); each tile's source is its interior grown by `halo`, so
// an operator evaluated on the source and cropped to the interior gives exactly the untiled
// result there — no seams, whatever the tile size.
#include <opencv2/core.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace mollichrom::train {

struct Tile {
  cv::Rect interior;  // where this tile's results go
  cv::Rect source;    // what it reads: interior ± halo, inside the image
};

// tileSize: interior edge in pixels (≥ 1); ≥ the image gives one tile.
// pad: the image counts as extended by `pad` px on each side (the reader mirrors it, see
// FieldBundle::window), so interiors reach `halo − pad` from the image border and sources may
// leave the image by up to `pad`.
std::vector<Tile> makeTiles(int height, int width, int halo, int tileSize, int pad = 0);

// The tiles of makeTiles(region's size, halo, tileSize, pad) that hold pixels of `region`
// (CV_8U), most first, each with its count, until they hold `budgetNodes` pixel-frames (count ×
// frames): the sample a statistic over a large field reads (the direct estimate's kernel choice
// and noise split, the fit verdict), so its cost stops growing with the field.
std::vector<std::pair<int, Tile>> richestTiles(const cv::Mat& region, int halo, int tileSize,
                                               int pad, int frames, std::int64_t budgetNodes);

// The largest tile edge whose source (edge + 2·halo)² × frames nodes, at `bytesPerNode`,
// stays within `budgetBytes` (at least 16 px, at most the image).
int tileSizeFor(int height, int width, int frames, int halo, double bytesPerNode,
                double budgetBytes);

}  // namespace mollichrom::train
