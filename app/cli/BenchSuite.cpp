// `bench inference --suite`: the validation suite's table, median and worst per column.
#include "app/cli/Args.h"
#include "app/cli/JsonOutput.h"
#include "core/bench/InferenceSuite.h"
#include "core/runtime/Runtime.h"
#include "core/util/Median.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <random>
#include <sstream>

namespace mollichrom::cli {

namespace {

struct Column {
  const char* name;
  std::function<double(const bench::SuiteRow&)> get;
  bool higherIsBetter;
  bool skipConstant;  // Pearson is undefined for a constant truth
};

QJsonObject scoreJson(const bench::EngineScore& s) {
  return {{"pearson", s.pearson}, {"relative_l2", s.relativeL2},
          {"finite", s.finite},   {"band_coverage", s.bandCoverage},
          {"seconds", s.seconds}, {"kernel_px", s.kernel},
          {"steps", s.steps}};
}

}  // namespace

int runSuite(const Args& args) {
  const auto rt = initRuntime(args.getInt("threads", 0));
  std::uint64_t seed = 0;
  if (args.has("suite-seed"))
    seed = static_cast<std::uint64_t>(std::stoull(args.get("suite-seed")));
  else
    seed = std::random_device{}() % 1000000;
  std::vector<bench::SuiteCase> cases = bench::validationSuite(seed);
  if (args.has("cases")) {
    std::vector<bench::SuiteCase> picked;
    std::stringstream ss(args.get("cases"));
    for (std::string name; std::getline(ss, name, ',');) {
      const auto it = std::find_if(cases.begin(), cases.end(),
                                   [&](const bench::SuiteCase& c) { return c.name == name; });
      if (it == cases.end()) throw UsageError("--cases: no suite case '" + name + "'");
      picked.push_back(*it);
    }
    cases = picked;
  }
  train::TrainerConfig cfg;
  cfg.steps = args.getInt("steps", 0);
  // --engine direct: the network-free estimate alone (seconds per case, no training or solve);
  // --kernel-direct N: its space kernel fixed at N px instead of chosen from the data.
  const std::string engine = args.get("engine", "mollifier");
  if (engine != "mollifier" && engine != "direct")
    throw UsageError("bench inference --suite: --engine must be mollifier or direct");
  cfg.engine = train::parseEngine(engine);
  if (args.get("kernel-direct", "auto") != "auto") {
    cfg.directMollifier.halfWidthXY = args.getInt("kernel-direct", 8);
    cfg.directMollifier.adaptiveXY = false;
  }
  std::printf("bench inference --suite: suite seed %llu, %zu cases, %d threads (%s)\n",
              static_cast<unsigned long long>(seed), cases.size(), rt.threads,
              rt.blas.name.c_str());
  std::printf("%-32s | %-34s | %-34s | %s\n", "", "direct estimate", "trained", "");
  std::printf("%-32s | %6s %6s %6s %6s %6s | %6s %6s %6s %6s %6s | %6s %6s\n", "case", "r", "relL2",
              "finite", "band90", "s", "r", "relL2", "finite", "band90", "s", "nucMin",
              "static");  // then the fit verdict
  std::vector<bench::SuiteRow> rows;
  QJsonArray jsonRows;
  // The camera cases are one acquisition: calibrated once from its time-lapses.
  std::optional<prep::AcquisitionCalibration> acquisition;
  for (const auto& c : cases)
    if (c.camera && !c.steady()) {
      acquisition = bench::suiteAcquisition(cases);
      std::printf(
          "camera acquisition (true marker/density gain per count %.3f): share %s, "
          "gain ratio %.3f\n",
          c.cameraModel.gain[0] / c.cameraModel.gain[1], acquisition->share.describe().c_str(),
          acquisition->heteroGain.value / acquisition->densityGain.value);
      break;
    }
  for (const auto& c : cases) {
    const bench::SuiteRow r = bench::runSuiteCase(c, cfg, acquisition ? &*acquisition : nullptr);
    rows.push_back(r);
    auto cells = [](const bench::EngineScore& s, bool constant) {
      char b[128];
      char rs[16];
      if (constant)
        std::snprintf(rs, sizeof rs, "%6s", "-");
      else
        std::snprintf(rs, sizeof rs, "%6.3f", s.pearson);
      std::snprintf(b, sizeof b, "%s %6.3f %6.3f %6.2f %6.1f", rs, s.relativeL2, s.finite,
                    s.bandCoverage, s.seconds);
      return std::string(b);
    };
    std::printf("%-32s | %s | %s | %6.3f %6.2f | %s\n", r.name.c_str(),
                cells(r.direct, r.constantTruth).c_str(), cells(r.trained, r.constantTruth).c_str(),
                r.worstNucleusFinite, r.staticNoiseShare, r.fit.c_str());
    std::fflush(stdout);
    auto estimate = [](const prep::EstimatedValue& e) {
      return QJsonObject{{"value", e.value},
                         {"interval90", QJsonArray{e.low, e.high}},
                         {"identifiable", e.identifiable},
                         {"source", QString::fromStdString(prep::valueSourceName(e.source))}};
    };
    QJsonObject calibration;
    if (r.profiled) {
      calibration["M"] = estimate(r.M);
      calibration["gamma_ac"] = estimate(r.gammaAc);
    }
    if (r.trueShare > 0) {
      calibration["share"] = estimate(r.share);
      calibration["true_share"] = r.trueShare;
      calibration["exact"] = scoreJson(r.exact);
      calibration["level_ratio"] = r.levelRatio;
    }
    jsonRows.append(QJsonObject{{"case", QString::fromStdString(r.name)},
                                {"calibration", calibration},
                                {"steady", r.steady},
                                {"constant_truth", r.constantTruth},
                                {"direct", scoreJson(r.direct)},
                                {"trained", scoreJson(r.trained)},
                                {"worst_nucleus_finite", r.worstNucleusFinite},
                                {"static_noise_share", r.staticNoiseShare},
                                {"fit", QJsonObject{{"verdict", QString::fromStdString(r.fit)},
                                                    {"unexplained_signal", r.fitUnexplained},
                                                    {"negative_lambda_share", r.fitNegativeShare}}},
                                {"solve", QJsonObject{{"alpha", r.alpha},
                                                      {"discrepancy", r.discrepancy},
                                                      {"iterations", r.iterations},
                                                      {"converged", r.converged}}}});
    if (std::getenv("MOLLICHROM_SUITE_VERBOSE"))
      std::fprintf(stderr, "  fit: %s (%s)\n", r.fit.c_str(), r.fitReason.c_str());
    if (std::getenv("MOLLICHROM_SUITE_VERBOSE"))
      std::fprintf(stderr, "  solve: alpha %.3g, discrepancy %.3f, %d iterations, %s\n", r.alpha,
                   r.discrepancy, r.iterations, r.converged ? "converged" : "NOT converged");
  }
  // Median and worst per column, time-lapse and steady state apart (their targets differ).
  const std::vector<Column> columns{
      {"r", [](const bench::SuiteRow& r) { return r.direct.pearson; }, true, true},
      {"relL2", [](const bench::SuiteRow& r) { return r.direct.relativeL2; }, false, false},
      {"finite", [](const bench::SuiteRow& r) { return r.direct.finite; }, true, false},
      {"band90", [](const bench::SuiteRow& r) { return r.direct.bandCoverage; }, true, false},
      {"s", [](const bench::SuiteRow& r) { return r.direct.seconds; }, false, false},
      {"r", [](const bench::SuiteRow& r) { return r.trained.pearson; }, true, true},
      {"relL2", [](const bench::SuiteRow& r) { return r.trained.relativeL2; }, false, false},
      {"finite", [](const bench::SuiteRow& r) { return r.trained.finite; }, true, false},
      {"band90", [](const bench::SuiteRow& r) { return r.trained.bandCoverage; }, true, false},
      {"s", [](const bench::SuiteRow& r) { return r.trained.seconds; }, false, false},
      {"nucMin", [](const bench::SuiteRow& r) { return r.worstNucleusFinite; }, true, false}};
  QJsonObject summary;
  for (bool steady : {false, true}) {
    std::vector<std::vector<double>> values(columns.size());
    for (const auto& r : rows) {
      if (r.steady != steady) continue;
      for (size_t i = 0; i < columns.size(); ++i)
        if (!(columns[i].skipConstant && r.constantTruth)) values[i].push_back(columns[i].get(r));
    }
    if (values[1].empty()) continue;
    QJsonObject group;
    for (const char* stat : {"median", "worst"}) {
      std::string line;
      QJsonObject direct, trained;
      for (size_t i = 0; i < columns.size(); ++i) {
        double v = util::median(values[i]);
        if (std::string(stat) == "worst")
          v = columns[i].higherIsBetter ? *std::min_element(values[i].begin(), values[i].end())
                                        : *std::max_element(values[i].begin(), values[i].end());
        char b[16];
        std::snprintf(b, sizeof b, i == 4 || i == 9 ? " %6.1f" : " %6.3f", v);
        line += b;
        if (i == 4 || i == 9) line += " |";
        if (i == 0) line = std::string(b);
        (i < 5 ? direct : trained)[columns[i].name] = v;
        if (i == 10) group[QString(stat) + "_worst_nucleus_finite"] = v;
      }
      std::printf("%-32s |%s\n", (std::string(steady ? "steady: " : "time-lapse: ") + stat).c_str(),
                  line.c_str());
      group[QString(stat)] = QJsonObject{{"direct", direct}, {"trained", trained}};
    }
    summary[steady ? "steady" : "time_lapse"] = group;
  }
  // The calibration: M and Γ_ac identified (truth 1 and 1) on the time-lapses, and the camera
  // cases against the same counts mapped with the exact gains.
  std::printf("\n%-32s | %-26s | %-26s | %s\n", "calibration (M, gamma_ac free)",
              "M [90 %] (truth 1)", "gamma_ac [90 %] (truth 1)",
              "camera: share (truth) [90 %]; r / relL2 acquisition vs exact; level");
  int identified = 0, within = 0, intervals = 0, covered = 0;
  for (const auto& r : rows) {
    if (!r.profiled && r.trueShare <= 0) continue;
    auto cell = [&](const prep::EstimatedValue& e) {
      char b[64];
      std::snprintf(b, sizeof b, "%.3f%s [%.3f, %.3f]", e.value, e.identifiable ? "" : "?", e.low,
                    e.high);
      if (e.identifiable) {
        ++identified;
        within += std::abs(e.value - 1) <= 0.15;
      }
      if (e.hasInterval()) {
        ++intervals;
        covered += e.low <= 1 && 1 <= e.high;
      }
      return std::string(b);
    };
    std::string camera;
    if (r.trueShare > 0) {
      char b[160];
      std::snprintf(b, sizeof b, "%.3f (%.3f) [%.3f, %.3f]; %.3f / %.3f vs %.3f / %.3f; %.3f",
                    r.share.value, r.trueShare, r.share.low, r.share.high, r.direct.pearson,
                    r.direct.relativeL2, r.exact.pearson, r.exact.relativeL2, r.levelRatio);
      camera = b;
    }
    std::printf("%-32s | %-26s | %-26s | %s\n", r.name.c_str(),
                r.profiled ? cell(r.M).c_str() : "-", r.profiled ? cell(r.gammaAc).c_str() : "-",
                camera.c_str());
  }
  std::printf(
      "M and gamma_ac: %d identified, %d of them within 15 %% of the truth; %d of %d "
      "90 %% intervals cover it\n",
      identified, within, covered, intervals);
  writeJsonIfRequested(args, QJsonObject{{"suite_seed", QString::number(seed)},
                                         {"threads", rt.threads},
                                         {"rows", jsonRows},
                                         {"summary", summary}});
  return 0;
}

}  // namespace mollichrom::cli
