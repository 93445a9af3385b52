#include "core/util/ProcessMemory.h"

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
}  // namespace

double residentMb() { return statusFieldMb("VmRSS"); }
double peakResidentMb() { return statusFieldMb("VmHWM"); }

bool resetPeakResident() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  return static_cast<bool>(out.flush());
}

}  // namespace mollichrom::util
