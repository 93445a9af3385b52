#include "ui/app/MainWindow.h"

#include "core/export/ResultExport.h"
#include "core/prep/NucleusLabels.h"
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "core/train/Trainer.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/ExportController.h"
#include "ui/app/GuideDialog.h"
#include "ui/app/ProgressIndicator.h"
#include "ui/app/ProjectController.h"
#include "ui/app/StatusTexts.h"
#include "ui/app/TimeBar.h"
#include "ui/docks/DataDock.h"
#include "ui/docks/DatasetDialog.h"
#include "ui/docks/LogDock.h"
#include "ui/docks/NucleiDock.h"
#include "ui/docks/TrainingDock.h"
#include "ui/panels/PanelGrid.h"
#include "ui/panels/PanelWidget.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <cstdio>

namespace mollichrom::ui {

namespace {
constexpr int kMaxRecent = 8;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("Mollichrom"));
  setAcceptDrops(true);
  session_ = new AnalysisSession(this);
  panels_ = new PanelGrid(this);
  panels_->setInputs([this]() -> std::optional<PanelInputs> {
    const auto d = session_->data();
    if (!d) return std::nullopt;
    PanelInputs in;
    in.fields = d->fields.get();
    in.frame = currentFrame();
    in.direct = d->hasDirect ? &d->direct : nullptr;
    in.snapshot = session_->snapshot().get();
    in.result = session_->result().get();
    return in;
  });
  connect(panels_, &PanelGrid::hovered, this,
          [this](const QString& text) { statusBar()->showMessage(text, 4000); });
  connect(panels_, &PanelGrid::pixelClicked, this, [this](int x, int y) { selectNucleusAt(x, y); });
  // Above the panels: the data checks' warnings (issue 13), hidden when there are none.
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  warningBanner_ = new QLabel(central);
  warningBanner_->setObjectName(QStringLiteral("warningBanner"));
  warningBanner_->setWordWrap(true);
  warningBanner_->setStyleSheet(
      QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 6px; border-bottom: "
                     "1px solid #e0c36a; }"));
  warningBanner_->setVisible(false);
  layout->addWidget(warningBanner_);
  layout->addWidget(panels_, 1);
  setCentralWidget(central);

  exporter_ = new ExportController(
      session_, [this] { return runDescription(); }, this);
  connect(exporter_, &ExportController::info, this,
          [this](const QString& t) { logDock_->info(t); });
  connect(exporter_, &ExportController::failed, this, &MainWindow::showError);
  buildActions();
  buildDocks();
  ProjectController::Parts parts;
  parts.session = session_;
  parts.dataDock = dataDock_;
  parts.trainingDock = trainingDock_;
  parts.panels = panels_;
  parts.exporter = exporter_;
  parts.frame = [this] { return currentFrame(); };
  parts.setFrame = [this](int t) { setFrame(t); };
  projects_ = new ProjectController(parts, this);
  connect(projects_, &ProjectController::info, this,
          [this](const QString& t) { logDock_->info(t); });
  projects_->setLocateData([this](const QString& project, const QStringList& tried) -> QString {
    if (!showDialogs_) return {};
    QMessageBox box(QMessageBox::Question, tr("Data not found"),
                    tr("The data of %1 was not found.").arg(QFileInfo(project).fileName()),
                    QMessageBox::Cancel, this);
    box.setInformativeText(tr("Looked in:\n%1").arg(tried.join(QLatin1Char('\n'))));
    QPushButton* locate = box.addButton(tr("Locate…"), QMessageBox::AcceptRole);
    box.exec();
    if (box.clickedButton() != locate) return {};
    return QFileDialog::getOpenFileName(this,
                                        tr("Locate %1").arg(QFileInfo(tried.value(0)).fileName()),
                                        QFileInfo(project).absolutePath(),
                                        tr("Stacks (*.tif *.tiff *.ome.tif *.png);;All files (*)"));
  });
  buildTimeBar();
  buildMenus();
  progress_ = new ProgressIndicator(this);
  progress_->setVisible(false);
  statusBar()->addPermanentWidget(progress_);
  cancelLoad_ = new QToolButton(this);
  cancelLoad_->setObjectName(QStringLiteral("cancelLoad"));
  cancelLoad_->setText(tr("Cancel"));
  cancelLoad_->setToolTip(
      tr("Stop reading the stack or computing its preview (the data open before stays)"));
  cancelLoad_->setVisible(false);
  connect(cancelLoad_, &QToolButton::clicked, this, &MainWindow::cancelLoading);
  statusBar()->addPermanentWidget(cancelLoad_);
  connectSession();
  statusBar()->showMessage(tr("Ready — File ▸ Open stack, or drop a stack on the window"));
  resize(1400, 900);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  rebuildRecentMenu();
  panels_->refresh();
  updateActions();
  logDock_->info(QString::fromStdString(mollichromVersion()).prepend(tr("Mollichrom ")));
}

