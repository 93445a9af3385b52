// `mollichrom-cli calibrate`: one acquisition's calibration from its time-lapses — the gains
// (the share), M and Γ_ac identified from the pooled dynamics — saved as JSON for `infer
// --calibration`, `batch` and the GUI.
#include "app/cli/CalibrateCommand.h"

#include "app/cli/Args.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/InferOptions.h"
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/runtime/Runtime.h"
#include "core/train/Calibrate.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kUsage =
    "Usage: mollichrom-cli calibrate STACK... --out CALIBRATION.json [--conditions A,B,...]\n"
    "                                [prep options of infer] [--threads N] [--quiet]\n"
    "\n"
    "The calibration of one acquisition (one microscope setting) from its time-lapses of camera\n"
    "counts: the heterochromatin channel's gain relative to the density's (reported as the\n"
    "pooled share, mean phi_h / mean phi_c), M and gamma_ac, identified from the pooled dynamics\n"
    "with 90 % intervals; the density gain from the stated mean phi_c over all the nuclei\n"
    "(--chromatin-fraction, 0.5). A value the dynamics do not bound keeps its default and says\n"
    "so. Apply it to any stack of the same setting (a snapshot too) with\n"
    "  mollichrom-cli infer STACK --calibration CALIBRATION.json [--calibration-group A]\n"
    "\n"
    "  --conditions A,B,...  the condition of each STACK, in order: M and gamma_ac are then also\n"
    "                        identified per condition (the share stays the acquisition's)\n"
    "  prep options          --channels, --offset, --mask, --mask-threshold, --drift, --bleach,\n"
    "                        --pixel-size, --frame-interval, --frames, --crop, --bin, --set\n"
    "                        (ell, phi_max; M or gamma_ac given are not identified),\n"
    "                        --chromatin-fraction, --slices-are-time, --memory-limit\n"
    "Exit codes: 0 ok, 2 usage, 3 bad input (a stack that is no time-lapse of counts, ...).\n";

std::string shortName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int runCalibrate(const std::vector<std::string>& argv) {
  std::set<std::string> valued = inferValuedOptions(), flags = inferFlagOptions();
  valued.insert("conditions");
  const Args args(argv, valued, flags);
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args.positionals().empty()) throw UsageError("expects the acquisition's STACK files");
  if (!args.has("out")) throw UsageError("needs --out CALIBRATION.json");
  for (const char* inferOnly : {"calibration", "calibration-group", "save-calibration",
                                "hetero-share", "json", "table", "losses", "truth"})
    if (args.has(inferOnly))
      throw UsageError(std::string("--") + inferOnly + " is an option of infer, not of calibrate");
  const InferOptions o = parseInferOptions(args);
  std::vector<std::string> conditions;
  if (args.has("conditions")) {
    std::stringstream ss(args.get("conditions"));
    for (std::string c; std::getline(ss, c, ',');) conditions.push_back(c);
    if (conditions.size() != args.positionals().size())
      throw UsageError("--conditions names " + std::to_string(conditions.size()) +
                       " condition(s) for " + std::to_string(args.positionals().size()) +
                       " stack(s)");
  }
  initRuntime(args.getInt("threads", 0));
  const bool quiet = o.quiet;
  std::vector<std::string> groupNames;
  std::map<std::string, int> groupIndex;
  std::vector<train::StackProfile> profiles;
  for (size_t i = 0; i < args.positionals().size(); ++i) {
    const std::string& input = args.positionals()[i];
    const prep::FieldData f = loadPrepared(input, o);
    if (!f.counts.used)
      throw io::StackError(input, "holds volume fractions, not camera counts: it needs no gains");
    if (f.frames() < 3)
      throw io::StackError(input, "has " + std::to_string(f.frames()) +
                                      " frame(s): a calibration needs the dynamics of a "
                                      "time-lapse (apply one to a snapshot with infer)");
    train::StackProfile p = train::profileOfStack(f, o.choice.values, o.calibration.profile);
    p.name = input;
    const std::string group = conditions.empty() ? "" : conditions[i];
    if (!groupIndex.count(group)) {
      groupIndex[group] = int(groupNames.size());
      groupNames.push_back(group);
    }
    p.group = groupIndex[group];
    if (!quiet)
      std::cerr << "calibrate: " << shortName(input) << ": " << f.frames() << " frames, "
                << (group.empty() ? "" : "condition " + group + ", ") << "counts ratio "
                << p.countsRatio << "\n";
    profiles.push_back(std::move(p));
  }
  prep::AcquisitionCalibration c =
      train::poolCalibration(profiles, groupNames, o.choice.values, o.po.counts.chromatinFraction);
  // Rates the user fixed are given, not identified.
  for (auto& g : c.rates) {
    if (o.choice.fixM)
      g.M = {o.choice.values.M,        o.choice.values.M,
             o.choice.values.M,        false,
             prep::ValueSource::Given, ""};
    if (o.choice.fixGamma)
      g.gammaAc = {o.choice.values.gammaAc,  o.choice.values.gammaAc,
                   o.choice.values.gammaAc,  false,
                   prep::ValueSource::Given, ""};
  }
  prep::writeCalibrationFile(args.get("out"), c);
  std::cout << "calibrate: " << profiles.size() << " time-lapse(s), kernel " << c.halfWidthXY
            << " px\n";
  std::cout << "calibrate: share " << c.share.describe() << "\n";
  std::cout << "calibrate: gains " << c.densityGain.value << " (density, "
            << prep::valueSourceName(c.densityGain.source) << ") and " << c.heteroGain.value
            << " (heterochromatin) phi per count\n";
  for (const auto& g : c.rates)
    std::cout << "calibrate: " << (g.group.empty() ? std::string("all stacks") : g.group) << " ("
              << g.stacks << "): M " << g.M.describe() << ", gamma_ac " << g.gammaAc.describe()
              << "\n";
  std::cout << "calibrate: -> " << args.get("out") << "\n";
  return kExitOk;
}

}  // namespace mollichrom::cli
