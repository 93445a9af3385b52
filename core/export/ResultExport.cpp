#include "core/export/ResultExport.h"

#include "core/export/NucleusTable.h"

#include "core/io/MapExport.h"
#include "core/io/StackError.h"
#include "core/io/TiffWriter.h"
#include "core/runtime/Versions.h"
#include "core/util/AtomicFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace mollichrom::exporting {

namespace {

QJsonArray warningsJson(const std::vector<prep::DataWarning>& warnings) {
  QJsonArray a;
  for (const auto& w : warnings)
    a.append(QJsonObject{{"code", QString::fromStdString(w.code)},
                         {"message", QString::fromStdString(w.message)}});
  return a;
}

// Intensity → fraction as applied: the counts mapping's offsets, gains and stated assumptions,
// and how far λ moves with the assumed share.
QJsonObject estimateJson(const prep::EstimatedValue& e) {
  QJsonObject o{{"value", e.value},
                {"source", QString::fromStdString(prep::valueSourceName(e.source))},
                {"identifiable", e.identifiable}};
  if (e.hasInterval()) o["interval90"] = QJsonArray{e.low, e.high};
  if (!e.note.empty()) o["note"] = QString::fromStdString(e.note);
  return o;
}

QJsonArray numberArray(const std::vector<double>& v) {
  QJsonArray a;
  for (double x : v) a.append(std::isfinite(x) ? QJsonValue(x) : QJsonValue());
  return a;
}

// The calibration: the grid's (pixel size, frame interval) and the acquisition's (gains, share,
// M, Γ_ac with their sources and intervals, what the dynamics said and whether the values used
// passed their test).
QJsonObject calibrationJson(const prep::FieldData& data, const train::InferenceResult& r) {
  const auto& c = r.calibration;
  QJsonObject o{{"pixel_um", data.dx},
                {"frame_interval_s", data.dt},
                {"space_calibrated", data.calibratedSpace},
                {"time_calibrated", data.calibratedTime}};
  if (c.M.value <= 0) return o;  // no calibration step (older callers)
  o["M"] = estimateJson(c.M);
  o["gamma_ac"] = estimateJson(c.gammaAc);
  if (c.counts) {
    o["share"] = estimateJson(c.share);
    o["gain_density_per_count"] = c.densityGain;
    o["gain_heterochromatin_per_count"] = c.heteroGain;
  }
  if (!c.calibrationFile.empty()) o["file"] = QString::fromStdString(c.calibrationFile);
  o["seconds"] = c.seconds;
  if (c.profiled) {
    QJsonObject data{{"M", estimateJson(c.MData)},
                     {"gamma_ac", estimateJson(c.gammaAcData)},
                     {"kernel_half_width_px", c.kernelHalfWidth},
                     {"unexplained", c.unexplained},
                     {"shares", numberArray(c.profileShares)},
                     {"unexplained_by_share", numberArray(c.profile)}};
    if (c.counts) data["share"] = estimateJson(c.shareData);
    o["from_dynamics"] = data;
    if (c.checked) {
      QJsonArray names;
      for (const auto& n : c.rejectedNames) names.append(QString::fromStdString(n));
      o["check"] = QJsonObject{{"unexplained_at_values_used", c.unexplainedUsed},
                               {"unexplained_at_best", c.unexplained},
                               {"se", c.unexplainedSe},
                               {"rejected", c.rejected},
                               {"outside_interval", names}};
    }
  }
  return o;
}

QJsonObject intensityJson(const prep::FieldData& d, const train::InferenceResult& r) {
  QJsonObject o{{"mode", QString::fromStdString(prep::normalizeName(d.normalizeUsed))}};
  if (d.counts.used) {
    o["offset_density"] = d.counts.offset[0];
    o["offset_heterochromatin"] = d.counts.offset[1];
    o["offset_density_measured"] = d.counts.offsetMeasured[0];
    o["offset_heterochromatin_measured"] = d.counts.offsetMeasured[1];
    o["gain_density_per_count"] = d.counts.scale[0];
    o["gain_heterochromatin_per_count"] = d.counts.scale[1];
    o["assumed_mean_phi_c"] = d.counts.chromatinFraction;
    o["assumed_hetero_share"] = d.counts.heteroShare;
  }
  if (d.normalizeUsed == prep::Normalize::Percentile)
    o["percentile_low_high"] =
        QJsonArray{d.mappedLow[0], d.mappedHigh[0], d.mappedLow[1], d.mappedHigh[1]};
  if (r.sensitivity.computed)
    o["sensitivity"] =
        QJsonObject{{"share_minus_10pct_lambda_median_change", r.sensitivity.medianChange[0]},
                    {"share_plus_10pct_lambda_median_change", r.sensitivity.medianChange[1]},
                    {"share_minus_10pct_pearson", r.sensitivity.pearson[0]},
                    {"share_plus_10pct_pearson", r.sensitivity.pearson[1]}};
  return o;
}

// The direct estimate's space kernel: the rule, the ladder, the chosen half-widths' spread
// (px and µm at the pixel size) and the noise level it was chosen for.
QJsonObject directKernelJson(const train::DirectEstimate& d) {
  QJsonArray ladder;
  QJsonArray risk, variance;
  for (int k : d.kernelCandidates) ladder.append(k);
  for (double r : d.kernelRisk) risk.append(r);
  for (double v : d.kernelVariance) variance.append(v);
  return QJsonObject{{"rule", QString::fromStdString(d.kernelRule)},
                     {"candidates_px", ladder},
                     {"risk", risk},
                     {"variance", variance},
                     {"half_width_px_median", d.kernelMedian},
                     {"half_width_px_p10", d.kernelP10},
                     {"half_width_px_p90", d.kernelP90},
                     {"noise_sigma", d.noiseSigma},
                     {"static_noise_share", d.staticNoiseShare}};
}

}  // namespace

