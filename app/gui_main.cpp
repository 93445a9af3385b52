// mollichrom: the desktop application.
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "ui/app/MainWindow.h"
#include "ui/vtk/VtkView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSurfaceFormat>

#include <vtkVersion.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {
const char* kUsage =
    "Usage: mollichrom [options] [FILE|PROJECT]\n"
    "\n"
    "Mollichrom infers epigenetic reaction-rate maps from chromatin time-lapse stacks.\n"
    "\n"
    "Options:\n"
    "  -h, --help       Show this help and exit.\n"
    "  --version        Print the versions of Mollichrom and its libraries and exit.\n";
}

int main(int argc, char** argv) {
  // --version / --help work without a display.
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::fputs(mollichrom::versionReport("mollichrom", vtkVersion::GetVTKVersion()).c_str(), stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  QSurfaceFormat::setDefaultFormat(mollichrom::ui::VtkView::defaultFormat());
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Mollichrom"));
  QApplication::setOrganizationName(QStringLiteral("Mollichrom"));
  QApplication::setApplicationVersion(QString::fromStdString(mollichrom::mollichromVersion()));
  mollichrom::initRuntime();

  mollichrom::ui::MainWindow window;
  window.show();
  const QStringList args = QApplication::arguments();
  for (int i = 1; i < args.size(); ++i)
    if (!args[i].startsWith(QLatin1Char('-'))) {
      window.openStack(args[i]);
      break;
    }
  return app.exec();
}
