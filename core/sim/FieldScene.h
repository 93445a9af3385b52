#pragma once
// A microscope's field of view built from simulated nuclei, for tests and benchmarks at real
// sizes: several nuclei (each its own simulation, distinct seeds) on a dark background, as
// integer camera counts — offset + gain · Poisson(photons · φ) + Gaussian read noise — with
// optional bleaching and drift; or one nucleus rendered at super-resolution (`upsample`).
// Written as a 2-channel uint16 ImageJ hyperstack, calibrated.
#include "core/sim/ChromatinSimulator.h"

#include <string>

namespace mollichrom::sim {

struct SceneConfig {
  int width = 512, height = 512;
  int nuclei = 4;         // laid out on a grid of cells, each nucleus centred in its cell
  int nucleusSize = 128;  // simulation grid of one nucleus (px, before upsampling)
  int upsample = 1;       // each simulated pixel becomes upsample × upsample (cubic interpolation)
  SimulationConfig
      sim;  // frames, dt, pixel (of the simulation), pattern, seed; its noise is unused
  double offset = 100, gain = 2, photons = 300, readNoise = 3;  // camera
  double background = 0.05;    // background fluorescence in φ (CameraModel.h says why)
  double bleachPerFrame = 0;   // fraction of the signal lost per frame (both channels)
  double driftPxPerFrame = 0;  // stage drift along x and y (px per frame)
};

// Throws std::invalid_argument when the nuclei do not fit their cells.
void writeScene(const SceneConfig& config, const std::string& stackPath);

}  // namespace mollichrom::sim
