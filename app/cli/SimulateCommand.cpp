#include "app/cli/SimulateCommand.h"

#include "app/cli/Args.h"
#include "core/io/TiffWriter.h"
#include "core/runtime/Runtime.h"
#include "core/sim/CameraModel.h"
#include "core/sim/ChromatinSimulator.h"
#include "core/sim/FieldScene.h"

#include <iostream>
#include <sstream>

namespace mollichrom::cli {

namespace {
const char* kUsage =
    "Usage: mollichrom-cli simulate --out STACK.tif --truth LAMBDA.tif [--size 96] [--frames 21]\n"
    "                               [--dt 0.05] [--pixel 0.104] [--noise 0.03]\n"
    "                               [--pattern blob|ring|patches|random] [--lambda-scale F]\n"
    "                               [--nuclei 1] [--seed S] [--set M=1,gamma_ac=1,...]\n"
    "\n"
    "Simulates the chromatin model on a nucleus and writes a 2-channel float32 ImageJ hyperstack\n"
    "(TCYX; channel 1 density phi_c, channel 2 heterochromatin phi_h; calibrated: --pixel um,\n"
    "--dt s) and the true lambda map (the pattern times --lambda-scale); --nuclei > 1 places\n"
    "several smaller nuclei, the last touching the border. --noise is the Gaussian\n"
    "noise sigma as a fraction of the density maximum. Same --seed, same files.\n"
    "\n"
    "  --counts   write what a camera records instead: uint16 counts, offset + gain x\n"
    "             Poisson(photons x phi) + read noise, per channel (one acquisition: give the "
    "same\n"
    "             --gain and --offset to every cell of it)\n"
    "    --gain G | density=G,heterochromatin=G   counts per photon (2)\n"
    "    --offset N | density=N,heterochromatin=N camera offset in counts (100)\n"
    "    --photons N    expected photons at phi = 1 (default from --noise: 2/noise^2)\n"
    "    --read-noise S (3)  --bleach F (fraction lost per frame)  --drift PX (per frame)\n"
    "  The true mean phi_h/phi_c over the nucleus (the heterochromatin share) is printed.\n"
    "\n"
    "Usage: mollichrom-cli simulate --scene --out STACK.tif [--width 512] [--height 512] [--frames "
    "30]\n"
    "                               [--nuclei 4] [--size 128] [--upsample 1] [--bleach F] [--drift "
    "PX]\n"
    "                               [--pixel 0.104] [--dt 0.05] [--pattern P] [--lambda-scale F]\n"
    "                               [--seed S]\n"
    "\n"
    "A field of view as a camera records it: --nuclei simulated nuclei (--size px each, rendered\n"
    "--upsample times larger) as uint16 counts (offset 100, gain 2, Poisson, read noise 3), with\n"
    "--bleach (fraction lost per frame) and --drift (px per frame).\n";

// The options a single-nucleus simulation and a scene share; c holds the defaults.
void readSharedOptions(const Args& args, sim::SimulationConfig& c) {
  c.frames = args.getInt("frames", c.frames);
  c.dt = args.getDouble("dt", c.dt);
  c.pixel = args.getDouble("pixel", c.pixel);
  c.pattern = args.get("pattern", c.pattern);
  c.lambdaScale = args.getDouble("lambda-scale", c.lambdaScale);
  c.seed = static_cast<std::uint64_t>(args.getInt("seed", 1));
}

// "2" or "density=2,heterochromatin=1.5": one value per channel.
void perChannel(const Args& args, const std::string& name, double out[2]) {
  if (!args.has(name)) return;
  const std::string text = args.get(name);
  auto number = [&](const std::string& v) {
    try {
      size_t used = 0;
      const double x = std::stod(v, &used);
      if (used == v.size() && x >= 0) return x;
    } catch (const std::exception&) {
    }
    throw UsageError("--" + name + ": '" + v + "' is not a number >= 0");
  };
  if (text.find('=') == std::string::npos) {
    out[0] = out[1] = number(text);
    return;
  }
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    if (eq == std::string::npos || (key != "density" && key != "heterochromatin"))
      throw UsageError("--" + name + ": expected density=V,heterochromatin=V, got '" + item + "'");
    out[key == "density" ? 0 : 1] = number(item.substr(eq + 1));
  }
}

sim::CameraModel cameraOf(const Args& args, const sim::SimulationConfig& c) {
  sim::CameraModel m;
  perChannel(args, "gain", m.gain);
  perChannel(args, "offset", m.offset);
  // Shot noise of the same relative size as --noise at φ = 0.5 (the validation suite's rule).
  m.photons = c.noise > 0 ? 1.0 / (c.noise * c.noise * 0.5) : 5000;
  m.photons = args.getDouble("photons", m.photons);
  m.readNoise = args.getDouble("read-noise", m.readNoise);
  m.bleachPerFrame = args.getDouble("bleach", 0);
  m.driftPxPerFrame = args.getDouble("drift", 0);
  if (!(m.photons > 0)) throw UsageError("--photons must be > 0");
  return m;
}

}  // namespace

