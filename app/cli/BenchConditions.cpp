// `bench conditions`: acquisitions of several cells under two conditions, as camera counts of one
// microscope setting. Each acquisition is calibrated once from its time-lapses (the share, M and
// Γ_ac identified from the pooled dynamics), every cell is inferred on that calibration, and the
// conditions' λ ratio is compared with the truth — beside the per-cell assumption (each cell
// mapped to the same stated share), which normalises the differences away.
#include "app/cli/BenchConditions.h"

#include "app/cli/Args.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/JsonOutput.h"
#include "core/bench/BenchMath.h"
#include "core/bench/ConditionsBench.h"
#include "core/runtime/Runtime.h"
#include "core/train/CalibrationVerdict.h"
#include "core/train/Metrics.h"
#include "core/util/Median.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kUsage =
    "Usage: mollichrom-cli bench conditions [--seed S] [--cases 1,3] [--reps N] [--json F]\n"
    "\n"
    "Eight simulated acquisitions (seeds from --seed; random when not given, printed), each six\n"
    "cells under two conditions whose lambda differs by 1.3-2x, camera counts of one setting\n"
    "(unequal channel gains, Poisson + read noise 1-5 %), true shares 0.35-0.65, M and gamma_ac\n"
    "0.5-2. Each acquisition is calibrated once from its cells' dynamics and every cell is\n"
    "inferred on it (the direct estimate). Prints per acquisition: the true and measured ratio of\n"
    "the conditions' median lambda (and with the per-cell assumption of one share for every "
    "cell),\n"
    "the worst and median Pearson r, the identified share and M, gamma_ac per condition with\n"
    "their 90 % intervals against the truth, the verdicts, and the seconds of identification\n"
    "against the direct estimates'.\n";

double medianOf(std::vector<float> v) {
  if (v.empty()) return std::nan("");
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct CellRun {
  double r = 0, median = 0, medianPerCell = 0, rPerCell = 0;
  std::string verdict;
};

}  // namespace

