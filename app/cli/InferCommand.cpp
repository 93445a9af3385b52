#include "app/cli/InferCommand.h"

#include "app/cli/Args.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/InferOptions.h"
#include "core/export/ResultExport.h"
#include "core/io/PixelType.h"
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/prep/NucleusLabels.h"
#include "core/runtime/ErrorText.h"
#include "core/runtime/Runtime.h"
#include "core/runtime/Versions.h"
#include "core/train/CalibrationVerdict.h"
#include "core/train/MemoryPlan.h"
#include "core/train/Metrics.h"
#include "core/train/Presets.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Feedback.h"
#include "core/util/OutputSet.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kInferUsage =
    "Usage: mollichrom-cli infer INPUT --out RATES.tif [options]\n"
    "\n"
    "Infers the rate-ratio map lambda(x) = Gamma_me/Gamma_ac (and M, Gamma_ac) from a time-lapse\n"
    "of a chromatin density channel and a heterochromatin-marker channel.\n"
    "\n"
    "  --channels density=1,heterochromatin=2   channel of each field (1-based; default as shown)\n"
    "  --normalize counts|none|percentile|auto  intensity -> volume fraction (auto: float data in\n"
    "                                           [-0.5, 1.5] are fractions, integer data counts)\n"
    "  --offset N | density=N,heterochromatin=N camera offsets in counts (default: the median\n"
    "                                           background outside the nuclei)\n"
    "  --chromatin-fraction F  --hetero-share S counts: assumed mean phi_c over the nuclei (0.5)\n"
    "                                           and mean phi_h/phi_c (0.5); lambda scales with "
    "the\n"
    "                                           share: its sensitivity is reported\n"
    "  --slices-are-time                        a z-stack without time: read the slices as frames\n"
    "  --mask auto|FILE                         nucleus mask (auto: Otsu on the time-mean "
    "density)\n"
    "  --mask-threshold F                       auto mask at fraction F (0-1) of the density "
    "range\n"
    "  --drift  --bleach                        drift (phase correlation) and bleach correction\n"
    "  --pixel-size UM  --frame-interval S      override the file's calibration\n"
    "  --frames A-B  --crop X,Y,W,H  --bin N    analyse frames A..B (1-based), a crop (pixels of "
    "the\n"
    "                                           file), N x N binning: what the memory plan "
    "proposes\n"
    "  --memory-limit SIZE                      refuse up front when the run's estimated peak "
    "exceeds\n"
    "                                           SIZE (e.g. 2G; default 75% of the available "
    "memory)\n"
    "  --kernel-direct auto|N                   space kernel half-width (px) of the direct "
    "estimate\n"
    "                                           (auto: the ladder width of least estimated error)\n"
    "  --tile N                                 tile edge (px) of the direct estimate (default: "
    "from\n"
    "                                           a 256 MB working set; results do not depend on "
    "it)\n"
    "  --set M=1,gamma_ac=1,ell=0.15,phi_max=0.7  fix parameters (M, gamma_ac are inferred from >= "
    "3\n"
    "                                           frames unless set; a single frame uses steady "
    "state)\n"
    "  --free M,gamma_ac                        require these to be inferred (error if "
    "impossible)\n"
    "  --engine mollifier|autodiff|direct       derivative engine (direct: network-free estimate)\n"
    "  --arch cnn|fourier-mlp|mlp               field network (autodiff needs a coordinate one)\n"
    "  --steps N  --time-budget SECONDS         training length: N >= 1 steps (default 40) or the "
    "budget,\n"
    "                                           whichever ends first\n"
    "  --preset preview|balanced|accurate       the GUI's presets (steps, network kernel): a GUI\n"
    "                                           run repeated headless; later flags override\n"
    "  --kernel N                               half-width (px) of the network's mollifier kernel\n"
    "                                           (default 8; the accurate preset 10)\n"
    "  --seed N  --threads N  --device cpu|cuda\n"
    "  --checkpoint DIR [--resume]              atomic checkpoints; continue from DIR\n"
    "  --nuclei all|1,3                         analyse every nucleus (default) or the numbered "
    "ones\n"
    "  --table NUCLEI.csv                       one row per nucleus: label, centroid (um), area "
    "(um^2),\n"
    "                                           mean/median/IQR of lambda, 90% band width, "
    "scalars,\n"
    "                                           border and split flags\n"
    "  --answer auto|direct|trained|solve       which estimate lambda is (auto: direct; see "
    "below)\n"
    "  --json SUMMARY.json  --losses LOSSES.csv --truth LAMBDA.tif (report accuracy)  --quiet\n"
    "\n"
    "RATES.tif: float32, the input's grid and calibration, NaN outside the nuclei (and within one\n"
    "kernel radius of the image border). RATES.low90.tif / RATES.high90.tif: the 90% band of\n"
    "lambda per pixel. lambda is the direct estimate (per-pixel least squares on the mollified\n"
    "data) with the space kernel of least estimated error (bias against the narrowest kernel plus\n"
    "the noise variance, measured with synthetic noise of the data's level); its band adds both.\n"
    "On the validation suite it beat the trained network (kept beside it; --answer trained) and\n"
    "matched the rate solve (--answer solve: the minimiser of the mollified residual with a\n"
    "total-variation prior, strength by the discrepancy principle), which did better only on\n"
    "the weakest-signal snapshots and takes ~100x longer.\n"
    "\n"
    "Steady state (one frame, e.g. a super-resolution snapshot): with dphi/dt = 0 the model is\n"
    "  0 = M lap(mu_d) + 2 gamma_ac (lambda phi_e - phi_h),\n"
    "so lambda follows from the snapshot once the ratio M/gamma_ac (um^2) is known: give it with\n"
    "--set M=...,gamma_ac=... (default 1 and 1). M and gamma_ac themselves need a time-lapse.\n"
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 bad input, 4 diverged, 5 not enough memory (refused "
    "by the\n"
    "memory plan, or an allocation failed), 75 another run is writing the same output, 130\n"
    "interrupted (checkpoint written; an earlier result under the same names is kept). Errors\n"
    "are one line. All output files are written together at the end, or none.\n";

util::Feedback* gFeedback = nullptr;
void onSignal(int) {
  if (gFeedback) gFeedback->cancel();
}

void progressBar(const train::Snapshot& s, double loss) {
  const double fraction = s.fraction, seconds = s.seconds, eta = s.etaSeconds();
  const int step = s.step;
  const int width = 30, filled = static_cast<int>(fraction * width);
  std::fprintf(stderr, "\r[%s%s] %3.0f%%  step %d  loss %.4g  %.0fs elapsed, ETA %.0fs   ",
               std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(width - filled), '.').c_str(), fraction * 100, step,
               loss, seconds, eta);
  std::fflush(stderr);
}

