#pragma once
// Start, Pause and Stop: the three actions the Training dock and toolbar share, and the rule
// for when each is enabled (kept in one place so the dock, toolbar and shortcuts never
// disagree).
#include <QList>
#include <QObject>

class QAction;

namespace mollichrom::ui {

class AnalysisSession;

struct TrainingActions {
  QAction* start = nullptr;
  QAction* pause = nullptr;  // checkable: checked while paused
  QAction* stop = nullptr;
  QList<QAction*> needResult;  // exports and screenshots: enabled once there is a λ map

  // Creates the three actions as children of `owner` (found by object name in tests).
  static TrainingActions create(QObject* owner);
  void update(const AnalysisSession& session) const;
  // A new run starts unpaused.
  void resetPause() const;
};

}  // namespace mollichrom::ui