io::Calibration calibrationOf(const prep::FieldData& data) {
  io::Calibration cal;
  if (data.calibratedSpace) {
    cal.pixelX = data.dx;
    cal.pixelY = data.dy;
    cal.pixelSource = io::CalibrationSource::User;
  }
  if (data.calibratedTime) {
    cal.frameInterval = data.dt;
    cal.timeSource = io::CalibrationSource::User;
  }
  return cal;
}

std::string lossesCsv(const std::vector<train::LossRecord>& losses) {
  std::ostringstream csv;
  csv.precision(9);
  csv << "step,seconds,total,data,pde,smooth,M,gamma_ac,learning_rate\n";
  for (const auto& l : losses)
    csv << l.step << "," << l.seconds << "," << l.total << "," << l.data << "," << l.pde << ","
        << l.smooth << "," << l.M << "," << l.gammaAc << "," << l.learningRate << "\n";
  return csv.str();
}

void writeLossesCsv(const std::string& path, const std::vector<train::LossRecord>& losses) {
  util::writeFileAtomically(path, lossesCsv(losses));
}

std::vector<train::LossRecord> readLossesCsv(const std::string& path) {
  QFile f(QString::fromStdString(path));
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
    throw io::StackError(path, "cannot read the loss history");
  std::vector<train::LossRecord> out;
  int line = 0;
  while (!f.atEnd()) {
    const QString text = QString::fromUtf8(f.readLine()).trimmed();
    if (++line == 1 || text.isEmpty()) continue;  // header
    const QStringList v = text.split(',');
    bool ok = v.size() == 9;
    std::array<double, 9> x{};
    for (int i = 0; ok && i < 9; ++i) x[size_t(i)] = v[i].toDouble(&ok);
    if (!ok)
      throw io::StackError(path,
                           "line " + std::to_string(line) + " is not a loss record (9 numbers)");
    out.push_back({int(x[0]), x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8]});
  }
  return out;
}

