#pragma once
// The validation suite: simulated cases spanning what real data does — sharp λ features
// (bands, edges, spots 3–6 px), smooth gradients, patches, constants; textured density; noise
// 0–10 % on both channels; white-noise starts with coarsening transients and near-steady series;
// single-frame steady states; 20–100 nm pixels; camera counts with bleaching and drift; several
// nuclei with one cut by the image border. Seeds are drawn from one master seed, so a run is
// reproducible from the seed it prints, and the cases change with it (no tuning on one draw).
//
// Each case is scored the way an independent check scores it: inside the nucleus (clean
// φ_c > 0.35) with only an 8 px image border left out — the nuclear rim counts.
#include "core/prep/AcquisitionCalibration.h"
#include "core/sim/CameraModel.h"
#include "core/sim/ChromatinSimulator.h"
#include "core/train/Trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mollichrom::bench {

struct SuiteCase {
  std::string name;
  sim::SimulationConfig sim;
  // Integer counts, every camera case recorded with one setting (`cameraModel`: the channels'
  // gains unequal, drawn from the master seed; offset, background, Poisson + read noise): one
  // acquisition, calibrated once from its time-lapses (suiteAcquisition).
  bool camera = false;
  sim::CameraModel cameraModel;
  double bleachPerFrame = 0;   // camera cases: signal lost per frame
  double driftPxPerFrame = 0;  // camera cases: stage drift (px per frame, x and y)
  bool steady() const { return sim.frames < 3; }
};

// The full suite (≥ 30 cases) for a master seed.
std::vector<SuiteCase> validationSuite(std::uint64_t masterSeed);

struct EngineScore {
  double pearson = 0, relativeL2 = 0, finite = 0;
  double bandCoverage = -1;  // share of true λ inside the reported 90 % band (-1: no band)
  double seconds = 0;
  int kernel = 0;  // λ kernel half-width used (px)
  int steps = 0;
};

struct SuiteRow {
  std::string name;
  bool steady = false;
  bool constantTruth = false;  // λ constant: Pearson undefined, left out of its summary
  EngineScore direct, trained;
  double worstNucleusFinite = 0;  // smallest finite share over the nuclei
  // The share of the direct λ's noise variance from the noise common to all frames (the floor no
  // fit of the fields removes; DirectEstimate::staticNoiseShare), −1 for snapshots.
  double staticNoiseShare = -1;
  // The rate solve's report (RateSolver): regularisation, fit against the noise, effort.
  double alpha = 0, discrepancy = 0;
  int iterations = 0;
  bool converged = false;
  std::string fit;  // the fit verdict at the reported λ (FitQuality)
  std::string fitReason;
  double fitUnexplained = 0, fitNegativeShare = 0;
  // The calibration step with M and Γ_ac free (the λ above uses the true ones): what the
  // dynamics identify, against the truth (M = Γ_ac = 1 in the suite).
  bool profiled = false;
  prep::EstimatedValue M, gammaAc;
  // Camera cases: the share under the acquisition's gains against the true one, and λ from the
  // same counts mapped with the exact gains and offsets (the best any calibration can do).
  double trueShare = 0;
  prep::EstimatedValue share;
  EngineScore exact;
  double levelRatio = 0;  // median λ with the acquisition's calibration / with the exact one
};

// The suite's camera acquisition: its time-lapses profiled and pooled (Calibrate.h), what the
// camera cases run with. Throws when the suite has no camera time-lapse.
prep::AcquisitionCalibration suiteAcquisition(const std::vector<SuiteCase>& cases);

// Simulates, prepares (through a TIFF round trip for camera cases), runs the direct estimate and
// the trainer (`config`; engine "direct" stops after the estimate), scores both.
// `acquisition`: the camera cases' calibration (suiteAcquisition; null: each camera case on the
// default counts mapping).
SuiteRow runSuiteCase(const SuiteCase& c, const train::TrainerConfig& config,
                      const prep::AcquisitionCalibration* acquisition = nullptr);

}  // namespace mollichrom::bench
