#include "ui/app/MainWindow.h"

#include "core/export/ResultExport.h"
#include "core/prep/NucleusLabels.h"
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/ExportController.h"
#include "ui/app/LocateDataDialog.h"
#include "ui/app/ProjectController.h"
#include "ui/app/RecentFiles.h"
#include "ui/app/SessionReporter.h"
#include "ui/app/TimeBar.h"
#include "ui/app/WindowMenus.h"
#include "ui/docks/DataDock.h"
#include "ui/docks/LogDock.h"
#include "ui/docks/NucleiDock.h"
#include "ui/docks/TrainingDock.h"
#include "ui/panels/PanelGrid.h"
#include "ui/panels/PanelWidget.h"

#include <QAction>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace mollichrom::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("Mollichrom"));
  setAcceptDrops(true);
  session_ = new AnalysisSession(this);
  panels_ = new PanelGrid(this);
  panels_->setInputs([this]() -> std::optional<PanelInputs> {
    const auto d = session_->data();
    if (!d) return std::nullopt;
    return PanelInputs{d->fields.get(), currentFrame(), d->hasDirect ? &d->direct : nullptr,
                       session_->snapshot().get(), session_->result().get()};
  });
  connect(panels_, &PanelGrid::hovered, this,
          [this](const QString& text) { statusBar()->showMessage(text, 4000); });
  connect(panels_, &PanelGrid::pixelClicked, this, [this](int x, int y) { selectNucleusAt(x, y); });
  actions_ = TrainingActions::create(this);
  connect(actions_.start, &QAction::triggered, this, &MainWindow::startTraining);
  connect(actions_.pause, &QAction::toggled, this, &MainWindow::setPaused);
  connect(actions_.stop, &QAction::triggered, this, &MainWindow::stopTraining);
  buildDocks();
  // The reporter listens to the session before the window does (see SessionReporter.h).
  reporter_ = new SessionReporter(session_, this, logDock_);
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(reporter_->banner());  // the data checks' warnings, hidden when none
  layout->addWidget(panels_, 1);
  setCentralWidget(central);

  exporter_ = new ExportController(
      session_, [this] { return runDescription(); }, this);
  connect(exporter_, &ExportController::info, reporter_, &SessionReporter::info);
  connect(exporter_, &ExportController::failed, reporter_, &SessionReporter::error);
  ProjectController::Parts parts{session_,
                                 dataDock_,
                                 trainingDock_,
                                 panels_,
                                 exporter_,
                                 [this] { return currentFrame(); },
                                 [this](int t) { setFrame(t); }};
  projects_ = new ProjectController(parts, this);
  connect(projects_, &ProjectController::info, reporter_, &SessionReporter::info);
  projects_->setLocateData([this](const QString& project, const QStringList& tried) {
    return reporter_->showDialogs() ? locateDataDialog(this, project, tried) : QString();
  });
  buildBars();
  QMenu* recentMenu = buildWindowMenus(*this, *exporter_, *reporter_, actions_);
  recent_ = new RecentFiles(
      recentMenu, [this](const QString& f) { open(f); }, this);
  connectSession();
  statusBar()->showMessage(tr("Ready — File ▸ Open stack, or drop a stack on the window"));
  resize(1400, 900);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  panels_->refresh();
  updateActions();
  logDock_->info(QString::fromStdString(mollichromVersion()).prepend(tr("Mollichrom ")));
}

MainWindow::~MainWindow() = default;  // the session (a child) cancels and joins its tasks

void MainWindow::buildDocks() {
  dataDock_ = new DataDock(this);
  trainingDock_ = new TrainingDock(actions_.start, actions_.pause, actions_.stop, this);
  logDock_ = new LogDock(this);
  nucleiDock_ = new NucleiDock(this);
  addDockWidget(Qt::LeftDockWidgetArea, dataDock_);
  addDockWidget(Qt::RightDockWidgetArea, trainingDock_);
  addDockWidget(Qt::BottomDockWidgetArea, logDock_);
  addDockWidget(Qt::BottomDockWidgetArea, nucleiDock_);
  tabifyDockWidget(logDock_, nucleiDock_);
  logDock_->raise();
  dataDock_->setMinimumWidth(310);
  trainingDock_->setMinimumWidth(310);
  resizeDocks({logDock_}, {130}, Qt::Vertical);
  connect(nucleiDock_, &NucleiDock::nucleusSelected, this, [this](int label) {
    for (const auto& r : nucleiDock_->rows())
      if (r.label == label) statusBar()->showMessage(NucleiDock::describe(r));
  });
  connect(dataDock_, &DataDock::applyRequested, this, &MainWindow::applyDataSettings);
}

void MainWindow::buildBars() {
  timeBar_ = new TimeBar(this);
  addToolBar(timeBar_);
  connect(timeBar_, &TimeBar::frameChanged, this, [this] { panels_->refresh(true); });
  auto* trainBar = addToolBar(tr("Training"));
  trainBar->setObjectName(QStringLiteral("trainingToolbar"));
  trainBar->addActions({actions_.start, actions_.pause, actions_.stop});
}

