#pragma once
// The sentences the window shows in its status bar and Log about the open data, the preview and
// a finished run: kept apart from the wiring so their wording is in one place.
#include <QString>
#include <QStringList>

namespace mollichrom::prep {
struct FieldData;
}
namespace mollichrom::train {
struct DirectEstimate;
struct InferenceResult;
struct RunCalibration;
}  // namespace mollichrom::train

namespace mollichrom::ui {

// "cell.tif: 512 × 512 px, 30 frame(s), pixel 0.1 µm, Δt 5 s" (with "uncalibrated" marks).
QString stackSummary(const QString& path, const prep::FieldData& f);
// The direct estimate: M, Γ_ac and noise, or the steady-state snapshot's ratio M/Γ_ac.
// `calibration`: the preview's calibration step (null: none), which says where M and Γ_ac came
// from.
QString previewSummary(const train::DirectEstimate& e,
                       const train::RunCalibration* calibration = nullptr);
// A finished run: the headline, what λ is, the counts sensitivity (when used) and the fit
// verdict; `fitIsGood` says whether the verdict was good (else it also goes to the banner).
struct RunReport {
  QString headline;
  QStringList details;
  QString fit;
  bool fitIsGood = true;
};
RunReport runReport(const train::InferenceResult& r, const prep::FieldData& f, bool canceled);

}  // namespace mollichrom::ui
