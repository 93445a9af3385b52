#pragma once
// The calibration of one acquisition — one microscope setting — shared by every stack recorded
// with it. Camera gains belong to the setting, not to the cell: scaling each cell to the same
// assumed share erases exactly the differences between conditions an experiment measures (a
// true 1.66× ratio of λ came out 1.19×). So the counts → fraction gains are fixed once per
// acquisition and applied to all its stacks (offsets stay measured per stack), and with them
// the model's scalars M and Γ_ac where the dynamics identify them.
//
// Every value carries where it came from and, where the data identify it, a 90 % interval:
//   identified   from this stack's dynamics (the profile, CalibrationProfile.h)
//   pooled       from the dynamics of every time-lapse of the acquisition (or of a condition)
//   calibration  taken from a saved calibration file (--calibration FILE)
//   given        set by the user (--set, --hetero-share, …)
//   assumed      a stated default the data could not test
// Saved as JSON (`--calibration FILE`), readable by infer, batch and the GUI.
#include <string>
#include <vector>

namespace mollichrom::prep {

enum class ValueSource { Identified, Pooled, Calibration, Given, Assumed };
std::string valueSourceName(ValueSource s);  // identified, pooled, calibration, given, assumed
// Throws std::invalid_argument naming the allowed names.
ValueSource parseValueSource(const std::string& name);

struct EstimatedValue {
  double value = 0;
  double low = 0, high = 0;   // the 90 % interval; equal to value when there is none
  bool identifiable = false;  // the data bound it well enough to use it
  ValueSource source = ValueSource::Assumed;
  std::string note;  // why it was not identified, in words
  bool hasInterval() const { return high > low; }
  // "0.52 (90 % 0.49-0.55, identified)" / "1 (assumed: …)".
  std::string describe(int digits = 3) const;
};

// M and Γ_ac of a group of stacks (a condition; "" = every stack of the acquisition).
struct GroupRates {
  std::string group;
  EstimatedValue M, gammaAc;
  int stacks = 0;
};

struct AcquisitionCalibration {
  std::string acquisition;  // the group's name (a batch's `acquisition` column; "" = one run)
  // The density scale is fixed by a stated assumption (mean φ_c over the acquisition's nuclei);
  // the dynamics test it only weakly (a 10 % error moved Γ_ac by 8 % on simulations).
  double chromatinFraction = 0.5;
  EstimatedValue densityGain;  // φ_c per count above the offset
  EstimatedValue heteroGain;   // φ_h per count above the offset
  // The pooled share Σφ_h/Σφ_c of the stacks it was identified from, at the gains above.
  EstimatedValue share;
  std::vector<GroupRates> rates;  // the pooled group ("") first, then one per condition
  // What it was identified with: the model's fixed scalars and the profile's kernel.
  double ell = 0.15, phiMax = 0.7;
  int halfWidthXY = 0;
  double unexplained = 0;  // share of the λ-projected dynamics the fit leaves unexplained
  std::vector<double> profileShares, profile;  // the profile U(share), for plots
  std::vector<std::string> stacks;             // the files it was identified from
  std::vector<std::string> excluded;           // left out, with why
  bool hasGains() const { return densityGain.value > 0 && heteroGain.value > 0; }
  // The rates of `group`, else the pooled ones; nullptr when there are none.
  const GroupRates* ratesFor(const std::string& group) const;
};

std::string calibrationJson(const AcquisitionCalibration& c);
// Throws io::StackError "PATH: problem" (one line) for anything that is not a calibration.
AcquisitionCalibration parseCalibrationJson(const std::string& text, const std::string& path);
AcquisitionCalibration readCalibrationFile(const std::string& path);
void writeCalibrationFile(const std::string& path, const AcquisitionCalibration& c);  // atomic

}  // namespace mollichrom::prep
