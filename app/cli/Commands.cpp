#include "app/cli/Commands.h"

#include "app/cli/BatchCommand.h"
#include "app/cli/BenchCommand.h"
#include "app/cli/BenchConditions.h"
#include "app/cli/BenchInference.h"
#include "app/cli/BenchIo.h"
#include "app/cli/BenchPaperSuite.h"
#include "app/cli/BenchProblems.h"
#include "app/cli/BenchScale.h"
#include "app/cli/CalibrateCommand.h"
#include "app/cli/InferCommand.h"
#include "app/cli/InfoCommand.h"
#include "app/cli/SimulateCommand.h"

#include <sstream>

namespace mollichrom::cli {

namespace {
std::vector<std::string> prepend(const char* word, const std::vector<std::string>& args) {
  std::vector<std::string> v{word};
  v.insert(v.end(), args.begin(), args.end());
  return v;
}
}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table{
      {"info", "Size, sample type, axes and calibration of a stack", runInfo},
      {"simulate", "A simulated nucleus or camera field, with its true lambda", runSimulate},
      {"infer", "The lambda map of a stack (M, Gamma_ac where determined)", runInfer},
      {"calibrate",
       "The acquisition's calibration and M, Gamma_ac from time-lapses, with intervals",
       runCalibrate},
      {"batch", "Many stacks: local workers or a SLURM job array, resumable", runBatch},
      {"batch status", "Done, failed, running and pending items of a batch", runBatchStatus},
      {"batch collect", "One table of every nucleus of a batch, a summary and its figure",
       runBatchCollect},
      {"batch task", "One item of a batch (what each worker and SLURM task runs)", runBatchTask},
      {"bench derivatives", "Mollifier vs recursive-autodiff derivatives",
       [](const std::vector<std::string>& a) { return runBench(prepend("derivatives", a)); }},
      {"bench io", "Read speed and memory of a stack", runBenchIo},
      {"bench inference", "Accuracy and time of inference on simulations", runBenchInference},
      {"bench conditions",
       "Conditions compared on one acquisition's calibration: identified share, M, Gamma_ac, "
       "lambda ratios",
       runBenchConditions},
      {"bench problems", "The benchmark suite's inverse problems and their simulators' convergence",
       runBenchProblems},
      {"bench suite",
       "The paper's benchmark: 1st/2nd/4th-order problems, three networks, mollifier vs autodiff",
       runBenchPaperSuite},
      {"bench scale", "Memory and time of inference at real image sizes",
       [](const std::vector<std::string>& a) { return runBenchScale("scale", a); }},
      {"bench derivatives-child", "",
       [](const std::vector<std::string>& a) { return runBench(prepend("derivatives-child", a)); },
       false},
      {"bench suite-child", "", runBenchPaperSuiteChild, false},
      {"bench scale-child", "",
       [](const std::vector<std::string>& a) { return runBenchScale("scale-child", a); }, false},
  };
  return table;
}

const Command* findCommand(const std::vector<std::string>& args, size_t* words) {
  const Command* best = nullptr;
  size_t bestWords = 0;
  for (const Command& c : commands()) {
    std::istringstream in(c.name);
    std::string w;
    size_t n = 0;
    bool match = true;
    while (in >> w) match = match && n < args.size() && args[n++] == w;
    if (match && n > bestWords) best = &c, bestWords = n;
  }
  if (words) *words = bestWords;
  return best;
}

std::vector<const Command*> commandsIn(const std::string& group) {
  std::vector<const Command*> out;
  for (const Command& c : commands())
    if (c.listed && c.name.rfind(group + " ", 0) == 0) out.push_back(&c);
  return out;
}

std::string usage() {
  std::ostringstream o;
  o << "Usage: mollichrom-cli [--version] [--help] COMMAND [ARGS]\n"
       "\n"
       "Infer epigenetic reaction-rate maps from chromatin stacks, headless.\n"
       "\n"
       "Commands (each has --help):\n";
  for (const Command& c : commands())
    if (c.listed) {
      o << "  " << c.name;
      for (size_t i = c.name.size(); i < 20; ++i) o << ' ';
      o << c.summary << "\n";
    }
  o << "\n"
       "Options:\n"
       "  -h, --help     Show this help and exit.\n"
       "  --version      Print the versions of Mollichrom and its libraries and exit.\n"
       "\n"
       "Environment:\n"
       "  MOLLICHROM_THREADS   LibTorch thread count (default: number of hardware threads).\n"
       "\n"
       "Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 bad input file, 4 training diverged,\n"
       "5 not enough memory, 130 interrupted.\n";
  return o.str();
}

}  // namespace mollichrom::cli
