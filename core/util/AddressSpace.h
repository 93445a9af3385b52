#pragma once
// Address space each compute thread reserves beyond the data it works on, whether used or
// not: OpenBLAS's work buffer (129 MB in Debian's build), a malloc arena (64 MB), its stack
// and the thread pools' own. Measured: the smallest `ulimit -v` under which a small stack runs
// grows by about this much per thread (docs/reliability.md). Read by the memory plan and by
// the executables' start-up check, which runs before any library is initialised.
namespace mollichrom::util {
constexpr double kThreadAddressSpaceMb = 290;
}  // namespace mollichrom::util
