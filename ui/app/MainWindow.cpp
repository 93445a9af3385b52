#include "ui/app/MainWindow.h"

#include "core/runtime/Versions.h"
#include "ui/vtk/VtkView.h"

#include <QApplication>
#include <QGridLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

namespace mollichrom::ui {

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
    grid->addWidget(view, i / 2, i % 2);
  }
  setCentralWidget(central);

  auto* fileMenu = menuBar()->addMenu(tr("&File"));
  fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
  auto* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->addAction(tr("&About Mollichrom"), this, [this] {
    QMessageBox::about(this, tr("About Mollichrom"),
                       QString::fromStdString(versionReport("Mollichrom")));
  });
  statusBar()->showMessage(tr("Ready"));
  resize(1200, 800);
}

}  // namespace mollichrom::ui
