#include "app/cli/BenchCommand.h"

#include "app/cli/Args.h"
#include "app/cli/BenchInference.h"
#include "app/cli/BenchIo.h"
#include "app/cli/BenchScale.h"
#include "app/cli/ChildProcess.h"
#include "app/cli/JsonOutput.h"
#include "core/bench/DerivativeBench.h"
#include "core/runtime/Runtime.h"
#include "core/util/Subprocess.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kBenchUsage =
    "Usage: mollichrom-cli bench derivatives [--orders 1,2,4] [--grid N] [--width W]\n"
    "                                       [--dtype float32|float64] [--steps N] [--json FILE]\n"
    "                                       [--threads N] [--repeats R]\n"
    "\n"
    "One full training step (forward, operator, loss, backward, Adam) of the same coordinate\n"
    "MLP (3 hidden tanh layers) on an N x N grid, per derivative order and engine, each run in\n"
    "its own child process. Reports the median step time over the timed steps and the working\n"
    "memory (peak RSS minus RSS just before the first step). Each configuration runs in R\n"
    "fresh processes (default 3) and the run with the median step time is reported, because\n"
    "process-to-process variation on a small machine exceeds the step-to-step one.\n";

bench::DerivativeBenchResult runChildOnce(const bench::DerivativeBenchConfig& c) {
  std::ostringstream cmd;
  cmd << util::shellQuote(util::selfExecutable()) << " bench derivatives-child --engine "
      << c.engine << " --order " << c.order << " --grid " << c.grid << " --width " << c.width
      << " --dtype " << c.dtype << " --steps " << c.steps << " --threads " << c.threads;
  const std::string out = runCapture(
      cmd.str(), "benchmark child (" + c.engine + ", order " + std::to_string(c.order) + ")");
  return bench::resultFromJson(out);
}

bench::DerivativeBenchResult runChild(const bench::DerivativeBenchConfig& c, int repeats) {
  std::vector<bench::DerivativeBenchResult> runs;
  for (int i = 0; i < repeats; ++i) runs.push_back(runChildOnce(c));
  std::sort(runs.begin(), runs.end(),
            [](const auto& a, const auto& b) { return a.stepMs < b.stepMs; });
  return runs[runs.size() / 2];
}

QJsonObject entry(const bench::DerivativeBenchResult& r) {
  QJsonObject o;
  o["step_ms"] = r.stepMs;
  o["working_mb"] = r.workingMb;
  o["peak_mb"] = r.peakMb;
  return o;
}

}  // namespace

int runBench(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::cout << kBenchUsage;
    return argv.empty() ? 2 : 0;
  }
  const std::string what = argv[0];
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (what == "io") return runBenchIo(rest);
  if (what == "inference") return runBenchInference(rest);
  if (what == "scale" || what == "scale-child") return runBenchScale(what, rest);
  const std::set<std::string> valued{"orders", "grid",    "width",  "dtype", "steps",
                                     "json",   "threads", "engine", "order", "repeats"};
  Args args(rest, valued, {"help"});
  if (args.has("help")) {
    std::cout << kBenchUsage;
    return 0;
  }
  bench::DerivativeBenchConfig base;
  base.grid = args.getInt("grid", 64);
  base.width = args.getInt("width", 64);
  base.dtype = args.get("dtype", "float32");
  base.steps = args.getInt("steps", 20);
  base.threads = args.getInt("threads", 0);
  if (base.dtype != "float32" && base.dtype != "float64")
    throw UsageError("--dtype must be float32 or float64");
  if (base.steps < 10) throw UsageError("--steps must be >= 10");

  if (what == "derivatives-child") {
    base.engine = args.get("engine", "mollifier");
    base.order = args.getInt("order", 4);
    std::cout << bench::toJson(bench::runDerivativeStep(base)) << std::endl;
    return 0;
  }
  if (what != "derivatives")
    throw UsageError("unknown benchmark '" + what + "' (use: derivatives, io, inference, scale)");

  const auto orders = args.getIntList("orders", {1, 2, 4});
  const int repeats = args.getInt("repeats", 3);
  if (repeats < 1) throw UsageError("--repeats must be >= 1");
  for (int o : orders)
    if (o < 1 || o > 4)
      throw UsageError("--orders: derivative order must be 1..4, got " + std::to_string(o));
  initRuntime(base.threads);
  std::cerr << "bench derivatives: grid " << base.grid << "x" << base.grid << ", width "
            << base.width << ", " << base.dtype << ", " << initRuntime().threads
            << " threads, each run in its own process, median of " << repeats << "\n";

  auto dataCfg = base;
  dataCfg.engine = "data_only";
  const auto dataOnly = runChild(dataCfg, repeats);

  QJsonObject json;
  std::printf("%-6s %-10s %12s %12s %12s\n", "order", "engine", "step_ms", "working_mb", "peak_mb");
  std::printf("%-6s %-10s %12.3f %12.1f %12.1f\n", "-", "data_only", dataOnly.stepMs,
              dataOnly.workingMb, dataOnly.peakMb);
  for (int order : orders) {
    std::map<std::string, bench::DerivativeBenchResult> r;
    for (const char* engine : {"mollifier", "autodiff"}) {
      auto c = base;
      c.engine = engine;
      c.order = order;
      r[engine] = runChild(c, repeats);
      std::printf("%-6d %-10s %12.3f %12.1f %12.1f\n", order, engine, r[engine].stepMs,
                  r[engine].workingMb, r[engine].peakMb);
      std::fflush(stdout);
    }
    QJsonObject o;
    o["mollifier"] = entry(r["mollifier"]);
    o["autodiff"] = entry(r["autodiff"]);
    o["data_only"] = entry(dataOnly);
    o["ratio_time"] = r["autodiff"].stepMs / r["mollifier"].stepMs;
    // Working memory can round to ~0 MB for tiny runs; floor it at 0.1 MB to keep ratios finite.
    o["ratio_memory"] =
        std::max(r["autodiff"].workingMb, 0.1) / std::max(r["mollifier"].workingMb, 0.1);
    o["overhead_vs_data_only"] = r["mollifier"].stepMs / dataOnly.stepMs;
    json[QString::number(order)] = o;
  }
  std::printf("\n%-6s %12s %14s %24s\n", "order", "ratio_time", "ratio_memory",
              "overhead_vs_data_only");
  for (int order : orders) {
    const auto o = json[QString::number(order)].toObject();
    std::printf("%-6d %12.1f %14.1f %24.2f\n", order, o["ratio_time"].toDouble(),
                o["ratio_memory"].toDouble(), o["overhead_vs_data_only"].toDouble());
  }
  writeJsonIfRequested(args, json);
  return 0;
}

}  // namespace mollichrom::cli
