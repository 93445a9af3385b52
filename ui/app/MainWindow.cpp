#include "ui/app/MainWindow.h"

#include "core/export/ResultExport.h"
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/runtime/ErrorText.h"
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "core/train/DirectEstimator.h"
#include "core/train/MemoryPlan.h"
#include "core/train/Trainer.h"
#include "core/util/Feedback.h"
#include "ui/app/GuideDialog.h"
#include "ui/app/ProgressIndicator.h"
#include "ui/app/ProjectFile.h"
#include "ui/app/Settings.h"
#include "ui/app/TrainingWorker.h"
#include "ui/docks/DataDock.h"
#include "ui/docks/DatasetDialog.h"
#include "ui/docks/HistogramWidget.h"
#include "ui/docks/LogDock.h"
#include "ui/docks/NucleiDock.h"
#include "core/prep/NucleusLabels.h"
#include "ui/docks/TrainingDock.h"
#include "ui/panels/PanelContent.h"
#include "ui/panels/PanelWidget.h"
#include "ui/vtk/ImagePanel.h"
#include "ui/vtk/VtkView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QVBoxLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkNew.h>

#include <cmath>
#include <cstdio>

namespace mollichrom::ui {

namespace {
constexpr int kMaxRecent = 8;
// The data, the answer, the network's λ live while it trains, the loss curves (the
// derivatives are one choice away in each selector).
const char* kDefaultPanels[4] = {"density", "lambda", "lambda_trained", "losses"};

ChannelHistogram histogramOf(const io::Stack& stack, int channel, int slice) {
  ChannelHistogram h;
  const auto& info = stack.info();
  if (channel < 1 || channel > info.channels) return h;
  double lo = INFINITY, hi = -INFINITY;
  for (int t = 0; t < info.frames; ++t) {
    cv::Mat f;
    stack.plane(t, channel - 1, slice).convertTo(f, CV_32F);
    double a, b;
    cv::minMaxLoc(f, &a, &b, nullptr, nullptr, f == f);
    lo = std::min(lo, a);
    hi = std::max(hi, b);
  }
  if (!(hi > lo)) return h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(128, 0.0);
  const double scale = 128 / (hi - lo);
  for (int t = 0; t < info.frames; ++t) {
    cv::Mat f;
    stack.plane(t, channel - 1, slice).convertTo(f, CV_32F);
    for (int y = 0; y < f.rows; ++y)
      for (const float *v = f.ptr<float>(y), *end = v + f.cols; v < end; ++v)
        if (std::isfinite(*v)) h.counts[size_t(std::clamp(int((*v - lo) * scale), 0, 127))] += 1;
  }
  return h;
}
}  // namespace

// Everything a worker produces for the GUI thread; read-only once handed over.
struct LoadedData {
  QString path;
  QString error;
  bool canceled = false;
  io::StackInfo info;  // of the file, before crop and binning
  DataSettings settings;
  std::shared_ptr<const prep::FieldData> fields;
  ChannelHistogram histDensity, histHetero;
  train::DirectEstimate direct;
  bool hasDirect = false;
  models::ParameterChoice directParams;  // what the preview was computed with
  // The stack as read (crop, frames, binning applied), kept while small enough so an Apply that
  // changes only the mapping or the mask re-prepares without re-reading the file (issue 14).
  std::shared_ptr<const io::Stack> stack;
  QDateTime modified;  // the file's, when read: a changed file is read again
  bool reread = true;  // whether this load read the file
};

namespace {
// Raw stacks up to this size stay in memory for a quick Apply (and at most a quarter of the
// run's memory limit): above it a re-read costs less than holding the copy.
constexpr double kKeepStackMb = 1024;
}  // namespace

// Whether two parameter choices give the same direct estimate (values and what is fixed).
static bool sameParameters(const models::ParameterChoice& a, const models::ParameterChoice& b) {
  return a.fixM == b.fixM && a.fixGamma == b.fixGamma && a.values.M == b.values.M &&
         a.values.gammaAc == b.values.gammaAc && a.values.ell == b.values.ell &&
         a.values.phiMax == b.values.phiMax;
}

// The camera shared by the image layers of all panels (linked pan/zoom). When one panel's
// interactor moves it, the others must redraw; rendering itself also touches the camera
// (clipping range), so only a change of what is seen triggers redraws.
struct MainWindow::CameraLink {
  vtkNew<vtkCamera> camera;
  std::array<double, 7> last{};
};

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), camera_(std::make_unique<CameraLink>()) {
  setWindowTitle(QStringLiteral("Mollichrom"));
  setAcceptDrops(true);
  camera_->camera->ParallelProjectionOn();
  camera_->camera->AddObserver(vtkCommand::ModifiedEvent, this, &MainWindow::onCameraModified);

  // Four resizable panels: two splitters in a splitter.
  auto* rows = new QSplitter(Qt::Vertical, this);
  rows->setObjectName(QStringLiteral("panelRows"));
  for (int r = 0; r < 2; ++r) {
    auto* row = new QSplitter(Qt::Horizontal, rows);
    row->setObjectName(QStringLiteral("panelRow%1").arg(r));
    for (int c = 0; c < 2; ++c) {
      const int i = r * 2 + c;
      auto* p = new PanelWidget(i, row);
      p->setSharedCamera(camera_->camera);
      panels_[size_t(i)] = p;
      row->addWidget(p);
      connect(p, &PanelWidget::contentChanged, this,
              [this](int index, const QString&) { refreshPanel(index); });
      connect(p, &PanelWidget::hovered, this,
              [this](const QString& text) { statusBar()->showMessage(text, 4000); });
      connect(p, &PanelWidget::pixelClicked, this,
              [this](int x, int y) { selectNucleusAt(x, y); });
    }
    rows->addWidget(row);
  }
  // Above the panels: the data checks' warnings (issue 13), hidden when there are none.
  auto* central = new QWidget(this);
  auto* centralLayout = new QVBoxLayout(central);
  centralLayout->setContentsMargins(0, 0, 0, 0);
  centralLayout->setSpacing(0);
  warningBanner_ = new QLabel(central);
  warningBanner_->setObjectName(QStringLiteral("warningBanner"));
  warningBanner_->setWordWrap(true);
  warningBanner_->setStyleSheet(QStringLiteral(
      "QLabel { background: #fff3cd; color: #664d03; padding: 6px; border-bottom: 1px solid #e0c36a; }"));
  warningBanner_->setVisible(false);
  centralLayout->addWidget(warningBanner_);
  centralLayout->addWidget(rows, 1);
  setCentralWidget(central);
  for (int i = 0; i < 4; ++i)
    panels_[size_t(i)]->setContent(QString::fromLatin1(kDefaultPanels[i]));

  worker_ = new TrainingWorker(this);
  connect(worker_, &TrainingWorker::snapshot, this, &MainWindow::onSnapshot);
  connect(worker_, &TrainingWorker::finished, this, &MainWindow::onTrainingDone);
  connect(worker_, &TrainingWorker::progress, this, [this](double fraction, const QString& what) {
    if (worker_->isPaused()) return;
    progress_->setFraction(fraction, QStringLiteral("%1 %2 %").arg(what).arg(int(100 * fraction)));
  });

  startAction_ = new QAction(tr("Start"), this);
  startAction_->setObjectName(QStringLiteral("startAction"));
  startAction_->setShortcut(Qt::CTRL | Qt::Key_R);
  startAction_->setToolTip(tr("Start training (Ctrl+R)"));
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
  connect(nucleiDock_, &NucleiDock::nucleusSelected, this, [this](int label) {
    for (const auto& r : nucleiDock_->rows())
      if (r.label == label) statusBar()->showMessage(NucleiDock::describe(r));
  });
  dataDock_->setMinimumWidth(310);
  trainingDock_->setMinimumWidth(310);
  resizeDocks({logDock_}, {130}, Qt::Vertical);
  connect(dataDock_, &DataDock::applyRequested, this, &MainWindow::applyDataSettings);
  connect(dataDock_, &DataDock::propertiesRequested, this, [this] {
    if (!data_) return;
    DataSettings s = dataDock_->settings();
    DatasetDialog dialog(data_->info, s.prep.pixelSizeUm, s.prep.frameIntervalS, this);
    if (dialog.exec() != QDialog::Accepted) return;
    s.prep.pixelSizeUm = dialog.pixelSizeUm();
    s.prep.frameIntervalS = dialog.frameIntervalS();
    dataDock_->setSettings(s);
    applyDataSettings();
  });

  locateData_ = [this](const QString& project, const QStringList& tried) -> QString {
    if (!showDialogs_) return {};
    QMessageBox box(QMessageBox::Question, tr("Data not found"),
                    tr("The data of %1 was not found.").arg(QFileInfo(project).fileName()),
                    QMessageBox::Cancel, this);
    box.setInformativeText(tr("Looked in:\n%1").arg(tried.join(QLatin1Char('\n'))));
    QPushButton* locate = box.addButton(tr("Locate…"), QMessageBox::AcceptRole);
    box.exec();
    if (box.clickedButton() != locate) return {};
    return QFileDialog::getOpenFileName(this, tr("Locate %1").arg(QFileInfo(tried.value(0)).fileName()),
                                        QFileInfo(project).absolutePath(),
                                        tr("Stacks (*.tif *.tiff *.ome.tif *.png);;All files (*)"));
  };
  buildTimeBar();
  buildMenus();
  progress_ = new ProgressIndicator(this);
  progress_->setVisible(false);
  statusBar()->addPermanentWidget(progress_);
  cancelLoad_ = new QToolButton(this);
  cancelLoad_->setObjectName(QStringLiteral("cancelLoad"));
  cancelLoad_->setText(tr("Cancel"));
  cancelLoad_->setToolTip(tr("Stop reading the stack (the data open before stays)"));
  cancelLoad_->setVisible(false);
  connect(cancelLoad_, &QToolButton::clicked, this, &MainWindow::cancelLoading);
  statusBar()->addPermanentWidget(cancelLoad_);
  connect(&loadWatcher_, &QFutureWatcher<std::shared_ptr<LoadedData>>::finished, this,
          &MainWindow::onLoaded);
  connect(&previewWatcher_, &QFutureWatcher<std::shared_ptr<LoadedData>>::finished, this,
          &MainWindow::onPreview);
  statusBar()->showMessage(tr("Ready — File ▸ Open stack, or drop a stack on the window"));
  resize(1400, 900);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  rebuildRecentMenu();
  updateActions();
  logDock_->info(QString::fromStdString(mollichromVersion()).prepend(tr("Mollichrom ")));
}

