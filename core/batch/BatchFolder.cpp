#include "core/batch/BatchFolder.h"

#include "core/util/TextFile.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mollichrom::batch {

std::string itemStateName(ItemState s) {
  switch (s) {
    case ItemState::Pending:
      return "pending";
    case ItemState::Running:
      return "running";
    case ItemState::Done:
      return "done";
    case ItemState::Failed:
      return "failed";
    case ItemState::Interrupted:
      return "interrupted";
  }
  return "pending";
}

namespace {
ItemState parseState(const std::string& s) {
  for (ItemState st : {ItemState::Pending, ItemState::Running, ItemState::Done, ItemState::Failed,
                       ItemState::Interrupted})
    if (itemStateName(st) == s) return st;
  throw std::invalid_argument("unknown item state '" + s + "'");
}
}  // namespace

BatchFolder::BatchFolder(std::string dir) : dir_(std::move(dir)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

std::string BatchFolder::partialDir(const std::string& name) const {
  return itemsDir() + "/." + name + ".partial";
}

std::string BatchFolder::lockFile(const std::string& name) const {
  return itemsDir() + "/." + name + ".lock";
}

std::string BatchFolder::statusJson(const ItemStatus& s) {
  QJsonObject o{{"state", QString::fromStdString(itemStateName(s.state))},
                {"exit_code", s.exitCode},
                {"seconds", s.seconds},
                {"message", QString::fromStdString(s.message)},
                {"finished", QString::fromStdString(s.finished)},
                {"host", QString::fromStdString(s.host)}};
  return QJsonDocument(o).toJson().toStdString();
}

ItemStatus BatchFolder::parseStatusJson(const std::string& json) {
  QJsonParseError error{};
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
  if (!doc.isObject())
    throw std::invalid_argument("status.json: " + error.errorString().toStdString());
  const QJsonObject o = doc.object();
  ItemStatus s;
  s.state = parseState(o.value("state").toString().toStdString());
  s.exitCode = o.value("exit_code").toInt(-1);
  s.seconds = o.value("seconds").toDouble();
  s.message = o.value("message").toString().toStdString();
  s.finished = o.value("finished").toString().toStdString();
  s.host = o.value("host").toString().toStdString();
  return s;
}

ItemStatus BatchFolder::status(const std::string& name) const {
  if (isLocked(lockFile(name))) {
    ItemStatus running;
    running.state = ItemState::Running;
    return running;
  }
  return recordedStatus(name);
}

ItemStatus BatchFolder::recordedStatus(const std::string& name) const {
  const auto text = util::readTextFile(itemDir(name) + "/status.json");
  if (!text) return {};
  try {
    return parseStatusJson(*text);
  } catch (const std::exception&) {
    return {};  // unreadable: run it again
  }
}

ItemLock::ItemLock(const std::string& path) {
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error(path + ": cannot open the lock (" + std::strerror(errno) + ")");
  acquired_ = flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

ItemLock::~ItemLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

void ItemLock::describeHolder(const std::string& text) {
  if (!acquired_) return;
  if (ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const auto written = pwrite(fd_, text.data(), text.size(), 0);
  }
}

std::string lockHolder(const std::string& path) {
  const auto text = util::readTextFile(path);
  if (!text) return {};
  std::string line = text->substr(0, text->find('\n'));
  return line;
}

bool isLocked(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool free = flock(fd, LOCK_SH | LOCK_NB) == 0;
  close(fd);
  return !free;
}

}  // namespace mollichrom::batch
