#pragma once
// Training a mollifier-layer network to infer λ(x) (and M, Γ_ac) from prepared fields.
// LibTorch stays inside: this header is what the CLI and the GUI's worker include.
//
// Unknowns: a field network giving φ_c, φ_h on the grid, the positive map λ(x) (a grid of
// log-values with a smoothness prior), and the free scalars (log M, log Γ_ac). Loss:
//   w_data · mean((u − data)²)/σ²           data fit, σ = estimated noise level
// + w_pde  · mean(R²)/s²                    PDE residual of the mollified network output
// + w_smooth · mean(|Δλ|²)                  neighbouring-pixel differences of λ
// Derivatives: one MollifierLayer convolution per step (engine "mollifier"), or nested
// autograd of a coordinate network (engine "autodiff", the baseline). Start: the direct
// estimate (λ, M, Γ), so training begins where the network-free method ends.
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/train/Answer.h"
#include "core/train/Calibrate.h"
#include "core/train/DirectEstimator.h"
#include "core/train/EngineKind.h"
#include "core/train/FitQuality.h"
#include "core/train/MollifierSettings.h"
#include "core/train/RateSolver.h"
#include "core/train/Sensitivity.h"

#include <opencv2/core.hpp>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::train {

// Default training length (the CLI's; the GUI's presets choose their own). On simulated nuclei
// (3% noise) longer training lets the field network absorb residual and flattens λ: 20 steps
// score better than 40 on all three test patterns (README, "Desktop application"); 40 stays the
// CLI default because the README's inference tables were measured with it.
constexpr int kDefaultSteps = 40;

struct TrainerConfig {
  Engine engine = Engine::Mollifier;
  Arch arch = Arch::Cnn;
  int steps = 0;          // 0: kDefaultSteps
  double timeBudget = 0;  // seconds, 0 = none; whichever of steps/budget ends first
  std::uint64_t seed = 1;
  double learningRate = 2e-3;        // field network
  double lambdaLearningRate = 5e-2;  // log λ grid
  double scalarLearningRate = 5e-3;  // log M, log Γ_ac
  // Gaussian prior on log M and log Γ_ac around the direct estimate (σ in log units): noise in
  // the fields biases free scalars towards zero (errors in variables); the prior keeps them
  // where the network-free estimate put them unless the residual clearly says otherwise.
  double scalarPriorSigma = 0.2;
  // Fraction of the run during which λ and the scalars stay at the direct estimate while the
  // field network learns: rates fitted to still-noisy fields would be biased (errors in variables).
  double rateWarmup = 0.1;
  double dataWeight = 1.0, pdeWeight = 1.0, smoothWeight = 2500.0;
  bool adaptiveWeights = false;  // rebalance data/PDE weights every 50 steps from their gradients
  int patch = 0;                 // spatial patch (pixels); 0 = whole grid when it is small
  int tileSize = 0;              // direct estimate's tile edge (px); 0 = from its memory budget
  bool lbfgsFinish = false;      // a few L-BFGS iterations on λ and the scalars at the end
  // Which λ is the result (Answer.h): auto = the direct estimate with its data-chosen kernel,
  // what the validation suite measured best; solve = λ minimising the mollified residual with
  // its prior (RateSolver), warm-started from the trained λ; trained = the network's λ grid.
  Answer answer = Answer::Auto;
  // The direct estimate already computed for these fields, parameters and directMollifier (the
  // GUI's preview): reused instead of recomputed (the data-chosen kernel makes it the costly
  // part of a large field's start). The caller vouches that it matches.
  std::shared_ptr<const DirectEstimate> knownDirect;
  RateSolveOptions rateSolve;
  MollifierSettings mollifier{mollifier::KernelFamily::Polynomial, 8,
                              2};  // the network's derivatives
  MollifierSettings directMollifier{mollifier::KernelFamily::Polynomial, 8, 2};  // initial estimate
  std::string checkpointDir;  // atomic checkpoints here (every checkpointEvery steps and at exit)
  int checkpointEvery = 100;
  bool resume = false;  // continue from checkpointDir/checkpoint.pt
  double snapshotInterval =
      2.0;                     // seconds between progress snapshots (each costs a full-grid pass)
  std::string device = "cpu";  // cpu | cuda
  int injectNanAtStep = -1;    // tests: make the loss at this step NaN
};

