#include "ui/app/TrainingActions.h"

#include "ui/app/AnalysisSession.h"

#include <QAction>
#include <QSignalBlocker>

namespace mollichrom::ui {

TrainingActions TrainingActions::create(QObject* owner) {
  TrainingActions a;
  a.start = new QAction(QObject::tr("Start"), owner);
  a.start->setObjectName(QStringLiteral("startAction"));
  a.start->setShortcut(Qt::CTRL | Qt::Key_R);
  a.pause = new QAction(QObject::tr("Pause"), owner);
  a.pause->setObjectName(QStringLiteral("pauseAction"));
  a.pause->setCheckable(true);
  a.pause->setShortcut(Qt::CTRL | Qt::Key_P);
  a.pause->setToolTip(
      QObject::tr("Pause or resume training (Ctrl+P); the time paused does not count"));
  a.stop = new QAction(QObject::tr("Stop"), owner);
  a.stop->setObjectName(QStringLiteral("stopAction"));
  a.stop->setShortcut(Qt::CTRL | Qt::Key_Period);
  a.stop->setToolTip(QObject::tr("Stop training and keep the result so far (Ctrl+.)"));
  return a;
}

void TrainingActions::update(const AnalysisSession& session) const {
  const auto d = session.data();
  const bool training = session.isTraining(), loading = session.isLoading();
  const bool lookOnly = d && !d->fields->viewOnlyReason.empty();
  start->setEnabled(d && !training && !loading && !lookOnly);
  start->setToolTip(
      lookOnly
          ? QObject::tr("Cannot train: %1").arg(QString::fromStdString(d->fields->viewOnlyReason))
          : QObject::tr("Start training (Ctrl+R)"));
  pause->setEnabled(training);
  stop->setEnabled(training);
  for (QAction* a : needResult) a->setEnabled(d && !loading && (d->hasDirect || session.result()));
}

void TrainingActions::resetPause() const {
  const QSignalBlocker block(pause);
  pause->setChecked(false);
  pause->setText(QObject::tr("Pause"));
}

}  // namespace mollichrom::ui