MainWindow::~MainWindow() {
  worker_->cancel();
  worker_->wait();
  loadWatcher_.waitForFinished();
  previewWatcher_.waitForFinished();
  camera_->camera->RemoveAllObservers();
}

VtkView* MainWindow::panel(int index) const { return panelWidget(index)->view(); }

void MainWindow::buildTimeBar() {
  auto* bar = addToolBar(tr("Time"));
  bar->setObjectName(QStringLiteral("timeToolbar"));
  playAction_ = bar->addAction(tr("Play"));
  playAction_->setObjectName(QStringLiteral("playAction"));
  playAction_->setCheckable(true);
  playTimer_ = new QTimer(this);
  playTimer_->setInterval(150);
  connect(playAction_, &QAction::toggled, this, [this](bool on) {
    playAction_->setText(on ? tr("Pause playback") : tr("Play"));
    if (on)
      playTimer_->start();
    else
      playTimer_->stop();
  });
  connect(playTimer_, &QTimer::timeout, this, [this] {
    if (frameCount() > 1) timeSlider_->setValue((timeSlider_->value() + 1) % frameCount());
  });
  timeLabel_ = new QLabel(tr("frame –"), bar);
  timeLabel_->setObjectName(QStringLiteral("frameLabel"));
  timeSlider_ = new QSlider(Qt::Horizontal, bar);
  timeSlider_->setObjectName(QStringLiteral("timeSlider"));
  timeSlider_->setToolTip(tr("Frame shown in the per-frame panels"));
  timeSlider_->setEnabled(false);
  timeSlider_->setMinimumWidth(300);
  bar->addWidget(timeSlider_);
  bar->addWidget(timeLabel_);
  connect(timeSlider_, &QSlider::valueChanged, this, [this](int t) {
    if (!data_) return;
    const auto& f = *data_->fields;
    timeLabel_->setText(
        tr("  frame %1/%2, t = %3 s").arg(t + 1).arg(f.frames()).arg(t * f.dt, 0, 'g', 4));
    refreshPanels(true);
  });
  auto* trainBar = addToolBar(tr("Training"));
  trainBar->setObjectName(QStringLiteral("trainingToolbar"));
  trainBar->addAction(startAction_);
  trainBar->addAction(pauseAction_);
  trainBar->addAction(stopAction_);
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
                  [this] { saveProjectInteractively(projectPath_); });
  file->addAction(tr("Save project &as…"), QKeySequence::SaveAs, this,
                  [this] { saveProjectInteractively({}); });
  file->addSeparator();
  auto* exportMenu = file->addMenu(tr("&Export"));
  resultActions_ << exportMenu->addAction(tr("λ map (TIFF, CSV, PNG)…"), this, [this] {
    const QString f = QFileDialog::getSaveFileName(
        this, tr("Export λ map"), QStringLiteral("lambda.tif"), tr("TIFF (*.tif)"));
    if (f.isEmpty()) return;
    QString base = f;
    if (base.endsWith(QStringLiteral(".tif"))) base.chop(4);
    try {
      exportLambda(base);
    } catch (const std::exception& e) {
      showError(tr("Export failed"), f, e.what());
    }
  });
  resultActions_ << exportMenu->addAction(tr("Current fields (TIFF)…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the fields into"));
    if (dir.isEmpty() || !snapshot_) return;
    try {
      exporting::writeFieldFiles(dir.toStdString(), snapshot_->fields,
                                 exporting::calibrationOf(*data_->fields));
      logDock_->info(tr("Exported %1 fields to %2").arg(snapshot_->fields.size()).arg(dir));
    } catch (const std::exception& e) {
      showError(tr("Export failed"), dir, e.what());
    }
  });
  resultActions_ << exportMenu->addAction(tr("Losses (CSV)…"), this, [this] {
    const QString f = QFileDialog::getSaveFileName(this, tr("Export losses"),
                                                   QStringLiteral("losses.csv"), tr("CSV (*.csv)"));
    if (f.isEmpty()) return;
    try {
      exporting::writeLossesCsv(f.toStdString(), currentResult()->losses);
      logDock_->info(tr("Exported the losses to %1").arg(f));
    } catch (const std::exception& e) {
      showError(tr("Export failed"), f, e.what());
    }
  });
  resultActions_ << exportMenu->addAction(tr("Summary (JSON)…"), this, [this] {
    const QString f = QFileDialog::getSaveFileName(
        this, tr("Export summary"), QStringLiteral("summary.json"), tr("JSON (*.json)"));
    if (f.isEmpty()) return;
    try {
      exporting::writeSummaryJson(f.toStdString(), *currentResult(), *data_->fields,
                                  runDescription());
      logDock_->info(tr("Exported the summary to %1").arg(f));
    } catch (const std::exception& e) {
      showError(tr("Export failed"), f, e.what());
    }
  });
  exportMenu->addSeparator();
  resultActions_ << exportMenu->addAction(tr("Export &all to a folder…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export everything into"));
    if (dir.isEmpty()) return;
    try {
      exportAll(dir);
    } catch (const std::exception& e) {
      showError(tr("Export failed"), dir, e.what());
    }
  });
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

