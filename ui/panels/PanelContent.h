#pragma once
// What a panel can show: input frames, fields and derivatives (the trainer's snapshot keys),
// the λ maps, the mask, the loss curves. Keys are stable: projects store them.
#include <QString>

#include <vector>

namespace mollichrom::ui {

struct PanelContent {
  QString key;          // "density", "phi_d", "lambda", "losses", …
  QString label;        // for the selector (Unicode)
  const char* title;    // above the image (UTF-8: drawn with a Unicode font, TextFont.h)
  const char* colourMap;  // default colour map
  bool perFrame;        // follows the time slider
};

const std::vector<PanelContent>& panelContents();
const PanelContent* findPanelContent(const QString& key);

}  // namespace mollichrom::ui