MainWindow::~MainWindow() = default;  // the session (a child) cancels and joins its tasks

PanelWidget* MainWindow::panelWidget(int index) const { return panels_->panel(index); }
VtkView* MainWindow::panel(int index) const { return panels_->panel(index)->view(); }

void MainWindow::buildActions() {
  startAction_ = new QAction(tr("Start"), this);
  startAction_->setObjectName(QStringLiteral("startAction"));
  startAction_->setShortcut(Qt::CTRL | Qt::Key_R);
  pauseAction_ = new QAction(tr("Pause"), this);
  pauseAction_->setObjectName(QStringLiteral("pauseAction"));
  pauseAction_->setCheckable(true);
  pauseAction_->setShortcut(Qt::CTRL | Qt::Key_P);
  pauseAction_->setToolTip(tr("Pause or resume training (Ctrl+P); the time paused does not count"));
  stopAction_ = new QAction(tr("Stop"), this);
  stopAction_->setObjectName(QStringLiteral("stopAction"));
  stopAction_->setShortcut(Qt::CTRL | Qt::Key_Period);
  stopAction_->setToolTip(tr("Stop training and keep the result so far (Ctrl+.)"));
  connect(startAction_, &QAction::triggered, this, &MainWindow::startTraining);
  connect(pauseAction_, &QAction::toggled, this, &MainWindow::setPaused);
  connect(stopAction_, &QAction::triggered, this, &MainWindow::stopTraining);
}

void MainWindow::buildDocks() {
  dataDock_ = new DataDock(this);
  trainingDock_ = new TrainingDock(startAction_, pauseAction_, stopAction_, this);
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
  connect(dataDock_, &DataDock::propertiesRequested, this, [this] {
    const auto d = session_->data();
    if (!d) return;
    DataSettings s = dataDock_->settings();
    DatasetDialog dialog(d->info, s.prep.pixelSizeUm, s.prep.frameIntervalS, this);
    if (dialog.exec() != QDialog::Accepted) return;
    s.prep.pixelSizeUm = dialog.pixelSizeUm();
    s.prep.frameIntervalS = dialog.frameIntervalS();
    dataDock_->setSettings(s);
    applyDataSettings();
  });
}

