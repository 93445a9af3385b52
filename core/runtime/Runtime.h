#pragma once
// Process-wide numeric runtime set-up: LibTorch thread count and a BLAS sanity check.
// Kept in one place so the GUI, the CLI and the tests all start the same way.
#include <string>
#include <vector>

namespace mollichrom {

struct BlasInfo {
  std::string name;     // "OpenBLAS (openmp)", "reference BLAS", ...
  std::string library;  // resolved path of the loaded libblas, if found
  std::string config;   // OpenBLAS build string when available
  bool reference = false;
};

struct RuntimeInfo {
  int threads = 1;
  std::string threadsSource;  // "hardware", "MOLLICHROM_THREADS", "setting"
  BlasInfo blas;
  std::vector<std::string> warnings;
};

// Thread count from an explicit setting (>0 wins), else the MOLLICHROM_THREADS value,
// else the hardware. Invalid environment values fall back to hardware with a warning.
int resolveThreadCount(int setting, const char* envValue, unsigned hardware, std::string* source,
                       std::string* warning);

// Classifies the BLAS library file loaded into this process.
BlasInfo classifyBlasLibrary(const std::string& resolvedPath);
BlasInfo detectBlas();

// Configures LibTorch threads and checks BLAS. Call early; later calls only change the
// thread count when `threadSetting` > 0. Warnings are also printed to stderr once.
const RuntimeInfo& initRuntime(int threadSetting = 0);

// Background work (the GUI's training and preview threads): lowers the calling thread's
// scheduling priority (nice +10, Linux). The OpenMP workers LibTorch starts from this thread
// inherit it, so on a machine whose cores the computation fills the event loop still gets the
// CPU when it needs it. Returns false where the system refuses.
bool lowerThreadPriority();

}  // namespace mollichrom
