#include "core/util/AtomicFile.h"

#include <QSaveFile>
#include <QString>

#include <stdexcept>

namespace mollichrom::util {

void writeFileAtomically(const std::string& path, const std::string& bytes) {
  QSaveFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::WriteOnly))
    throw std::runtime_error(path + ": cannot open for writing: " + file.errorString().toStdString());
  const auto written = file.write(bytes.data(), static_cast<qint64>(bytes.size()));
  if (written != static_cast<qint64>(bytes.size())) {
    const std::string why = file.errorString().toStdString();
    file.cancelWriting();
    throw std::runtime_error(path + ": write failed: " + why);
  }
  if (!file.commit())
    throw std::runtime_error(path + ": could not be saved: " + file.errorString().toStdString());
}

}  // namespace mollichrom::util
