// mollichrom-cli: the headless face of the engine, for batches of cells and for scripts.
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"

#include <cstdio>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "Usage: mollichrom-cli [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "Infer epigenetic reaction-rate maps from chromatin time-lapse stacks, headless.\n"
    "\n"
    "Options:\n"
    "  -h, --help     Show this help and exit.\n"
    "  --version      Print the versions of Mollichrom and its libraries and exit.\n"
    "\n"
    "Environment:\n"
    "  MOLLICHROM_THREADS   LibTorch thread count (default: number of hardware threads).\n";

constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string& cmd = args.front();
  if (cmd == "--version" || cmd == "version") {
    std::fputs(mollichrom::versionReport("mollichrom-cli").c_str(), stdout);
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "mollichrom-cli: unknown command '%s' (see mollichrom-cli --help)\n",
               cmd.c_str());
  return kExitUsage;
}
