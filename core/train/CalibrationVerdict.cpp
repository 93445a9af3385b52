#include "core/train/CalibrationVerdict.h"

#include <algorithm>
#include <sstream>

namespace mollichrom::train {

namespace {

FitVerdict worse(FitVerdict a, FitVerdict b) {
  auto rank = [](FitVerdict v) {
    switch (v) {
      case FitVerdict::Good:
        return 1;
      case FitVerdict::Doubtful:
        return 2;
      case FitVerdict::DoesNotFit:
        return 3;
      case FitVerdict::NotTested:
        return 0;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

// The counts' share is a guess: assumed here, or assumed by the calibration it came from.
bool shareAssumed(const RunCalibration& c) {
  return c.counts && (c.share.source == prep::ValueSource::Assumed ||
                      (c.share.source == prep::ValueSource::Calibration && !c.share.identifiable));
}

std::string usedList(const RunCalibration& c) {
  std::ostringstream s;
  s.precision(3);
  bool first = true;
  auto add = [&](const char* name, const prep::EstimatedValue& e, bool show) {
    if (!show || e.source == prep::ValueSource::Identified) return;
    s << (first ? "" : ", ") << name << " " << e.value << " (" << prep::valueSourceName(e.source)
      << ")";
    first = false;
  };
  add("share", c.share, c.counts);
  add("M", c.M, true);
  add("gamma_ac", c.gammaAc, true);
  return s.str();
}

void fold(FitQuality& fit, const RunCalibration& c) {
  std::ostringstream why;
  why.precision(3);
  FitVerdict v = FitVerdict::Good;
  if (!c.profiled) {
    // A snapshot tests no scalar; on counts its λ still rests on a share nobody measured.
    if (!shareAssumed(c)) return;
    v = FitVerdict::Doubtful;
    why << "the heterochromatin share is assumed (" << c.share.value << "), and a snapshot "
        << "cannot tell it: lambda's level and pattern rest on it (a calibration saved from a "
        << "time-lapse of the same setting measures it)";
  } else if (c.unexplained > kProfileUnexplainedBad) {
    // Where the model explains under half the dynamics even at its best, the intervals it gives
    // mean nothing, and "rejected" by them would mislead.
    v = FitVerdict::DoesNotFit;
    why << "even at its best scalars the model leaves " << 100 * c.unexplained
        << " % of the dynamics unexplained";
  } else if (c.rejected) {
    // The data allow better values than those used: the map rests on scalars the dynamics
    // contradict.
    v = c.unexplainedUsed > kProfileUnexplainedBad ? FitVerdict::DoesNotFit : FitVerdict::Doubtful;
    why << "the dynamics reject the values used (" << usedList(c) << "): outside their 90 % "
        << "interval";
    for (const auto& name : c.rejectedNames) {
      const auto& d = name == "share" ? c.shareData : name == "M" ? c.MData : c.gammaAcData;
      why << "; " << name << " " << d.low << "-" << d.high;
    }
    why << " (unexplained dynamics " << std::max(0.0, 100 * c.unexplainedUsed) << " % at the "
        << "values used, " << std::max(0.0, 100 * c.unexplained) << " % at the best)";
  } else if (c.unexplained > kProfileUnexplainedDoubtful) {
    v = FitVerdict::Doubtful;
    why << "even at its best scalars the model leaves " << 100 * c.unexplained
        << " % of the dynamics unexplained";
  } else if (shareAssumed(c)) {
    // Not rejected is not supported: on noisy counts the share's interval spans most of the
    // physical range, and an assumption inside it moved λ's pattern to r 0.4-0.7 on simulated
    // acquisitions at 5 % noise while every verdict said "good".
    v = FitVerdict::Doubtful;
    why << "the heterochromatin share is assumed (" << c.share.value << "): the dynamics bound "
        << "it only to " << c.shareData.low << "-" << c.shareData.high
        << ", and lambda's level and pattern rest on it";
  }
  if (v == FitVerdict::Good) return;
  const FitVerdict before = fit.verdict;
  fit.verdict = worse(fit.verdict, v);
  // The worst reason first; one that does not change the verdict is still said.
  if (fit.verdict != before || before == FitVerdict::Good || fit.reason.empty())
    fit.reason = why.str() + (fit.reason.empty() ? "" : "; " + fit.reason);
  else
    fit.reason += "; " + why.str();
}

}  // namespace

void attachCalibration(InferenceResult& r, const RunCalibration& c) {
  r.calibration = c;
  r.inferredM =
      c.M.source == prep::ValueSource::Identified || c.M.source == prep::ValueSource::Pooled;
  r.inferredGamma = c.gammaAc.source == prep::ValueSource::Identified ||
                    c.gammaAc.source == prep::ValueSource::Pooled;
  if (r.lambda.empty()) return;
  fold(r.fit, c);
  for (auto& n : r.nucleusFit) fold(n, c);
}

}  // namespace mollichrom::train
