#include "app/cli/InferOptions.h"

#include "core/io/PixelType.h"
#include "core/train/Presets.h"

#include <cstdio>

namespace mollichrom::cli {

const std::set<std::string>& inferValuedOptions() {
  static const std::set<std::string> names{"out",
                                           "channels",
                                           "normalize",
                                           "mask",
                                           "set",
                                           "free",
                                           "engine",
                                           "arch",
                                           "steps",
                                           "time-budget",
                                           "seed",
                                           "threads",
                                           "device",
                                           "checkpoint",
                                           "json",
                                           "losses",
                                           "truth",
                                           "kernel",
                                           "lr",
                                           "w-pde",
                                           "w-smooth",
                                           "w-data",
                                           "patch",
                                           "lr-lambda",
                                           "scalar-prior",
                                           "kernel-direct",
                                           "mask-threshold",
                                           "pixel-size",
                                           "frame-interval",
                                           "memory-limit",
                                           "frames",
                                           "crop",
                                           "bin",
                                           "tile",
                                           "nuclei",
                                           "table",
                                           "answer",
                                           "offset",
                                           "chromatin-fraction",
                                           "hetero-share",
                                           "calibration",
                                           "calibration-group",
                                           "save-calibration",
                                           "preset"};
  return names;
}

const std::set<std::string>& inferFlagOptions() {
  static const std::set<std::string> names{"help",  "resume", "quiet",  "adaptive",
                                           "lbfgs", "drift",  "bleach", "slices-are-time"};
  return names;
}

Args inferArgs(const std::vector<std::string>& argv) {
  return Args(argv, inferValuedOptions(), inferFlagOptions());
}

InferOptions parseInferOptions(const Args& args) {
  InferOptions o;
  prep::PrepOptions& po = o.po;
  models::ParameterChoice& choice = o.choice;
  train::TrainerConfig& cfg = o.cfg;
  io::LoadOptions& lo = o.lo;
  try {
    if (args.has("channels")) po.channels = prep::parseChannelMap(args.get("channels"));
    po.normalize = prep::parseNormalize(args.get("normalize", "auto"));
    if (args.has("offset")) prep::parseOffsets(args.get("offset"), po.counts);
    models::applyParameterSettings(args.get("set"), choice);
    cfg.answer = train::parseAnswer(args.get("answer", "auto"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  po.counts.chromatinFraction = args.getDouble("chromatin-fraction", po.counts.chromatinFraction);
  po.counts.heteroShare = args.getDouble("hetero-share", po.counts.heteroShare);
  if (!(po.counts.chromatinFraction > 0 && po.counts.chromatinFraction < 1))
    throw UsageError("--chromatin-fraction must lie in (0, 1)");
  if (!(po.counts.heteroShare > 0 && po.counts.heteroShare < 1))
    throw UsageError("--hetero-share must lie in (0, 1)");
  o.calibration.shareGiven = args.has("hetero-share");
  if (args.has("calibration")) {
    // A bad file is bad input (exit 3, one line naming it), found before anything runs.
    o.calibration.givenPath = args.get("calibration");
    o.calibration.given = prep::readCalibrationFile(o.calibration.givenPath);
    if (args.has("hetero-share") || args.has("chromatin-fraction"))
      throw UsageError(
          "--calibration gives the gains: leave out --hetero-share and "
          "--chromatin-fraction");
  }
  o.calibration.group = args.get("calibration-group");
  o.calibration.useGroupRates = args.has("calibration-group");
  if (args.has("calibration-group") && !args.has("calibration"))
    throw UsageError("--calibration-group needs --calibration FILE");
  o.saveCalibration = args.get("save-calibration");
  po.slicesAreTime = args.has("slices-are-time");
  po.mask = args.get("mask", "auto");
  po.maskThreshold = args.getDouble("mask-threshold", -1);
  po.driftCorrection = args.has("drift");
  po.bleachCorrection = args.has("bleach");
  po.pixelSizeUm = args.getDouble("pixel-size", 0);
  po.frameIntervalS = args.getDouble("frame-interval", 0);
  try {
    cfg.engine = train::parseEngine(args.get("engine", "mollifier"));
    cfg.arch =
        args.has("arch") ? train::parseArch(args.get("arch")) : train::defaultArch(cfg.engine);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--engine/--arch: ") + e.what());
  }
  // --preset first: the flags below override what it sets (steps, --kernel, --lbfgs).
  if (args.has("preset")) {
    if (!train::isPreset(args.get("preset")))
      throw UsageError("--preset must be preview, balanced or accurate (the GUI's presets)");
    train::applyPreset(args.get("preset"), cfg);
  }
  if (args.has("steps") && args.getInt("steps", 0) < 1)
    throw UsageError("--steps must be >= 1 (leave it out for the default, " +
                     std::to_string(train::kDefaultSteps) + ")");
  cfg.steps = args.getInt("steps", cfg.steps);
  cfg.timeBudget = args.getDouble("time-budget", 0);
  cfg.seed = static_cast<std::uint64_t>(args.getInt("seed", 1));
  cfg.device = args.get("device", "cpu");
  cfg.checkpointDir = args.get("checkpoint");
  cfg.resume = args.has("resume");
  cfg.adaptiveWeights = args.has("adaptive");
  cfg.lbfgsFinish = cfg.lbfgsFinish || args.has("lbfgs");
  cfg.learningRate = args.getDouble("lr", cfg.learningRate);
  cfg.lambdaLearningRate = args.getDouble("lr-lambda", cfg.lambdaLearningRate);
  cfg.scalarPriorSigma = args.getDouble("scalar-prior", cfg.scalarPriorSigma);
  cfg.pdeWeight = args.getDouble("w-pde", cfg.pdeWeight);
  cfg.smoothWeight = args.getDouble("w-smooth", cfg.smoothWeight);
  cfg.dataWeight = args.getDouble("w-data", cfg.dataWeight);
  cfg.patch = args.getInt("patch", 0);
  cfg.mollifier.halfWidthXY = args.getInt("kernel", cfg.mollifier.halfWidthXY);
  // --kernel-direct auto (default): per pixel from a ladder (DirectEstimator); N: fixed N px.
  if (args.get("kernel-direct", "auto") != "auto") {
    cfg.directMollifier.halfWidthXY = args.getInt("kernel-direct", cfg.directMollifier.halfWidthXY);
    cfg.directMollifier.adaptiveXY = false;
  }
  if (cfg.engine == train::Engine::Autodiff && cfg.arch == train::Arch::Cnn)
    throw UsageError("--engine autodiff needs a coordinate network: --arch fourier-mlp or mlp");
  if (cfg.device != "cpu" && cfg.device != "cuda") throw UsageError("--device must be cpu or cuda");
  if (cfg.steps < 0 || cfg.timeBudget < 0)
    throw UsageError("--steps and --time-budget must be >= 0");
  if (args.has("mask-threshold") && !(po.maskThreshold >= 0 && po.maskThreshold <= 1))
    throw UsageError("--mask-threshold must be a fraction between 0 and 1");
  if (po.pixelSizeUm < 0 || po.frameIntervalS < 0)
    throw UsageError("--pixel-size and --frame-interval must be > 0");
  if (cfg.resume && cfg.checkpointDir.empty()) throw UsageError("--resume needs --checkpoint DIR");
  o.quiet = args.has("quiet");

  cfg.tileSize = args.getInt("tile", 0);
  if (cfg.tileSize < 0) throw UsageError("--tile must be > 0");
  if (args.has("frames")) {
    int a = 0, b = 0;
    char dash = 0, extra = 0;
    if (std::sscanf(args.get("frames").c_str(), "%d%c%d%c", &a, &dash, &b, &extra) != 3 ||
        dash != '-' || a < 1 || b < a)
      throw UsageError("--frames '" + args.get("frames") + "' must be A-B with 1 <= A <= B");
    lo.firstFrame = a - 1;
    lo.lastFrame = b - 1;
  }
  if (args.has("crop")) {
    int x = 0, y = 0, w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(args.get("crop").c_str(), "%d,%d,%d,%d%c", &x, &y, &w, &h, &extra) != 4 ||
        x < 0 || y < 0 || w < 1 || h < 1)
      throw UsageError("--crop '" + args.get("crop") + "' must be X,Y,W,H in pixels");
    lo.crop = cv::Rect(x, y, w, h);
  }
  lo.binning = args.getInt("bin", 1);
  if (lo.binning < 1) throw UsageError("--bin must be >= 1");
  o.memoryLimitMb = train::defaultRunMemoryLimitMb();
  if (args.has("memory-limit")) {
    try {
      o.memoryLimitMb = train::parseMemorySize(args.get("memory-limit"));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--memory-limit: ") + e.what());
    }
  }

  return o;
}

train::RunShape runShape(const io::StackInfo& info, const io::LoadOptions& lo) {
  const int lastFrame =
      lo.lastFrame < 0 ? info.frames - 1 : std::min(lo.lastFrame, info.frames - 1);
  const cv::Rect area = lo.crop.value_or(cv::Rect(0, 0, info.width, info.height));
  train::RunShape shape;
  shape.width = area.width / lo.binning;
  shape.height = area.height / lo.binning;
  shape.frames = std::max(1, lastFrame - lo.firstFrame + 1);
  shape.channels = info.channels;
  shape.slices = info.slices;
  shape.bytesPerSample = CV_ELEM_SIZE(io::pixelTypeCvDepth(info.pixelType));  // as held in memory
  return shape;
}

prep::FieldData loadPrepared(const std::string& path, const InferOptions& o) {
  auto src = io::openStack(path);
  io::LoadOptions lo = o.lo;
  lo.memoryLimit = static_cast<std::uint64_t>(o.memoryLimitMb * 1024 * 1024);
  const io::Stack stack = src->load(lo);
  return prep::prepare(stack, o.po);
}

}  // namespace mollichrom::cli
