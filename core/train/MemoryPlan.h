#pragma once
// Peak memory of a run, estimated from the sizes and settings before anything large is
// allocated, so a run that cannot fit is refused up front with a way out — in the style of the
// stack loader's refusal — instead of failing minutes later inside LibTorch.
//
// The estimate follows the run's phases: load (the selected part of the stack), preparation
// (fields, corrections), then inference (the fields' tensor bundle plus the largest of the
// direct estimator's tile, a training step's patch and a snapshot tile — each bounded by its
// tile/patch size, not by the image). Per-node constants are measured (`bench scale` prints the
// estimate next to the measured peak RSS; README).
#include "core/prep/FieldData.h"
#include "core/train/Trainer.h"
#include "core/util/AddressSpace.h"

#include <string>

namespace mollichrom::train {

struct RunShape {
  int width = 0, height = 0, frames = 0;  // after crop, frame range and binning
  int channels = 2, slices = 1;           // of the stack as loaded
  int bytesPerSample = 2;                 // of the stack in memory (uint16: 2)
};

struct MemoryPlan {
  double baseMb = 0;    // the process with its libraries loaded
  double stackMb = 0;   // the loaded stack
  double fieldsMb = 0;  // prepared fields (FieldData) and, during inference, their tensor bundle
  double prepMb = 0;    // transient during preparation (type conversion, drift/bleach copies)
  double directMb = 0;  // the direct estimator's tile working set
  double trainMb = 0;  // λ grid and its optimizer state, one training step's patch, a snapshot tile
  double resultMb = 0;  // maps kept for export
  double peakMb = 0;
  int tileSize = 0;              // the direct estimate's tile edge the plan assumed
  std::string describe() const;  // "1.23 GB (stack 0.03, fields 0.13, ...)"
};

MemoryPlan planMemory(const RunShape& shape, const prep::PrepOptions& prep,
                      const TrainerConfig& config);

// 75% of the memory available now (MemAvailable), or less when the process's control group
// (a container, a SLURM job's --mem) has less left: the default limit for a run.
double defaultRunMemoryLimitMb();

// Throws util::MemoryPlanError when an address-space limit (ulimit -v / -d) cannot hold the
// libraries already mapped, the plan's data and `threads` threads' reservations; the message
// says what to do (fewer threads, a higher limit). Nothing to check without such a limit.
void checkAddressSpace(const MemoryPlan& plan, int threads);

// Parses "1500", "1500M", "2G", "2.5GB" into MB; throws std::invalid_argument.
double parseMemorySize(const std::string& text);

// Throws util::MemoryPlanError when the plan exceeds limitMb; the message proposes a frame
// range, a binning and a crop that fit (with their estimates) and names --memory-limit.
void checkMemoryPlan(const RunShape& shape, const prep::PrepOptions& prep,
                     const TrainerConfig& config, double limitMb);

}  // namespace mollichrom::train
