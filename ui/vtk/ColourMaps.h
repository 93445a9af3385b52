#pragma once
// The panels' colour maps, by name: grey (raw frames), viridis (maps), magma, coolwarm
// (diverging: derivatives and residuals, whose sign matters).
#include <string>
#include <vector>

class vtkLookupTable;

namespace mollichrom::ui {

const std::vector<std::string>& colourMapNames();  // grey, viridis, magma, coolwarm
// Fills `lut` (256 entries, opaque; NaN transparent). Unknown names give grey.
void fillColourMap(vtkLookupTable* lut, const std::string& name);

}  // namespace mollichrom::ui
