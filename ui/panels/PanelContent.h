#pragma once
// What a panel can show, each entry with its provider: input frames, fields and derivatives (the
// trainer's snapshot keys), the λ maps, the mask, the nuclei, the loss curves. The table is the
// one place that knows where a panel's picture comes from (it was a 12-branch chain in
// the window). Keys are stable: projects store them.
#include <QString>

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mollichrom::io {
class Stack;
}
namespace mollichrom::prep {
struct FieldData;
}
namespace mollichrom::train {
struct DirectEstimate;
struct InferenceResult;
struct LossRecord;
struct Snapshot;
}  // namespace mollichrom::train

namespace mollichrom::ui {

// What a provider reads: the session's state at one frame (null members: not there yet).
struct PanelInputs {
  const prep::FieldData* fields = nullptr;
  int frame = 0;
  const train::DirectEstimate* direct = nullptr;   // the preview's estimate
  const train::Snapshot* snapshot = nullptr;       // the latest training snapshot
  const train::InferenceResult* result = nullptr;  // the run's result
  const io::Stack* stack = nullptr;  // the stack as read (null when too large to keep)
};

// What a panel then shows: an image (calibrated by the fields' pixel size), loss curves, or a
// message.
struct PanelView {
  enum class Kind { Image, Losses, Message } kind = Kind::Message;
  cv::Mat image;
  std::string title;  // UTF-8, above the image
  const std::vector<train::LossRecord>* losses = nullptr;
  QString message;
};

struct PanelContent {
  QString key;            // "density", "phi_d", "lambda", "losses", …
  QString label;          // for the selector
  const char* title;      // above the image (UTF-8: drawn with a Unicode font, TextFont.h)
  const char* colourMap;  // default colour map
  bool perFrame;          // follows the time slider
  bool live;              // changes while the network trains (redrawn on each snapshot)
  PanelView (*provide)(const PanelContent& self, const PanelInputs& in);
};

const std::vector<PanelContent>& panelContents();
const PanelContent* findPanelContent(const QString& key);
// One sentence on what a content is (the selector's tooltip): the model's symbols defined where
// the user meets them. Empty when the label says it all.
QString panelContentHelp(const QString& key);

}  // namespace mollichrom::ui