void MainWindow::buildTimeBar() {
  timeBar_ = new TimeBar(this);
  addToolBar(timeBar_);
  connect(timeBar_, &TimeBar::frameChanged, this, [this] { panels_->refresh(true); });
  auto* trainBar = addToolBar(tr("Training"));
  trainBar->setObjectName(QStringLiteral("trainingToolbar"));
  trainBar->addActions({startAction_, pauseAction_, stopAction_});
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open stack or project…"), QKeySequence::Open, this, [this] {
    const QString f =
        QFileDialog::getOpenFileName(this, tr("Open"), QString(),
                                     tr("Stacks and projects (*.tif *.tiff *.ome.tif *.png "
                                        "*.mchrom);;Projects (*.mchrom);;All files (*)"));
    if (!f.isEmpty()) open(f);
  });
  recentMenu_ = file->addMenu(tr("Open &recent"));
  file->addSeparator();
  file->addAction(tr("&Save project"), QKeySequence::Save, this,
                  [this] { saveProjectInteractively(projectPath()); });
  file->addAction(tr("Save project &as…"), QKeySequence::SaveAs, this,
                  [this] { saveProjectInteractively({}); });
  file->addSeparator();
  resultActions_ << exporter_->addMenuActions(file->addMenu(tr("&Export")));
  resultActions_ << file->addAction(tr("Save &screenshot…"), this, [this] {
    const QString f = QFileDialog::getSaveFileName(
        this, tr("Save screenshot"), QStringLiteral("mollichrom.png"), tr("PNG (*.png)"));
    if (!f.isEmpty() && !saveScreenshot(f))
      showError(tr("Could not save the screenshot"), f, tr("The file could not be written."));
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  auto* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d :
       {static_cast<QDockWidget*>(dataDock_), static_cast<QDockWidget*>(trainingDock_),
        static_cast<QDockWidget*>(logDock_)})
    view->addAction(d->toggleViewAction());
  view->addAction(tr("Fit images"), this, &MainWindow::fitImages);
  view->addAction(tr("Zoom in"), QKeySequence::ZoomIn, this, [this] { zoomImages(1.5); });
  view->addAction(tr("Zoom out"), QKeySequence::ZoomOut, this, [this] { zoomImages(1 / 1.5); });
  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Guide"), QKeySequence::HelpContents, this, [this] {
    // Not modal: the guide stays open beside the window while the user works.
    auto* guide = findChild<GuideDialog*>();
    if (!guide) guide = new GuideDialog(this);
    guide->show();
    guide->raise();
  });
  help->addAction(tr("&About Mollichrom"), this, [this] {
    QMessageBox::about(this, tr("About Mollichrom"),
                       QString::fromStdString(versionReport("Mollichrom")));
  });
}

void MainWindow::connectSession() {
  connect(session_, &AnalysisSession::loadStarted, this,
          [this](const QString& path, bool readsFile) {
            statusBar()->showMessage(readsFile ? tr("Loading %1 …").arg(path)
                                               : tr("Preparing %1 …").arg(path));
            logDock_->info(readsFile ? tr("Loading %1").arg(path)
                                     : tr("Re-preparing %1 with the new settings").arg(path));
            dataDock_->setBusy(true);
            progress_->setFraction(0, readsFile ? tr("loading") : tr("preparing"));
            progress_->setVisible(true);
            cancelLoad_->setVisible(true);
            updateActions();
          });
  connect(session_, &AnalysisSession::progress, this,
          [this](double fraction, const QString& stage) {
            progress_->setFraction(fraction, QStringLiteral("%1 %2 %")
                                                 .arg(stage.isEmpty() ? tr("loading") : stage)
                                                 .arg(int(100 * fraction)));
          });
  connect(session_, &AnalysisSession::loaded, this, &MainWindow::onLoaded);
  const auto loadEnded = [this] {
    dataDock_->setBusy(false);
    progress_->setVisible(false);
    cancelLoad_->setVisible(false);
    projects_->clearPending();
    startAfterApply_ = false;
    updateActions();
  };
  connect(session_, &AnalysisSession::loadCanceled, this, [this, loadEnded](const QString& path) {
    loadEnded();
    statusBar()->showMessage(tr("Loading canceled"), 5000);
    logDock_->info(tr("Loading %1 canceled").arg(path));
    Q_EMIT openFailed(tr("canceled"));
  });
  connect(session_, &AnalysisSession::loadFailed, this,
          [this, loadEnded](const QString& path, const QString& error) {
            loadEnded();
            statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 5000);
            showError(tr("Could not open stack"),
                      tr("%1 could not be opened.").arg(QFileInfo(path).fileName()), error);
            Q_EMIT openFailed(error);
          });
  connect(session_, &AnalysisSession::previewFinished, this, &MainWindow::onPreviewFinished);
  connect(session_, &AnalysisSession::snapshotReady, this, &MainWindow::onSnapshot);
  connect(session_, &AnalysisSession::trainingFinished, this, &MainWindow::onTrainingFinished);
  connect(session_, &AnalysisSession::trainingRefused, this, [this](const QString& msg) {
    statusBar()->showMessage(tr("Training refused: not enough memory"));
    showError(
        tr("Not enough memory"),
        tr("%1 is too large to train with the memory limit.")
            .arg(QFileInfo(stackPath()).fileName()),
        msg + tr(" (in the Data dock: frame range, crop or binning; Settings ▸ memory limit)"));
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
  if (isBusy()) {
    statusBar()->showMessage(tr("Busy — wait for the current work to finish or stop the training"),
                             4000);
    return;
  }
  QString error;
  if (!projects_->open(path, &error)) {
    showError(tr("Could not open the project"),
              tr("%1 could not be opened.").arg(QFileInfo(path).fileName()), error);
    Q_EMIT openFailed(error);
    return;
  }
  addRecent(projectPath());
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
  if (!session_->load(path, settings, trainingDock_->settings().params))
    statusBar()->showMessage(tr("Busy — wait for the current work to finish or stop the training"),
                             4000);
}

void MainWindow::cancelLoading() { session_->cancelLoading(); }

void MainWindow::onLoaded() {
  const auto d = session_->data();
  const prep::FieldData& f = *d->fields;
  dataDock_->setBusy(false);
  addRecent(d->path);
  if (!projects_->hasPending())
    setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(d->path).fileName()));
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
  const QString summary = stackSummary(d->path, f);
  logDock_->info(summary);
  QStringList warnings;
  for (const auto& w : f.warnings) {
    warnings << QStringLiteral("⚠ ") + QString::fromStdString(w.message);
    logDock_->warning(QString::fromStdString(w.message));
  }
  showWarnings(warnings);
  trainingDock_->setSteadyState(f.frames() < 3);  // one or two frames: the steady-state snapshot
  refreshNuclei();
  Q_EMIT stackOpened(d->path);
  if (!f.viewOnlyReason.empty()) {
    statusBar()->showMessage(summary + tr(" — for looking only: λ needs two channels"));
    progress_->setVisible(false);
    cancelLoad_->setVisible(false);
    startAfterApply_ = false;
    finishOpening();
    return;
  }
  statusBar()->showMessage(summary + tr(" — computing the direct λ preview …"));
  progress_->setFraction(0, tr("direct estimate"));
  updateActions();
}