// ---------------------------------------------------------------- opening and preparing

void MainWindow::open(const QString& path) {
  if (path.endsWith(QStringLiteral(".mchrom"), Qt::CaseInsensitive))
    openProject(path);
  else
    openStack(path);
}

void MainWindow::openStack(const QString& path) {
  DataSettings s = dataDock_->settings();
  s.load = io::LoadOptions{};  // crop and frame range belong to the previous file
  s.prep.pixelSizeUm = 0;
  s.prep.frameIntervalS = 0;
  s.prep.mask = "auto";  // a mask file belongs to the previous stack
  projectPath_.clear();
  startLoad(path, s);
}

void MainWindow::setChannels(const QString& mapping) {
  DataSettings s = dataDock_->settings();
  s.prep.channels = prep::parseChannelMap(mapping.toStdString());
  dataDock_->setSettings(s);
}

void MainWindow::applyDataSettings() {
  if (data_) startLoad(data_->path, dataDock_->settings());
}

void MainWindow::startLoad(const QString& path, const DataSettings& settings) {
  if (isBusy()) {
    statusBar()->showMessage(tr("Busy — wait for the current work to finish or stop the training"),
                             4000);
    return;
  }
  // The file is read again only when the pixels to read changed (another file, crop, frames,
  // binning) or the file itself did; a mapping or mask change re-prepares the kept stack.
  std::shared_ptr<const io::Stack> kept;
  const QDateTime modified = QFileInfo(path).lastModified();
  if (data_ && data_->stack && data_->path == path && data_->modified == modified &&
      sameLoad(data_->settings.load, settings.load))
    kept = data_->stack;
  statusBar()->showMessage(kept ? tr("Preparing %1 …").arg(path) : tr("Loading %1 …").arg(path));
  logDock_->info(kept ? tr("Re-preparing %1 with the new settings").arg(path) : tr("Loading %1").arg(path));
  dataDock_->setBusy(true);
  loadFeedback_ = std::make_shared<util::Feedback>();
  loadFeedback_->setObserver([this](double fraction, const std::string& what) {
    // On the loading thread: the bar is updated on the GUI thread (dropped if the window went).
    QMetaObject::invokeMethod(
        this,
        [this, fraction, stage = QString::fromStdString(what)] {
          progress_->setFraction(fraction, QStringLiteral("%1 %2 %")
                                               .arg(stage.isEmpty() ? tr("loading") : stage)
                                               .arg(int(100 * fraction)));
        },
        Qt::QueuedConnection);
  });
  progress_->setFraction(0, kept ? tr("preparing") : tr("loading"));
  progress_->setVisible(true);
  cancelLoad_->setVisible(true);
  updateActions();
  const double keepMb = std::min(kKeepStackMb, 0.25 * memoryLimitMb());
  loadWatcher_.setFuture(QtConcurrent::run([path, settings, kept, modified, keepMb, fb = loadFeedback_] {
    auto d = std::make_shared<LoadedData>();
    d->path = path;
    d->settings = settings;
    d->modified = modified;
    try {
      auto src = io::openStack(path.toStdString());
      d->info = src->info();
      std::shared_ptr<const io::Stack> read = kept;
      d->reread = !kept;
      if (!read) {
        read = std::make_shared<const io::Stack>(src->load(settings.load, fb.get()));
        if (double(src->estimateBytes(settings.load)) / 1048576.0 <= keepMb) d->stack = read;
      } else {
        d->stack = kept;
      }
      const io::Stack& stack = *read;
      fb->throwIfCanceled();
      // A stack without the two channels (one channel, a grey PNG) opens for looking only.
      auto fields = std::make_shared<prep::FieldData>(
          prep::tooFewChannels(stack.info()) ? prep::prepareForViewing(stack, settings.prep)
                                                          : prep::prepare(stack, settings.prep));
      d->histDensity = histogramOf(stack, settings.prep.channels.density, settings.prep.slice);
      d->histHetero =
          histogramOf(stack, settings.prep.channels.heterochromatin, settings.prep.slice);
      d->fields = fields;
    } catch (const util::Canceled&) {
      d->canceled = true;
    } catch (const std::exception& e) {
      d->error = QString::fromStdString(userMessage(e));
    }
    return d;
  }));
  updateActions();
}