std::string fileSha256(const std::string& path) {
  QFile f(QString::fromStdString(path));
  if (!f.open(QIODevice::ReadOnly)) return {};
  QCryptographicHash h(QCryptographicHash::Sha256);
  h.addData(&f);
  return h.result().toHex().toStdString();
}

std::vector<NucleusRow> nucleusRows(const train::InferenceResult& r, const prep::FieldData& data) {
  if (r.lambda.empty() || data.mask.empty()) return {};
  auto rows = nucleusTable(prep::labelNuclei(data.mask), r.lambda, r.lambdaLow, r.lambdaHigh,
                           data.dx, data.dy, r.M, r.gammaAc);
  if (r.nucleusFit.size() == rows.size())
    for (size_t i = 0; i < rows.size(); ++i)
      rows[i].fit = train::fitVerdictName(r.nucleusFit[i].verdict);
  const auto& c = r.calibration;
  if (c.M.value > 0) {
    const prep::NucleusLabels labels = prep::labelNuclei(data.mask);
    for (size_t i = 0; i < rows.size() && i < labels.nuclei.size(); ++i) {
      auto& row = rows[i];
      const cv::Mat in = labels.labels == labels.nuclei[i].label;
      double h = 0, d = 0;
      for (int t = 0; t < data.frames(); ++t) {
        h += cv::mean(data.hetero[size_t(t)], in)[0];
        d += cv::mean(data.density[size_t(t)], in)[0];
      }
      row.share = d > 0 ? h / d : 0;
      // The nucleus's own share carries the gains' uncertainty: the pooled interval, relative.
      const double rel = c.share.value > 0 ? row.share / c.share.value : 1;
      row.shareLow = c.share.low * rel;
      row.shareHigh = c.share.high * rel;
      row.shareSource = c.counts ? prep::valueSourceName(c.share.source) : "data";
      row.MLow = c.M.low;
      row.MHigh = c.M.high;
      row.MSource = prep::valueSourceName(c.M.source);
      row.gammaAcLow = c.gammaAc.low;
      row.gammaAcHigh = c.gammaAc.high;
      row.gammaAcSource = prep::valueSourceName(c.gammaAc.source);
    }
  }
  return rows;
}

namespace {
QJsonObject scalarJson(const train::InferenceResult& r, bool mobility) {
  QJsonObject o{{"value", mobility ? r.M : r.gammaAc},
                {"unit", mobility ? "um^2/s" : "1/s"},
                {"inferred", mobility ? r.inferredM : r.inferredGamma},
                {"status", QString::fromStdString(scalarStatus(r, mobility))}};
  const auto& e = mobility ? r.calibration.M : r.calibration.gammaAc;
  if (e.value > 0) {
    o["source"] = QString::fromStdString(prep::valueSourceName(e.source));
    if (e.hasInterval()) o["interval90"] = QJsonArray{e.low, e.high};
  }
  return o;
}
}  // namespace

