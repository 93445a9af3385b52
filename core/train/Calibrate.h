#pragma once
// The run's calibration step, between preparation and the estimate: which share (the counts
// mapping's heterochromatin gain), M and Γ_ac the run uses, and where each came from.
//
//   counts, a time-lapse, nothing given   the share, M and Γ_ac identified from the dynamics
//                                         (CalibrationProfile → ProfileFit); where one is not
//                                         identified the stated default is kept and said so;
//   counts with a saved calibration       its gains (the acquisition's); a snapshot also takes
//                                         its M, Γ_ac; a time-lapse identifies its own rates
//                                         unless the calibration's group is named;
//   given values (--set, --hetero-share)  used as given;
//   fractions (float data)                the share is the data's own; rates as above.
// For every time-lapse the profile runs even where values are given or calibrated, and the
// values used are checked against it (ProfileFit's ScalarCheck): the verdict says when the data
// reject them. The header is LibTorch-free (the CLI, the GUI's session and batch include it).
#include "core/models/ChromatinParameters.h"
#include "core/prep/AcquisitionCalibration.h"
#include "core/prep/FieldData.h"
#include "core/train/CalibrationProfile.h"

#include <memory>
#include <optional>
#include <string>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::train {

struct CalibrationRequest {
  std::optional<prep::AcquisitionCalibration> given;  // --calibration FILE
  std::string givenPath;                              // its file (reports)
  // Take M and Γ_ac from the calibration's rates of `group` (a batch item's condition; "" the
  // pooled ones) instead of identifying this stack's own.
  bool useGroupRates = false;
  std::string group;
  bool shareGiven = false;  // --hetero-share: the counts mapping's share is the user's
  ProfileSettings profile;  // widths, noise realizations (shares: the default grid)
};

// What the run used and what the data said.
struct RunCalibration {
  bool counts = false;                     // the stack was camera counts
  bool profiled = false;                   // the dynamics were profiled (a time-lapse)
  prep::EstimatedValue share, M, gammaAc;  // the values used, with their sources
  // The gains applied (φ per count above the offset), the acquisition's when given.
  double densityGain = 0, heteroGain = 0;
  // The data's own estimates (the profile), whether or not they were used.
  prep::EstimatedValue shareData, MData, gammaAcData;
  int kernelHalfWidth = 0;
  double unexplained = 0;                      // at the estimate
  std::vector<double> profileShares, profile;  // U(share), for plots
  // The values used against the data's 90 % intervals (tested only for values given, assumed or
  // calibrated rather than identified): which fall outside, and the misfit at the values used.
  bool checked = false, rejected = false;
  std::vector<std::string> rejectedNames;
  double unexplainedUsed = 0, unexplainedSe = 0;
  std::string calibrationFile;  // the saved calibration applied ("" none)
  double seconds = 0;           // wall time of the step
  // One stack's profile sums (a batch pools them); empty for a snapshot.
  std::shared_ptr<const StackProfile> stackProfile;
  // The calibration this run would save (`--save-calibration`): its gains and rates.
  prep::AcquisitionCalibration asCalibration(const std::string& stackName) const;
};

// Applies the step to prepared fields: rescales them to the gains used (counts) and fixes M and
// Γ_ac in `params` to the values used (the estimate then takes them as given). Throws
// std::invalid_argument when a given calibration does not fit the data (float data, a model with
// another ℓ or φ_max); util::Canceled through `feedback`.
RunCalibration calibrateRun(prep::FieldData& data, models::ParameterChoice& params,
                            const CalibrationRequest& request, util::Feedback* feedback = nullptr);

// The run's profile of a prepared stack (what calibrateRun computes, for a batch's per-stack
// work): shareRef and the counts ratio from the data's own mapping.
StackProfile profileOfStack(const prep::FieldData& data, const models::ChromatinParameters& values,
                            const ProfileSettings& settings, util::Feedback* feedback = nullptr);

// The calibration of an acquisition from its time-lapses' profiles (a batch's pooling step):
// one gain ratio for all, M and Γ_ac per group (groupNames[i] for group i) and pooled over all;
// the density gain from the stated mean φ_c over all their nuclei (StackProfile::meanCounts).
prep::AcquisitionCalibration poolCalibration(const std::vector<StackProfile>& stacks,
                                             const std::vector<std::string>& groupNames,
                                             const models::ChromatinParameters& values,
                                             double chromatinFraction);

}  // namespace mollichrom::train
