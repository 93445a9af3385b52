#include "ui/vtk/ColourMaps.h"

#include <vtkLookupTable.h>

#include <algorithm>
#include <array>

namespace mollichrom::ui {

namespace {
using Rgb = std::array<double, 3>;
// Anchor colours of matplotlib's perceptually uniform maps (and Moreland's cool-warm),
// linearly interpolated.
const std::vector<Rgb> kViridis{{0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
                                {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
                                {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441}, {0.478, 0.821, 0.318},
                                {0.741, 0.873, 0.150}, {0.993, 0.906, 0.144}};
const std::vector<Rgb> kMagma{{0.001, 0.000, 0.014}, {0.078, 0.054, 0.212}, {0.232, 0.060, 0.438},
                              {0.390, 0.100, 0.502}, {0.550, 0.161, 0.506}, {0.716, 0.215, 0.475},
                              {0.868, 0.288, 0.409}, {0.967, 0.439, 0.360}, {0.994, 0.624, 0.427},
                              {0.995, 0.807, 0.573}, {0.987, 0.991, 0.750}};
const std::vector<Rgb> kCoolWarm{{0.230, 0.299, 0.754},
                                 {0.552, 0.690, 0.996},
                                 {0.865, 0.865, 0.865},
                                 {0.958, 0.604, 0.482},
                                 {0.706, 0.016, 0.150}};
const std::vector<Rgb> kGrey{{0, 0, 0}, {1, 1, 1}};

void fillFromAnchors(vtkLookupTable* lut, const std::vector<Rgb>& anchors) {
  const int n = 256;
  lut->SetNumberOfTableValues(n);
  const double segments = double(anchors.size() - 1);
  for (int i = 0; i < n; ++i) {
    const double f = double(i) / (n - 1) * segments;
    const size_t k = std::min(anchors.size() - 2, size_t(f));
    const double w = f - double(k);
    const Rgb& a = anchors[k];
    const Rgb& b = anchors[k + 1];
    lut->SetTableValue(i, a[0] * (1 - w) + b[0] * w, a[1] * (1 - w) + b[1] * w,
                       a[2] * (1 - w) + b[2] * w, 1.0);
  }
}
}  // namespace

const std::vector<std::string>& colourMapNames() {
  static const std::vector<std::string> names{"grey", "viridis", "magma", "coolwarm"};
  return names;
}

void fillColourMap(vtkLookupTable* lut, const std::string& name) {
  if (name == "viridis")
    fillFromAnchors(lut, kViridis);
  else if (name == "magma")
    fillFromAnchors(lut, kMagma);
  else if (name == "coolwarm")
    fillFromAnchors(lut, kCoolWarm);
  else
    fillFromAnchors(lut, kGrey);
  lut->SetNanColor(0, 0, 0, 0);  // NaN (outside the analysed region) transparent
  lut->BuildSpecialColors();
}

}  // namespace mollichrom::ui
