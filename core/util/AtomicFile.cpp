#include "core/util/AtomicFile.h"

#include <QSaveFile>
#include <QString>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mollichrom::util {

void writeFileAtomically(const std::string& path, const std::string& bytes) {
  QSaveFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::WriteOnly))
    throw std::runtime_error(path +
                             ": cannot open for writing: " + file.errorString().toStdString());
  const auto written = file.write(bytes.data(), static_cast<qint64>(bytes.size()));
  if (written != static_cast<qint64>(bytes.size())) {
    const std::string why = file.errorString().toStdString();
    file.cancelWriting();
    throw std::runtime_error(path + ": write failed: " + why);
  }
  if (!file.commit())
    throw std::runtime_error(path + ": could not be saved: " + file.errorString().toStdString());
}

AtomicFileTarget::AtomicFileTarget(std::string target) : target_(std::move(target)) {
  // Same folder as the target, so the final rename() never crosses a file system.
  std::string pattern = target_ + ".partXXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = mkstemp(buf.data());
  if (fd < 0)
    throw std::runtime_error(target_ + ": cannot open for writing: " + std::strerror(errno));
  ::close(fd);
  temp_ = buf.data();
}

AtomicFileTarget::~AtomicFileTarget() {
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFileTarget::commit() {
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(target_ + ": could not be saved: " + why);
  }
  ::close(fd);
  // mkstemp creates 0600; saved results should have the usual permissions (umask applies).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temp_.c_str(), 0666 & ~mask);
  if (std::rename(temp_.c_str(), target_.c_str()) != 0)
    throw std::runtime_error(target_ + ": could not be saved: " + std::strerror(errno));
  committed_ = true;
}

}  // namespace mollichrom::util
