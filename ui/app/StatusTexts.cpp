#include "ui/app/StatusTexts.h"

#include "core/train/Calibrate.h"

#include "core/export/ResultExport.h"
#include "core/prep/FieldData.h"
#include "core/train/DirectEstimator.h"
#include "core/train/Trainer.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace mollichrom::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("StatusTexts", text); }
}  // namespace

QString stackSummary(const QString& path, const prep::FieldData& f) {
  return tr("%1: %2 × %3 px, %4 frame(s), pixel %5 µm%6, Δt %7 s%8")
      .arg(QFileInfo(path).fileName())
      .arg(f.width())
      .arg(f.height())
      .arg(f.frames())
      .arg(f.dx, 0, 'g', 4)
      .arg(f.calibratedSpace ? QString() : tr(" (uncalibrated)"))
      .arg(f.dt, 0, 'g', 4)
      .arg(f.calibratedTime ? QString() : tr(" (uncalibrated)"));
}

QString previewSummary(const train::DirectEstimate& e, const train::RunCalibration* c) {
  // One frame is the steady-state snapshot: ∂φ/∂t = 0 leaves only M/Γ_ac in the model, so λ is
  // only as right as that ratio — said where the user looks.
  if (e.steady)
    return tr("One frame: steady-state snapshot. With ∂φ/∂t = 0, λ depends on the ratio M/Γ_ac = "
              "%1 µm² (M and "
              "Γ_ac in the Training dock; they cannot be inferred from one frame). Noise σ %2")
        .arg(e.M / e.gammaAc, 0, 'g', 3)
        .arg(e.noiseSigma, 0, 'g', 3);
  auto status = [&](const prep::EstimatedValue* v, bool estimated) {
    if (!v) return estimated ? QString() : tr(" (not identifiable, default kept)");
    switch (v->source) {
      case prep::ValueSource::Identified:
      case prep::ValueSource::Pooled:
        return v->hasInterval()
                   ? tr(" (90 % %1–%2, identified)").arg(v->low, 0, 'g', 3).arg(v->high, 0, 'g', 3)
                   : tr(" (identified)");
      case prep::ValueSource::Calibration:
        return tr(" (from the saved calibration)");
      case prep::ValueSource::Given:
        return tr(" (given)");
      case prep::ValueSource::Assumed:
        return tr(" (not identified, default kept)");
    }
    return QString();
  };
  return tr("Direct estimate: M %1 µm²/s%2, Γ_ac %3 1/s%4, noise σ %5")
      .arg(e.M, 0, 'g', 3)
      .arg(status(c ? &c->M : nullptr, e.estimatedM))
      .arg(e.gammaAc, 0, 'g', 3)
      .arg(status(c ? &c->gammaAc : nullptr, e.estimatedGammaAc))
      .arg(e.noiseSigma, 0, 'g', 3);
}

RunReport runReport(const train::InferenceResult& r, const prep::FieldData& f, bool canceled) {
  RunReport out;
  out.headline = tr("Training %1 after %2 steps in %3 s (%4): %5")
                     .arg(canceled ? tr("stopped") : tr("finished"))
                     .arg(r.steps)
                     .arg(r.seconds, 0, 'f', 1)
                     .arg(QString::fromStdString(r.stopReason))
                     .arg(QString::fromStdString(exporting::scalarLine(r)));
  out.details << tr("λ is the %1").arg(QString::fromStdString(exporting::answerDescription(r)));
  if (const auto floor = exporting::noiseFloorLine(r); !floor.empty())
    out.details << QString::fromStdString(floor);
  if (f.counts.used) out.details << QString::fromStdString(exporting::sensitivityLine(f, r));
  const auto verdict = r.fit.verdict;
  if (verdict == train::FitVerdict::NotTested && (canceled || r.fit.reason.empty())) {
    // A stopped run was not checked: said once, plainly, and not as a warning.
    out.fit = canceled ? tr("Fit: not tested — the run was stopped before the checks")
                       : tr("Fit: not tested");
    out.fitIsGood = true;
    return out;
  }
  out.fit = tr("Fit: %1 — %2")
                .arg(QString::fromStdString(train::fitVerdictName(verdict)),
                     QString::fromStdString(r.fit.reason));
  if (verdict == train::FitVerdict::Doubtful || verdict == train::FitVerdict::DoesNotFit)
    out.fit +=
        tr(". What to try: the channel mapping and the corrections (drift, bleach) in the "
           "Data dock, a saved calibration of this microscope setting, more frames");
  out.fitIsGood = verdict == train::FitVerdict::Good;
  return out;
}

}  // namespace mollichrom::ui