void MainWindow::onPreviewFinished(const QString& error, bool canceled) {
  progress_->setVisible(false);
  cancelLoad_->setVisible(false);
  const auto d = session_->data();
  if (canceled) {
    startAfterApply_ = false;
    statusBar()->showMessage(tr("λ preview canceled: Start computes it with the training"));
    logDock_->info(tr("direct λ preview canceled"));
  } else if (!d->hasDirect) {
    statusBar()->showMessage(tr("No λ preview: %1").arg(error), 8000);
    logDock_->error(tr("direct estimate failed: %1").arg(error));
  } else {
    const QString text = previewSummary(d->direct);
    statusBar()->showMessage(text);
    logDock_->info(text);
  }
  panels_->refresh();
  refreshNuclei();
  finishOpening();
}

void MainWindow::finishOpening() {
  updateActions();
  if (projects_->hasPending()) {
    const QString problem = projects_->restorePending();
    if (!problem.isEmpty()) {
      logDock_->error(tr("the project's results could not be read: %1").arg(problem));
      showError(tr("Project results missing"),
                tr("The settings were restored, but not the results."), problem);
    }
    refreshNuclei();
    setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(projectPath()).fileName()));
    updateActions();
    Q_EMIT projectRestored(projectPath());
  }
  Q_EMIT previewReady();
  if (std::exchange(startAfterApply_, false)) startTraining();
}

// ---------------------------------------------------------------- training

void MainWindow::setTrainingLength(int steps, double timeBudgetSeconds) {
  trainSteps_ = steps;
  trainBudget_ = timeBudgetSeconds;
}

