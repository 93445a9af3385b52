#include "core/bench/InferenceSuite.h"

#include "core/bench/BenchMath.h"
#include "core/io/Stack.h"
#include "core/sim/CameraModel.h"
#include "core/train/Calibrate.h"
#include "core/train/Metrics.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace mollichrom::bench {

namespace {

EngineScore score(const cv::Mat& estimate, const cv::Mat& truth, const cv::Mat& eval) {
  const auto a = train::compareMaps(estimate, truth, eval);
  EngineScore s;
  s.pearson = a.pearson;
  s.relativeL2 = a.relativeL2;
  s.finite = a.finiteFraction;
  return s;
}

double bandCoverage(const cv::Mat& lo, const cv::Mat& hi, const cv::Mat& truth,
                    const cv::Mat& eval) {
  if (lo.empty() || hi.empty()) return -1;
  int in = 0, n = 0;
  for (int y = 0; y < truth.rows; ++y)
    for (int x = 0; x < truth.cols; ++x) {
      if (!eval.at<std::uint8_t>(y, x)) continue;
      ++n;
      const float v = truth.at<float>(y, x), l = lo.at<float>(y, x), h = hi.at<float>(y, x);
      if (std::isfinite(l) && std::isfinite(h) && v >= l && v <= h) ++in;
    }
  return n > 0 ? double(in) / n : -1;
}

}  // namespace

std::vector<SuiteCase> validationSuite(std::uint64_t masterSeed) {
  std::uint64_t state = masterSeed;
  std::uniform_real_distribution<double> u(0, 1);
  // The camera cases' one setting: the density channel's gain 1.5–4 counts per photon, the
  // marker's 0.5–2× it, one exposure (shot noise 3 % at φ = 0.5, the suite's middle level).
  sim::CameraModel camera;
  {
    std::mt19937_64 r(masterSeed * 31 + 17);
    camera.gain[0] = 1.5 + 2.5 * u(r);
    camera.gain[1] = camera.gain[0] * 0.5 * std::pow(4.0, u(r));
    camera.photons = 1.0 / (0.03 * 0.03 * 0.5);
  }
  std::vector<SuiteCase> cases;
  auto add = [&](const std::string& name, const std::string& pattern, double noise, auto&& tweak) {
    SuiteCase c;
    c.name = name;
    c.sim.pattern = pattern;
    c.sim.noise = noise;
    c.sim.seed = splitmix(state) % 1000000007ull + 1;
    std::mt19937_64 r(c.sim.seed);
    // Textured density as nuclei show it: mean 0.45–0.55, texture σ 0.04–0.08.
    c.sim.densityMean = 0.45 + 0.10 * u(r);
    c.sim.densityTexture = 0.04 + 0.04 * u(r);
    c.sim.pixel = 0.1;
    tweak(c);
    c.cameraModel = camera;
    cases.push_back(c);
  };
  auto none = [](SuiteCase&) {};
  auto white = [](SuiteCase& c) { c.sim.start = "white"; };
  auto nearSteady = [](SuiteCase& c) { c.sim.relaxSeconds = 3; };
  auto steady = [](SuiteCase& c) {
    c.sim.start = "steady";
    c.sim.frames = 1;
    c.sim.size = 128;
  };
  // Time-lapse, 96², 21 frames of 0.05 s.
  add("tl-sharp-ring-3%", "sharp-ring", 0.03, none);
  add("tl-sharp-ring-5%", "sharp-ring", 0.05, none);
  add("tl-sharp-ring-white-3%", "sharp-ring", 0.03, white);
  add("tl-edge-3%", "edge", 0.03, none);
  add("tl-edge-6%", "edge", 0.06, none);
  add("tl-spots-3%", "spots", 0.03, none);
  add("tl-spots-white-5%", "spots", 0.05, white);
  add("tl-gradient-3%", "gradient", 0.03, none);
  add("tl-gradient-10%", "gradient", 0.10, none);
  add("tl-patches-5%", "patches", 0.05, none);
  add("tl-patches-white-10%", "patches", 0.10, white);
  add("tl-blob-0%", "blob", 0.0, none);
  add("tl-ring-3%", "ring", 0.03, none);
  add("tl-random-5%", "random", 0.05, none);
  add("tl-constant-3%", "constant", 0.03, none);
  add("tl-near-steady-patches-3%", "patches", 0.03, nearSteady);
  add("tl-near-steady-sharp-ring-5%", "sharp-ring", 0.05, nearSteady);
  add("tl-20nm-sharp-ring-3%", "sharp-ring", 0.03, [](SuiteCase& c) { c.sim.pixel = 0.02; });
  add("tl-50nm-patches-3%", "patches", 0.03, [](SuiteCase& c) { c.sim.pixel = 0.05; });
  add("tl-50-frames-ring-5%", "ring", 0.05, [](SuiteCase& c) {
    c.sim.frames = 50;
    c.sim.dt = 0.02;
  });
  add("tl-100-frames-sharp-ring-10%", "sharp-ring", 0.10, [](SuiteCase& c) {
    c.sim.frames = 100;
    c.sim.dt = 0.02;
  });
  add("tl-128px-spots-3%", "spots", 0.03, [](SuiteCase& c) { c.sim.size = 128; });
  add("tl-camera-patches", "patches", 0.04, [](SuiteCase& c) { c.camera = true; });
  add("tl-camera-bleach-sharp-ring", "sharp-ring", 0.05, [](SuiteCase& c) {
    c.camera = true;
    c.bleachPerFrame = 0.01;
  });
  add("tl-camera-drift-edge", "edge", 0.04, [](SuiteCase& c) {
    c.camera = true;
    c.driftPxPerFrame = 0.3;
  });
  // More cells of the same acquisition, as a study records them: its calibration pools their
  // dynamics (one 96² cell at 3 % noise rarely bounds the share alone).
  add("tl-camera-blob", "blob", 0.03, [](SuiteCase& c) { c.camera = true; });
  add("tl-camera-gradient", "gradient", 0.03, [](SuiteCase& c) { c.camera = true; });
  add("tl-camera-random-white", "random", 0.03, [](SuiteCase& c) {
    c.camera = true;
    c.sim.start = "white";
  });
  add("tl-3-nuclei-patches-3%", "patches", 0.03, [](SuiteCase& c) {
    c.sim.nuclei = 3;
    c.sim.size = 160;
  });
  add("tl-4-nuclei-white-sharp-ring-5%", "sharp-ring", 0.05, [](SuiteCase& c) {
    c.sim.nuclei = 4;
    c.sim.size = 192;
    c.sim.start = "white";
  });
  // Steady state: one frame, 128².
  add("ss-sharp-ring-3%", "sharp-ring", 0.03, steady);
  add("ss-patches-3%", "patches", 0.03, steady);
  add("ss-gradient-1%", "gradient", 0.01, steady);
  add("ss-ring-5%", "ring", 0.05, steady);
  add("ss-50nm-spots-3%", "spots", 0.03, [&](SuiteCase& c) {
    steady(c);
    c.sim.pixel = 0.05;
  });
  add("ss-constant-3%", "constant", 0.03, steady);
  add("ss-edge-0%", "edge", 0.0, steady);
  add("ss-camera-patches", "patches", 0.02, [&](SuiteCase& c) {
    steady(c);
    c.camera = true;
  });
  return cases;
}