std::string summaryJson(const train::InferenceResult& r, const prep::FieldData& data,
                        const RunDescription& run) {
  const auto& choice = run.params;
  const auto& cfg = run.config;
  QJsonObject scalars{
      {"M", scalarJson(r, true)},
      {"gamma_ac", scalarJson(r, false)},
      {"ell", QJsonObject{{"value", choice.values.ell}, {"unit", "um"}, {"inferred", false}}},
      {"phi_max", QJsonObject{{"value", choice.values.phiMax}, {"unit", ""}, {"inferred", false}}}};
  QJsonObject losses;
  if (!r.losses.empty()) {
    const auto& l = r.losses.back();
    losses = {{"total", l.total}, {"data", l.data}, {"pde", l.pde}, {"smooth", l.smooth}};
  }
  double lo = 0, hi = 0;
  int finitePixels = 0;
  if (!r.lambda.empty()) {
    const cv::Mat finite = r.lambda == r.lambda;
    finitePixels = cv::countNonZero(finite);
    if (finitePixels) cv::minMaxLoc(r.lambda, &lo, &hi, nullptr, nullptr, finite);
  }
  const auto& po = run.prep;
  double driftMax = 0;
  for (const auto& d : data.drift) driftMax = std::max(driftMax, std::hypot(d.x, d.y));
  QJsonObject o{
      {"input", QString::fromStdString(run.input)},
      {"input_sha256", QString::fromStdString(fileSha256(run.input))},
      {"output", QString::fromStdString(run.output)},
      {"scalars", scalars},
      {"lambda", QJsonObject{{"min", lo}, {"max", hi}, {"pixels", finitePixels}, {"unit", ""}}},
      {"calibration", calibrationJson(data, r)},
      {"losses", losses},
      {"steps", r.steps},
      {"seconds", r.seconds},
      {"stop_reason", QString::fromStdString(r.stopReason)},
      {"nan_recoveries", r.nanRecoveries},
      {"steady_state", r.steady},
      {"warnings", warningsJson(data.warnings)},
      {"fit", QJsonObject{{"verdict", QString::fromStdString(train::fitVerdictName(r.fit.verdict))},
                          {"explained_dt_phi_d", r.fit.explained},
                          {"residual_over_noise", r.fit.chi2},
                          {"signal_share_dt_phi_d", r.fit.signalShare},
                          {"unexplained_signal", r.fit.unexplained},
                          {"lambda_power_over_noise", r.fit.lambdaSnr},
                          {"negative_lambda_share", r.fit.negativeShare},
                          {"reason", QString::fromStdString(r.fit.reason)}}},
      {"intensity", intensityJson(data, r)},
      {"answer", QString::fromStdString(train::answerName(r.answer))},
      {"direct", QJsonObject{{"M", r.direct.M},
                             {"gamma_ac", r.direct.gammaAc},
                             {"M_identifiable", r.direct.estimatedM},
                             {"gamma_ac_identifiable", r.direct.estimatedGammaAc},
                             {"M_spread", r.direct.uncertaintyM},
                             {"gamma_ac_spread", r.direct.uncertaintyGammaAc},
                             {"noise_sigma", r.direct.noiseSigma},
                             {"seconds", r.direct.seconds},
                             {"kernel", directKernelJson(r.direct)}}},
      {"settings",
       QJsonObject{
           {"engine", QString::fromStdString(train::engineName(cfg.engine))},
           {"arch", QString::fromStdString(train::archName(cfg.arch))},
           {"seed", static_cast<double>(cfg.seed)},
           {"threads", run.threads},
           {"device", QString::fromStdString(cfg.device)},
           {"steps", cfg.steps},
           {"time_budget_s", cfg.timeBudget},
           {"channels", QString("density=%1,heterochromatin=%2")
                            .arg(po.channels.density)
                            .arg(po.channels.heterochromatin)},
           {"normalize", QString::fromStdString(prep::normalizeName(data.normalizeUsed))},
           // What made the mask: "otsu", "threshold" (the user's) or the
           // mask file; the threshold as applied (Otsu's own choice too).
           {"mask", po.mask != "auto" && !po.mask.empty()
                        ? QString::fromStdString(po.mask)
                        : QString(po.maskThreshold >= 0 ? "threshold" : "otsu")},
           {"mask_threshold", po.maskThreshold >= 0 ? po.maskThreshold : data.maskThreshold},
           {"drift_correction", po.driftCorrection},
           {"drift_max_px", driftMax},
           {"bleach_correction", po.bleachCorrection},
           {"kernel_half_width_px", cfg.mollifier.halfWidthXY}}},
      {"versions", QString::fromStdString(versionReport(run.program))}};
  // Every nucleus of the field, one row each (NucleusTable.h).
  QJsonArray nuclei;
  for (const auto& n : nucleusRows(r, data)) {
    QJsonObject row{{"label", n.label},
                    {"centroid_x_um", n.centroidXUm},
                    {"centroid_y_um", n.centroidYUm},
                    {"area_um2", n.areaUm2},
                    {"pixels", n.pixels},
                    {"finite_share", n.finiteShare},
                    {"lambda_mean", n.mean},
                    {"lambda_median", n.median},
                    {"lambda_q25", n.q25},
                    {"lambda_q75", n.q75},
                    {"lambda_band90_width", n.bandWidth},
                    {"M", n.M},
                    {"gamma_ac", n.gammaAc},
                    {"touches_border", n.touchesBorder},
                    {"fit", QString::fromStdString(n.fit)},
                    {"split", n.split}};
    if (!n.MSource.empty()) {
      row["share"] = n.share;
      row["share_interval90"] = QJsonArray{n.shareLow, n.shareHigh};
      row["share_source"] = QString::fromStdString(n.shareSource);
      row["M_interval90"] = QJsonArray{n.MLow, n.MHigh};
      row["M_source"] = QString::fromStdString(n.MSource);
      row["gamma_ac_interval90"] = QJsonArray{n.gammaAcLow, n.gammaAcHigh};
      row["gamma_ac_source"] = QString::fromStdString(n.gammaAcSource);
    }
    nuclei.append(row);
  }
  o["nuclei"] = nuclei;
  if (r.solved)
    o["rate_solve"] = QJsonObject{
        {"prior",
         cfg.rateSolve.prior == train::RatePrior::TotalVariation ? "total-variation" : "smooth"},
        {"alpha", r.solve.alpha},
        {"alpha_rule", cfg.rateSolve.alpha > 0 ? "given" : "discrepancy principle"},
        {"discrepancy", r.solve.discrepancy},
        {"discrepancy_target", cfg.rateSolve.tau},
        {"residual_noise_variance", r.solve.noiseVariance},
        {"iterations", r.solve.iterations},
        {"alpha_trials", r.solve.alphaTrials},
        {"converged", r.solve.converged},
        {"kernel_half_width_px", r.solve.kernelHalfWidthXY},
        {"band90", !r.lambdaLow.empty()}};
  if (run.accuracy)
    o["accuracy"] = QJsonObject{{"pearson", run.accuracy->pearson},
                                {"relative_l2", run.accuracy->relativeL2},
                                {"finite_fraction", run.accuracy->finiteFraction},
                                {"pixels", run.accuracy->pixels}};
  return QJsonDocument(o).toJson().toStdString();
}

