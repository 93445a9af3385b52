// mollichrom: the desktop application.
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "core/train/Presets.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/BundledSample.h"
#include "ui/app/MainWindow.h"
#include "ui/app/Workflow.h"
#include "ui/docks/TrainingDock.h"
#include "ui/vtk/VtkView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSurfaceFormat>
#include <QTimer>

#include <vtkVersion.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

namespace {
const char* kUsage =
    "Usage: mollichrom [options] [FILE|PROJECT.mchrom|sample]\n"
    "\n"
    "Mollichrom infers epigenetic reaction-rate maps from chromatin time-lapse stacks.\n"
    "\n"
    "\"sample\" opens the bundled sample stack (Help > Open the sample does the same).\n"
    "\n"
    "Options:\n"
    "  -h, --help         Show this help and exit.\n"
    "  --version          Print the versions of Mollichrom and its libraries and exit.\n"
    "  --channels density=1,heterochromatin=2\n"
    "                     Which channel holds which field (1-based).\n"
    "  --run              Start training once FILE is open and its preview is ready.\n"
    "  --preset NAME      preview | balanced | accurate: the Training dock's preset (default:\n"
    "                     the last one used).\n"
    "  --steps N          Training steps for --run, N >= 1 (default: the preset's).\n"
    "  --time-budget S    Training time limit in seconds for --run, S > 0 (whichever of\n"
    "                     steps and budget ends first).\n"
    "  --save-project P   Save the project (settings, results, view) to P once the work above\n"
    "                     is done (\".mchrom\" is added when missing).\n"
    "  --export-all DIR   Export every result file (λ, band, fields, nuclei table, losses,\n"
    "                     summary) into DIR once the work above is done.\n"
    "  --screenshot PNG   Save a grab of the main window once the work above is done.\n"
    "  --memory-limit MB  Refuse training whose estimated peak memory exceeds MB (default: the\n"
    "                     setting memoryLimitMb, else 75% of the memory available).\n"
    "  --quit             Exit after that (exit code 0; 1 if opening, training or saving "
    "failed).\n";
}

