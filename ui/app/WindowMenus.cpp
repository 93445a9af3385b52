#include "ui/app/WindowMenus.h"

#include "core/runtime/Versions.h"
#include "ui/app/ExportController.h"
#include "ui/app/GuideDialog.h"
#include "ui/app/MainWindow.h"
#include "ui/app/SessionReporter.h"
#include "ui/app/TrainingActions.h"
#include "ui/app/Workflow.h"
#include "ui/docks/DataDock.h"
#include "ui/docks/LogDock.h"
#include "ui/docks/TrainingDock.h"
#include "ui/panels/PanelGrid.h"

#include "ui/app/AnalysisSession.h"
#include "ui/app/BundledSample.h"

#include <QFileDialog>
#include <QFileInfo>

#include <QMenuBar>
#include <QMessageBox>
#include <cstring>

namespace mollichrom::ui {

bool saveProjectInteractively(MainWindow& w, SessionReporter& reporter, QString path) {
  if (path.isEmpty()) {
    const QFileInfo data(w.session()->path());
    const QString proposed =
        data.fileName().isEmpty()
            ? QString()
            : data.dir().filePath(stackBaseName(data.fileName()) + QStringLiteral(".mchrom"));
    path = QFileDialog::getSaveFileName(&w, MainWindow::tr("Save project"), proposed,
                                        MainWindow::tr("Mollichrom projects (*.mchrom)"));
  }
  if (path.isEmpty()) return false;
  if (!path.endsWith(QStringLiteral(".mchrom"))) path += QStringLiteral(".mchrom");
  try {
    w.saveProject(path);
    return true;
  } catch (const std::exception& e) {
    reporter.error(MainWindow::tr("Could not save the project"), path, e.what());
    return false;
  }
}

QString stackBaseName(const QString& fileName) {
  QString stem = fileName;
  for (const char* ext : {".ome.tiff", ".ome.tif", ".tiff", ".tif", ".png"})
    if (stem.endsWith(QLatin1String(ext), Qt::CaseInsensitive)) {
      stem.chop(int(std::strlen(ext)));
      break;
    }
  return stem;
}

QMenu* buildWindowMenus(MainWindow& w, ExportController& exporter, SessionReporter& reporter,
                        TrainingActions& actions) {
  const auto tr = [](const char* s) { return MainWindow::tr(s); };
  auto* file = w.menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open stack or project…"), QKeySequence::Open, &w, [&w, tr] {
    const QString f =
        QFileDialog::getOpenFileName(&w, tr("Open"), QString(),
                                     tr("Stacks and projects (*.tif *.tiff *.ome.tif *.png "
                                        "*.mchrom);;Projects (*.mchrom);;All files (*)"));
    if (!f.isEmpty()) w.workflow()->open(f);
  });
  QMenu* recent = file->addMenu(tr("Open &recent"));
  file->addSeparator();
  file->addAction(tr("&Save project"), QKeySequence::Save, &w,
                  [&w, &reporter] { saveProjectInteractively(w, reporter, w.projectPath()); });
  file->addAction(tr("Save project &as…"), QKeySequence::SaveAs, &w,
                  [&w, &reporter] { saveProjectInteractively(w, reporter, {}); });
  file->addSeparator();
  actions.needResult << exporter.addMenuActions(file->addMenu(tr("&Export")));
  actions.needResult << file->addAction(tr("Save &screenshot…"), &w, [&w, &reporter, tr] {
    const QString f = QFileDialog::getSaveFileName(
        &w, tr("Save screenshot"), QStringLiteral("mollichrom.png"), tr("PNG (*.png)"));
    if (!f.isEmpty() && !w.saveScreenshot(f))
      reporter.error(tr("Could not save the screenshot"), f, tr("The file could not be written."));
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, &w, &QWidget::close);

  auto* view = w.menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d :
       {static_cast<QDockWidget*>(w.dataDock()), static_cast<QDockWidget*>(w.trainingDock()),
        static_cast<QDockWidget*>(w.logDock())})
    view->addAction(d->toggleViewAction());
  view->addAction(tr("Fit images"), &w, [&w] { w.panels()->fitImages(); });
  view->addAction(tr("Zoom in"), QKeySequence::ZoomIn, &w, [&w] { w.panels()->zoom(1.5); });
  view->addAction(tr("Zoom out"), QKeySequence::ZoomOut, &w, [&w] { w.panels()->zoom(1 / 1.5); });
  auto* help = w.menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Guide"), QKeySequence::HelpContents, &w, [&w] {
    // Not modal: the guide stays open beside the window while the user works.
    auto* guide = w.findChild<GuideDialog*>();
    if (!guide) guide = new GuideDialog(&w);
    guide->show();
    guide->raise();
  });
  help->addAction(tr("Open the &sample"), &w, [&w, &reporter, tr] {
    const QString sample = bundledSamplePath();
    if (sample.isEmpty())
      reporter.error(tr("Sample not found"), tr("The bundled sample stack was not found."),
                     tr("It is sample_data/chromatin_sample.tif in the source folder and "
                        "share/mollichrom/sample_data/ where Mollichrom is installed."));
    else
      w.workflow()->open(sample);
  });
  help->addAction(tr("&About Mollichrom"), &w, [&w, tr] {
    QMessageBox::about(&w, tr("About Mollichrom"),
                       QString::fromStdString(versionReport("Mollichrom")));
  });
  return recent;
}

}  // namespace mollichrom::ui