void MainWindow::cancelLoading() {
  if (loadFeedback_) loadFeedback_->cancel();
}

void MainWindow::onLoaded() {
  auto d = loadWatcher_.result();
  dataDock_->setBusy(false);
  progress_->setVisible(false);
  cancelLoad_->setVisible(false);
  if (d->canceled) {
    pendingProject_.reset();
    startAfterApply_ = false;
    statusBar()->showMessage(tr("Loading canceled"), 5000);
    logDock_->info(tr("Loading %1 canceled").arg(d->path));
    Q_EMIT openFailed(tr("canceled"));
    updateActions();
    return;
  }
  if (!d->error.isEmpty()) {
    startAfterApply_ = false;
    pendingProject_.reset();
    statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(d->path).fileName()), 5000);
    showError(tr("Could not open stack"),
              tr("%1 could not be opened.").arg(QFileInfo(d->path).fileName()), d->error);
    Q_EMIT openFailed(d->error);
    updateActions();
    return;
  }
  // The same picture in µm: keep the user's pan/zoom; else (another file, a crop, binning, a
  // new pixel size) fit — a view kept across a new pixel size showed a dot (issue 14).
  const auto extent = [](const LoadedData& x) {
    const auto& f = *x.fields;
    return std::array<double, 2>{f.width() * f.dx, f.height() * f.dy};
  };
  const bool sameView = data_ && data_->path == d->path && extent(*data_) == extent(*d);
  data_ = d;
  snapshot_.reset();
  result_.reset();
  addRecent(d->path);
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(d->path).fileName()));
  const auto& f = *d->fields;
  dataDock_->setStack(d->info, d->settings);
  dataDock_->markApplied(dataDock_->settings());  // as the dock shows what was applied
  dataDock_->setMaskSource(prep::timeMean(f.density));
  dataDock_->setHistograms(d->histDensity, d->histHetero);
  dataDock_->setPrepared(f);
  timeSlider_->setRange(0, std::max(0, f.frames() - 1));
  timeSlider_->setEnabled(f.frames() > 1);
  timeSlider_->setValue(0);
  timeLabel_->setText(tr("  frame 1/%1, t = 0 s").arg(f.frames()));
  // Wide enough for the longest text of this stack, so playback never cuts it ("frame 14/2").
  timeLabel_->setMinimumWidth(timeLabel_->fontMetrics().horizontalAdvance(
      tr("  frame %1/%1, t = %2 s").arg(f.frames()).arg((f.frames() - 1) * f.dt, 0, 'g', 4) + QStringLiteral("00")));
  refreshPanels();
  if (!sameView) fitImages();
  const QString summary = tr("%1: %2 × %3 px, %4 frame(s), pixel %5 µm%6, Δt %7 s%8")
                              .arg(QFileInfo(d->path).fileName())
                              .arg(f.width())
                              .arg(f.height())
                              .arg(f.frames())
                              .arg(f.dx, 0, 'g', 4)
                              .arg(f.calibratedSpace ? QString() : tr(" (uncalibrated)"))
                              .arg(f.dt, 0, 'g', 4)
                              .arg(f.calibratedTime ? QString() : tr(" (uncalibrated)"));
  logDock_->info(summary);
  showDataWarnings(f);
  // Fewer than 3 frames: the steady-state snapshot (DirectEstimator::timeHalfWidthFor).
  trainingDock_->setSteadyState(f.frames() < 3);
  Q_EMIT stackOpened(d->path);
  if (!f.viewOnlyReason.empty()) {
    statusBar()->showMessage(summary + tr(" — for looking only: λ needs two channels"));
    updateActions();
    if (pendingProject_) restoreProjectResults();
    startAfterApply_ = false;
    Q_EMIT previewReady();
    return;
  }
  statusBar()->showMessage(summary + tr(" — computing the direct λ preview …"));
  // The preview is part of opening: same progress bar, same Cancel (the stack stays open).
  progress_->setFraction(0, tr("direct estimate"));
  progress_->setVisible(true);
  cancelLoad_->setVisible(true);
  previewWatcher_.setFuture(QtConcurrent::run([d, params = trainingDock_->settings().params, fb = loadFeedback_] {
    auto out = std::make_shared<LoadedData>(*d);
    lowerThreadPriority();  // background work: below the event loop (a pooled thread keeps it)
    try {
      out->direct = train::estimateDirect(*out->fields, params, train::TrainerConfig{}.directMollifier, fb.get());
      out->hasDirect = true;
      out->directParams = params;
    } catch (const util::Canceled&) {
      out->canceled = true;
    } catch (const std::exception& e) {
      out->error = QString::fromStdString(userMessage(e));
    }
    return out;
  }));
  updateActions();
}

