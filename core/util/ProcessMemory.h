#pragma once
// Resident memory of this process, from /proc/self/status (Linux).
namespace mollichrom::util {

double residentMb();      // VmRSS
double peakResidentMb();  // VmHWM
// Resets the peak (VmHWM) to the current RSS, so a later peak measures only what follows.
// Returns false where the kernel does not allow it.
bool resetPeakResident();

}  // namespace mollichrom::util