int main(int argc, char** argv) {
  // --version / --help work without a display.
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::fputs(mollichrom::versionReport("mollichrom", vtkVersion::GetVTKVersion()).c_str(),
                 stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  // Without a display Qt would abort with its xcb message (exit 134): say it in one line
  //. QT_QPA_PLATFORM set (offscreen, wayland, …) means the user chose a platform.
  const auto unset = [](const char* name) {
    const char* v = std::getenv(name);
    return !v || !*v;
  };
  if (unset("DISPLAY") && unset("WAYLAND_DISPLAY") && unset("QT_QPA_PLATFORM")) {
    std::fputs(
        "mollichrom: no display (DISPLAY is not set): run it in a desktop session, under "
        "xvfb-run for unattended use, or use mollichrom-cli for headless work\n",
        stderr);
    return 1;
  }
  QSurfaceFormat::setDefaultFormat(mollichrom::ui::VtkView::defaultFormat());
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Mollichrom"));
  QApplication::setOrganizationName(QStringLiteral("Mollichrom"));
  QApplication::setApplicationVersion(QString::fromStdString(mollichrom::mollichromVersion()));
  QApplication::setDesktopFileName(
      QStringLiteral("mollichrom"));  // the installed .desktop entry and its icon
  mollichrom::initRuntime();

  mollichrom::ui::MainWindow window;
  window.show();
  // Automation for demos and tests: open → (train) → screenshot → quit.
  QString file, screenshot, channels, preset, projectOut, exportDir;
  bool run = false, quit = false;
  int steps = 0;
  double budget = 0;
  const QStringList args = QApplication::arguments();
  for (int i = 1; i < args.size(); ++i) {
    const QString& a = args[i];
    auto next = [&]() -> QString {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "mollichrom: %s needs a value\n", qPrintable(a));
        std::exit(2);
      }
      return args[++i];
    };
    if (a == "--run")
      run = true;
    else if (a == "--quit")
      quit = true;
    else if (a == "--steps") {
      bool ok = false;
      steps = next().toInt(&ok);
      if (!ok || steps < 1) {
        std::fprintf(stderr, "mollichrom: --steps takes a whole number >= 1\n");
        return 2;
      }
    } else if (a == "--time-budget") {
      bool ok = false;
      budget = next().toDouble(&ok);
      if (!ok || !(budget > 0)) {
        std::fprintf(stderr, "mollichrom: --time-budget takes seconds (> 0)\n");
        return 2;
      }
    } else if (a == "--preset") {
      preset = next();
      if (!mollichrom::train::isPreset(preset.toStdString())) {
        std::fprintf(stderr,
                     "mollichrom: --preset: unknown preset '%s' (preview, balanced, accurate)\n",
                     qPrintable(preset));
        return 2;
      }
    } else if (a == "--screenshot")
      screenshot = next();
    else if (a == "--save-project") {
      projectOut = next();
      if (!projectOut.endsWith(QStringLiteral(".mchrom"), Qt::CaseInsensitive))
        projectOut += QStringLiteral(".mchrom");
    } else if (a == "--export-all")
      exportDir = next();
    else if (a == "--memory-limit") {
      bool ok = false;
      const double mb = next().toDouble(&ok);
      if (!ok || mb <= 0) {
        std::fprintf(stderr, "mollichrom: --memory-limit takes megabytes (> 0)\n");
        return 2;
      }
      window.session()->setMemoryLimitMb(mb);
    } else if (a == "--channels")
      channels = next();
    else if (a.startsWith("-")) {
      std::fprintf(stderr, "mollichrom: unknown option %s (see --help)\n", qPrintable(a));
      return 2;
    } else if (file.isEmpty())
      file = a;
  }
  if (!channels.isEmpty()) {
    try {
      window.workflow()->setChannels(channels);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "mollichrom: --channels: %s\n", e.what());
      return 2;
    }
  }
  if (!preset.isEmpty()) window.trainingDock()->setPreset(preset);
  // Into the dock, after the preset: the window then shows the length that runs (a --time-budget
  // alone keeps the preset's steps, as `mollichrom-cli infer --preset … --time-budget` does).
  window.trainingDock()->setTrainingLength(steps, budget);
  window.setShowDialogs(!quit);
  int exitCode = 0;
  // What the File menu's Save project and Export all do, in that order, each failure one line
  // naming the file.
  const auto attempt = [&exitCode](const QString& target, const std::function<void()>& write) {
    if (target.isEmpty()) return;
    try {
      write();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mollichrom: %s: %s\n", qPrintable(target), e.what());
      exitCode = 1;
    }
  };
  auto finish = [&] {
    attempt(projectOut, [&] { window.saveProject(projectOut); });
    attempt(exportDir, [&] { window.exportAll(exportDir); });
    if (!screenshot.isEmpty() && !window.saveScreenshot(screenshot)) {
      std::fprintf(stderr, "mollichrom: %s: could not save the screenshot\n",
                   qPrintable(screenshot));
      exitCode = 1;
    }
    if (quit) QApplication::exit(exitCode);
  };
  QElapsedTimer sinceStart;
  QObject::connect(window.workflow(), &mollichrom::ui::Workflow::previewReady, [&] {
    if (run) {
      sinceStart.start();
      window.workflow()->startTraining();
    } else {
      QTimer::singleShot(300, finish);  // let the panels render first
    }
  });
  QObject::connect(window.workflow(), &mollichrom::ui::Workflow::trainingFailed,
                   [&](const QString&) { exitCode = 1; });
  QObject::connect(window.workflow(), &mollichrom::ui::Workflow::trainingFinished, [&](bool) {
    // The wall time from Start to the result as the user sees it (README).
    if (sinceStart.isValid())
      std::printf("mollichrom: training finished %.1f s after Start (%s)\n",
                  sinceStart.elapsed() / 1000.0, qPrintable(window.session()->stageTimes()));
    QTimer::singleShot(300, finish);
  });
  QObject::connect(window.workflow(), &mollichrom::ui::Workflow::openFailed,
                   [&](const QString& msg) {
                     std::fprintf(stderr, "mollichrom: %s\n", qPrintable(msg));
                     exitCode = 1;
                     // The window as the user meets the failure (status bar, Log) is what a
                     // report of it needs: the screenshot is saved all the same.
                     QTimer::singleShot(300, [&] {
                       if (!screenshot.isEmpty()) window.saveScreenshot(screenshot);
                       if (quit) QApplication::exit(exitCode);
                     });
                   });
  // "sample" (no such file here): the bundled sample stack.
  if (file == QStringLiteral("sample") && !QFileInfo::exists(file)) {
    file = mollichrom::ui::bundledSamplePath();
    if (file.isEmpty()) {
      std::fprintf(stderr,
                   "mollichrom: sample: the bundled sample was not found (it is "
                   "sample_data/chromatin_sample.tif in the source and share/mollichrom/ when "
                   "installed)\n");
      return 1;
    }
  }
  if (!file.isEmpty())
    window.workflow()->open(file);
  else if (quit || !screenshot.isEmpty() || !projectOut.isEmpty() || !exportDir.isEmpty())
    QTimer::singleShot(300, finish);
  const int rc = app.exec();
  return rc != 0 ? rc : exitCode;
}
