#include "core/util/OutputSet.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace mollichrom::util {

namespace {

std::string folderOf(const std::string& target) {
  const fs::path parent = fs::path(target).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// A fixed-length lock name, so even the longest legal output name has a lock beside it.
std::string lockName(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  char buf[40];
  std::snprintf(buf, sizeof buf, ".mollichrom-%016llx.lock", static_cast<unsigned long long>(h));
  return buf;
}

std::string why() { return std::strerror(errno); }

void syncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

OutputSet::OutputSet(std::vector<std::string> outputs, std::vector<std::string> companions) {
  std::map<std::string, std::string> seen;  // normalized path → as named
  auto add = [&](const std::string& target, bool output) {
    if (target.empty()) throw OutputUnusable("an output name is empty");
    const std::string key = fs::absolute(target).lexically_normal().string();
    if (auto it = seen.find(key); it != seen.end()) {
      if (output) throw OutputUnusable(target + ": named for two outputs of the same run");
      return;  // a companion that is also an output: the output's entry covers it
    }
    seen.emplace(key, target);
    const std::string folder = folderOf(target);
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0)
      throw OutputUnusable(target + ": the folder " + folder + " does not exist");
    if (!S_ISDIR(st.st_mode)) throw OutputUnusable(target + ": " + folder + " is not a folder");
    if (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      throw OutputUnusable(target + ": is a folder, not a file name");
    const std::string name = fs::path(target).filename().string();
    const long nameMax = ::pathconf(folder.c_str(), _PC_NAME_MAX);
    if (nameMax > 0 && static_cast<long>(name.size()) > nameMax)
      throw OutputUnusable(target + ": the name is " + std::to_string(name.size()) +
                           " bytes long; the file system allows " + std::to_string(nameMax));
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
      throw OutputUnusable(target + ": cannot write into " + folder + ": " + why());
    entries_.push_back({target, {}, folder + "/" + lockName(name), -1, false, output});
  };
  for (const auto& o : outputs) add(o, true);
  for (const auto& c : companions) add(c, false);

  // A held lock refuses at once (a second run on the same output would otherwise finish
  // minutes later and replace or mix the first one's files); never waiting, two runs cannot
  // deadlock whatever order they lock in. The outputs come first, so a refusal names one.
  try {
    for (Entry* e = entries_.data(); e != entries_.data() + entries_.size(); ++e) {
      for (;;) {
        const int fd = ::open(e->lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
          throw OutputUnusable(e->target + ": cannot write into " + folderOf(e->target) + ": " +
                               why());
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
          char pid[32] = {0};
          const auto n = ::pread(fd, pid, sizeof pid - 1, 0);
          ::close(fd);
          std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "";
          holder.erase(std::remove(holder.begin(), holder.end(), '\n'), holder.end());
          throw OutputBusy(e->target + ": being written by another run" +
                           (holder.empty() ? "" : " (process " + holder + ")") +
                           "; wait for it to end or choose another name");
        }
        // The holder before us may have removed the file between our open and our lock: then
        // we hold a lock nobody else sees; take the file that is there now.
        struct stat a {
        }, b{};
        if (::fstat(fd, &a) == 0 && ::stat(e->lockPath.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
          e->lockFd = fd;
          const std::string pid = std::to_string(::getpid()) + "\n";
          if (::ftruncate(fd, 0) == 0) {
            [[maybe_unused]] const auto written = ::pwrite(fd, pid.data(), pid.size(), 0);
          }
          break;
        }
        ::close(fd);
      }
    }
    // One staging folder per output folder; creating it proves the folder takes new files.
    std::map<std::string, std::string> staging;
    int k = 0;
    for (auto& e : entries_) {
      const std::string folder = folderOf(e.target);
      auto it = staging.find(folder);
      if (it == staging.end()) {
        std::string pattern = folder + "/.mollichrom-staging-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        if (!::mkdtemp(buf.data()))
          throw OutputUnusable(e.target + ": cannot write into " + folder + ": " + why());
        it = staging.emplace(folder, buf.data()).first;
        stagingDirs_.push_back(it->second);
      }
      // Short staged names (the target's extension kept for writers that look at it).
      std::string ext = fs::path(e.target).extension().string();
      if (ext.size() > 16) ext.clear();
      e.staging = it->second + "/" + std::to_string(k++) + ext;
    }
  } catch (...) {
    release();
    throw;
  }
}

OutputSet::~OutputSet() { release(); }

void OutputSet::release() {
  for (const auto& d : stagingDirs_) {
    std::error_code ignored;
    fs::remove_all(d, ignored);
  }
  stagingDirs_.clear();
  for (auto& e : entries_)
    if (e.lockFd >= 0) {
      ::unlink(e.lockPath.c_str());  // while still held: a waiting opener re-checks the inode
      ::close(e.lockFd);
      e.lockFd = -1;
    }
}

OutputSet::Entry& OutputSet::entry(const std::string& target) {
  for (auto& e : entries_)
    if (e.target == target) return e;
  throw std::logic_error(target + ": not an output of this run");
}

std::string OutputSet::staged(const std::string& target) {
  Entry& e = entry(target);
  e.staged = true;
  return e.staging;
}

std::string OutputSet::explain(const std::string& message) const {
  std::string out = message;
  std::string full;
  for (const auto& e : entries_) {
    for (auto at = out.find(e.staging); at != std::string::npos; at = out.find(e.staging))
      out.replace(at, e.staging.size(), e.target);
    // Less than 1 MB left where a map of a few MB is being written: the disk is full.
    struct statvfs fs {};
    const std::string folder = folderOf(e.target);
    if (full.empty() && ::statvfs(folder.c_str(), &fs) == 0 &&
        double(fs.f_bavail) * fs.f_frsize < 1024.0 * 1024.0)
      full = " (the disk is full: " + std::to_string(fs.f_bavail * fs.f_frsize / 1024) +
             " KB free in " + folder + "; the earlier files are unchanged)";
  }
  return out + full;
}

bool OutputSet::anyExists() const {
  struct stat st {};
  for (const auto& e : entries_)
    if (e.output && ::stat(e.target.c_str(), &st) == 0) return true;
  return false;
}

void OutputSet::commit() {
  if (committed_) return;
  struct stat st {};
  // Everything staged must be there before anything moves: a set is whole or not at all.
  for (const auto& e : entries_)
    if (e.staged && ::stat(e.staging.c_str(), &st) != 0)
      throw std::runtime_error(e.target + ": was not written: " + why());
  std::vector<std::string> folders;
  for (const auto& e : entries_) {
    if (e.staged) {
      if (std::rename(e.staging.c_str(), e.target.c_str()) != 0)
        throw std::runtime_error(e.target + ": could not be saved: " + why());
    } else if (::unlink(e.target.c_str()) != 0 && errno != ENOENT) {
      throw std::runtime_error(e.target + ": an earlier run's file could not be removed: " + why());
    }
    folders.push_back(folderOf(e.target));
  }
  std::sort(folders.begin(), folders.end());
  folders.erase(std::unique(folders.begin(), folders.end()), folders.end());
  for (const auto& f : folders) syncFolder(f);
  committed_ = true;
  release();
}

}  // namespace mollichrom::util
