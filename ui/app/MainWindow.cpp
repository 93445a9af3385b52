#include "ui/app/MainWindow.h"

#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/prep/FieldData.h"
#include "core/runtime/Versions.h"
#include "core/train/DirectEstimator.h"
#include "core/train/Trainer.h"
#include "core/util/Feedback.h"
#include "ui/vtk/ImagePanel.h"
#include "ui/vtk/VtkView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QProgressBar>
#include <QSaveFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSlider>
#include <QStatusBar>
#include <QToolBar>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>

#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

namespace mollichrom::ui {

// Everything a worker produces for the GUI thread; read-only once handed over.
struct LoadedData {
  QString path;
  QString error;
  prep::FieldData fields;
  train::DirectEstimate direct;
  bool hasDirect = false;
};

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("Mollichrom"));
  auto* central = new QWidget(this);
  auto* grid = new QGridLayout(central);
  grid->setContentsMargins(2, 2, 2, 2);
  grid->setSpacing(2);
  for (int i = 0; i < 4; ++i) {
    auto* view = new VtkView(central);
    vtkNew<vtkRenderer> renderer;
    renderer->SetBackground(0.08, 0.09, 0.11);
    view->renderWindow()->AddRenderer(renderer);
    panels_[static_cast<size_t>(i)] = view;
    images_[static_cast<size_t>(i)] = std::make_unique<ImagePanel>(view);
    grid->addWidget(view, i / 2, i % 2);
  }
  setCentralWidget(central);

  auto* toolbar = addToolBar(tr("Time"));
  toolbar->setObjectName(QStringLiteral("timeToolbar"));
  timeLabel_ = new QLabel(tr("frame –"), toolbar);
  timeSlider_ = new QSlider(Qt::Horizontal, toolbar);
  timeSlider_->setEnabled(false);
  timeSlider_->setMinimumWidth(300);
  toolbar->addWidget(timeLabel_);
  toolbar->addWidget(timeSlider_);
  connect(timeSlider_, &QSlider::valueChanged, this, &MainWindow::showFrame);
  auto* trainBar = addToolBar(tr("Training"));
  trainBar->setObjectName(QStringLiteral("trainingToolbar"));
  startAction_ = trainBar->addAction(tr("Start training"), this, &MainWindow::startTraining);
  stopAction_ = trainBar->addAction(tr("Stop"), this, &MainWindow::stopTraining);
  startAction_->setEnabled(false);
  stopAction_->setEnabled(false);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(220);
  progress_->setVisible(false);
  statusBar()->addPermanentWidget(progress_);
  connect(&trainWatcher_, &QFutureWatcher<QString>::finished, this, &MainWindow::onTrainingDone);

  auto* fileMenu = menuBar()->addMenu(tr("&File"));
  fileMenu->addAction(tr("&Open stack…"), QKeySequence::Open, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Open stack"), QString(),
                                                   tr("Stacks (*.tif *.tiff *.ome.tif *.png);;All files (*)"));
    if (!f.isEmpty()) openStack(f);
  });
  fileMenu->addSeparator();
  fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
  auto* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->addAction(tr("&About Mollichrom"), this, [this] {
    QMessageBox::about(this, tr("About Mollichrom"), QString::fromStdString(versionReport("Mollichrom")));
  });
  connect(&loadWatcher_, &QFutureWatcher<std::shared_ptr<LoadedData>>::finished, this, &MainWindow::onLoaded);
  connect(&previewWatcher_, &QFutureWatcher<std::shared_ptr<LoadedData>>::finished, this, &MainWindow::onPreview);
  statusBar()->showMessage(tr("Ready — File ▸ Open stack"));
  resize(1200, 800);
}

MainWindow::~MainWindow() {
  if (trainFeedback_) trainFeedback_->cancel();
  trainWatcher_.waitForFinished();
  loadWatcher_.waitForFinished();
  previewWatcher_.waitForFinished();
}

bool MainWindow::isBusy() const {
  return loadWatcher_.isRunning() || previewWatcher_.isRunning() || trainWatcher_.isRunning();
}