void MainWindow::onPreview() {
  auto d = previewWatcher_.result();
  progress_->setVisible(false);
  cancelLoad_->setVisible(false);
  if (!data_ || d->path != data_->path) return;
  if (d->canceled) {
    startAfterApply_ = false;
    statusBar()->showMessage(tr("λ preview canceled: Start computes it with the training"));
    logDock_->info(tr("direct λ preview canceled"));
  } else if (!d->hasDirect) {
    statusBar()->showMessage(tr("No λ preview: %1").arg(d->error), 8000);
    logDock_->error(tr("direct estimate failed: %1").arg(d->error));
  } else {
    data_ = d;
    // A single frame is the steady-state snapshot: ∂φ/∂t = 0 leaves only the ratio M/Γ_ac in
    // the model, so λ is only as right as that ratio — say so where the user looks.
    const QString text =
        d->direct.steady
            ? tr("One frame: steady-state snapshot. With ∂φ/∂t = 0, λ depends on the ratio "
                 "M/Γ_ac = %1 µm² (M and Γ_ac in the Training dock; they cannot be inferred "
                 "from one frame). Noise σ %2")
                  .arg(d->direct.M / d->direct.gammaAc, 0, 'g', 3)
                  .arg(d->direct.noiseSigma, 0, 'g', 3)
            : tr("Direct estimate: M %1 µm²/s%2, Γ_ac %3 1/s%4, noise σ %5")
                  .arg(d->direct.M, 0, 'g', 3)
                  .arg(d->direct.estimatedM ? QString() : tr(" (not identifiable, default kept)"))
                  .arg(d->direct.gammaAc, 0, 'g', 3)
                  .arg(d->direct.estimatedGammaAc ? QString() : tr(" (not identifiable, default kept)"))
                  .arg(d->direct.noiseSigma, 0, 'g', 3);
    statusBar()->showMessage(text);
    logDock_->info(text);
  }
  refreshPanels();
  refreshNuclei();
  updateActions();
  if (pendingProject_) restoreProjectResults();
  Q_EMIT previewReady();
  if (std::exchange(startAfterApply_, false)) startTraining();
}

// ---------------------------------------------------------------- panels

void MainWindow::refreshPanels(bool perFrameOnly) {
  for (int i = 0; i < 4; ++i) {
    const PanelContent* c = findPanelContent(panels_[size_t(i)]->content());
    if (!perFrameOnly || (c && c->perFrame) ||
        (c && !snapshot_ && (c->key == "phi_h" || c->key == "phi_e" || c->key == "phi_d")))
      refreshPanel(i);
  }
}

void MainWindow::refreshPanel(int index) {
  PanelWidget* p = panels_[size_t(index)];
  const QString key = p->content();
  const PanelContent* c = findPanelContent(key);
  if (!c) return;
  if (!data_) {
    p->showMessage(tr("Open a stack (File > Open, or drop it on the window)"));
    return;
  }
  const auto& f = *data_->fields;
  const int t = std::clamp(timeSlider_->value(), 0, f.frames() - 1);
  const size_t ts = size_t(t);
  if (!f.viewOnlyReason.empty() && key != "density" && key != "mask" && key != "nuclei")
    return p->showMessage(tr("Only one channel: λ needs a density and a heterochromatin "
                             "channel (Data dock: Channels)"));
  if (key == "density") return p->showImage(f.density[ts], f.dx, f.dy, c->title);
  if (key == "hetero") return p->showImage(f.hetero[ts], f.dx, f.dy, c->title);
  if (key == "losses") {
    if (result_ && !result_->losses.empty()) return p->showLosses(result_->losses);
    return p->showLosses(snapshot_ ? snapshot_->losses : std::vector<train::LossRecord>{});
  }
  if (key == "lambda_direct") {
    if (data_->hasDirect) return p->showImage(data_->direct.lambda, f.dx, f.dy, c->title);
    return p->showMessage(tr("Computing the direct estimate ..."));
  }
  if (key == "lambda") {
    // The reported λ (Answer.h): the run's result, else what `auto` will report — the direct
    // estimate, ready before training.
    if (result_ && !result_->lambda.empty())
      return p->showImage(result_->lambda, f.dx, f.dy, c->title);
    if (data_->hasDirect) return p->showImage(data_->direct.lambda, f.dx, f.dy, c->title);
    return p->showMessage(tr("Computing the direct estimate ..."));
  }
  if (key == "lambda_trained") {
    if (result_ && !result_->trainedLambda.empty())
      return p->showImage(result_->trainedLambda, f.dx, f.dy, c->title);
    if (result_ && result_->answer == train::Answer::Trained && !result_->lambda.empty())
      return p->showImage(result_->lambda, f.dx, f.dy, c->title);
    if (snapshot_ && !snapshot_->lambda.empty())
      return p->showImage(snapshot_->lambda, f.dx, f.dy, c->title);
    return p->showMessage(tr("The network's λ appears once training starts"));
  }
  if (key == "lambda_band") {
    const auto* r = result_.get();
    if (r && !r->lambdaLow.empty())
      return p->showImage(r->lambdaHigh - r->lambdaLow, f.dx, f.dy, c->title);
    if (!r && data_->hasDirect && !data_->direct.lambdaLow.empty())
      return p->showImage(data_->direct.lambdaHigh - data_->direct.lambdaLow, f.dx, f.dy, c->title);
    return p->showMessage(tr("The 90 % band of λ appears with the estimate"));
  }
  if (key == "nuclei") {
    // Each nucleus its number (the Nuclei dock's first column); background blank.
    cv::Mat m;
    prep::labelNuclei(f.mask).labels.convertTo(m, CV_32F);
    m.setTo(std::nanf(""), m == 0);
    return p->showImage(m, f.dx, f.dy, c->title);
  }
  if (key == "mask") {
    // 0 outside, 1 nucleus, 2 analysed region (where λ is estimated).
    cv::Mat m;
    f.mask.convertTo(m, CV_32F, 1.0 / 255);
    if (data_->hasDirect && !data_->direct.region.empty()) {
      cv::Mat r;
      data_->direct.region.convertTo(r, CV_32F, 1.0 / 255);
      m += r;
    }
    return p->showImage(m, f.dx, f.dy, "mask (1) / analysed (2)");
  }
  if (snapshot_) {
    const auto it = snapshot_->fields.find(key.toStdString());
    if (it != snapshot_->fields.end()) return p->showImage(it->second, f.dx, f.dy, c->title);
  }
  // Before training: the measured fields of the current frame.
  if (key == "phi_h") return p->showImage(f.hetero[ts], f.dx, f.dy, "φ_h (data)");
  if (key == "phi_e") return p->showImage(f.density[ts] - f.hetero[ts], f.dx, f.dy, "φ_e (data)");
  if (key == "phi_d")
    return p->showImage(2 * f.hetero[ts] - f.density[ts], f.dx, f.dy, "φ_d (data)");
  p->showMessage(tr("%1 comes from the network: it appears once training starts")
                     .arg(QString::fromLatin1(c->title)));
}

void MainWindow::fitImages() {
  // The camera is shared, so one fit serves all; it must be done through a panel that shows an
  // image (a chart panel's renderer holds its own camera).
  for (auto* p : panels_)
    if (p->showsImage()) {
      p->imageLayer()->resetCamera();
      return;
    }
}

void MainWindow::zoomImages(double factor) {
  camera_->camera->Zoom(factor);  // the shared camera: every image panel follows
}

