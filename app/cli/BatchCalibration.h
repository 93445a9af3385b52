#pragma once
// A batch's acquisitions calibrated once each, before their items' λ: every time-lapse of camera
// counts of an acquisition is profiled (CalibrationProfile.h) and the profiles pooled into
// DIR/calibration/ACQUISITION.json (one gain ratio, M and Γ_ac per condition), which every item
// of that acquisition — snapshots too — then runs with (`--calibration`, `--calibration-group`).
//
// The work is done by whichever task needs it first, so local workers and SLURM array tasks
// share it without a coordinator: each stack's profile under its own lock (several tasks profile
// different stacks at once), the pooling under the acquisition's lock; a finished file is
// reused, and one that was pooled from another set of stacks is redone.
#include "core/batch/BatchFolder.h"
#include "core/batch/Manifest.h"

#include <ostream>
#include <string>
#include <vector>

namespace mollichrom::cli {

// The calibration file item `index` runs with ("" when it brings its own --calibration, or its
// acquisition has no time-lapse of counts). Progress and problems go to `log`. Throws
// std::runtime_error when the folder cannot be written.
std::string ensureAcquisitionCalibration(const batch::BatchFolder& folder,
                                         const std::vector<batch::BatchItem>& items, size_t index,
                                         std::ostream& log);

// The acquisition's file name (a safe form of its name; "acquisition" for the batch's default).
std::string acquisitionFileName(const std::string& acquisition);

}  // namespace mollichrom::cli