namespace {

io::Stack cameraStackOf(const SuiteCase& c, const sim::Simulation& s) {
  sim::CameraModel cam = c.cameraModel;
  cam.bleachPerFrame = c.bleachPerFrame;
  cam.driftPxPerFrame = c.driftPxPerFrame;
  return sim::cameraStack(s, c.sim, cam, c.sim.seed * 3 + 7, "suite:" + c.name);
}

prep::PrepOptions cameraPrep(const SuiteCase& c) {
  prep::PrepOptions o;
  o.bleachCorrection = c.bleachPerFrame > 0;
  o.driftCorrection = c.driftPxPerFrame > 0;
  return o;
}

}  // namespace

prep::AcquisitionCalibration suiteAcquisition(const std::vector<SuiteCase>& cases) {
  std::vector<train::StackProfile> profiles;
  for (const auto& c : cases) {
    if (!c.camera || c.steady()) continue;
    const sim::Simulation s = sim::simulate(c.sim);
    const prep::FieldData f = prep::prepare(cameraStackOf(c, s), cameraPrep(c));
    profiles.push_back(train::profileOfStack(f, c.sim.params, train::ProfileSettings{}));
    profiles.back().name = c.name;
  }
  return train::poolCalibration(profiles, {}, models::ChromatinParameters{}, 0.5);
}

