#include "ui/docks/LogDock.h"

#include <QDateTime>
#include <QPlainTextEdit>

namespace mollichrom::ui {

LogDock::LogDock(QWidget* parent) : QDockWidget(tr("Log"), parent) {
  setObjectName(QStringLiteral("logDock"));
  log_ = new QPlainTextEdit(this);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);  // a long session must not grow without bound
  log_->setObjectName(QStringLiteral("logText"));
  setWidget(log_);
}

void LogDock::info(const QString& text) { append(QString(), text); }
void LogDock::error(const QString& text) { append(tr("error: "), text); }
void LogDock::warning(const QString& text) { append(tr("warning: "), text); }

void LogDock::append(const QString& level, const QString& text) {
  log_->appendPlainText(QStringLiteral("%1  %2%3")
                            .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), level,
                                 wording_ ? wording_(text) : text));
}

QString LogDock::text() const { return log_->toPlainText(); }

}  // namespace mollichrom::ui
