// mollichrom-cli: the headless face of the engine, for batches of cells and for scripts. The
// commands live in one table (app/cli/Commands): --help lists it, main dispatches through it.
#include "app/cli/Args.h"
#include "app/cli/Commands.h"
#include "app/cli/ExitCodes.h"
#include "core/batch/Manifest.h"
#include "core/io/StackError.h"
#include "core/runtime/ErrorText.h"
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"

#include <cstdio>
#include <string>
#include <vector>

namespace {

// A group named without its subcommand ("bench", "bench --help"): its commands, listed.
int groupHelp(const std::vector<std::string>& args) {
  using namespace mollichrom::cli;
  const std::string& group = args.front();
  const auto members = commandsIn(group);
  if (members.empty()) return -1;
  std::string text = "Usage: mollichrom-cli " + group + " SUBCOMMAND [ARGS] (each has --help)\n\n";
  for (const Command* c : members) text += "  " + c->name + "\n      " + c->summary + "\n";
  const bool help = args.size() > 1 && (args[1] == "--help" || args[1] == "-h");
  if (!help && args.size() > 1)
    std::fprintf(stderr, "mollichrom-cli: unknown command '%s %s'\n", group.c_str(),
                 args[1].c_str());
  std::fputs(text.c_str(), help ? stdout : stderr);
  return help ? 0 : kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mollichrom::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(usage().c_str(), stderr);
    return kExitUsage;
  }
  const std::string& first = args.front();
  if (first == "--version" || first == "version") {
    std::fputs(mollichrom::versionReport("mollichrom-cli").c_str(), stdout);
    return 0;
  }
  if (first == "--help" || first == "-h" || first == "help") {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  size_t words = 0;
  const Command* command = findCommand(args, &words);
  if (!command) {
    if (const int rc = groupHelp(args); rc >= 0) return rc;
    std::fprintf(stderr, "mollichrom-cli: unknown command '%s' (see mollichrom-cli --help)\n",
                 first.c_str());
    return kExitUsage;
  }
  const std::vector<std::string> rest(args.begin() + long(words), args.end());
  const char* name = command->name.c_str();  // "bench io" in its error lines
  try {
    return command->run(rest);
  } catch (const mollichrom::io::StackError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", name, e.what());
    return kExitBadInput;
  } catch (const mollichrom::batch::BatchInputError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", name, e.what());
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: %s\n", name, e.what());
    return kExitUsage;
  } catch (const mollichrom::util::OutOfMemoryError& e) {
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", name, e.what());
    return kExitNoMemory;
  } catch (const std::exception& e) {
    // One line, never a backtrace (LibTorch's errors carry one in what()).
    std::fprintf(stderr, "mollichrom-cli %s: error: %s\n", name,
                 mollichrom::userMessage(e).c_str());
    return kExitFailure;
  }
}
