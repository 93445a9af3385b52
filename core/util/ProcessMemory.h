#pragma once
// Resident memory of this process, from /proc/self/status (Linux).
namespace mollichrom::util {

double residentMb();      // VmRSS
double peakResidentMb();  // VmHWM
double virtualMb();       // VmSize: what an address-space limit (ulimit -v) counts

// Limits the process lives under besides the machine's memory: the address space
// (RLIMIT_AS, or RLIMIT_DATA if smaller: `ulimit -v`, `ulimit -d`) and the memory its
// control group may still take (cgroup v2 memory.max − memory.current, v1 likewise: a
// container's or a SLURM job's --mem). Negative: no such limit.
struct ProcessLimits {
  double addressSpaceMb = -1;
  double cgroupFreeMb = -1;
};
ProcessLimits processLimits();
// Resets the peak (VmHWM) to the current RSS, so a later peak measures only what follows.
// Returns false where the kernel does not allow it.
bool resetPeakResident();

}  // namespace mollichrom::util