SuiteRow runSuiteCase(const SuiteCase& c, const train::TrainerConfig& config,
                      const prep::AcquisitionCalibration* acquisition) {
  SuiteRow row;
  row.name = c.name;
  row.steady = c.steady();
  const sim::Simulation s = sim::simulate(c.sim);
  prep::FieldData f;
  io::Stack counts;
  if (c.camera) {
    counts = cameraStackOf(c, s);
    f = prep::prepare(counts, cameraPrep(c));
  } else {
    f = sim::observedFields(s, c.sim);
  }
  // The calibration step with M and Γ_ac free: the camera cases on their acquisition's gains.
  {
    models::ParameterChoice free;
    free.values = c.sim.params;
    train::CalibrationRequest request;
    if (c.camera && acquisition) {
      request.given = *acquisition;
      request.givenPath = "the suite's camera acquisition";
    }
    const auto cal = train::calibrateRun(f, free, request);
    row.profiled = cal.profiled;
    if (std::getenv("MOLLICHROM_SUITE_VERBOSE") && c.camera)
      std::fprintf(stderr, "  %s: own dynamics (U %.3f) say share %s (kernel %d), M %s, G %s\n",
                   c.name.c_str(), cal.unexplained, cal.shareData.describe().c_str(),
                   cal.kernelHalfWidth, cal.MData.describe().c_str(),
                   cal.gammaAcData.describe().c_str());
    row.M = cal.M;
    row.gammaAc = cal.gammaAc;
    if (c.camera) {
      row.share = cal.share;
      row.trueShare = sim::trueShare(s);
    }
  }
  models::ParameterChoice params;  // M and Γ_ac given (as the user does with --set)
  params.values = c.sim.params;
  params.fixM = params.fixGamma = true;
  train::TrainerConfig cfg = config;
  cfg.answer = train::Answer::Solve;  // the suite measures the solve everywhere
  cfg.seed = c.sim.seed;
  const train::InferenceResult r = train::runInference(f, params, cfg);

  const cv::Mat eval = prep::insideImage(prep::timeMean(s.density) > 0.35, 8);
  double lo, hi;
  cv::minMaxLoc(s.lambda, &lo, &hi, nullptr, nullptr, eval);
  row.constantTruth = hi - lo < 1e-6;
  row.direct = score(r.direct.lambda, s.lambda, eval);
  row.direct.seconds = r.direct.seconds;
  row.direct.kernel = train::chosenHalfWidthXY(r.direct, config.directMollifier);
  row.direct.bandCoverage = bandCoverage(r.direct.lambdaLow, r.direct.lambdaHigh, s.lambda, eval);
  row.staticNoiseShare = r.direct.staticNoiseShare;
  row.trained = score(r.lambda, s.lambda, eval);
  row.trained.seconds = r.seconds;
  row.trained.steps = r.steps;
  row.trained.bandCoverage = bandCoverage(r.lambdaLow, r.lambdaHigh, s.lambda, eval);
  row.alpha = r.solve.alpha;
  row.discrepancy = r.solve.discrepancy;
  row.iterations = r.solve.iterations;
  row.converged = r.solve.converged;
  row.fit = train::fitVerdictName(r.fit.verdict);
  row.fitReason = r.fit.reason;
  row.fitUnexplained = r.fit.unexplained;
  row.fitNegativeShare = r.fit.negativeShare;
  if (c.camera) {
    // The same counts mapped with the exact gains and offsets (φ per count 1/(gain·photons), the
    // offset plus the background's counts): what the calibration is measured against.
    prep::PrepOptions exact = cameraPrep(c);
    for (int k = 0; k < 2; ++k) {
      exact.counts.gain[k] = 1 / (c.cameraModel.gain[k] * c.cameraModel.photons);
      exact.counts.offset[k] = c.cameraModel.offset[k] + c.cameraModel.gain[k] *
                                                             c.cameraModel.photons *
                                                             c.cameraModel.background;
    }
    const prep::FieldData fe = prep::prepare(counts, exact);
    train::TrainerConfig direct = config;
    direct.engine = train::Engine::Direct;
    const auto re = train::runInference(fe, params, direct);
    row.exact = score(re.direct.lambda, s.lambda, eval);
    const double mid = medianOver(re.direct.lambda, eval);
    row.levelRatio = mid > 0 ? medianOver(r.direct.lambda, eval) / mid : std::nan("");
  }
  // Finite share per nucleus (connected parts of the evaluation region).
  row.worstNucleusFinite = 1;
  for (const auto& part : train::finiteSharePerPart(r.lambda, eval))
    if (part.pixels >= 50)
      row.worstNucleusFinite = std::min(row.worstNucleusFinite, part.finiteShare);
  return row;
}

}  // namespace mollichrom::bench
