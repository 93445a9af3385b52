#pragma once
// Overlapping tiles for operators with a finite footprint (the mollifier's derivatives, a CNN's
// receptive field). Interiors partition the part of the image where the operator is defined
// (the image less a border of `halo`); each tile's source is its interior grown by `halo`, so
// an operator evaluated on the source and cropped to the interior gives exactly the untiled
// result there — no seams, whatever the tile size.
#include <opencv2/core.hpp>

#include <cstdint>
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

// The largest tile edge whose source (edge + 2·halo)² × frames nodes, at `bytesPerNode`,
// stays within `budgetBytes` (at least 16 px, at most the image).
int tileSizeFor(int height, int width, int frames, int halo, double bytesPerNode,
                double budgetBytes);

}  // namespace mollichrom::train
