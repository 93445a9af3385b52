#pragma once
// The paper's benchmark suite: every (problem × noise level × network × derivative
// engine) fit of a known parameter, one run at a time. A run simulates its problem
// (core/sim/problems), fits it with train::fitPde under a wall-time budget and reports the
// parameter's error, the median step time, the working memory, the time to a stated accuracy
// and whether it diverged. The CLI runs each in a child process of its own, so the memory
// figure is that run's alone. Torch-free header.
#include <QJsonObject>

#include <string>
#include <utility>
#include <vector>

namespace mollichrom::bench {

struct ProblemRunConfig {
  std::string problem = "heat";      // langevin | heat | rd4
  double noise = 0.01;               // relative to the clean field's range
  std::string arch = "mlp";          // mlp | fourier-mlp | cnn
  std::string engine = "mollifier";  // mollifier | autodiff
  double budgetSeconds = 20;
  int maxSteps = 0;  // 0: as many as the budget allows (tests fix it for repeatable runs)
  int threads = 0;
  unsigned long long seed = 1;
  int dataNodes = -1;  // -1: the problem's setup (tests compare it with the window's, 0)
};

// The grid and kernel each problem is run at (the same for every network and engine).
struct ProblemSetup {
  int size = 0, frames = 0;  // grid points per side (0 for a series) and time points
  int kernelXY = 0, kernelT = 0;
  int window = 0;     // spatial window per step (0: the whole grid)
  int dataNodes = 0;  // coordinate networks' data term on random nodes (0: the window's)
  // Each run's budget is the suite's times this (every pair of one problem has the same).
  double budgetScale = 1;
};
ProblemSetup problemSetup(const std::string& problem);

// The runs' budgets in seconds as text: "20" when all are the same, else each problem's in the
// order it first appears, "10 (langevin), 20 (heat), 40 (rd4)".
std::string budgetsText(const std::vector<ProblemRunConfig>& runs);

// The accuracy "time to accuracy" asks for (relative L2 of the parameter).
constexpr double kTargetRelativeL2 = 0.1;

// A run whose fields miss the data by more than this χ² (2σ RMS: Morozov's discrepancy
// principle with τ = 2) did not fit the field, and its parameter is marked as untrustworthy.
// An unknown χ² (−1: a saved suite from before it was measured) is not marked.
constexpr double kFittedMisfit = 4;
inline bool fieldNotFitted(double dataMisfit) { return dataMisfit > kFittedMisfit; }

struct ProblemRunResult {
  double relativeL2 = -1;  // −1: not scored
  double pearson = 0;
  double medianStepMs = 0;
  double workingMb = 0, peakMb = 0;  // peak RSS minus RSS before training; peak RSS
  double timeToTarget = -1;          // s, −1: never within the budget
  double dataMisfit = -1;            // χ² of the final fields against the data (fitPde's)
  double priorLength = -1;           // p's prior length in kernel half-widths (−1: unknown)
  int priorSnapshots = -1;  // snapshots of the fields that length was chosen on (−1: unknown)
  double seconds = 0;
  int steps = 0;
  bool diverged = false;
  std::string error;                                  // set when the run could not run
  std::vector<std::pair<double, double>> errorCurve;  // (s, relative L2)
};

// Runs in this process. Throws std::invalid_argument for a bad config.
ProblemRunResult runProblemFit(const ProblemRunConfig& config);

// The run's figures as JSON (the suite's --json rows), one line of it (the child's report) and
// back.
QJsonObject resultJson(const ProblemRunResult& r);
std::string toJson(const ProblemRunResult& r);
ProblemRunResult problemResultFromJson(const std::string& line);  // throws std::runtime_error
ProblemRunResult resultFromJson(const QJsonObject& o);

// Whether this (network, engine) pair exists: autodiff needs a coordinate network.
bool pairExists(const std::string& arch, const std::string& engine);

struct ProblemSuiteRow {
  ProblemRunConfig config;
  ProblemRunResult result;
};

// The targets, checked on a suite's rows (only those its rows can answer):
//   rd4: the mollifier ≥ 10× less time per step and ≥ 10× less working memory than autodiff with
//        the same network (medians over the noise levels), and a lower parameter error at
//        every noise level ≥ 1 %;
//   heat: the mollifier at least as accurate as autodiff at 5 % and 10 % noise.
// Rows of several seeds: each target is checked on each seed's rows and holds only when it
// holds on every seed that answers it; its figures list each seed's and end with "met on k of n
// seeds".
struct TargetCheck {
  std::string what, figures;
  bool holds = false;
};
std::vector<TargetCheck> suiteTargets(const std::vector<ProblemSuiteRow>& rows);

// The runs' (rows') seeds in first-seen order.
std::vector<unsigned long long> seedsOf(const std::vector<ProblemRunConfig>& runs);
std::vector<unsigned long long> seedsOf(const std::vector<ProblemSuiteRow>& rows);

}  // namespace mollichrom::bench