void writeSummaryJson(const std::string& path, const train::InferenceResult& result,
                      const prep::FieldData& data, const RunDescription& run) {
  util::writeFileAtomically(path, summaryJson(result, data, run));
}

std::vector<std::string> writeLambdaFiles(const std::string& base, const cv::Mat& lambda,
                                          const io::Calibration& cal) {
  io::writeMapTiff(base + ".tif", lambda, cal);
  io::writeMapCsv(base + ".csv", lambda, cal, "lambda");
  io::MapFigureOptions fig;
  fig.title = "lambda = Gamma_me / Gamma_ac";
  io::writeMapPng(base + ".png", lambda, cal, fig);
  return {base + ".tif", base + ".csv", base + ".png"};
}

std::vector<std::string> writeFieldFiles(const std::string& folder,
                                         const std::map<std::string, cv::Mat>& fields,
                                         const io::Calibration& cal) {
  if (!QDir().mkpath(QString::fromStdString(folder)))
    throw io::StackError(folder, "cannot create the folder");
  std::vector<std::string> written;
  for (const auto& [name, map] : fields) {
    const std::string path = folder + "/" + name + ".tif";
    cv::Mat f;
    map.convertTo(f, CV_32F);
    io::writeMapTiff(path, f, cal);
    written.push_back(path);
  }
  return written;
}