void MainWindow::connectSession() {
  connect(session_, &AnalysisSession::loadStarted, this, [this] {
    dataDock_->setBusy(true);
    updateActions();
  });
  connect(session_, &AnalysisSession::loaded, this, &MainWindow::onLoaded);
  const auto loadEnded = [this](const QString& why) {
    dataDock_->setBusy(false);
    projects_->clearPending();
    startAfterApply_ = false;
    updateActions();
    Q_EMIT openFailed(why);
  };
  connect(session_, &AnalysisSession::loadCanceled, this,
          [loadEnded] { loadEnded(tr("canceled")); });
  connect(session_, &AnalysisSession::loadFailed, this,
          [loadEnded](const QString&, const QString& error) { loadEnded(error); });
  connect(session_, &AnalysisSession::previewFinished, this, [this](const QString&, bool canceled) {
    if (canceled) startAfterApply_ = false;
    panels_->refresh();
    refreshNuclei();
    finishOpening();
  });
  connect(session_, &AnalysisSession::snapshotReady, this, [this](int step) {
    panels_->refreshLive();
    Q_EMIT trainingSnapshot(step);
  });
  connect(session_, &AnalysisSession::trainingFinished, this,
          [this](const QString& error, bool canceled) {
            panels_->refresh();
            refreshNuclei();
            updateActions();
            if (!error.isEmpty()) Q_EMIT trainingFailed(error);
            Q_EMIT trainingFinished(canceled);
          });
  connect(session_, &AnalysisSession::trainingRefused, this, [this](const QString& msg) {
    Q_EMIT trainingFailed(msg);
    Q_EMIT trainingFinished(false);
  });
}

// ---------------------------------------------------------------- opening and preparing

void MainWindow::open(const QString& path) {
  path.endsWith(QStringLiteral(".mchrom"), Qt::CaseInsensitive) ? openProject(path)
                                                                : openStack(path);
}

void MainWindow::openStack(const QString& path) {
  DataSettings s = dataDock_->settings();
  s.load = io::LoadOptions{};  // crop and frame range belong to the previous file
  s.prep.pixelSizeUm = 0;
  s.prep.frameIntervalS = 0;
  s.prep.mask = "auto";  // a mask file belongs to the previous stack
  projects_->forget();
  load(path, s);
}

void MainWindow::openProject(const QString& path) {
  if (session_->isBusy()) return reporter_->busy();
  QString error;
  if (!projects_->open(path, &error)) {
    reporter_->error(tr("Could not open the project"),
                     tr("%1 could not be opened.").arg(QFileInfo(path).fileName()), error);
    Q_EMIT openFailed(error);
    return;
  }
  recent_->add(projectPath());
}

void MainWindow::setChannels(const QString& mapping) {
  DataSettings s = dataDock_->settings();
  s.prep.channels = prep::parseChannelMap(mapping.toStdString());
  dataDock_->setSettings(s);
}

void MainWindow::applyDataSettings() {
  if (session_->data()) load(session_->path(), dataDock_->settings());
}

void MainWindow::load(const QString& path, const DataSettings& settings) {
  if (!session_->load(path, settings, trainingDock_->settings().params)) reporter_->busy();
}

void MainWindow::onLoaded() {
  const auto d = session_->data();
  const prep::FieldData& f = *d->fields;
  dataDock_->setBusy(false);
  recent_->add(d->path);
  if (!projects_->hasPending()) setTitle(d->path);
  dataDock_->setStack(d->info, d->settings);
  dataDock_->markApplied(dataDock_->settings());  // as the dock shows what was applied
  dataDock_->setHistograms(d->histDensity, d->histHetero);
  dataDock_->setPrepared(f);
  dataDock_->setMaskSource(prep::timeMean(f.density));
  timeBar_->setStack(f.frames(), f.dt);
  // The same picture in µm keeps the user's pan/zoom; another file, crop, binning or pixel size
  // is fitted (a view kept across a new pixel size showed a dot: issue 14).
  const std::array<double, 2> extent{f.width() * f.dx, f.height() * f.dy};
  panels_->refresh();
  if (viewed_.first != d->path || viewed_.second != extent) panels_->fitImages();
  viewed_ = {d->path, extent};
  trainingDock_->setSteadyState(f.frames() < 3);  // one or two frames: the steady-state snapshot
  refreshNuclei();
  Q_EMIT stackOpened(d->path);
  if (!f.viewOnlyReason.empty()) {  // no preview follows
    startAfterApply_ = false;
    finishOpening();
    return;
  }
  updateActions();
}

void MainWindow::finishOpening() {
  updateActions();
  if (projects_->hasPending()) {
    const QString problem = projects_->restorePending();
    if (!problem.isEmpty()) {
      logDock_->error(tr("the project's results could not be read: %1").arg(problem));
      reporter_->error(tr("Project results missing"),
                       tr("The settings were restored, but not the results."), problem);
    }
    refreshNuclei();
    setTitle(projectPath());
    updateActions();
    Q_EMIT projectRestored(projectPath());
  }
  Q_EMIT previewReady();
  if (std::exchange(startAfterApply_, false)) startTraining();
}

