#include "app/cli/BenchPaperSuite.h"

#include "app/cli/Args.h"
#include "app/cli/ChildProcess.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/JsonOutput.h"
#include "core/bench/ProblemSuite.h"
#include "core/bench/SuiteReport.h"
#include "core/runtime/Runtime.h"
#include "core/sim/problems/InverseProblem.h"
#include "core/util/Subprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kUsage =
    "Usage: mollichrom-cli bench suite [--problems langevin,heat,rd4] [--noise 0,0.01,0.05,0.1]\n"
    "                                  [--archs mlp,fourier-mlp,cnn] [--engines "
    "mollifier,autodiff]\n"
    "                                  [--budget S] [--seed N | --seeds 1,2,3] [--threads N]\n"
    "                                  [--quick]"
    " [--json FILE] [--report DIR] [--from FILE]\n"
    "\n"
    "The paper's benchmark suite: inverse problems of 1st, 2nd and 4th order with known answers —\n"
    "  langevin  k(t) of dm/dt = -k(t) m, the mean of overdamped Langevin particles\n"
    "  heat      k(x) of u_t = div(k(x) grad u)\n"
    "  rd4       r(x) of u_t = lap(u^3 - u - eps^2 lap u) - r(x)(u - mean)\n"
    "each simulated by its own forward solver (`bench problems` checks their convergence), with\n"
    "Gaussian noise of each level (a fraction of the clean field's range). Every (network x\n"
    "derivative engine) pair fits every problem and noise level under the same wall-time budget\n"
    "(--budget, default 20 s: langevin gets an eighth of it, heat and rd4 twice) in a child\n"
    "process of its own: the same loss (data misfit + PDE residual + smoothness of log p), the\n"
    "same residual nodes per step, the same start (rd4: the coordinate networks' data term on\n"
    "1 024 random nodes per step).\n"
    "autodiff needs a coordinate network, so it pairs with mlp and fourier-mlp only.\n"
    "Reports per run: the parameter's relative L2 error and Pearson r, the median time of a\n"
    "training step, the working memory (peak RSS minus RSS before training), the time until the\n"
    "error first fell below 0.1 (\"-\": not within the budget) and whether the run diverged;\n"
    "then the issue's targets (rd4: >= 10x less time and memory, lower error at noise >= 1 %;\n"
    "heat: as accurate at 5 % and 10 %).\n"
    "  --quick        heat and rd4 at 5 % noise, mlp with both engines, a --budget of 6 s\n"
    "                 (12 s each; about 1 min)\n"
    "  --seeds LIST   the whole grid once per seed (a seed draws the initial field, the noise\n"
    "                 and the networks' weights); a target then holds only if it holds on every\n"
    "                 seed, and the report adds each cell's median, best and worst error\n"
    "  --report DIR   report.md and results.csv (the tables), error_vs_noise.png, step_time.png\n"
    "                 and memory.png (log scale)\n"
    "  --from F       no runs: the table, targets and report of a suite saved with --json F\n"
    "Exit code 0 when every run finished (a diverged run is a result), 1 when a child failed.\n";

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string w; std::getline(in, w, ',');)
    if (!w.empty()) out.push_back(w);
  return out;
}

bench::ProblemRunResult runChild(const bench::ProblemRunConfig& c) {
  std::ostringstream cmd;
  cmd << util::shellQuote(util::selfExecutable()) << " bench suite-child --problem " << c.problem
      << " --noise " << c.noise << " --arch " << c.arch << " --engine " << c.engine << " --budget "
      << c.budgetSeconds << " --seed " << c.seed << " --threads " << c.threads << " 2>/dev/null";
  try {
    return bench::problemResultFromJson(runCapture(cmd.str(), "benchmark child"));
  } catch (const std::exception& e) {
    bench::ProblemRunResult r;
    r.error = e.what();
    return r;
  }
}

