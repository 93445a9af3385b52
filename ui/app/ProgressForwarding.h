#pragma once
// A worker's util::Feedback progress delivered on the GUI thread: `report` runs there, queued,
// at most once per percent (a training step or a tile reports far more often than a status bar
// needs), and not at all once `context` is gone. Shared by the session's load/preview tasks and
// the training worker.
#include "core/util/Feedback.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace mollichrom::ui {

inline void forwardProgress(util::Feedback& feedback, QObject* context,
                            std::function<void(double fraction, const QString& stage)> report) {
  auto last = std::make_shared<std::atomic<int>>(-1);
  QPointer<QObject> guard(context);
  feedback.setObserver(
      [guard, last, report = std::move(report)](double fraction, const std::string& what) {
        const int percent = int(100 * fraction);
        if (last->exchange(percent) == percent || !guard) return;
        QMetaObject::invokeMethod(
            guard,
            [report, fraction, stage = QString::fromStdString(what)] { report(fraction, stage); },
            Qt::QueuedConnection);
      });
}

}  // namespace mollichrom::ui