std::vector<std::string> exportAll(const std::string& folder, const train::InferenceResult& result,
                                   const std::map<std::string, cv::Mat>& fields,
                                   const prep::FieldData& data, const RunDescription& run) {
  if (!QDir().mkpath(QString::fromStdString(folder)))
    throw io::StackError(folder, "cannot create the export folder");
  const io::Calibration cal = calibrationOf(data);
  std::vector<std::string> written = writeLambdaFiles(folder + "/lambda", result.lambda, cal);
  if (!fields.empty()) {
    const auto f = writeFieldFiles(folder + "/fields", fields, cal);
    written.insert(written.end(), f.begin(), f.end());
  }
  if (!result.lambdaLow.empty()) {
    io::writeMapTiff(folder + "/lambda_low.tif", result.lambdaLow, cal);
    io::writeMapTiff(folder + "/lambda_high.tif", result.lambdaHigh, cal);
    written.push_back(folder + "/lambda_low.tif");
    written.push_back(folder + "/lambda_high.tif");
  }
  util::writeFileAtomically(folder + "/nuclei.csv", nucleusTableCsv(nucleusRows(result, data)));
  written.push_back(folder + "/nuclei.csv");
  writeLossesCsv(folder + "/losses.csv", result.losses);
  written.push_back(folder + "/losses.csv");
  RunDescription described = run;
  if (described.output.empty()) described.output = folder + "/lambda.tif";
  writeSummaryJson(folder + "/summary.json", result, data, described);
  written.push_back(folder + "/summary.json");
  return written;
}

std::string answerDescription(const train::InferenceResult& r) {
  std::ostringstream o;
  switch (r.answer) {
    case train::Answer::Direct:
      o << "direct estimate";
      if (r.direct.kernelRule == "risk")
        o << " (space kernel " << r.direct.kernelMedian << " px, chosen by its estimated error)";
      if (r.steps > 0)
        o << "; the trained network's lambda did not beat it on the validation suite";
      break;
    case train::Answer::Solve:
      o << "rate solve (alpha " << r.solve.alpha << " by the discrepancy principle, kernel "
        << r.solve.kernelHalfWidthXY << " px" << (r.solve.converged ? "" : ", NOT converged")
        << ")";
      break;
    default:
      o << "trained network's lambda grid";
      break;
  }
  return o.str();
}

std::string scalarStatus(const train::InferenceResult& r, bool mobility) {
  const auto& e = mobility ? r.calibration.M : r.calibration.gammaAc;
  if (e.value > 0) {
    // The calibration step decided (Calibrate.h): say where the value came from.
    switch (e.source) {
      case prep::ValueSource::Identified:
        return "identified from the dynamics";
      case prep::ValueSource::Pooled:
        return "pooled over the acquisition";
      case prep::ValueSource::Calibration:
        return "from the calibration " + r.calibration.calibrationFile;
      case prep::ValueSource::Given:
        return "given";
      case prep::ValueSource::Assumed:
        return r.steady
                   ? "assumed (steady state: only M/gamma_ac matters; give them with --set "
                     "or a time-lapse's calibration)"
                   : "not identified (" + (e.note.empty() ? std::string("flat profile") : e.note) +
                         "): the default is kept";
    }
  }
  const bool inferred = mobility ? r.inferredM : r.inferredGamma;
  const bool free = mobility ? r.freeM : r.freeGamma;
  if (inferred) return "inferred";
  if (r.steady) return "given (steady state: only M/gamma_ac matters)";
  if (!free) return "given";
  return "not identifiable from these data: the default is kept";
}