void MainWindow::onCameraModified() {
  vtkCamera* cam = camera_->camera;
  std::array<double, 7> now{};
  cam->GetFocalPoint(now.data());
  cam->GetPosition(now.data() + 3);
  now[6] = cam->GetParallelScale();
  if (now == camera_->last) return;  // only the clipping range changed (every render does that)
  camera_->last = now;
  for (auto* p : panels_)
    if (p->showsImage()) p->view()->requestRender();
}

int MainWindow::frameCount() const { return data_ ? data_->fields->frames() : 0; }
int MainWindow::currentFrame() const { return timeSlider_->value(); }
void MainWindow::setFrame(int t) { timeSlider_->setValue(t); }
DataSettings MainWindow::appliedDataSettings() const { return data_ ? data_->settings : DataSettings{}; }
bool MainWindow::lastLoadReadTheFile() const { return data_ && data_->reread; }
QString MainWindow::stackPath() const { return data_ ? data_->path : QString(); }

// ---------------------------------------------------------------- training

bool MainWindow::isBusy() const {
  return loadWatcher_.isRunning() || previewWatcher_.isRunning() || worker_->isRunning();
}

bool MainWindow::isTraining() const { return worker_->isRunning(); }
bool MainWindow::hasTrainedResult() const { return result_ != nullptr; }

double MainWindow::memoryLimitMb() const {
  // `--memory-limit` for this session, else QSettings "memoryLimitMb", else 75 % of the memory
  // available now.
  const double v = memoryLimitMb_ > 0
                       ? memoryLimitMb_
                       : QSettings().value(QStringLiteral("memoryLimitMb"), 0.0).toDouble();
  return v > 0 ? v : train::defaultRunMemoryLimitMb();
}

void MainWindow::setMemoryLimitMb(double mb) { memoryLimitMb_ = mb; }

void MainWindow::setTrainingLength(int steps, double timeBudgetSeconds) {
  trainSteps_ = steps;
  trainBudget_ = timeBudgetSeconds;
}

void MainWindow::startTraining() {
  if (!data_ || isBusy()) return;
  if (dataDock_->hasUnappliedChanges()) {
    // Never train on settings the dock no longer shows (issue 14): apply, then start.
    logDock_->info(tr("Applying the changed data settings before training"));
    startAfterApply_ = true;
    applyDataSettings();
    return;
  }
  if (!data_->fields->viewOnlyReason.empty()) return;
  TrainingSettings s = trainingDock_->settings();
  if (trainSteps_ >= 0) s.config.steps = trainSteps_;
  if (trainBudget_ >= 0) s.config.timeBudget = trainBudget_;
  // The memory plan before anything large is allocated: over the limit, refuse with what fits.
  try {
    const auto& f = *data_->fields;
    train::RunShape shape;
    shape.width = f.width();
    shape.height = f.height();
    shape.frames = f.frames();
    shape.bytesPerSample = 0;  // the stack itself is not kept once the fields are prepared
    train::checkMemoryPlan(shape, data_->settings.prep, s.config, memoryLimitMb());
  } catch (const util::MemoryPlanError& e) {
    const QString msg = QString::fromStdString(e.what());
    statusBar()->showMessage(tr("Training refused: not enough memory"));
    showError(
        tr("Not enough memory"),
        tr("%1 is too large to train with the memory limit.")
            .arg(QFileInfo(data_->path).fileName()),
        msg + tr(" (in the Data dock: frame range, crop or binning; Settings ▸ memory limit)"));
    Q_EMIT trainingFailed(msg);
    Q_EMIT trainingFinished(false);
    return;
  }
  // The preview's direct estimate is the trainer's starting point: reuse it when it was
  // computed with these parameters (the data-chosen kernel makes it a large field's costly part).
  if (data_->hasDirect && sameParameters(data_->directParams, s.params) &&
      s.config.directMollifier.adaptiveXY == train::TrainerConfig{}.directMollifier.adaptiveXY &&
      s.config.directMollifier.halfWidthXY == train::TrainerConfig{}.directMollifier.halfWidthXY)
    s.config.knownDirect = std::make_shared<const train::DirectEstimate>(data_->direct);
  snapshot_.reset();
  result_.reset();
  if (!worker_->start(data_->fields, s)) return;
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
          .arg(QString::fromStdString(train::engineName(s.config.engine)), QString::fromStdString(train::archName(s.config.arch)))
          .arg(s.config.steps > 0 ? s.config.steps : train::kDefaultSteps)
          .arg(s.config.timeBudget > 0 ? tr(" (at most %1 s)").arg(s.config.timeBudget) : QString())
          .arg(s.config.seed));
  updateActions();
}

void MainWindow::setPaused(bool paused) {
  if (!worker_->isRunning()) return;
  worker_->setPaused(paused);
  pauseAction_->setText(paused ? tr("Resume") : tr("Pause"));
  // Paused stays said (no timeout) until resumed: issue 14 saw the text vanish after 4 s.
  if (paused)
    statusBar()->showMessage(tr("Training paused at step %1 — Resume (%2) or Stop (%3)")
                                 .arg(snapshot_ ? snapshot_->step : 0)
                                 .arg(pauseAction_->shortcut().toString(QKeySequence::NativeText),
                                      stopAction_->shortcut().toString(QKeySequence::NativeText)));
  else
    statusBar()->showMessage(tr("Training resumed"), 4000);
  progress_->setFraction(progress_->fraction(), paused ? tr("paused") : tr("%1 %").arg(int(100 * progress_->fraction())));
  logDock_->info(paused ? tr("Training paused") : tr("Training resumed"));
}

void MainWindow::stopTraining() {
  worker_->cancel();
  stopAction_->setEnabled(false);
  pauseAction_->setEnabled(false);
}

