#pragma once
// The window's presenter: says what the analysis session does — in the status bar,
// the Log, the progress indicator with its Cancel button, the warnings banner and error
// dialogs. The wording and when it shows live here; MainWindow only wires. It listens to the
// session itself and is created before the window's own connections, so a report is on screen
// before the window's signals (openFailed, trainingFinished, …) reach a test or a script.
#include <QObject>
#include <QString>
#include <QStringList>

class QLabel;
class QMainWindow;
class QToolButton;

namespace mollichrom::ui {

class AnalysisSession;
class LogDock;
class ProgressIndicator;
struct TrainingSettings;

class SessionReporter : public QObject {
  Q_OBJECT
 public:
  SessionReporter(AnalysisSession* session, QMainWindow* window, LogDock* log);

  // The banner above the panels (the window places it): the data checks and a doubtful fit.
  QLabel* banner() const { return banner_; }
  QString warningText() const;  // empty while hidden
  void setWarnings(const QStringList& lines);

  // Unattended runs and tests: errors go to stderr, not to dialogs.
  void setShowDialogs(bool show) { showDialogs_ = show; }
  bool showDialogs() const { return showDialogs_; }
  void error(const QString& title, const QString& text, const QString& details);
  void info(const QString& text);  // the Log
  void status(const QString& text, int timeoutMs = 0);
  void busy();

  // What the session does not signal itself: a start and a pause come from the window.
  void trainingStarted(const TrainingSettings& s);
  void paused(bool paused, int step, const QString& resumeKey, const QString& stopKey);

 private:
  void onLoadStarted(const QString& path, bool readsFile);
  void onLoaded();
  void onPreviewFinished(const QString& error, bool canceled);
  void onSnapshot();
  void onTrainingFinished(const QString& error, bool canceled);
  void onRefused(const QString& message);
  void showProgress(bool shown, bool cancellable = false);
  void showBanner();

  AnalysisSession* session_;
  QMainWindow* window_;
  LogDock* log_;
  QLabel* banner_;
  ProgressIndicator* progress_;
  QToolButton* cancelLoad_;
  bool showDialogs_ = true;
  QString pausedText_;        // what the status bar says while paused
  QStringList dataWarnings_;  // the open stack's checks
  QString fitWarning_;        // the latest run's fit, when not good
  QString lasting_;           // the last message without a timeout: shown again after passing ones
};

}  // namespace mollichrom::ui