std::string scalarLine(const train::InferenceResult& r) {
  std::ostringstream o;
  o.precision(4);
  auto one = [&](const char* name, double v, const char* unit, bool mobility) {
    const bool inferred = mobility ? r.inferredM : r.inferredGamma;
    const auto& e = mobility ? r.calibration.M : r.calibration.gammaAc;
    o << name << " ";
    if (inferred) {
      o << v << " " << unit;
      if (e.hasInterval())
        o << " (90 % " << e.low << "-" << e.high << ", " << scalarStatus(r, mobility) << ")";
    } else {
      o << "fixed at " << v << " " << unit << " (" << scalarStatus(r, mobility) << ")";
    }
  };
  one("M", r.M, "um^2/s", true);
  o << ", ";
  one("gamma_ac", r.gammaAc, "1/s", false);
  return o.str();
}

std::string calibrationLine(const train::InferenceResult& r) {
  const auto& c = r.calibration;
  if (!c.profiled) return {};
  // No kernel width fitted inside the nuclei: the profile has no numbers, and printing its
  // empty ones read "M 0 (assumed)".
  if (c.kernelHalfWidth == 0)
    return "the dynamics identify nothing here (" +
           (c.M.note.empty() ? std::string("no kernel width fits inside the nuclei") : c.M.note) +
           "); the values used stay untested";
  std::ostringstream o;
  o.precision(3);
  o << "the dynamics (kernel " << c.kernelHalfWidth << " px) say";
  if (c.counts) o << " share " << c.shareData.describe();
  o << (c.counts ? "," : "") << " M " << c.MData.describe() << ", gamma_ac "
    << c.gammaAcData.describe() << "; unexplained " << 100 * c.unexplained << " % (" << c.seconds
    << " s)";
  if (c.checked) {
    if (c.rejected) {
      o << "; REJECTED (outside the 90 % interval):";
      for (const auto& n : c.rejectedNames) o << " " << n;
    } else {
      o << "; the values used lie inside these intervals";
    }
  }
  return o.str();
}

std::string noiseFloorLine(const train::InferenceResult& r) {
  const double share = r.direct.staticNoiseShare;
  if (!(share >= 0)) return {};
  std::ostringstream o;
  o << "lambda's noise: " << std::lround(100 * share)
    << " % of its variance comes from the noise common to all frames, which no fit of the fields "
       "(network or otherwise) can remove";
  if (share > 0.5) o << "; more frames or less noise per frame would lower it, longer training not";
  return o.str();
}

std::string sensitivityLine(const prep::FieldData& d, const train::InferenceResult& r) {
  if (!d.counts.used) return {};
  std::ostringstream o;
  o.precision(3);
  const auto& share = r.calibration.share;
  if (share.value > 0 && share.source != prep::ValueSource::Assumed) {
    o << "counts mapped with heterochromatin share " << share.value;
    if (share.hasInterval()) o << " (90 % " << share.low << "-" << share.high << ")";
    o << " "
      << (share.source == prep::ValueSource::Identified    ? "identified from the dynamics"
          : share.source == prep::ValueSource::Calibration ? "from the acquisition's calibration"
          : share.source == prep::ValueSource::Pooled      ? "pooled over the acquisition"
                                                           : "as given")
      << ", mean phi_c " << d.counts.chromatinFraction
      << (d.counts.gainsGiven ? " (the acquisition's gains)" : " (assumed)");
  } else {
    o << "counts mapped assuming mean phi_c " << d.counts.chromatinFraction
      << " and heterochromatin share " << d.counts.heteroShare;
    if (share.value > 0 && !share.note.empty()) o << " (" << share.note << ")";
  }
  o << " (offsets " << d.counts.offset[0] << " / " << d.counts.offset[1] << " counts"
    << (d.counts.offsetMeasured[0] ? ", measured" : "") << ")";
  if (r.sensitivity.computed)
    o << "; with the share 10 % lower / higher the median lambda changes by " << std::showpos
      << 100 * r.sensitivity.medianChange[0] << " % / " << 100 * r.sensitivity.medianChange[1]
      << std::noshowpos << " % and its pattern keeps r >= "
      << std::min(r.sensitivity.pearson[0], r.sensitivity.pearson[1]);
  return o.str();
}

}  // namespace mollichrom::exporting
