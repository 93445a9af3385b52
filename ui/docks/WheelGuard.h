#pragma once
// Settings in a scrolling dock change only when the user means it: the wheel over a combo box,
// spin box or slider that does not have the keyboard focus scrolls the dock instead of
// changing the value (scrolling the Data dock used to switch its mask mode on the way past).
// Clicking or tabbing into a control gives it the focus, and then the wheel edits it.
class QWidget;

namespace mollichrom::ui {

// Guards every combo box, spin box and slider under `root` (call after they are created).
void guardWheel(QWidget* root);

}  // namespace mollichrom::ui
