// Runs before any shared library's initializer (an executable's .preinit_array): under an
// address-space limit (`ulimit -v`, `ulimit -d`, some batch systems' memory limits) too small
// for the libraries to start, OpenBLAS's initializer retries its work buffer forever and the
// process hangs before main() is reached. Here the libraries are mapped but none has run: if
// what is mapped plus one compute thread's reservations cannot fit, say so in one line and
// exit 5 (not enough memory) instead. Only system calls: nothing else is initialised yet.
#include "core/util/AddressSpace.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace {

namespace util = mollichrom::util;

// One compute thread's reservations beyond what is mapped: the least any run needs.
constexpr long kThreadReserveKb = static_cast<long>(util::kThreadAddressSpaceMb * 1024);

long mappedKb() {
  const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* p = std::strstr(buf, "VmSize:");
  return p ? std::strtol(p + 7, nullptr, 10) : -1;
}

void checkStartupLimit(int argc, char** argv, char**) {
  long limitKb = -1;
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit r {};
    if (::getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
      const long kb = static_cast<long>(r.rlim_cur / 1024);
      if (limitKb < 0 || kb < limitKb) limitKb = kb;
    }
  }
  if (limitKb < 0) return;
  const long mapped = mappedKb();
  if (mapped < 0 || mapped + kThreadReserveKb <= limitKb) return;
  char line[512];
  const char* name = argc > 0 && argv[0] ? std::strrchr(argv[0], '/') : nullptr;
  name = name ? name + 1 : (argc > 0 && argv[0] ? argv[0] : "mollichrom");
  const int len = std::snprintf(
      line, sizeof line,
      "%s: error: the process may map at most %.2f GB (an address-space limit: ulimit -v or -d); "
      "its libraries take %.2f GB and need more than %.2f GB more to start: raise the limit "
      "above %.2f GB\n",
      name, limitKb / 1048576.0, mapped / 1048576.0, kThreadReserveKb / 1048576.0,
      (mapped + kThreadReserveKb) / 1048576.0);
  if (len > 0) {
    [[maybe_unused]] const ssize_t written = ::write(2, line, static_cast<size_t>(len));
  }
  ::_exit(5);
}

}  // namespace

__attribute__((section(".preinit_array"),
               used)) static void (*const kStartupLimit)(int, char**, char**) = checkStartupLimit;