void MainWindow::startTraining() {
  if (!session_->data() || isBusy()) return;
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
  {
    const QSignalBlocker block(pauseAction_);
    pauseAction_->setChecked(false);
    pauseAction_->setText(tr("Pause"));
  }
  progress_->setFraction(0, tr("starting"));
  progress_->setVisible(true);
  statusBar()->showMessage(tr("Training …"));
  logDock_->info(
      tr("Training started: %1 engine, %2 network, %3 steps%4, seed %5")
          .arg(QString::fromStdString(train::engineName(s.config.engine)),
               QString::fromStdString(train::archName(s.config.arch)))
          .arg(s.config.steps > 0 ? s.config.steps : train::kDefaultSteps)
          .arg(s.config.timeBudget > 0 ? tr(" (at most %1 s)").arg(s.config.timeBudget) : QString())
          .arg(s.config.seed));
  panels_->refresh();
  updateActions();
}

void MainWindow::setPaused(bool paused) {
  if (!isTraining()) return;
  session_->setPaused(paused);
  pauseAction_->setText(paused ? tr("Resume") : tr("Pause"));
  // Paused stays said (no timeout) until resumed: issue 14 saw the text vanish after 4 s.
  if (paused)
    statusBar()->showMessage(tr("Training paused at step %1 — Resume (%2) or Stop (%3)")
                                 .arg(session_->snapshot() ? session_->snapshot()->step : 0)
                                 .arg(pauseAction_->shortcut().toString(QKeySequence::NativeText),
                                      stopAction_->shortcut().toString(QKeySequence::NativeText)));
  else
    statusBar()->showMessage(tr("Training resumed"), 4000);
  progress_->setFraction(progress_->fraction(),
                         paused ? tr("paused") : tr("%1 %").arg(int(100 * progress_->fraction())));
  logDock_->info(paused ? tr("Training paused") : tr("Training resumed"));
}

void MainWindow::stopTraining() {
  session_->stopTraining();
  stopAction_->setEnabled(false);
  pauseAction_->setEnabled(false);
}

void MainWindow::onSnapshot() {
  const auto s = session_->snapshot();
  panels_->refreshLive();
  progress_->setFraction(s->fraction, tr("training %1 %").arg(int(100 * s->fraction)));
  statusBar()->showMessage(tr("Training: step %1, loss %2, M %3, Γ_ac %4 — ETA %5 s")
                               .arg(s->step)
                               .arg(s->losses.empty() ? 0.0 : s->losses.back().total, 0, 'g', 4)
                               .arg(s->M, 0, 'g', 3)
                               .arg(s->gammaAc, 0, 'g', 3)
                               .arg(s->etaSeconds(), 0, 'f', 0));
  Q_EMIT trainingSnapshot(s->step);
}

