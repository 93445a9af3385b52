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
  if (!c.profiled) return;
  std::ostringstream why;
  why.precision(3);
  FitVerdict v = FitVerdict::Good;
  if (c.rejected) {
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
    v = c.unexplained > kProfileUnexplainedBad ? FitVerdict::DoesNotFit : FitVerdict::Doubtful;
    why << "even at its best scalars the model leaves " << 100 * c.unexplained
        << " % of the dynamics unexplained";
  }
  if (v == FitVerdict::Good) return;
  const FitVerdict before = fit.verdict;
  fit.verdict = worse(fit.verdict, v);
  if (fit.verdict != before || before == FitVerdict::Good)
    fit.reason = why.str() + (fit.reason.empty() ? "" : "; " + fit.reason);
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
