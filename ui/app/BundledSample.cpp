#include "ui/app/BundledSample.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace mollichrom::ui {

QString bundledSamplePath() {
  const QString name = QStringLiteral("sample_data/chromatin_sample.tif");
  const QDir exe(QCoreApplication::applicationDirPath());
  // Installed (<prefix>/bin → <prefix>/share/mollichrom), then the build tree (build/app → the
  // source folder beside build/), then the system package's place.
  for (const QString& candidate : {exe.filePath(QStringLiteral("../share/mollichrom/") + name),
                                   exe.filePath(QStringLiteral("../../") + name),
                                   QStringLiteral("/usr/share/mollichrom/") + name}) {
    const QFileInfo f(candidate);
    if (f.isFile()) return f.canonicalFilePath();
  }
  return {};
}

}  // namespace mollichrom::ui
