#pragma once
// The engine's messages name the command line's flags ("use --drift"), which is right for the
// CLI, its logs and the summary JSON. In the window the same advice must name the dock, the box
// or the button instead. This is the one place that says how each flag reads in the window;
// the reporter, the Log and the banner pass every engine message through it, so no flag
// reaches a user of the window (a test checks every data warning).
#include <QString>

namespace mollichrom::ui {

QString guiWords(const QString& engineText);

}  // namespace mollichrom::ui
