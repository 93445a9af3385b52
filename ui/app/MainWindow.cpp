#include "ui/app/MainWindow.h"

#include "core/export/ResultExport.h"
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/ExportController.h"
#include "ui/app/GuiWords.h"
#include "ui/app/LocateDataDialog.h"
#include "ui/app/ProjectController.h"
#include "ui/app/RecentFiles.h"
#include "ui/app/SessionReporter.h"
#include "ui/app/TimeBar.h"
#include "ui/app/WindowMenus.h"
#include "ui/app/Workflow.h"
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
    return PanelInputs{d->fields.get(),
                       currentFrame(),
                       d->hasDirect ? &d->direct : nullptr,
                       session_->snapshot().get(),
                       session_->result().get(),
                       d->stack.get()};
  });
  connect(panels_, &PanelGrid::hovered, this,
          [this](const QString& text) { statusBar()->showMessage(text, 4000); });
  actions_ = TrainingActions::create(this);
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
      recentMenu, [this](const QString& f) { workflow_->open(f); }, this);
  workflow_ = new Workflow({session_, reporter_, panels_, projects_, recent_, dataDock_,
                            trainingDock_, logDock_, nucleiDock_, timeBar_, &actions_},
                           this);
  workflow_->setLeaveCheck([this] { return mayDropResults(); });
  connect(workflow_, &Workflow::titleChanged, this, &MainWindow::setTitle);
  // The Data dock's "Show" beside a channel: that channel as recorded, in the first panel.
  connect(dataDock_, &DataDock::showChannelRequested, this, [this](int channel) {
    panelWidget(0)->setContent(QStringLiteral("raw%1").arg(std::clamp(channel, 1, 4)));
  });
  connect(panels_, &PanelGrid::pixelClicked, workflow_, &Workflow::selectNucleusAt);
  connect(actions_.start, &QAction::triggered, workflow_, &Workflow::startTraining);
  connect(actions_.pause, &QAction::toggled, workflow_, &Workflow::setPaused);
  connect(actions_.stop, &QAction::triggered, workflow_, &Workflow::stopTraining);
  statusBar()->showMessage(tr("Ready — File ▸ Open stack, or drop a stack on the window"));
  resize(1400, 900);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  panels_->refresh();
  actions_.update(*session_);
  logDock_->info(QString::fromStdString(mollichromVersion()).prepend(tr("Mollichrom ")));
}

MainWindow::~MainWindow() = default;  // the session (a child) cancels and joins its tasks

void MainWindow::buildDocks() {
  dataDock_ = new DataDock(this);
  trainingDock_ = new TrainingDock(actions_.start, actions_.pause, actions_.stop, this);
  logDock_ = new LogDock(this);
  logDock_->setWording(guiWords);
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
}

void MainWindow::buildBars() {
  timeBar_ = new TimeBar(this);
  addToolBar(timeBar_);
  connect(timeBar_, &TimeBar::frameChanged, this, [this] { panels_->refresh(true); });
  auto* trainBar = addToolBar(tr("Training"));
  trainBar->setObjectName(QStringLiteral("trainingToolbar"));
  trainBar->addActions({actions_.start, actions_.pause, actions_.stop});
}

void MainWindow::setTitle(const QString& file) {
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(file).fileName()));
}

// ---------------------------------------------------------------- state, exports, projects

PanelWidget* MainWindow::panelWidget(int index) const { return panels_->panel(index); }
VtkView* MainWindow::panel(int index) const { return panels_->panel(index)->view(); }
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
  workflow_->open(urls.first().toLocalFile());
}

bool MainWindow::mayDropResults() {
  if (!session_->hasUnsavedResult() || !reporter_->showDialogs()) return true;
  const QMessageBox::StandardButton choice =
      unsavedHandler_
          ? unsavedHandler_()
          : QMessageBox::question(
                this, tr("Unsaved results"),
                tr("The trained result of %1 is not saved in a project. Save it first?")
                    .arg(QFileInfo(session_->path()).fileName()),
                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (choice == QMessageBox::Discard) return true;
  if (choice != QMessageBox::Save) return false;
  return saveProjectInteractively(*this, *reporter_, projectPath()) &&
         !session_->hasUnsavedResult();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!session_->isTraining() && !mayDropResults()) {
    event->ignore();
    return;
  }
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