void MainWindow::onTrainingFinished(const QString& error, bool canceled) {
  progress_->setVisible(false);
  const auto result = session_->result();
  if (!error.isEmpty()) {
    // Stays in the status bar (no timeout) until the next message: the run did not finish.
    statusBar()->showMessage(tr("Training failed: %1").arg(error));
    showError(tr("Training failed"), tr("The training stopped with an error."), error);
    Q_EMIT trainingFailed(error);
  } else if (result) {
    const RunReport report = runReport(*result, *session_->data()->fields, canceled);
    statusBar()->showMessage(report.headline, 10000);
    logDock_->info(report.headline);
    for (const QString& line : report.details) logDock_->info(line);
    // The fit verdict next to the answer: in the Log, and in the banner when it is not good.
    if (report.fitIsGood) {
      logDock_->info(report.fit);
    } else {
      logDock_->warning(report.fit);
      showWarnings(QStringList{warningText(), QStringLiteral("⚠ ") + report.fit});
    }
  }
  panels_->refresh();
  refreshNuclei();
  updateActions();
  Q_EMIT trainingFinished(canceled);
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

void MainWindow::updateActions() {
  const auto d = session_->data();
  const bool training = session_->isTraining(), loading = session_->isLoading();
  const bool lookOnly = d && !d->fields->viewOnlyReason.empty();
  startAction_->setEnabled(d && !training && !loading && !lookOnly);
  startAction_->setToolTip(
      lookOnly ? tr("Cannot train: %1").arg(QString::fromStdString(d->fields->viewOnlyReason))
               : tr("Start training (Ctrl+R)"));
  pauseAction_->setEnabled(training);
  stopAction_->setEnabled(training);
  for (QAction* a : resultActions_)
    a->setEnabled(d && !loading && (d->hasDirect || session_->result()));
}

// ---------------------------------------------------------------- state, exports, projects

bool MainWindow::isBusy() const { return session_->isBusy(); }
bool MainWindow::isTraining() const { return session_->isTraining(); }
bool MainWindow::hasTrainedResult() const { return session_->result() != nullptr; }
int MainWindow::frameCount() const {
  return session_->data() ? session_->data()->fields->frames() : 0;
}
int MainWindow::currentFrame() const { return timeBar_->frame(); }
void MainWindow::setFrame(int t) { timeBar_->setFrame(t); }
QString MainWindow::stackPath() const { return session_->path(); }
DataSettings MainWindow::appliedDataSettings() const {
  return session_->data() ? session_->data()->settings : DataSettings{};
}
bool MainWindow::lastLoadReadTheFile() const {
  return session_->data() && session_->data()->reread;
}
double MainWindow::memoryLimitMb() const { return session_->memoryLimitMb(); }
void MainWindow::setMemoryLimitMb(double mb) { session_->setMemoryLimitMb(mb); }
void MainWindow::fitImages() { panels_->fitImages(); }
void MainWindow::zoomImages(double factor) { panels_->zoom(factor); }
QString MainWindow::projectPath() const { return projects_->path(); }
void MainWindow::setLocateDataHandler(
    std::function<QString(const QString&, const QStringList&)> h) {
  projects_->setLocateData(std::move(h));
}

exporting::RunDescription MainWindow::runDescription() const {
  const TrainingSettings t = trainingDock_->settings();
  return {"mollichrom",
          stackPath().toStdString(),
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
  addRecent(projectPath());
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(path).fileName()));
  statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

void MainWindow::saveProjectInteractively(QString path) {
  if (path.isEmpty())
    path = QFileDialog::getSaveFileName(this, tr("Save project"), QString(),
                                        tr("Mollichrom projects (*.mchrom)"));
  if (path.isEmpty()) return;
  if (!path.endsWith(QStringLiteral(".mchrom"))) path += QStringLiteral(".mchrom");
  try {
    saveProject(path);
  } catch (const std::exception& e) {
    showError(tr("Could not save the project"), path, e.what());
  }
}

// ---------------------------------------------------------------- window plumbing

void MainWindow::showError(const QString& title, const QString& text, const QString& details) {
  logDock_->error(QStringLiteral("%1 %2").arg(text, details));
  if (!showDialogs_) {
    std::fprintf(stderr, "mollichrom: %s\n", qPrintable(details));
    return;
  }
  QMessageBox box(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
  box.setInformativeText(details);
  box.setDetailedText(details);
  box.setObjectName(QStringLiteral("errorDialog"));
  box.exec();
}

void MainWindow::showWarnings(const QStringList& lines) {
  QStringList kept;
  for (const QString& l : lines)
    if (!l.isEmpty()) kept << l;
  warningBanner_->setText(kept.join(QLatin1Char('\n')));
  warningBanner_->setVisible(!kept.isEmpty());
}

QString MainWindow::warningText() const {
  return warningBanner_->isVisibleTo(this) ? warningBanner_->text() : QString();
}

bool MainWindow::saveScreenshot(const QString& path) {
  const QImage img = grab().toImage();
  QSaveFile file(path);
  if (img.isNull() || !file.open(QIODevice::WriteOnly) || !img.save(&file, "PNG")) return false;
  return file.commit();
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList list = settings.value(QStringLiteral("recentFiles")).toStringList();
  const QString abs = QFileInfo(path).absoluteFilePath();
  list.removeAll(abs);
  list.prepend(abs);
  while (list.size() > kMaxRecent) list.removeLast();
  settings.setValue(QStringLiteral("recentFiles"), list);
  rebuildRecentMenu();
}

QStringList MainWindow::recentFiles() const {
  return QSettings().value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList list = recentFiles();
  for (const QString& f : list)
    recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] { open(f); })->setToolTip(f);
  recentMenu_->setEnabled(!list.isEmpty());
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
  if (isTraining()) {
    if (showDialogs_ &&
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