std::string cell(double v, const char* f) {
  if (!(v >= 0)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string signedCell(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

}  // namespace

int runBenchPaperSuiteChild(const std::vector<std::string>& argv) {
  const Args args(argv, {"problem", "noise", "arch", "engine", "budget", "seed", "threads"}, {});
  bench::ProblemRunConfig c;
  c.problem = args.get("problem", c.problem);
  c.noise = args.getDouble("noise", c.noise);
  c.arch = args.get("arch", c.arch);
  c.engine = args.get("engine", c.engine);
  c.budgetSeconds = args.getDouble("budget", c.budgetSeconds);
  c.seed = static_cast<unsigned long long>(args.getInt("seed", 1));
  c.threads = args.getInt("threads", 0);
  bench::ProblemRunResult r;
  try {
    r = bench::runProblemFit(c);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  std::cout << bench::toJson(r) << std::endl;
  return r.error.empty() ? kExitOk : kExitFailure;
}

int runBenchPaperSuite(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"problems", "noise", "archs", "engines", "budget", "seed", "seeds", "threads",
                   "json", "report", "from"},
                  {"quick", "help"});
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  const bool quick = args.has("quick");
  const auto problems = splitList(args.get("problems", quick ? "heat,rd4" : "langevin,heat,rd4"));
  std::vector<double> noises;
  for (const auto& n : splitList(args.get("noise", quick ? "0.05" : "0,0.01,0.05,0.1"))) {
    try {
      noises.push_back(std::stod(n));
    } catch (const std::exception&) {
      throw UsageError("--noise: '" + n + "' is not a number");
    }
    if (!(noises.back() >= 0 && noises.back() <= 1))
      throw UsageError("--noise: levels are fractions of the field's range in [0, 1]");
  }
  const auto archs = splitList(args.get("archs", quick ? "mlp" : "mlp,fourier-mlp,cnn"));
  const auto engines = splitList(args.get("engines", "mollifier,autodiff"));
  double budget = args.getDouble("budget", quick ? 6 : 20);
  if (!(budget > 0)) throw UsageError("--budget must be > 0 seconds");
  for (const auto& p : problems) try {
      sim::parseProblem(p);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--problems: ") + e.what());
    }
  for (const auto& a : archs)
    if (a != "mlp" && a != "fourier-mlp" && a != "cnn")
      throw UsageError("--archs: unknown network '" + a + "' (mlp, fourier-mlp, cnn)");
  for (const auto& e : engines)
    if (e != "mollifier" && e != "autodiff")
      throw UsageError("--engines: unknown engine '" + e + "' (mollifier, autodiff)");
  if (args.has("seed") && args.has("seeds"))
    throw UsageError("--seed and --seeds: give one of them (--seeds 1 is --seed 1)");
  std::vector<unsigned long long> seeds;
  for (const int s : args.getIntList("seeds", {args.getInt("seed", 1)})) {
    if (s < 0) throw UsageError("--seeds: a seed is a whole number >= 0, got " + std::to_string(s));
    if (std::find(seeds.begin(), seeds.end(), static_cast<unsigned long long>(s)) == seeds.end())
      seeds.push_back(static_cast<unsigned long long>(s));
  }
  const auto rt = initRuntime(args.getInt("threads", 0));

  // --from: the figures of a suite saved with --json, no runs (a report re-drawn, or one made
  // of a run elsewhere).
  QJsonObject saved;
  if (args.has("from")) {
    QFile f(QString::fromStdString(args.get("from")));
    if (!f.open(QIODevice::ReadOnly))
      throw UsageError("--from: " + args.get("from") + ": cannot be read");
    saved = QJsonDocument::fromJson(f.readAll()).object();
    if (!saved["runs"].isArray())
      throw UsageError("--from: " + args.get("from") + ": not a bench suite --json file");
  }
  // Seed outermost: a suite stopped part-way holds whole grids of its first seeds.
  std::vector<bench::ProblemRunConfig> runs;
  for (const auto seed : seeds)
    for (const auto& p : problems)
      for (double n : noises)
        for (const auto& a : archs)
          for (const auto& e : engines) {
            if (!bench::pairExists(a, e)) continue;
            bench::ProblemRunConfig c;
            c.problem = p;
            c.noise = n;
            c.arch = a;
            c.engine = e;
            c.budgetSeconds = budget * bench::problemSetup(p).budgetScale;
            c.seed = seed;
            c.threads = rt.threads;
            runs.push_back(c);
          }
  if (!saved.isEmpty()) {  // the saved runs replace the options' grid
    runs.clear();
    budget = saved["budget_s"].toDouble(budget);
    for (const auto& v : saved["runs"].toArray()) {
      const auto o = v.toObject();
      bench::ProblemRunConfig c;
      c.problem = o["problem"].toString().toStdString();
      c.noise = o["noise"].toDouble();
      c.arch = o["network"].toString().toStdString();
      c.engine = o["engine"].toString().toStdString();
      c.budgetSeconds = o["budget_s"].toDouble(budget);              // older files: one budget
      c.seed = static_cast<unsigned long long>(o["seed"].toInt(1));  // older files: seed 1
      runs.push_back(c);
    }
  }
  const auto runSeeds = bench::seedsOf(runs);
  const bool severalSeeds = runSeeds.size() > 1;
  std::string seedText;
  for (const auto s : runSeeds) seedText += (seedText.empty() ? "" : ",") + std::to_string(s);
  std::printf(
      "bench suite: %zu runs (%zu problems x %zu noise levels x networks x engines%s), "
      "budget %s s each, %d threads (%s), seed%s %s\n",
      runs.size(), problems.size(), noises.size(),
      severalSeeds ? (" x " + std::to_string(runSeeds.size()) + " seeds").c_str() : "",
      bench::budgetsText(runs).c_str(), rt.threads, rt.blas.name.c_str(), severalSeeds ? "s" : "",
      seedText.c_str());
  std::printf("%s%-8s %5s %-11s %-9s | %7s %7s | %8s %8s | %7s %8s %6s %s\n",
              severalSeeds ? "seed " : "", "problem", "noise", "network", "engine", "relL2", "r",
              "step ms", "work MB", "t<0.1 s", "field X2", "steps", "diverged");
  std::fflush(stdout);
  auto printRow = [severalSeeds](const bench::ProblemSuiteRow& row) {
    const auto& c = row.config;
    const auto& r = row.result;
    if (severalSeeds) std::printf("%4llu ", c.seed);
    if (!r.error.empty())
      std::printf("%-8s %5g %-11s %-9s | failed: %s\n", c.problem.c_str(), c.noise, c.arch.c_str(),
                  c.engine.c_str(), r.error.c_str());
    else
      std::printf("%-8s %5g %-11s %-9s | %7s %7s | %8.1f %8.0f | %7s %8s %6d %s%s\n",
                  c.problem.c_str(), c.noise, c.arch.c_str(), c.engine.c_str(),
                  cell(r.relativeL2, "%.3f").c_str(), signedCell(r.pearson).c_str(), r.medianStepMs,
                  r.workingMb, cell(r.timeToTarget, "%.1f").c_str(),
                  cell(r.dataMisfit, "%.3g").c_str(), r.steps, r.diverged ? "yes" : "no",
                  bench::fieldNotFitted(r.dataMisfit) ? "  (field not fitted)" : "");
    std::fflush(stdout);
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<bench::ProblemSuiteRow> rows;
  bool allRan = true;
  double total = 0;
  if (saved.isEmpty()) {
    for (const auto& c : runs) {
      rows.push_back({c, runChild(c)});
      allRan = allRan && rows.back().result.error.empty();
      printRow(rows.back());
    }
    total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } else {
    const auto savedRuns = saved["runs"].toArray();
    for (size_t i = 0; i < runs.size(); ++i) {
      rows.push_back({runs[i], bench::resultFromJson(savedRuns[int(i)].toObject())});
      printRow(rows.back());
    }
    total = saved["seconds"].toDouble();
  }
  const auto targets = bench::suiteTargets(rows);
  std::printf("\ntargets:\n");
  for (const auto& t : targets)
    std::printf("  [%s] %s: %s\n", t.holds ? "met" : "NOT met", t.what.c_str(), t.figures.c_str());
  std::printf("suite: %.0f s in all\n", total);
  if (args.has("report")) {
    bench::writeSuiteReport(args.get("report"), rows, targets, rt.threads, total);
    std::printf("report in %s\n", args.get("report").c_str());
    std::fflush(stdout);
  }
  QJsonArray jrows;
  for (const auto& r : rows) {
    QJsonObject o = bench::resultJson(r.result);
    o["problem"] = QString::fromStdString(r.config.problem);
    o["noise"] = r.config.noise;
    o["network"] = QString::fromStdString(r.config.arch);
    o["engine"] = QString::fromStdString(r.config.engine);
    o["budget_s"] = r.config.budgetSeconds;
    o["seed"] = static_cast<qint64>(r.config.seed);
    jrows.append(o);
  }
  QJsonArray jt;
  for (const auto& t : targets)
    jt.append(QJsonObject{{"target", QString::fromStdString(t.what)},
                          {"figures", QString::fromStdString(t.figures)},
                          {"met", t.holds}});
  writeJsonIfRequested(args, QJsonObject{{"budget_s", budget},
                                         {"threads", rt.threads},
                                         {"seconds", total},
                                         {"runs", jrows},
                                         {"targets", jt}});
  return allRan ? kExitOk : kExitFailure;
}

}  // namespace mollichrom::cli