bool MainWindow::isTraining() const { return trainWatcher_.isRunning(); }

void MainWindow::startTraining() {
  if (!data_ || isBusy()) return;
  trainFeedback_ = std::make_shared<util::Feedback>();
  auto feedback = trainFeedback_;
  auto data = data_;
  const int steps = trainSteps_;
  const double budget = trainBudget_;
  startAction_->setEnabled(false);
  stopAction_->setEnabled(true);
  progress_->setValue(0);
  progress_->setVisible(true);
  statusBar()->showMessage(tr("Training …"));
  QPointer<MainWindow> self(this);
  trainWatcher_.setFuture(QtConcurrent::run([self, feedback, data, steps, budget]() -> QString {
    train::TrainerConfig cfg;
    cfg.steps = steps;
    cfg.timeBudget = budget;
    cfg.snapshotInterval = 1.0;  // the GUI renders at most one snapshot a second
    try {
      train::runInference(data->fields, {}, cfg, feedback.get(), [self](const train::Snapshot& s) {
        auto copy = std::make_shared<train::Snapshot>(s);
        // Hand over to the GUI thread; all rendering happens there.
        QMetaObject::invokeMethod(
            self, [self, copy] { if (self) self->onSnapshot(copy); }, Qt::QueuedConnection);
      });
    } catch (const std::exception& e) {
      return QString::fromStdString(e.what());
    }
    return {};
  }));
}

void MainWindow::setTrainingLength(int steps, double timeBudgetSeconds) {
  trainSteps_ = std::max(0, steps);
  trainBudget_ = std::max(0.0, timeBudgetSeconds);
}

bool MainWindow::saveScreenshot(const QString& path) {
  const QImage img = grab().toImage();
  QSaveFile file(path);
  if (img.isNull() || !file.open(QIODevice::WriteOnly) || !img.save(&file, "PNG")) return false;
  return file.commit();
}

void MainWindow::stopTraining() {
  if (trainFeedback_) trainFeedback_->cancel();
  stopAction_->setEnabled(false);
}

void MainWindow::onSnapshot(const std::shared_ptr<train::Snapshot>& s) {
  if (!data_) return;
  const auto& f = data_->fields;
  images_[2]->show(s->lambda, f.dx, f.dy, "lambda", true);
  if (s->fields.count("bilap_phi_d")) images_[3]->show(s->fields.at("bilap_phi_d"), f.dx, f.dy, "bilap phi_d", true);
  progress_->setValue(static_cast<int>(1000 * s->fraction));
  statusBar()->showMessage(tr("Training: step %1, loss %2, M %3, Γ_ac %4 — ETA %5 s")
                               .arg(s->step)
                               .arg(s->losses.empty() ? 0.0 : s->losses.back().total, 0, 'g', 4)
                               .arg(s->M, 0, 'g', 3)
                               .arg(s->gammaAc, 0, 'g', 3)
                               .arg(s->etaSeconds(), 0, 'f', 0));
  Q_EMIT trainingSnapshot(s->step);
}

void MainWindow::onTrainingDone() {
  const QString error = trainWatcher_.result();
  const bool canceled = trainFeedback_ && trainFeedback_->isCanceled();
  progress_->setVisible(false);
  startAction_->setEnabled(data_ != nullptr);
  stopAction_->setEnabled(false);
  if (!error.isEmpty()) {
    if (showDialogs_) QMessageBox::critical(this, tr("Training failed"), error);
    else std::fprintf(stderr, "mollichrom: training failed: %s\n", qPrintable(error));
  } else {
    statusBar()->showMessage(canceled ? tr("Training stopped") : tr("Training finished"), 8000);
  }
  Q_EMIT trainingFinished(canceled);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (isTraining()) {
    if (QMessageBox::question(this, tr("Training is running"), tr("Stop the training and quit?")) != QMessageBox::Yes) {
      event->ignore();
      return;
    }
    stopTraining();
    trainWatcher_.waitForFinished();
  }
  event->accept();
}

