#include "app/cli/BenchProblems.h"

#include "app/cli/Args.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/JsonOutput.h"
#include "core/runtime/Runtime.h"
#include "core/sim/problems/InverseProblem.h"

#include <QJsonArray>
#include <QJsonObject>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kUsage =
    "Usage: mollichrom-cli bench problems [--problems langevin,heat,rd4] [--json FILE]\n"
    "\n"
    "The inverse problems of the paper's benchmark suite, each with its own forward simulator:\n"
    "  langevin  1st order: the ensemble mean of overdamped Langevin particles,\n"
    "            dm/dt = -k(t) m; infer the drift coefficient k(t)\n"
    "  heat      2nd order: u_t = div(k(x) grad u) on the periodic unit square, k a smooth bump\n"
    "            plus a smoothed band; infer k(x)\n"
    "  rd4       4th order: u_t = lap(u^3 - u - eps^2 lap u) - r(x)(u - mean), Cahn-Hilliard with\n"
    "            a reaction (Oono-Puri); infer r(x)\n"
    "For each it runs the simulator's accuracy check — errors at successively halved steps\n"
    "against a fine reference — and prints the observed convergence order next to the scheme's.\n"
    "Exit code 0 when every simulator converges at its order (within 0.3), 1 otherwise.\n";

}  // namespace

int runBenchProblems(const std::vector<std::string>& argv) {
  const Args args(argv, {"problems", "json"}, {"help"});
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  std::vector<sim::InverseProblemKind> kinds;
  std::stringstream list(args.get("problems", "langevin,heat,rd4"));
  try {
    for (std::string name; std::getline(list, name, ',');)
      if (!name.empty()) kinds.push_back(sim::parseProblem(name));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--problems: ") + e.what());
  }
  initRuntime();
  QJsonArray rows;
  bool allOk = true;
  std::printf("%-9s %-5s %-5s %-9s %s\n", "problem", "order", "infer", "converges", "check");
  for (auto kind : kinds) {
    const auto start = std::chrono::steady_clock::now();
    const sim::ConvergenceCheck c = sim::checkConvergence(kind);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream errors;
    QJsonArray steps, errs;
    for (size_t i = 0; i < c.steps.size(); ++i) {
      errors << (i ? ", " : "") << c.steps[i] << ": " << c.errors[i];
      steps.append(c.steps[i]);
      errs.append(c.errors[i]);
    }
    const int order = sim::derivativeOrder(kind);
    const std::string parameter = sim::parameterName(kind);
    std::printf(
        "%-9s %-5d %-5s %-9s %s\n", sim::problemName(kind).c_str(), order, parameter.c_str(),
        (std::to_string(c.order).substr(0, 4) + (c.ok() ? " ok" : " NO")).c_str(), c.what.c_str());
    std::printf("          model: %s; errors %s; expected order %.0f (%.1f s)\n",
                sim::equationText(kind).c_str(), errors.str().c_str(), c.expected, seconds);
    allOk = allOk && c.ok();
    rows.append(QJsonObject{{"problem", QString::fromStdString(sim::problemName(kind))},
                            {"derivative_order", order},
                            {"parameter", QString::fromStdString(parameter)},
                            {"check", QString::fromStdString(c.what)},
                            {"steps", steps},
                            {"errors", errs},
                            {"observed_order", c.order},
                            {"expected_order", c.expected},
                            {"converges", c.ok()}});
  }
  writeJsonIfRequested(args, QJsonObject{{"problems", rows}});
  return allOk ? kExitOk : kExitFailure;
}

}  // namespace mollichrom::cli
