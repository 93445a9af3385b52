#include "core/bench/ConditionsBench.h"

#include "core/prep/FieldData.h"
#include "core/sim/CameraModel.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace mollichrom::bench {

namespace {

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double median(std::vector<float> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

std::vector<ConditionsCase> conditionsSuite(std::uint64_t masterSeed) {
  std::uint64_t state = masterSeed;
  std::vector<ConditionsCase> cases;
  const std::vector<std::vector<std::string>> patternSets{{"patches", "blob", "gradient"},
                                                          {"ring", "random", "patches"},
                                                          {"blob", "edge", "random"},
                                                          {"gradient", "ring", "blob"}};
  const double noises[] = {0.01, 0.02, 0.03, 0.05};
  for (int k = 0; k < 8; ++k) {
    ConditionsCase c;
    c.seed = splitmix(state) % 1000000007ull + 1;
    std::mt19937_64 r(c.seed);
    std::uniform_real_distribution<double> u(0, 1);
    auto logUniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u(r)); };
    // Control λ so that the true shares span 0.35–0.65 over the arms; treated 1.3–2× it.
    const double base = logUniform(0.4, 0.9), ratio = 1.3 + 0.7 * u(r);
    c.arms = {{"control", base}, {"treated", base * ratio}};
    c.sim.size = 128;
    c.sim.frames = 21;
    c.sim.dt = 0.05;
    c.sim.pixel = 0.1;
    c.sim.noise = noises[k % 4];
    c.sim.params.M = logUniform(0.5, 2.0);
    c.sim.params.gammaAc = logUniform(0.5, 2.0);
    c.sim.start = k % 3 == 2 ? "white" : "equilibrium";
    c.patterns = patternSets[size_t(k) % patternSets.size()];
    c.gainRatio = logUniform(0.5, 2.0);
    char name[96];
    std::snprintf(name, sizeof name, "acq%d-x%.2f-noise%.0f%%-M%.2f-G%.2f", k + 1, ratio,
                  100 * c.sim.noise, c.sim.params.M, c.sim.params.gammaAc);
    c.name = name;
    cases.push_back(c);
  }
  return cases;
}

std::vector<ConditionsCell> simulateCase(const ConditionsCase& c) {
  std::vector<ConditionsCell> cells;
  std::uint64_t state = c.seed;
  // One microscope setting for every cell: the gains and the photon budget.
  sim::CameraModel camera;
  camera.offset[0] = camera.offset[1] = c.offset;
  camera.gain[0] = 2;
  camera.gain[1] = 2 * c.gainRatio;
  camera.photons = c.sim.noise > 0 ? 1.0 / (c.sim.noise * c.sim.noise * 0.5) : 5000;
  int index = 0;
  for (size_t a = 0; a < c.arms.size(); ++a)
    for (int i = 0; i < c.cellsPerArm; ++i, ++index) {
      sim::SimulationConfig s = c.sim;
      s.seed = splitmix(state) % 1000000007ull + 1;
      s.pattern = c.patterns[size_t(index) % c.patterns.size()];
      s.lambdaScale = c.arms[a].lambdaScale;
      std::mt19937_64 r(s.seed);
      std::uniform_real_distribution<double> u(0, 1);
      s.densityMean = 0.45 + 0.10 * u(r);
      s.densityTexture = 0.04 + 0.04 * u(r);
      const sim::Simulation sim = sim::simulate(s);
      ConditionsCell cell;
      cell.arm = c.arms[a].name;
      cell.armIndex = int(a);
      cell.stack = sim::cameraStack(sim, s, camera, splitmix(state),
                                    c.name + "/" + cell.arm + "-" + std::to_string(i + 1));
      cell.lambda = sim.lambda;
      const cv::Mat nucleus = prep::timeMean(sim.density) > 0.35;
      cell.evalMask = prep::insideImage(nucleus, 8);
      double h = 0, d = 0;
      for (size_t t = 0; t < sim.density.size(); ++t) {
        h += cv::mean(sim.hetero[t], nucleus)[0];
        d += cv::mean(sim.density[t], nucleus)[0];
      }
      cell.share = d > 0 ? h / d : 0;
      std::vector<float> v;
      for (int y = 0; y < sim.lambda.rows; ++y)
        for (int x = 0; x < sim.lambda.cols; ++x)
          if (cell.evalMask.at<std::uint8_t>(y, x)) v.push_back(sim.lambda.at<float>(y, x));
      cell.medianLambda = median(v);
      cells.push_back(std::move(cell));
    }
  return cells;
}

}  // namespace mollichrom::bench
