#pragma once
// The sample stack that ships with Mollichrom (sample_data/chromatin_sample.tif): where it is in
// an installed package and in a build tree, so `mollichrom sample` and Help ▸ Open the sample
// find it without the user knowing the path.
#include <QString>

namespace mollichrom::ui {

// Empty when it cannot be found.
QString bundledSamplePath();

}  // namespace mollichrom::ui