int runSimulate(const std::vector<std::string>& argv) {
  Args args(argv, {"out",     "truth", "size",         "frames", "dt",     "pixel",   "noise",
                   "pattern", "seed",  "set",          "width",  "height", "nuclei",  "upsample",
                   "bleach",  "drift", "lambda-scale", "gain",   "offset", "photons", "read-noise"},
            {"help", "scene", "counts"});
  if (args.has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.has("scene")) {
    if (!args.has("out")) throw UsageError("--scene needs --out STACK.tif");
    sim::SceneConfig sc;
    sc.width = args.getInt("width", sc.width);
    sc.height = args.getInt("height", sc.height);
    sc.nuclei = args.getInt("nuclei", sc.nuclei);
    sc.nucleusSize = args.getInt("size", sc.nucleusSize);
    sc.upsample = args.getInt("upsample", sc.upsample);
    sc.bleachPerFrame = args.getDouble("bleach", 0);
    sc.driftPxPerFrame = args.getDouble("drift", 0);
    sc.sim.frames = 30;
    readSharedOptions(args, sc.sim);
    initRuntime();
    try {
      sim::writeScene(sc, args.get("out"));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    std::cerr << "simulate: scene " << sc.width << "x" << sc.height << " px, " << sc.sim.frames
              << " frames, " << sc.nuclei << " nuclei -> " << args.get("out") << "\n";
    return 0;
  }
  if (!args.has("out") || !args.has("truth"))
    throw UsageError("needs --out STACK.tif and --truth LAMBDA.tif");
  sim::SimulationConfig c;
  c.size = args.getInt("size", c.size);
  c.noise = args.getDouble("noise", c.noise);
  c.nuclei = args.getInt("nuclei", c.nuclei);
  readSharedOptions(args, c);
  models::ParameterChoice choice;
  try {
    models::applyParameterSettings(args.get("set"), choice);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--set: ") + e.what());
  }
  c.params = choice.values;
  initRuntime();
  sim::Simulation s;
  try {
    s = sim::simulate(c);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (args.has("counts")) {
    const sim::CameraModel camera = cameraOf(args, c);
    io::writeStackTiff(args.get("out"),
                       sim::cameraStack(s, c, camera, c.seed * 7919 + 13, args.get("out")));
    io::Calibration cal;
    cal.pixelX = cal.pixelY = c.pixel;
    io::writeMapTiff(args.get("truth"), s.lambda, cal);
    std::cerr << "simulate: " << c.size << "x" << c.size << " px, " << c.frames
              << " frames, pattern " << c.pattern << ", camera counts (gain " << camera.gain[0]
              << "/" << camera.gain[1] << ", offset " << camera.offset[0] << "/" << camera.offset[1]
              << ", " << camera.photons << " photons at phi = 1), true share " << sim::trueShare(s)
              << " -> " << args.get("out") << ", " << args.get("truth") << "\n";
    return 0;
  }
  sim::writeSimulation(s, c, args.get("out"), args.get("truth"));
  std::cerr << "simulate: " << c.size << "x" << c.size << " px, " << c.frames << " frames, pattern "
            << c.pattern << ", noise sigma " << s.noiseSigma << " -> " << args.get("out") << ", "
            << args.get("truth") << "\n";
  return 0;
}

}  // namespace mollichrom::cli
