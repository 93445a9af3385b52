#include "core/runtime/Runtime.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <algorithm>

#include <ATen/Parallel.h>

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

namespace mollichrom {

int resolveThreadCount(int setting, const char* envValue, unsigned hardware, std::string* source,
                       std::string* warning) {
  const int hw = hardware > 0 ? static_cast<int>(hardware) : 1;
  if (setting > 0) {
    if (source) *source = "setting";
    return setting;
  }
  if (envValue && *envValue) {
    char* end = nullptr;
    const long v = std::strtol(envValue, &end, 10);
    if (end && *end == '\0' && v > 0 && v <= 1024) {
      if (source) *source = "MOLLICHROM_THREADS";
      return static_cast<int>(v);
    }
    if (warning)
      *warning = std::string("MOLLICHROM_THREADS='") + envValue +
                 "' is not a thread count between 1 and 1024; using " + std::to_string(hw) +
                 " (hardware)";
  }
  if (source) *source = "hardware";
  return hw;
}

BlasInfo classifyBlasLibrary(const std::string& path) {
  BlasInfo info;
  info.library = path;
  auto has = [&](const char* s) { return path.find(s) != std::string::npos; };
  if (path.empty()) {
    info.name = "unknown (no libblas mapped)";
  } else if (has("openblas")) {
    info.name = has("openmp")    ? "OpenBLAS (openmp)"
                : has("pthread") ? "OpenBLAS (pthread)"
                : has("serial")  ? "OpenBLAS (serial)"
                                 : "OpenBLAS";
  } else if (has("blis")) {
    info.name = "BLIS";
  } else if (has("atlas")) {
    info.name = "ATLAS";
  } else if (has("mkl")) {
    info.name = "Intel MKL";
  } else if (has("/blas/libblas")) {
    // Debian's netlib reference implementation lives in .../blas/libblas.so.3.
    info.name = "reference BLAS (netlib)";
    info.reference = true;
  } else {
    info.name = "unknown BLAS";
  }
  return info;
}

BlasInfo detectBlas() {
  // /proc/self/maps shows the file actually mapped, after alternatives symlinks resolve.
  std::ifstream maps("/proc/self/maps");
  std::string line, found;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    if (path.find("libblas.so") != std::string::npos ||
        path.find("libopenblas") != std::string::npos ||
        path.find("libblis") != std::string::npos || path.find("libmkl") != std::string::npos) {
      found = path;
      if (path.find("libblas.so") != std::string::npos) break;  // the one LibTorch calls
    }
  }
  BlasInfo info = classifyBlasLibrary(found);
  using ConfigFn = char* (*)();
  if (auto fn = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    if (const char* c = fn()) info.config = c;
  }
  return info;
}

namespace {
RuntimeInfo& state() {
  static RuntimeInfo info;
  return info;
}
}  // namespace

const RuntimeInfo& initRuntime(int threadSetting) {
  static std::once_flag once;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  RuntimeInfo& info = state();
  std::call_once(once, [&] {
    std::string warning;
    info.threads =
        resolveThreadCount(threadSetting, std::getenv("MOLLICHROM_THREADS"),
                           std::thread::hardware_concurrency(), &info.threadsSource, &warning);
    if (!warning.empty()) info.warnings.push_back(warning);
    at::set_num_threads(info.threads);
    // Training allocates the same few-MB activation buffers every step. With glibc's default
    // (dynamic) mmap threshold those are mmapped and unmapped each step for a while, and the
    // page faults cost more than the arithmetic; keep them on the heap instead.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    info.blas = detectBlas();
    if (info.blas.reference)
      info.warnings.push_back(
          "LibTorch is using the reference BLAS (" + info.blas.library +
          "): matrix products will be ~25x slower. Install libopenblas0-openmp.");
    for (const auto& w : info.warnings) std::cerr << "mollichrom: warning: " << w << "\n";
    threadSetting = 0;  // already applied
  });
  if (threadSetting > 0 && threadSetting != info.threads) {
    info.threads = threadSetting;
    info.threadsSource = "setting";
    at::set_num_threads(info.threads);
  }
  return info;
}

bool lowerThreadPriority() {
  // setpriority(PRIO_PROCESS, tid) sets one thread's nice value on Linux; threads it creates
  // later inherit it.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  const int now = ::getpriority(PRIO_PROCESS, tid);
  return ::setpriority(PRIO_PROCESS, tid, std::max(now, 10)) == 0;
}

}  // namespace mollichrom
