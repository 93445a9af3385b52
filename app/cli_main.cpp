// mollichrom-cli: the headless face of the engine, for batches of cells and for scripts.
#include "app/cli/Args.h"
#include "app/cli/BenchCommand.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/InferCommand.h"
#include "app/cli/InfoCommand.h"
#include "app/cli/SimulateCommand.h"
#include "core/io/StackError.h"
#include "core/runtime/ErrorText.h"
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
    "Commands:\n"
    "  bench derivatives   Time and memory of mollifier vs recursive-autodiff derivatives\n"
    "                      (mollichrom-cli bench derivatives --help)\n"
    "\n"
    "Options:\n"
    "  -h, --help     Show this help and exit.\n"
    "  --version      Print the versions of Mollichrom and its libraries and exit.\n"
    "\n"
    "Environment:\n"
    "  MOLLICHROM_THREADS   LibTorch thread count (default: number of hardware threads).\n"
    "\n"
    "Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 bad input file, 4 training diverged,\n"
    "5 not enough memory, 130 interrupted.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace mollichrom::cli;
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
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (cmd == "bench") return mollichrom::cli::runBench(rest);
    if (cmd == "info") return mollichrom::cli::runInfo(rest);
    if (cmd == "simulate") return mollichrom::cli::runSimulate(rest);
    if (cmd == "infer") return mollichrom::cli::runInfer(rest);
  } catch (const mollichrom::io::StackError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", cmd.c_str(), e.what());
    return kExitBadInput;
  } catch (const mollichrom::cli::UsageError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: %s\n", cmd.c_str(), e.what());
    return kExitUsage;
  } catch (const mollichrom::util::OutOfMemoryError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", cmd.c_str(), e.what());
    return kExitNoMemory;
  } catch (const std::exception& e) {
    // One line, never a backtrace (LibTorch's errors carry one in what()).
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", cmd.c_str(),
                 mollichrom::userMessage(e).c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "mollichrom-cli: unknown command '%s' (see mollichrom-cli --help)\n",
               cmd.c_str());
  return kExitUsage;
}
