#include "core/util/ProcessMemory.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace mollichrom::util {

namespace {
double statusFieldMb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string k(key);
  while (std::getline(in, line)) {
    if (line.compare(0, k.size(), k) == 0) return std::stod(line.substr(k.size() + 1)) / 1024.0;
  }
  return -1.0;
}

double readNumberFile(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return -1;
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return -1;
  }
}

// The cgroup of this process (v2: one "0::/path" line; v1: the memory controller's line).
std::string cgroupPath(bool v2) {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (v2 && line.rfind("0::", 0) == 0) return line.substr(3);
    if (!v2) {
      const auto a = line.find(':'), b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      const std::string controllers = line.substr(a + 1, b - a - 1);
      if ((',' + controllers + ',').find(",memory,") != std::string::npos)
        return line.substr(b + 1);
    }
  }
  return {};
}

double cgroupFreeBytes() {
  // v2: the limits of this group and of every group above it; the tightest counts.
  double best = -1;
  for (std::string p = cgroupPath(true); !p.empty();) {
    const std::string dir = "/sys/fs/cgroup" + (p == "/" ? std::string() : p);
    const double max = readNumberFile(dir + "/memory.max"),
                 current = readNumberFile(dir + "/memory.current");
    if (max > 0 && current >= 0 && (best < 0 || max - current < best)) best = max - current;
    if (p == "/") break;
    p = p.substr(0, p.rfind('/'));
    if (p.empty()) p = "/";
  }
  if (best >= 0) return best;
  const std::string v1 = cgroupPath(false);
  if (v1.empty()) return -1;
  const std::string dir = "/sys/fs/cgroup/memory" + (v1 == "/" ? std::string() : v1);
  const double max = readNumberFile(dir + "/memory.limit_in_bytes"),
               usage = readNumberFile(dir + "/memory.usage_in_bytes");
  // v1 reports "no limit" as a huge number (PAGE_COUNTER_MAX pages).
  if (max <= 0 || max >= 1e18 || usage < 0) return -1;
  return max - usage;
}

}  // namespace

double residentMb() { return statusFieldMb("VmRSS"); }
double virtualMb() { return statusFieldMb("VmSize"); }

ProcessLimits processLimits() {
  ProcessLimits l;
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit r {};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
      const double mb = double(r.rlim_cur) / (1024.0 * 1024.0);
      if (l.addressSpaceMb < 0 || mb < l.addressSpaceMb) l.addressSpaceMb = mb;
    }
  }
  const double free = cgroupFreeBytes();
  if (free >= 0) l.cgroupFreeMb = free / (1024.0 * 1024.0);
  return l;
}

double peakResidentMb() { return statusFieldMb("VmHWM"); }

bool resetPeakResident() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  return static_cast<bool>(out.flush());
}

}  // namespace mollichrom::util