void MainWindow::onSnapshot(std::shared_ptr<const train::Snapshot> s) {
  // Not "only while running": the final snapshot (fields at the end) is queued just before
  // the worker returns and may arrive after the future has finished.
  if (!data_) return;
  snapshot_ = std::move(s);
  // One panel per event-loop turn: each redraw costs 10–30 ms under a software renderer while
  // training occupies the cores; together they would stall the event loop for 60–100 ms.
  int delay = 0;
  for (int i = 0; i < 4; ++i) {
    const PanelContent* c = findPanelContent(panels_[size_t(i)]->content());
    if (!c || c->perFrame || c->key == "lambda_direct" || c->key == "lambda" || c->key == "mask")
      continue;  // these do not change while the network trains
    QTimer::singleShot(delay, this, [this, i, shown = snapshot_] {
      if (snapshot_ == shown) refreshPanel(i);
    });
    delay += 40;
  }
  progress_->setFraction(snapshot_->fraction, tr("%1 %").arg(int(100 * snapshot_->fraction)));
  statusBar()->showMessage(
      tr("Training: step %1, loss %2, M %3, Γ_ac %4 — ETA %5 s")
          .arg(snapshot_->step)
          .arg(snapshot_->losses.empty() ? 0.0 : snapshot_->losses.back().total, 0, 'g', 4)
          .arg(snapshot_->M, 0, 'g', 3)
          .arg(snapshot_->gammaAc, 0, 'g', 3)
          .arg(snapshot_->etaSeconds(), 0, 'f', 0));
  Q_EMIT trainingSnapshot(snapshot_->step);
}

void MainWindow::onTrainingDone(std::shared_ptr<const train::InferenceResult> result,
                                const QString& error, bool canceled) {
  progress_->setVisible(false);
  result_ = result;
  if (!error.isEmpty()) {
    // Stays in the status bar (no timeout) until the next message: the run did not finish.
    statusBar()->showMessage(tr("Training failed: %1").arg(error));
    showError(tr("Training failed"), tr("The training stopped with an error."), error);
    Q_EMIT trainingFailed(error);
  } else if (result) {
    const QString text = tr("Training %1 after %2 steps in %3 s (%4): %5")
                             .arg(canceled ? tr("stopped") : tr("finished"))
                             .arg(result->steps)
                             .arg(result->seconds, 0, 'f', 1)
                             .arg(QString::fromStdString(result->stopReason))
                             .arg(QString::fromStdString(exporting::scalarLine(*result)));
    statusBar()->showMessage(text, 10000);
    logDock_->info(text);
    if (!result->lambda.empty())
      logDock_->info(tr("λ is the %1").arg(QString::fromStdString(exporting::answerDescription(*result))));
    if (data_ && data_->fields && data_->fields->counts.used)
      logDock_->info(QString::fromStdString(exporting::sensitivityLine(*data_->fields, *result)));
    if (!result->lambda.empty()) {
      // The fit verdict next to the answer: in the Log, and in the banner when it is not good.
      const QString fit = tr("Fit: %1 — %2")
                              .arg(QString::fromStdString(train::fitVerdictName(result->fit.verdict)),
                                   QString::fromStdString(result->fit.reason));
      if (result->fit.verdict == train::FitVerdict::Good) {
        logDock_->info(fit);
      } else {
        logDock_->warning(fit);
        warningBanner_->setText(warningBanner_->text() +
                                (warningBanner_->text().isEmpty() ? QString() : QStringLiteral("\n")) +
                                QStringLiteral("⚠ ") + fit);
        warningBanner_->setVisible(true);
      }
    }
    if (result->lambda.empty()) result_.reset();  // canceled before the first step: nothing to show
  }
  refreshPanels();
  refreshNuclei();
  updateActions();
  Q_EMIT trainingFinished(canceled);
}

void MainWindow::refreshNuclei() {
  if (!data_ || !data_->fields) {
    nucleiDock_->setRows({});
    return;
  }
  try {
    nucleiDock_->setRows(exporting::nucleusRows(*currentResult(), *data_->fields));
  } catch (const std::exception&) {
    nucleiDock_->setRows({});  // no result yet
  }
}

int MainWindow::selectNucleusAt(int x, int y) {
  if (!data_ || !data_->fields) return 0;
  const auto& mask = data_->fields->mask;
  if (x < 0 || y < 0 || x >= mask.cols || y >= mask.rows) return 0;
  const int label = prep::labelNuclei(mask).labels.at<int>(y, x);
  nucleiDock_->selectLabel(label);
  if (label > 0) nucleiDock_->raise();
  return label;
}

void MainWindow::updateActions() {
  const bool training = worker_->isRunning();
  const bool loading = loadWatcher_.isRunning() || previewWatcher_.isRunning();
  const bool lookOnly = data_ && !data_->fields->viewOnlyReason.empty();
  startAction_->setEnabled(data_ && !training && !loading && !lookOnly);
  startAction_->setToolTip(lookOnly ? tr("Cannot train: %1").arg(QString::fromStdString(data_->fields->viewOnlyReason))
                                    : tr("Start training (Ctrl+R)"));
  pauseAction_->setEnabled(training);
  stopAction_->setEnabled(training);
  for (QAction* a : resultActions_)
    a->setEnabled(data_ && !loading && (data_->hasDirect || result_));
}

std::shared_ptr<const train::InferenceResult> MainWindow::currentResult() const {
  if (result_) return result_;
  if (!data_) throw std::runtime_error("no stack is open");
  if (!data_->hasDirect)
    throw std::runtime_error("there is no result yet (the direct estimate is still running)");
  // Before training: the direct estimate is the result.
  auto r = std::make_shared<train::InferenceResult>();
  r->direct = data_->direct;
  r->lambda = data_->direct.lambda;
  r->region = data_->direct.region;
  r->M = data_->direct.M;
  r->gammaAc = data_->direct.gammaAc;
  r->steady = data_->direct.steady;
  r->stopReason = "direct";
  if (snapshot_) r->losses = snapshot_->losses;
  return r;
}

// ---------------------------------------------------------------- exports and projects

exporting::RunDescription MainWindow::runDescription() const {
  const TrainingSettings t = trainingDock_->settings();
  return {"mollichrom", data_->path.toStdString(), {},          data_->settings.prep, t.params,
          t.config,     initRuntime().threads,     std::nullopt};
}

QStringList MainWindow::exportLambda(const QString& basePath) {
  const auto r = currentResult();
  QStringList out;
  for (const auto& f : exporting::writeLambdaFiles(basePath.toStdString(), r->lambda,
                                                   exporting::calibrationOf(*data_->fields)))
    out << QString::fromStdString(f);
  logDock_->info(tr("Exported λ to %1").arg(out.join(QStringLiteral(", "))));
  return out;
}

QStringList MainWindow::exportAll(const QString& folder) {
  const auto r = currentResult();
  std::map<std::string, cv::Mat> fields;
  if (snapshot_) fields = snapshot_->fields;
  QStringList out;
  for (const auto& f :
       exporting::exportAll(folder.toStdString(), *r, fields, *data_->fields, runDescription()))
    out << QString::fromStdString(f);
  logDock_->info(tr("Exported %1 files to %2").arg(out.size()).arg(folder));
  return out;
}

