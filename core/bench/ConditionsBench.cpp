#include "core/bench/ConditionsBench.h"

#include "core/bench/BenchMath.h"
#include "core/prep/FieldData.h"
#include "core/sim/CameraModel.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace mollichrom::bench {

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
      cell.evalMask = prep::insideImage(prep::timeMean(sim.density) > 0.35, 8);
      cell.share = sim::trueShare(sim);
      cell.medianLambda = medianOver(sim.lambda, cell.evalMask);
      cells.push_back(std::move(cell));
    }
  return cells;
}

}  // namespace mollichrom::bench
