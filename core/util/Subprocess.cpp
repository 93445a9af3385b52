#include "core/util/Subprocess.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace mollichrom::util {

namespace {

std::vector<char*> cArgv(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// In the child after fork(): only async-signal-safe calls until exec.
[[noreturn]] void execChild(const std::vector<char*>& args, const std::string& exe, int outFd,
                            int errFd, const char* workDir, int reportFd) {
  if (outFd >= 0) dup2(outFd, STDOUT_FILENO);
  if (errFd >= 0) dup2(errFd, STDERR_FILENO);
  int failure = 0;
  if (workDir && chdir(workDir) != 0) failure = errno;
  if (!failure) {
    execv(exe.c_str(), args.data());
    failure = errno;
  }
  // Tell the parent why through the close-on-exec pipe.
  [[maybe_unused]] const ssize_t n = write(reportFd, &failure, sizeof failure);
  _exit(127);
}

pid_t spawnWithFds(const std::vector<std::string>& argv, int outFd, int errFd,
                   const std::string& workDir) {
  if (argv.empty()) throw std::invalid_argument("spawnProcess: empty argument vector");
  const std::string exe = argv[0].find('/') == std::string::npos ? findProgram(argv[0]) : argv[0];
  if (exe.empty()) throw std::runtime_error(argv[0] + ": not found in PATH");
  const auto args = cArgv(argv);
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0)
    throw std::runtime_error(argv[0] + ": " + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(report[0]);
    close(report[1]);
    throw std::runtime_error(argv[0] + ": could not start (" + std::strerror(errno) + ")");
  }
  if (pid == 0) {
    close(report[0]);
    execChild(args, exe, outFd, errFd, workDir.empty() ? nullptr : workDir.c_str(), report[1]);
  }
  close(report[1]);
  int failure = 0;
  ssize_t n;
  do {
    n = read(report[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == sizeof failure) {
    waitProcess(pid);
    throw std::runtime_error(argv[0] + ": could not start (" + std::strerror(failure) + ")");
  }
  return pid;
}

}  // namespace

pid_t spawnProcess(const std::vector<std::string>& argv, const SpawnOptions& options) {
  int fd = -1;
  if (!options.output.empty()) {
    fd = open(options.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error(options.output + ": cannot write the log (" + std::strerror(errno) +
                               ")");
  }
  try {
    const pid_t pid = spawnWithFds(argv, fd, fd, options.workDir);
    if (fd >= 0) close(fd);
    return pid;
  } catch (...) {
    if (fd >= 0) close(fd);
    throw;
  }
}

int waitProcess(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 1;
  return decode(status);
}

bool waitAnyProcess(pid_t* pid, int* exitCode, bool interruptible) {
  int status = 0;
  for (;;) {
    const pid_t p = waitpid(-1, &status, 0);
    if (p > 0) {
      *pid = p;
      *exitCode = decode(status);
      return true;
    }
    if (errno == EINTR && !interruptible) continue;
    return false;
  }
}

std::string runCapturing(const std::vector<std::string>& argv, int* exitCode,
                         std::string* errorText, const std::string& workDir) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error(argv.at(0) + ": " + std::strerror(errno));
  pid_t pid;
  try {
    pid = spawnWithFds(argv, out[1], err[1], workDir);
  } catch (...) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    throw;
  }
  close(out[1]);
  close(err[1]);
  // Read both pipes to their end (stderr after stdout: these tools write little to stderr,
  // well under a pipe's 64 KB, so the child never blocks on it).
  std::string text, errors;
  std::array<char, 4096> buf{};
  for (auto [fd, sink] : {std::pair{out[0], &text}, std::pair{err[0], &errors}}) {
    for (;;) {
      const ssize_t n = read(fd, buf.data(), buf.size());
      if (n > 0) {
        sink->append(buf.data(), static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        break;
      }
    }
    close(fd);
  }
  *exitCode = waitProcess(pid);
  if (errorText) *errorText += errors;
  return text;
}

std::string findProgram(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

std::string selfExecutable() {
  std::array<char, 4096> buf{};
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<size_t>(n)) : std::string("mollichrom-cli");
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace mollichrom::util