// RATES.low90.tif and RATES.high90.tif beside RATES.tif: the 90 % band.
std::pair<std::string, std::string> bandPaths(std::string stem) {
  for (const char* ext : {".tif", ".tiff"}) {
    const std::string e = ext;
    if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
      stem.resize(stem.size() - e.size());
      break;
    }
  }
  return {stem + ".low90.tif", stem + ".high90.tif"};
}

}  // namespace

int runInfer(const std::vector<std::string>& argv) {
  const Args args = inferArgs(argv);
  if (args.has("help")) {
    std::cout << kInferUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    throw UsageError("expects one INPUT stack (see mollichrom-cli infer --help)");
  if (!args.has("out")) throw UsageError("needs --out RATES.tif");
  const std::string input = args.positionals().front();

  InferOptions o = parseInferOptions(args);
  prep::PrepOptions& po = o.po;
  models::ParameterChoice& choice = o.choice;
  train::TrainerConfig& cfg = o.cfg;
  io::LoadOptions& lo = o.lo;
  const double memoryLimitMb = o.memoryLimitMb;
  const bool quiet = o.quiet;

  const auto rt = initRuntime(args.getInt("threads", 0));
  auto src = io::openStack(input);
  // Every file this run writes, claimed before the computation: folders that cannot take
  // them, names too long, or another run on the same names are found now, not after minutes.
  const std::string out = args.get("out");
  const auto [low90, high90] = bandPaths(out);
  std::vector<std::string> outputs{out};
  for (const char* flag : {"table", "json", "losses"})
    if (args.has(flag)) outputs.push_back(args.get(flag));
  if (!o.saveCalibration.empty()) outputs.push_back(o.saveCalibration);
  std::optional<util::OutputSet> files;
  try {
    files.emplace(outputs, std::vector<std::string>{low90, high90});
  } catch (const util::OutputBusy& e) {
    std::fprintf(stderr, "mollichrom-cli infer: error: %s\n", e.what());
    return kExitBusy;
  } catch (const util::OutputUnusable& e) {
    throw UsageError(e.what());
  }
  {
    // The memory plan, before anything large is allocated.
    const train::RunShape shape = runShape(src->info(), lo);
    const train::MemoryPlan plan = train::planMemory(shape, po, cfg);
    try {
      train::checkMemoryPlan(shape, po, cfg, memoryLimitMb);
      train::checkAddressSpace(plan, rt.threads);
    } catch (const util::MemoryPlanError& e) {
      std::fprintf(stderr, "mollichrom-cli infer: error: %s: %s\n", input.c_str(), e.what());
      return kExitNoMemory;
    }
    if (!quiet)
      std::cerr << "infer: memory plan " << plan.describe() << ", limit " << memoryLimitMb / 1024
                << " GB\n";
  }
  lo.memoryLimit = static_cast<std::uint64_t>(memoryLimitMb * 1024 * 1024);
  prep::FieldData data;
  try {
    data = translatingErrors([&] {
      const io::Stack stack = src->load(lo);  // released once the fields are prepared
      return prep::prepare(stack, po);
    });
  } catch (const util::OutOfMemoryError& e) {
    std::fprintf(stderr, "mollichrom-cli infer: error: %s: %s\n", input.c_str(), e.what());
    return kExitNoMemory;
  }

  // Free parameters need a time series.
  std::stringstream freeList(args.get("free"));
  for (std::string name; std::getline(freeList, name, ',');) {
    if (name.empty()) continue;
    if (name != "M" && name != "gamma_ac")
      throw UsageError("--free: only M and gamma_ac can be inferred, not '" + name + "'");
    if (choice.setByUser.count(name))
      throw UsageError("--free " + name + " contradicts --set " + name);
    if (data.frames() < 3)
      throw UsageError("--free " + name + " needs a time series of at least 3 frames; " + input +
                       " has " + std::to_string(data.frames()) + " (use --set " + name + "=VALUE)");
  }
  // The data checks: printed even with --quiet — each says why a result may not
  // be trusted and what to do.
  std::cerr << prep::warningLines(data.warnings);
  if (data.frames() < 3 && !quiet)
    std::cerr << "infer: " << data.frames() << " frame(s): steady-state model; lambda depends on "
              << "the ratio M/gamma_ac = " << choice.values.M / choice.values.gammaAc << " um^2 (M "
              << choice.values.M << ", gamma_ac " << choice.values.gammaAc
              << "; set them with --set)\n";

  // Every nucleus is analysed unless some are picked (numbers as in the --table output).
  const prep::NucleusLabels labels = prep::labelNuclei(data.mask);
  if (args.has("nuclei") && args.get("nuclei") != "all") {
    std::vector<int> picked;
    std::stringstream list(args.get("nuclei"));
    for (std::string item; std::getline(list, item, ',');) {
      int k = 0;
      try {
        k = std::stoi(item);
      } catch (const std::exception&) {
        throw UsageError("--nuclei: '" + item + "' is not a nucleus number");
      }
      if (k < 1 || k > static_cast<int>(labels.nuclei.size()))
        throw UsageError("--nuclei: " + input + " has " + std::to_string(labels.nuclei.size()) +
                         " nuclei; there is no nucleus " + item);
      picked.push_back(k);
    }
    data.mask = prep::nucleusMask(labels, picked);
  }
  if (!quiet)
    std::cerr << "infer: " << labels.nuclei.size() << " nucle"
              << (labels.nuclei.size() == 1 ? "us" : "i") << " found\n";

  cv::Mat truth, evalMask;
  if (args.has("truth")) {
    auto tr = io::openStack(args.get("truth"));
    tr->plane(0, 0, 0).convertTo(truth, CV_32F);
    evalMask = train::evaluationMask(prep::timeMean(data.density));
  }

  util::Feedback feedback;
  gFeedback = &feedback;
  // The direct estimate of a big field takes minutes before the first training step: show it.
  int shownPercent = -1;
  if (!quiet)
    feedback.setObserver([&](double fraction, const std::string& what) {
      const int percent = static_cast<int>(fraction * 100);
      if (what != "direct estimate" || percent == shownPercent) return;
      shownPercent = percent;
      std::fprintf(stderr, "\rdirect estimate %3d%%   ", percent);
      std::fflush(stderr);
    });
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  double lastLoss = 0;
  train::SnapshotFn snap = [&](const train::Snapshot& s) {
    if (!s.losses.empty()) lastLoss = s.losses.back().total;
    if (quiet) return;
    progressBar(s, lastLoss);
    if (!truth.empty()) {
      const auto a = train::compareMaps(s.lambda, truth, evalMask);
      const auto& l = s.losses.empty() ? train::LossRecord{} : s.losses.back();
      std::fprintf(
          stderr,
          "\n  step %d: pearson %.4f relL2 %.4f M %.3f G %.3f | data %.3g pde %.3g smooth %.3g\n",
          s.step, a.pearson, a.relativeL2, s.M, s.gammaAc, l.data, l.pde, l.smooth);
    }
  };
  train::InferenceResult r;
  train::RunCalibration calibration;
  try {
    // The share, M and Γ_ac: identified from the dynamics, given, or the acquisition's
    // calibration (Calibrate.h); the fields are rescaled to the gains used.
    if (!quiet) std::cerr << "infer: calibrating (share, M, gamma_ac from the dynamics)\n";
    calibration = train::calibrateRun(data, choice, o.calibration, &feedback);
    r = train::runInference(data, choice, cfg, &feedback, snap);
    train::attachCalibration(r, calibration);
  } catch (const train::DivergedError& e) {
    std::cerr << "\nmollichrom-cli infer: " << e.what() << "\n";
    return kExitDiverged;
  } catch (const util::Canceled&) {
    std::cerr << "\ninfer: interrupted before a result; nothing written\n";
    return kExitInterrupted;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const util::OutOfMemoryError& e) {
    std::fprintf(stderr, "%smollichrom-cli infer: error: %s: %s\n", quiet ? "" : "\n",
                 input.c_str(), e.what());
    return kExitNoMemory;
  } catch (const util::ComputeError& e) {
    std::fprintf(stderr, "%smollichrom-cli infer: error: %s: %s\n", quiet ? "" : "\n",
                 input.c_str(), e.what());
    return kExitFailure;
  }
  gFeedback = nullptr;
  if (!quiet) std::cerr << "\n";
  if (r.canceled && r.lambda.empty()) {
    // Interrupted during the direct estimate: there is no map to write.
    std::cerr << "infer: interrupted before a result; nothing written\n";
    return kExitInterrupted;
  }

  if (r.canceled && files->anyExists()) {
    // A stopped run never replaces a complete result (its checkpoint is what it leaves).
    std::cerr << "infer: interrupted; the earlier result in " << out << " is kept, nothing written"
              << (cfg.checkpointDir.empty() ? "" : "; checkpoint in " + cfg.checkpointDir) << "\n";
    return kExitInterrupted;
  }
  exporting::RunDescription run{"mollichrom-cli", input, out,        po,
                                choice,           cfg,   rt.threads, std::nullopt};
  const io::Calibration grid = exporting::calibrationOf(data);
  train::MapAccuracy acc;
  if (!truth.empty()) {
    acc = train::compareMaps(r.lambda, truth, evalMask);
    run.accuracy = acc;
  }
  try {
    io::writeMapTiff(files->staged(out), r.lambda, grid);
    if (!r.lambdaLow.empty()) {
      // The 90 % band beside λ; without a band, an earlier run's band files go at commit.
      io::writeMapTiff(files->staged(low90), r.lambdaLow, grid);
      io::writeMapTiff(files->staged(high90), r.lambdaHigh, grid);
    }
    if (args.has("table"))
      util::writeFileAtomically(files->staged(args.get("table")),
                                exporting::nucleusTableCsv(exporting::nucleusRows(r, data)));
    if (args.has("losses")) exporting::writeLossesCsv(files->staged(args.get("losses")), r.losses);
    if (!o.saveCalibration.empty()) {
      prep::AcquisitionCalibration saved = calibration.asCalibration(input);
      saved.ell = choice.values.ell;
      saved.phiMax = choice.values.phiMax;
      saved.chromatinFraction = data.counts.chromatinFraction;
      if (!data.counts.used)
        throw UsageError("--save-calibration: " + input +
                         " holds volume fractions, not camera counts: there are no gains to save");
      prep::writeCalibrationFile(files->staged(o.saveCalibration), saved);
    }
    if (args.has("json"))
      exporting::writeSummaryJson(files->staged(args.get("json")), r, data, run);
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(files->explain(e.what()));
  }
  files->commit();  // all of them or none
  if (!quiet) {
    std::cerr << "infer: " << r.steps << " steps in " << r.seconds << " s (" << r.stopReason
              << "), " << exporting::scalarLine(r) << " -> " << out << "\n";
    if (data.counts.used) std::cerr << "infer: " << exporting::sensitivityLine(data, r) << "\n";
    if (const auto line = exporting::calibrationLine(r); !line.empty())
      std::cerr << "infer: " << line << "\n";
    std::cerr << "infer: lambda is the " << exporting::answerDescription(r) << "\n";
    if (const auto floor = exporting::noiseFloorLine(r); !floor.empty())
      std::cerr << "infer: " << floor << "\n";
    std::cerr << "infer: fit: " << train::fitVerdictName(r.fit.verdict) << " (" << r.fit.reason
              << ")\n";
    if (!truth.empty()) {
      std::cerr << "accuracy: pearson " << acc.pearson << ", relative L2 " << acc.relativeL2
                << ", finite " << acc.finiteFraction << " (direct estimate: pearson "
                << train::compareMaps(r.direct.lambda, truth, evalMask).pearson;
      if (!r.trainedLambda.empty())
        std::cerr << ", trained network: pearson "
                  << train::compareMaps(r.trainedLambda, truth, evalMask).pearson;
      std::cerr << ")\n";
    }
  }
  if (r.canceled) {
    std::cerr << "infer: interrupted"
              << (cfg.checkpointDir.empty() ? "" : "; checkpoint in " + cfg.checkpointDir) << "\n";
    return kExitInterrupted;
  }
  return kExitOk;
}

}  // namespace mollichrom::cli
