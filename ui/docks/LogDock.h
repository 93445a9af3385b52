#pragma once
// The "Log" dock: timestamped messages (what was opened, prepared, trained, exported, and
// every error with its details), selectable for copying into a lab notebook.
#include <QDockWidget>

#include <functional>

class QPlainTextEdit;

namespace mollichrom::ui {

class LogDock : public QDockWidget {
  Q_OBJECT
 public:
  explicit LogDock(QWidget* parent = nullptr);
  void info(const QString& text);
  void error(const QString& text);
  void warning(const QString& text);  // "warning: …" (data checks, a doubtful fit)
  QString text() const;
  // Rewords every message before it is shown (the window: the engine's flags in GUI words).
  void setWording(std::function<QString(const QString&)> f) { wording_ = std::move(f); }

 private:
  void append(const QString& level, const QString& text);
  QPlainTextEdit* log_ = nullptr;
  std::function<QString(const QString&)> wording_;
};

}  // namespace mollichrom::ui