int runBenchConditions(const std::vector<std::string>& argv) {
  const Args args(argv, {"seed", "cases", "reps", "threads", "json"}, {"help"});
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  const auto rt = initRuntime(args.getInt("threads", 0));
  const std::uint64_t seed =
      args.has("seed") ? std::stoull(args.get("seed")) : std::random_device{}() % 1000000;
  const auto cases = bench::conditionsSuite(seed);
  std::set<int> picked;
  if (args.has("cases")) {
    std::stringstream ss(args.get("cases"));
    for (std::string k; std::getline(ss, k, ',');) picked.insert(std::stoi(k));
  }
  std::printf("bench conditions: seed %llu, %d threads (%s)\n", (unsigned long long)seed,
              rt.threads, rt.blas.name.c_str());
  std::printf("%-34s | %5s %6s %6s | %5s %5s | %-22s | %-38s | %s\n", "acquisition", "ratio",
              "acq.", "cell", "r min", "r med", "share (truth) [90 %]",
              "M, gamma_ac per condition [90 %] (truth)", "verdicts, s id/direct");
  QJsonArray rows;
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    if (!picked.empty() && !picked.count(int(ci) + 1)) continue;
    const auto& c = cases[ci];
    const auto cells = bench::simulateCase(c);
    train::CalibrationRequest request;
    request.profile.noiseReps = args.getInt("reps", request.profile.noiseReps);
    // The acquisition's calibration from every cell's dynamics, M and Γ_ac per condition.
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<train::StackProfile> profiles;
    std::vector<std::string> groups;
    for (const auto& a : c.arms) groups.push_back(a.name);
    for (const auto& cell : cells) {
      const prep::FieldData f = prep::prepare(cell.stack, prep::PrepOptions{});
      profiles.push_back(train::profileOfStack(f, c.sim.params, request.profile));
      profiles.back().group = cell.armIndex;
      profiles.back().name = cell.stack.info().path;
    }
    const auto cal = train::poolCalibration(profiles, groups, c.sim.params, 0.5);
    const double identifySeconds = seconds(t0);
    request.given = cal;
    request.givenPath = "acquisition calibration";
    // Each cell on the calibration (its condition's rates), and on the per-cell assumption.
    std::vector<CellRun> runs;
    std::vector<std::string> verdicts;
    double directSeconds = 0;
    for (const auto& cell : cells) {
      CellRun run;
      {
        prep::FieldData f = prep::prepare(cell.stack, prep::PrepOptions{});
        models::ParameterChoice params;
        params.values = c.sim.params;
        train::CalibrationRequest r = request;
        r.group = cell.arm;
        r.useGroupRates = true;
        r.profile.widths = {};  // the check needs no profile: the rates come from the pool
        const auto rc = train::calibrateRun(f, params, r);
        train::TrainerConfig cfg;
        cfg.engine = train::Engine::Direct;
        auto result = train::runInference(f, params, cfg);
        train::attachCalibration(result, rc);
        directSeconds += result.direct.seconds;
        run.r = train::compareMaps(result.lambda, cell.lambda, cell.evalMask).pearson;
        run.median = bench::medianOver(result.lambda, cell.evalMask);
        run.verdict = train::fitVerdictName(result.fit.verdict);
      }
      {
        // Before: every cell mapped to the same stated share, M and Γ_ac as the truth.
        prep::FieldData f = prep::prepare(cell.stack, prep::PrepOptions{});
        models::ParameterChoice params;
        params.values = c.sim.params;
        params.fixM = params.fixGamma = true;
        train::TrainerConfig cfg;
        cfg.engine = train::Engine::Direct;
        const auto result = train::runInference(f, params, cfg);
        run.rPerCell = train::compareMaps(result.lambda, cell.lambda, cell.evalMask).pearson;
        run.medianPerCell = bench::medianOver(result.lambda, cell.evalMask);
      }
      verdicts.push_back(run.verdict);
      runs.push_back(run);
    }
    // The conditions' medians of the cells' medians: treated over control.
    auto armMedian = [&](int arm, double CellRun::*value, bool truth) {
      std::vector<float> v;
      for (size_t i = 0; i < cells.size(); ++i)
        if (cells[i].armIndex == arm)
          v.push_back(float(truth ? cells[i].medianLambda : runs[i].*value));
      return medianOf(v);
    };
    const double truthRatio = armMedian(1, nullptr, true) / armMedian(0, nullptr, true);
    const double ratio =
        armMedian(1, &CellRun::median, false) / armMedian(0, &CellRun::median, false);
    const double perCell =
        armMedian(1, &CellRun::medianPerCell, false) / armMedian(0, &CellRun::medianPerCell, false);
    std::vector<double> rs;
    for (const auto& run : runs) rs.push_back(run.r);
    const double rMin = *std::min_element(rs.begin(), rs.end());
    const double rMed = util::median(rs);
    // The true pooled share on the estimate's footing: R (the cells' counts ratio, pixel-
    // weighted as the fit pools it) over the channels' gain ratio.
    double R = 0, W = 0;
    for (const auto& p : profiles) {
      R += double(p.widths.front().pixels + 1) * p.countsRatio;
      W += double(p.widths.front().pixels + 1);
    }
    const double trueShare = R / W / c.gainRatio;
    std::ostringstream shareText, ratesText, verdictText;
    shareText.precision(3);
    shareText << cal.share.value << " (" << trueShare << ") [" << cal.share.low << ","
              << cal.share.high << "]" << (cal.share.identifiable ? "" : "?");
    ratesText.precision(2);
    for (const auto& g : cal.rates) {
      if (g.group.empty()) continue;
      ratesText << g.M.value << (g.M.identifiable ? "" : "?") << "[" << g.M.low << "," << g.M.high
                << "] " << g.gammaAc.value << (g.gammaAc.identifiable ? "" : "?") << "["
                << g.gammaAc.low << "," << g.gammaAc.high << "]; ";
    }
    ratesText << "(" << c.sim.params.M << ", " << c.sim.params.gammaAc << ")";
    std::map<std::string, int> counts;
    for (const auto& v : verdicts) counts[v]++;
    for (const auto& [v, n] : counts) verdictText << n << " " << v << ", ";
    verdictText.precision(3);
    verdictText << identifySeconds << "/" << directSeconds;
    std::printf("%-34s | %5.2f %6.2f %6.2f | %5.3f %5.3f | %-22s | %-38s | %s\n", c.name.c_str(),
                truthRatio, ratio, perCell, rMin, rMed, shareText.str().c_str(),
                ratesText.str().c_str(), verdictText.str().c_str());
    std::fflush(stdout);
    QJsonArray rates;
    for (const auto& g : cal.rates)
      rates.append(QJsonObject{{"group", QString::fromStdString(g.group)},
                               {"M", g.M.value},
                               {"M_interval90", QJsonArray{g.M.low, g.M.high}},
                               {"M_identifiable", g.M.identifiable},
                               {"gamma_ac", g.gammaAc.value},
                               {"gamma_ac_interval90", QJsonArray{g.gammaAc.low, g.gammaAc.high}},
                               {"gamma_ac_identifiable", g.gammaAc.identifiable}});
    QJsonArray cellRows;
    for (size_t i = 0; i < cells.size(); ++i)
      cellRows.append(QJsonObject{{"condition", QString::fromStdString(cells[i].arm)},
                                  {"true_share", cells[i].share},
                                  {"true_median_lambda", cells[i].medianLambda},
                                  {"median_lambda", runs[i].median},
                                  {"pearson", runs[i].r},
                                  {"median_lambda_per_cell_assumption", runs[i].medianPerCell},
                                  {"pearson_per_cell_assumption", runs[i].rPerCell},
                                  {"verdict", QString::fromStdString(runs[i].verdict)}});
    rows.append(QJsonObject{{"acquisition", QString::fromStdString(c.name)},
                            {"noise", c.sim.noise},
                            {"true_ratio", truthRatio},
                            {"ratio", ratio},
                            {"ratio_per_cell_assumption", perCell},
                            {"pearson_min", rMin},
                            {"pearson_median", rMed},
                            {"true_share", trueShare},
                            {"share", cal.share.value},
                            {"share_interval90", QJsonArray{cal.share.low, cal.share.high}},
                            {"share_identifiable", cal.share.identifiable},
                            {"true_M", c.sim.params.M},
                            {"true_gamma_ac", c.sim.params.gammaAc},
                            {"rates", rates},
                            {"identification_s", identifySeconds},
                            {"direct_estimate_s", directSeconds},
                            {"cells", cellRows}});
  }
  writeJsonIfRequested(args, QJsonObject{{"seed", double(seed)}, {"acquisitions", rows}});
  return kExitOk;
}

}  // namespace mollichrom::cli