struct LossRecord {
  int step = 0;
  double seconds = 0, total = 0, data = 0, pde = 0, smooth = 0, M = 0, gammaAc = 0,
         learningRate = 0;
};

// What the GUI and the CLI show while training.
struct Snapshot {
  int step = 0, totalSteps = 0;
  double seconds = 0, fraction = 0;
  cv::Mat lambda;                         // image size, NaN outside the analysed region
  std::map<std::string, cv::Mat> fields;  // phi_h, phi_e, phi_d, mu_d, dt_phi_d, lap_phi_d,
                                          // bilap_phi_d, residual (middle frame)
  std::vector<LossRecord> losses;
  double M = 0, gammaAc = 0;
  // Remaining time extrapolated from the elapsed time and the fraction done (0 until 1 % done).
  // Seconds left, from the pace of the steps so far (not from `seconds`, which includes the
  // setup: a user saw an ETA of 164 s for a run that took 60 s); 0 before it is known.
  double eta = 0;
  double etaSeconds() const { return eta; }
};

// Seconds left from the pace of the steps run so far: `loopSeconds` spent on `stepsDone` steps
// (setup and pauses not counted), `stepsLeft` to go, capped by `budgetLeft` when there is a time
// budget (negative: none).
double remainingSeconds(double loopSeconds, int stepsDone, int stepsLeft, double budgetLeft);

struct InferenceResult {
  cv::Mat lambda, region;
  cv::Mat lambdaLow, lambdaHigh;  // the 90 % band of λ (empty when not computed)
  double M = 1, gammaAc = 1;
  bool freeM = false, freeGamma = false, steady = false;
  std::vector<LossRecord> losses;
  int steps = 0;
  double seconds = 0;
  int nanRecoveries = 0;
  bool canceled = false;
  std::string stopReason;  // "steps", "time budget", "canceled", "direct"
  DirectEstimate direct;
  Answer answer = Answer::Trained;  // which estimate `lambda` is (never Auto)
  bool solved = false;              // the RateSolver ran (`solve`)
  RateSolveResult solve;
  cv::Mat trainedLambda;  // the network's λ when the answer is another estimate
  // Whether M and Γ_ac are measurements: asked for, more than one frame, and determined by the
  // data (the direct estimate's spread over noise realizations < 25 %). Otherwise the value is
  // the given or default one ("fixed at …", never a result).
  bool inferredM = false, inferredGamma = false;
  RunCalibration calibration;          // the share, M, Γ_ac used and what the data said
  ShareSensitivity sensitivity;        // counts data: λ at the assumed share ±10 %
  FitQuality fit;                      // does the model fit the data at this λ (FitQuality.h)
  std::vector<FitQuality> nucleusFit;  // the same per nucleus, in labelNuclei's order
};

struct DivergedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using SnapshotFn = std::function<void(const Snapshot&)>;

// Working memory of a snapshot per pixel (the network on all frames, derivatives of the
// 2·haloT + 1 frames the middle one reads): sizes the trainer's snapshot tiles and the
// memory plan's share for them.
double snapshotBytesPerPixel(int frames, int haloT);

// Runs the configured engine. Throws std::invalid_argument for impossible settings (e.g. a free
// M with one frame, autodiff with the CNN), DivergedError when repeated NaN recoveries fail.
// Cancellation through `feedback` ends within one step; the result is then marked canceled (and
// a checkpoint is written when a checkpoint folder is set).
InferenceResult runInference(const prep::FieldData& data, const models::ParameterChoice& params,
                             const TrainerConfig& config, util::Feedback* feedback = nullptr,
                             const SnapshotFn& onSnapshot = {});

}  // namespace mollichrom::train