void MainWindow::setTitle(const QString& file) {
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(file).fileName()));
}

// ---------------------------------------------------------------- training

void MainWindow::setTrainingLength(int steps, double timeBudgetSeconds) {
  trainSteps_ = steps;
  trainBudget_ = timeBudgetSeconds;
}

void MainWindow::startTraining() {
  if (!session_->data() || session_->isBusy()) return;
  if (dataDock_->hasUnappliedChanges()) {
    // Never train on settings the dock no longer shows (issue 14): apply, then start.
    logDock_->info(tr("Applying the changed data settings before training"));
    startAfterApply_ = true;
    applyDataSettings();
    return;
  }
  TrainingSettings s = trainingDock_->settings();
  if (trainSteps_ >= 0) s.config.steps = trainSteps_;
  if (trainBudget_ >= 0) s.config.timeBudget = trainBudget_;
  if (!session_->startTraining(s)) return;
  actions_.resetPause();
  reporter_->trainingStarted(s);
  panels_->refresh();
  updateActions();
}

void MainWindow::setPaused(bool paused) {
  if (!session_->isTraining()) return;
  session_->setPaused(paused);
  actions_.pause->setText(paused ? tr("Resume") : tr("Pause"));
  reporter_->paused(paused, session_->snapshot() ? session_->snapshot()->step : 0,
                    actions_.pause->shortcut().toString(QKeySequence::NativeText),
                    actions_.stop->shortcut().toString(QKeySequence::NativeText));
}

void MainWindow::stopTraining() {
  session_->stopTraining();
  actions_.stop->setEnabled(false);
  actions_.pause->setEnabled(false);
}

void MainWindow::refreshNuclei() {
  const auto d = session_->data();
  try {
    nucleiDock_->setRows(d ? exporting::nucleusRows(*session_->currentResult(), *d->fields)
                           : std::vector<exporting::NucleusRow>{});
  } catch (const std::exception&) {
    nucleiDock_->setRows({});  // no result yet
  }
}

int MainWindow::selectNucleusAt(int x, int y) {
  const auto d = session_->data();
  if (!d) return 0;
  const auto& mask = d->fields->mask;
  if (x < 0 || y < 0 || x >= mask.cols || y >= mask.rows) return 0;
  const int label = prep::labelNuclei(mask).labels.at<int>(y, x);
  nucleiDock_->selectLabel(label);
  if (label > 0) nucleiDock_->raise();
  return label;
}

// ---------------------------------------------------------------- state, exports, projects

PanelWidget* MainWindow::panelWidget(int index) const { return panels_->panel(index); }
VtkView* MainWindow::panel(int index) const { return panels_->panel(index)->view(); }
int MainWindow::frameCount() const {
  return session_->data() ? session_->data()->fields->frames() : 0;
}
int MainWindow::currentFrame() const { return timeBar_->frame(); }
void MainWindow::setFrame(int t) { timeBar_->setFrame(t); }
QString MainWindow::projectPath() const { return projects_->path(); }
QString MainWindow::warningText() const { return reporter_->warningText(); }
void MainWindow::setShowDialogs(bool show) { reporter_->setShowDialogs(show); }
void MainWindow::setLocateDataHandler(
    std::function<QString(const QString&, const QStringList&)> h) {
  projects_->setLocateData(std::move(h));
}

exporting::RunDescription MainWindow::runDescription() const {
  const TrainingSettings t = trainingDock_->settings();
  return {"mollichrom",
          session_->path().toStdString(),
          {},
          session_->data()->settings.prep,
          t.params,
          t.config,
          initRuntime().threads,
          std::nullopt};
}

QStringList MainWindow::exportAll(const QString& folder) { return exporter_->exportAll(folder); }
QStringList MainWindow::exportLambda(const QString& basePath) {
  return exporter_->exportLambda(basePath);
}

void MainWindow::saveProject(const QString& path) {
  projects_->save(path);
  recent_->add(projectPath());
  setTitle(path);
  statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

// ---------------------------------------------------------------- window plumbing

bool MainWindow::saveScreenshot(const QString& path) {
  const QImage img = grab().toImage();
  QSaveFile file(path);
  if (img.isNull() || !file.open(QIODevice::WriteOnly) || !img.save(&file, "PNG")) return false;
  return file.commit();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile())
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.first().isLocalFile()) return;
  event->acceptProposedAction();
  open(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (session_->isTraining()) {
    if (reporter_->showDialogs() &&
        QMessageBox::question(this, tr("Training is running"), tr("Stop the training and quit?")) !=
            QMessageBox::Yes) {
      event->ignore();
      return;
    }
    session_->stopTraining();
    session_->waitForTraining();
  }
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  event->accept();
}

}  // namespace mollichrom::ui