int MainWindow::frameCount() const { return data_ ? data_->fields.frames() : 0; }

void MainWindow::openStack(const QString& path) {
  if (isBusy()) {
    statusBar()->showMessage(tr("Still busy with the previous stack"), 3000);
    return;
  }
  statusBar()->showMessage(tr("Loading %1 …").arg(path));
  loadWatcher_.setFuture(QtConcurrent::run([path] {
    auto d = std::make_shared<LoadedData>();
    d->path = path;
    try {
      auto src = io::openStack(path.toStdString());
      const io::Stack stack = src->load();
      d->fields = prep::prepare(stack, prep::PrepOptions{});
    } catch (const std::exception& e) {
      d->error = QString::fromStdString(e.what());
    }
    return d;
  }));
}

void MainWindow::onLoaded() {
  auto d = loadWatcher_.result();
  if (!d->error.isEmpty()) {
    statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(d->path).fileName()), 5000);
    Q_EMIT openFailed(d->error);
    if (!showDialogs_) return;
    QMessageBox box(QMessageBox::Critical, tr("Could not open stack"),
                    tr("%1 could not be opened.").arg(QFileInfo(d->path).fileName()), QMessageBox::Ok, this);
    box.setInformativeText(d->error);
    box.setObjectName(QStringLiteral("openErrorDialog"));
    box.exec();
    return;
  }
  data_ = d;
  setWindowTitle(QStringLiteral("Mollichrom — %1").arg(QFileInfo(d->path).fileName()));
  timeSlider_->setRange(0, std::max(0, d->fields.frames() - 1));
  timeSlider_->setEnabled(d->fields.frames() > 1);
  timeSlider_->setValue(0);
  showFrame(0);
  statusBar()->showMessage(tr("%1: %2 × %3 px, %4 frame(s) — computing the direct λ preview …")
                               .arg(QFileInfo(d->path).fileName())
                               .arg(d->fields.width())
                               .arg(d->fields.height())
                               .arg(d->fields.frames()));
  Q_EMIT stackOpened(d->path);
  previewWatcher_.setFuture(QtConcurrent::run([d] {
    auto out = std::make_shared<LoadedData>(*d);
    try {
      out->direct = train::estimateDirect(out->fields, {}, train::MollifierSettings{});
      out->hasDirect = true;
    } catch (const std::exception& e) {
      out->error = QString::fromStdString(e.what());
    }
    return out;
  }));
}

void MainWindow::onPreview() {
  auto d = previewWatcher_.result();
  if (!d->hasDirect) {
    statusBar()->showMessage(tr("No λ preview: %1").arg(d->error), 8000);
    return;
  }
  data_ = d;
  images_[2]->show(d->direct.lambda, d->fields.dx, d->fields.dy, "lambda (direct)", true);
  statusBar()->showMessage(tr("Direct estimate: M %1 µm²/s%2, Γ_ac %3 1/s")
                               .arg(d->direct.M, 0, 'g', 3)
                               .arg(d->direct.estimatedM ? QString() : tr(" (not identifiable, default)"))
                               .arg(d->direct.gammaAc, 0, 'g', 3));
  startAction_->setEnabled(true);
  Q_EMIT previewReady();
}

void MainWindow::showFrame(int t) {
  if (!data_ || t < 0 || t >= data_->fields.frames()) return;
  const auto& f = data_->fields;
  timeLabel_->setText(tr("frame %1/%2  t = %3 s").arg(t + 1).arg(f.frames()).arg(t * f.dt, 0, 'g', 4));
  images_[0]->show(f.density[static_cast<size_t>(t)], f.dx, f.dy, "density", false);
  images_[1]->show(f.hetero[static_cast<size_t>(t)], f.dx, f.dy, "heterochromatin", false);
  const cv::Mat phiD = 2 * f.hetero[static_cast<size_t>(t)] - f.density[static_cast<size_t>(t)];
  images_[3]->show(phiD, f.dx, f.dy, "phi_d", true);
}

}  // namespace mollichrom::ui