void MainWindow::saveProject(const QString& path) {
  if (!data_) throw std::runtime_error("open a stack before saving a project");
  ProjectState s;
  s.dataPath = QFileInfo(data_->path).absoluteFilePath();
  s.data = data_->settings;
  s.training = trainingDock_->settings();
  if (result_ || snapshot_) {
    s.resultsDir = resultsDirFor(path);
    exportAll(s.resultsDir);
  }
  s.view.frame = currentFrame();
  for (int i = 0; i < 4; ++i) s.view.panels[size_t(i)] = panels_[size_t(i)]->state();
  vtkCamera* cam = camera_->camera;
  s.view.camera.resize(7);
  cam->GetFocalPoint(s.view.camera.data());
  cam->GetPosition(s.view.camera.data() + 3);
  s.view.camera[6] = cam->GetParallelScale();
  ui::saveProject(path, s);
  projectPath_ = QFileInfo(path).absoluteFilePath();
  addRecent(projectPath_);
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(path).fileName()));
  logDock_->info(tr("Saved the project %1").arg(path));
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

void MainWindow::openProject(const QString& path) {
  if (isBusy()) {
    statusBar()->showMessage(tr("Busy — wait for the current work to finish or stop the training"),
                             4000);
    return;
  }
  ProjectState s;
  try {
    s = loadProject(path);
  } catch (const std::exception& e) {
    showError(tr("Could not open the project"),
              tr("%1 could not be opened.").arg(QFileInfo(path).fileName()), e.what());
    Q_EMIT openFailed(QString::fromUtf8(e.what()));
    return;
  }
  if (!s.dataFound()) {
    // Moved without its data (issue 14): ask where it is now instead of failing.
    const QString located = locateData_ ? locateData_(path, s.dataCandidates) : QString();
    if (located.isEmpty()) {
      const QString msg = tr("%1: its data file %2 was not found (looked in: %3)")
                              .arg(QFileInfo(path).fileName(), QFileInfo(s.dataPath).fileName(),
                                   s.dataCandidates.join(QStringLiteral(", ")));
      showError(tr("Could not open the project"), tr("The project's data file was not found."), msg);
      Q_EMIT openFailed(msg);
      return;
    }
    s.dataPath = QFileInfo(located).absoluteFilePath();
  }
  trainingDock_->setSettings(s.training);
  dataDock_->setSettings(s.data);
  pendingProject_ = std::make_unique<ProjectState>(s);
  projectPath_ = QFileInfo(path).absoluteFilePath();
  addRecent(projectPath_);
  logDock_->info(tr("Opening the project %1").arg(path));
  startLoad(s.dataPath, s.data);
}

void MainWindow::restoreProjectResults() {
  const std::unique_ptr<ProjectState> s = std::move(pendingProject_);
  try {
    if (!s->resultsDir.isEmpty()) {
      const QDir dir(s->resultsDir);
      auto r = std::make_shared<train::InferenceResult>();
      auto src = io::openStack(dir.filePath(QStringLiteral("lambda.tif")).toStdString());
      src->plane(0, 0, 0).convertTo(r->lambda, CV_32F);
      r->losses =
          exporting::readLossesCsv(dir.filePath(QStringLiteral("losses.csv")).toStdString());
      QFile summary(dir.filePath(QStringLiteral("summary.json")));
      if (summary.open(QIODevice::ReadOnly)) {
        const QJsonObject o = QJsonDocument::fromJson(summary.readAll()).object();
        const QJsonObject sc = o["scalars"].toObject();
        r->M = sc["M"].toObject()["value"].toDouble(1);
        r->gammaAc = sc["gamma_ac"].toObject()["value"].toDouble(1);
        r->freeM = sc["M"].toObject()["inferred"].toBool();
        r->freeGamma = sc["gamma_ac"].toObject()["inferred"].toBool();
        r->steps = o["steps"].toInt();
        r->seconds = o["seconds"].toDouble();
        r->stopReason = o["stop_reason"].toString().toStdString();
      }
      r->direct = data_->direct;
      auto snap = std::make_shared<train::Snapshot>();
      snap->lambda = r->lambda;
      snap->losses = r->losses;
      snap->M = r->M;
      snap->gammaAc = r->gammaAc;
      snap->step = r->steps;
      snap->fraction = 1;
      const QDir fieldsDir(dir.filePath(QStringLiteral("fields")));
      for (const QString& name : fieldsDir.entryList({QStringLiteral("*.tif")}, QDir::Files)) {
        cv::Mat m;
        io::openStack(fieldsDir.filePath(name).toStdString())->plane(0, 0, 0).convertTo(m, CV_32F);
        snap->fields[QFileInfo(name).completeBaseName().toStdString()] = m;
      }
      if (r->stopReason != "direct") result_ = r;
      snapshot_ = snap;
    }
  } catch (const std::exception& e) {
    logDock_->error(tr("the project's results could not be read: %1").arg(e.what()));
    showError(tr("Project results missing"), tr("The settings were restored, but not the results."),
              e.what());
  }
  for (int i = 0; i < 4; ++i) panels_[size_t(i)]->restoreState(s->view.panels[size_t(i)]);
  setFrame(std::clamp(s->view.frame, 0, std::max(0, frameCount() - 1)));
  refreshPanels();
  if (s->view.camera.size() == 7) {
    vtkCamera* cam = camera_->camera;
    cam->SetFocalPoint(s->view.camera.data());
    cam->SetPosition(s->view.camera.data() + 3);
    cam->SetParallelScale(s->view.camera[6]);
  }
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(projectPath_).fileName()));
  updateActions();
  Q_EMIT projectRestored(projectPath_);
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
    stopTraining();
    worker_->setPaused(false);
    worker_->wait();
  }
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  event->accept();
}

void MainWindow::showDataWarnings(const prep::FieldData& f) {
  QStringList lines;
  for (const auto& w : f.warnings) {
    lines << QStringLiteral("⚠ ") + QString::fromStdString(w.message);
    logDock_->warning(QString::fromStdString(w.message));
  }
  warningBanner_->setText(lines.join(QLatin1Char('\n')));
  warningBanner_->setVisible(!lines.isEmpty());
}

QString MainWindow::warningText() const {
  return warningBanner_->isVisibleTo(this) ? warningBanner_->text() : QString();
}

}  // namespace mollichrom::ui
