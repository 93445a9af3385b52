#include "ui/docks/WheelGuard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QScrollBar>
#include <QWidget>

namespace mollichrom::ui {

namespace {

class WheelFilter : public QObject {
 public:
  using QObject::QObject;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    auto* w = qobject_cast<QWidget*>(watched);
    if (event->type() != QEvent::Wheel || !w || w->hasFocus() || !w->parentWidget()) return false;
    // Handed to the parent, the event travels up to the scroll area, which scrolls.
    QApplication::sendEvent(w->parentWidget(), event);
    return true;
  }
};

}  // namespace

void guardWheel(QWidget* root) {
  auto* filter = new WheelFilter(root);
  auto guard = [filter](QWidget* w) {
    // Wheel focus would make the first wheel turn focus the control and change it.
    w->setFocusPolicy(Qt::StrongFocus);
    w->installEventFilter(filter);
  };
  for (auto* c : root->findChildren<QComboBox*>()) guard(c);
  for (auto* s : root->findChildren<QAbstractSpinBox*>()) guard(s);
  for (auto* s : root->findChildren<QAbstractSlider*>())
    if (!qobject_cast<QScrollBar*>(s)) guard(s);  // scroll bars are for the wheel
}

}  // namespace mollichrom::ui
