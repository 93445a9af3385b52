#include "core/export/ResultArchive.h"

#include "core/io/StackError.h"
#include "core/util/AtomicFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace mollichrom::exporting {

namespace {

constexpr int kVersion = 1;
const char* kMagic = "mollichrom-result";

// ---------------------------------------------------------------- scalars

// JSON has no NaN or infinity; a band or a spread can be either.
QJsonValue num(double v) {
  if (std::isfinite(v)) return v;
  return QString(std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}
double num(const QJsonValue& v) {
  if (v.isString()) {
    const QString s = v.toString();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  return v.toDouble();
}
QString str(const std::string& s) { return QString::fromStdString(s); }
std::string str(const QJsonValue& v) { return v.toString().toStdString(); }

QJsonArray nums(const std::vector<double>& v) {
  QJsonArray a;
  for (double x : v) a.append(num(x));
  return a;
}
std::vector<double> nums(const QJsonValue& v) {
  std::vector<double> out;
  for (const auto& x : v.toArray()) out.push_back(num(x));
  return out;
}
QJsonArray ints(const std::vector<int>& v) {
  QJsonArray a;
  for (int x : v) a.append(x);
  return a;
}
std::vector<int> ints(const QJsonValue& v) {
  std::vector<int> out;
  for (const auto& x : v.toArray()) out.push_back(x.toInt());
  return out;
}

QJsonArray lossesJson(const std::vector<train::LossRecord>& losses) {
  QJsonArray a;
  for (const auto& l : losses)
    a.append(QJsonArray{l.step, num(l.seconds), num(l.total), num(l.data), num(l.pde),
                        num(l.smooth), num(l.M), num(l.gammaAc), num(l.learningRate)});
  return a;
}
std::vector<train::LossRecord> losses(const QJsonValue& v) {
  std::vector<train::LossRecord> out;
  for (const auto& row : v.toArray()) {
    const QJsonArray a = row.toArray();
    train::LossRecord l;
    l.step = a[0].toInt();
    l.seconds = num(a[1]);
    l.total = num(a[2]);
    l.data = num(a[3]);
    l.pde = num(a[4]);
    l.smooth = num(a[5]);
    l.M = num(a[6]);
    l.gammaAc = num(a[7]);
    l.learningRate = num(a[8]);
    out.push_back(l);
  }
  return out;
}

QJsonObject estimateJson(const prep::EstimatedValue& e) {
  return {{"value", num(e.value)},
          {"low", num(e.low)},
          {"high", num(e.high)},
          {"identifiable", e.identifiable},
          {"source", str(prep::valueSourceName(e.source))},
          {"note", str(e.note)}};
}
prep::EstimatedValue estimate(const QJsonValue& v) {
  const QJsonObject o = v.toObject();
  prep::EstimatedValue e;
  e.value = num(o["value"]);
  e.low = num(o["low"]);
  e.high = num(o["high"]);
  e.identifiable = o["identifiable"].toBool();
  e.source = prep::parseValueSource(str(o["source"]));
  e.note = str(o["note"]);
  return e;
}

train::FitVerdict parseVerdict(const std::string& name) {
  for (auto v : {train::FitVerdict::Good, train::FitVerdict::Doubtful,
                 train::FitVerdict::DoesNotFit, train::FitVerdict::NotTested})
    if (train::fitVerdictName(v) == name) return v;
  throw std::invalid_argument("unknown fit verdict '" + name + "'");
}

QJsonObject fitJson(const train::FitQuality& f) {
  return {{"explained", num(f.explained)},
          {"chi2", num(f.chi2)},
          {"negative_share", num(f.negativeShare)},
          {"signal_share", num(f.signalShare)},
          {"unexplained", num(f.unexplained)},
          {"lambda_snr", num(f.lambdaSnr)},
          {"verdict", str(train::fitVerdictName(f.verdict))},
          {"reason", str(f.reason)}};
}
train::FitQuality fit(const QJsonValue& v) {
  const QJsonObject o = v.toObject();
  train::FitQuality f;
  f.explained = num(o["explained"]);
  f.chi2 = num(o["chi2"]);
  f.negativeShare = num(o["negative_share"]);
  f.signalShare = num(o["signal_share"]);
  f.unexplained = num(o["unexplained"]);
  f.lambdaSnr = num(o["lambda_snr"]);
  f.verdict = parseVerdict(str(o["verdict"]));
  f.reason = str(o["reason"]);
  return f;
}

QJsonObject directJson(const train::DirectEstimate& d) {
  return {{"M", num(d.M)},
          {"gamma_ac", num(d.gammaAc)},
          {"estimated_M", d.estimatedM},
          {"estimated_gamma_ac", d.estimatedGammaAc},
          {"steady", d.steady},
          {"halo_xy", d.haloXY},
          {"halo_t", d.haloT},
          {"scalar_half_width_xy", d.scalarHalfWidthXY},
          {"noise_sigma", num(d.noiseSigma)},
          {"noise_corrected", d.noiseCorrected},
          {"uncertainty_M", num(d.uncertaintyM)},
          {"uncertainty_gamma_ac", num(d.uncertaintyGammaAc)},
          {"residual_rms", num(d.residualRms)},
          {"reaction_rms", num(d.reactionRms)},
          {"kernel_rule", str(d.kernelRule)},
          {"kernel_candidates", ints(d.kernelCandidates)},
          {"kernel_median", num(d.kernelMedian)},
          {"kernel_p10", num(d.kernelP10)},
          {"kernel_p90", num(d.kernelP90)},
          {"kernel_risk", nums(d.kernelRisk)},
          {"kernel_variance", nums(d.kernelVariance)},
          {"static_noise_share", num(d.staticNoiseShare)},
          {"tile_size", d.tileSize},
          {"tiles", d.tiles},
          {"seconds", num(d.seconds)}};
}
void readDirect(const QJsonObject& o, train::DirectEstimate& d) {
  d.M = num(o["M"]);
  d.gammaAc = num(o["gamma_ac"]);
  d.estimatedM = o["estimated_M"].toBool();
  d.estimatedGammaAc = o["estimated_gamma_ac"].toBool();
  d.steady = o["steady"].toBool();
  d.haloXY = o["halo_xy"].toInt();
  d.haloT = o["halo_t"].toInt();
  d.scalarHalfWidthXY = o["scalar_half_width_xy"].toInt();
  d.noiseSigma = num(o["noise_sigma"]);
  d.noiseCorrected = o["noise_corrected"].toBool();
  d.uncertaintyM = num(o["uncertainty_M"]);
  d.uncertaintyGammaAc = num(o["uncertainty_gamma_ac"]);
  d.residualRms = num(o["residual_rms"]);
  d.reactionRms = num(o["reaction_rms"]);
  d.kernelRule = str(o["kernel_rule"]);
  d.kernelCandidates = ints(o["kernel_candidates"]);
  d.kernelMedian = num(o["kernel_median"]);
  d.kernelP10 = num(o["kernel_p10"]);
  d.kernelP90 = num(o["kernel_p90"]);
  d.kernelRisk = nums(o["kernel_risk"]);
  d.kernelVariance = nums(o["kernel_variance"]);
  d.staticNoiseShare = num(o["static_noise_share"]);
  d.tileSize = o["tile_size"].toInt();
  d.tiles = o["tiles"].toInt();
  d.seconds = num(o["seconds"]);
}

QJsonObject solveJson(const train::RateSolveResult& s) {
  return {{"alpha", num(s.alpha)},
          {"discrepancy", num(s.discrepancy)},
          {"noise_variance", num(s.noiseVariance)},
          {"iterations", s.iterations},
          {"converged", s.converged},
          {"alpha_trials", s.alphaTrials},
          {"noise_correlation_area", num(s.noiseCorrelationArea)},
          {"kernel_half_width_xy", s.kernelHalfWidthXY}};
}
void readSolve(const QJsonObject& o, train::RateSolveResult& s) {
  s.alpha = num(o["alpha"]);
  s.discrepancy = num(o["discrepancy"]);
  s.noiseVariance = num(o["noise_variance"]);
  s.iterations = o["iterations"].toInt();
  s.converged = o["converged"].toBool();
  s.alphaTrials = o["alpha_trials"].toInt();
  s.noiseCorrelationArea = num(o["noise_correlation_area"]);
  s.kernelHalfWidthXY = o["kernel_half_width_xy"].toInt();
}

QJsonObject calibrationJson(const train::RunCalibration& c) {
  QJsonArray rejected;
  for (const auto& n : c.rejectedNames) rejected.append(str(n));
  return {{"counts", c.counts},
          {"profiled", c.profiled},
          {"share", estimateJson(c.share)},
          {"M", estimateJson(c.M)},
          {"gamma_ac", estimateJson(c.gammaAc)},
          {"density_gain", num(c.densityGain)},
          {"hetero_gain", num(c.heteroGain)},
          {"share_data", estimateJson(c.shareData)},
          {"M_data", estimateJson(c.MData)},
          {"gamma_ac_data", estimateJson(c.gammaAcData)},
          {"kernel_half_width", c.kernelHalfWidth},
          {"unexplained", num(c.unexplained)},
          {"profile_shares", nums(c.profileShares)},
          {"profile", nums(c.profile)},
          {"checked", c.checked},
          {"rejected", c.rejected},
          {"rejected_names", rejected},
          {"unexplained_used", num(c.unexplainedUsed)},
          {"unexplained_se", num(c.unexplainedSe)},
          {"calibration_file", str(c.calibrationFile)},
          {"seconds", num(c.seconds)}};
}
void readCalibration(const QJsonObject& o, train::RunCalibration& c) {
  c.counts = o["counts"].toBool();
  c.profiled = o["profiled"].toBool();
  c.share = estimate(o["share"]);
  c.M = estimate(o["M"]);
  c.gammaAc = estimate(o["gamma_ac"]);
  c.densityGain = num(o["density_gain"]);
  c.heteroGain = num(o["hetero_gain"]);
  c.shareData = estimate(o["share_data"]);
  c.MData = estimate(o["M_data"]);
  c.gammaAcData = estimate(o["gamma_ac_data"]);
  c.kernelHalfWidth = o["kernel_half_width"].toInt();
  c.unexplained = num(o["unexplained"]);
  c.profileShares = nums(o["profile_shares"]);
  c.profile = nums(o["profile"]);
  c.checked = o["checked"].toBool();
  c.rejected = o["rejected"].toBool();
  for (const auto& n : o["rejected_names"].toArray()) c.rejectedNames.push_back(str(n));
  c.unexplainedUsed = num(o["unexplained_used"]);
  c.unexplainedSe = num(o["unexplained_se"]);
  c.calibrationFile = str(o["calibration_file"]);
  c.seconds = num(o["seconds"]);
}

QJsonObject resultJson(const train::InferenceResult& r) {
  QJsonArray nucleusFit;
  for (const auto& f : r.nucleusFit) nucleusFit.append(fitJson(f));
  return {
      {"M", num(r.M)},
      {"gamma_ac", num(r.gammaAc)},
      {"free_M", r.freeM},
      {"free_gamma_ac", r.freeGamma},
      {"steady", r.steady},
      {"losses", lossesJson(r.losses)},
      {"steps", r.steps},
      {"seconds", num(r.seconds)},
      {"nan_recoveries", r.nanRecoveries},
      {"canceled", r.canceled},
      {"stop_reason", str(r.stopReason)},
      {"direct", directJson(r.direct)},
      {"answer", str(train::answerName(r.answer))},
      {"solved", r.solved},
      {"solve", solveJson(r.solve)},
      {"inferred_M", r.inferredM},
      {"inferred_gamma_ac", r.inferredGamma},
      {"calibration", calibrationJson(r.calibration)},
      {"sensitivity", QJsonObject{{"computed", r.sensitivity.computed},
                                  {"median_change", QJsonArray{num(r.sensitivity.medianChange[0]),
                                                               num(r.sensitivity.medianChange[1])}},
                                  {"pearson", QJsonArray{num(r.sensitivity.pearson[0]),
                                                         num(r.sensitivity.pearson[1])}}}},
      {"fit", fitJson(r.fit)},
      {"nucleus_fit", nucleusFit}};
}
void readResult(const QJsonObject& o, train::InferenceResult& r) {
  r.M = num(o["M"]);
  r.gammaAc = num(o["gamma_ac"]);
  r.freeM = o["free_M"].toBool();
  r.freeGamma = o["free_gamma_ac"].toBool();
  r.steady = o["steady"].toBool();
  r.losses = losses(o["losses"]);
  r.steps = o["steps"].toInt();
  r.seconds = num(o["seconds"]);
  r.nanRecoveries = o["nan_recoveries"].toInt();
  r.canceled = o["canceled"].toBool();
  r.stopReason = str(o["stop_reason"]);
  readDirect(o["direct"].toObject(), r.direct);
  r.answer = train::parseAnswer(str(o["answer"]));
  r.solved = o["solved"].toBool();
  readSolve(o["solve"].toObject(), r.solve);
  r.inferredM = o["inferred_M"].toBool();
  r.inferredGamma = o["inferred_gamma_ac"].toBool();
  readCalibration(o["calibration"].toObject(), r.calibration);
  const QJsonObject s = o["sensitivity"].toObject();
  r.sensitivity.computed = s["computed"].toBool();
  for (int i = 0; i < 2; ++i) {
    r.sensitivity.medianChange[i] = num(s["median_change"].toArray()[i]);
    r.sensitivity.pearson[i] = num(s["pearson"].toArray()[i]);
  }
  r.fit = fit(o["fit"]);
  for (const auto& f : o["nucleus_fit"].toArray()) r.nucleusFit.push_back(fit(f));
}

QJsonObject snapshotJson(const train::Snapshot& s) {
  return {{"step", s.step},
          {"total_steps", s.totalSteps},
          {"seconds", num(s.seconds)},
          {"fraction", num(s.fraction)},
          {"losses", lossesJson(s.losses)},
          {"M", num(s.M)},
          {"gamma_ac", num(s.gammaAc)},
          {"eta", num(s.eta)}};
}
void readSnapshot(const QJsonObject& o, train::Snapshot& s) {
  s.step = o["step"].toInt();
  s.totalSteps = o["total_steps"].toInt();
  s.seconds = num(o["seconds"]);
  s.fraction = num(o["fraction"]);
  s.losses = losses(o["losses"]);
  s.M = num(o["M"]);
  s.gammaAc = num(o["gamma_ac"]);
  s.eta = num(o["eta"]);
}

// ---------------------------------------------------------------- matrices

void putU64(std::string& out, std::uint64_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void putMat(std::string& out, const std::string& name, const cv::Mat& m) {
  if (m.empty()) return;
  const cv::Mat c = m.isContinuous() ? m : m.clone();
  putU64(out, name.size());
  out += name;
  putU64(out, std::uint64_t(c.type()));
  putU64(out, std::uint64_t(c.rows));
  putU64(out, std::uint64_t(c.cols));
  const std::size_t bytes = c.total() * c.elemSize();
  putU64(out, bytes);
  out.append(reinterpret_cast<const char*>(c.data), bytes);
}

class Reader {
 public:
  Reader(const std::string& path, const std::string& bytes, std::size_t pos)
      : path_(path), bytes_(bytes), pos_(pos) {}
  bool done() const { return pos_ >= bytes_.size(); }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string take(std::uint64_t n) {
    need(n);
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::pair<std::string, cv::Mat> mat() {
    const std::string name = take(u64());
    const int type = int(u64());
    const auto rows = u64(), cols = u64(), bytes = u64();
    if (rows > (1u << 20) || cols > (1u << 20))
      throw io::StackError(path_, "damaged result archive (matrix " + name + ")");
    cv::Mat m(int(rows), int(cols), type);
    if (m.total() * m.elemSize() != bytes)
      throw io::StackError(path_, "damaged result archive (matrix " + name + ")");
    need(bytes);
    std::memcpy(m.data, bytes_.data() + pos_, bytes);
    pos_ += bytes;
    return {name, m};
  }

 private:
  void need(std::uint64_t n) const {
    if (n > bytes_.size() - pos_) throw io::StackError(path_, "the result archive is truncated");
  }
  const std::string& path_;
  const std::string& bytes_;
  std::size_t pos_;
};

}  // namespace

void writeResultArchive(const std::string& path, const train::InferenceResult* r,
                        const train::Snapshot* s) {
  QJsonObject root{{"version", kVersion}};
  if (r) root["result"] = resultJson(*r);
  if (s) root["snapshot"] = snapshotJson(*s);
  std::string out = std::string(kMagic) + " " + std::to_string(kVersion) + "\n";
  const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);
  putU64(out, std::uint64_t(json.size()));
  out.append(json.constData(), std::size_t(json.size()));
  if (r) {
    putMat(out, "result/lambda", r->lambda);
    putMat(out, "result/region", r->region);
    putMat(out, "result/lambda_low", r->lambdaLow);
    putMat(out, "result/lambda_high", r->lambdaHigh);
    putMat(out, "result/trained_lambda", r->trainedLambda);
    putMat(out, "direct/lambda", r->direct.lambda);
    putMat(out, "direct/region", r->direct.region);
    putMat(out, "direct/lambda_low", r->direct.lambdaLow);
    putMat(out, "direct/lambda_high", r->direct.lambdaHigh);
    putMat(out, "direct/kernel_map", r->direct.kernelMap);
    putMat(out, "solve/lambda", r->solve.lambda);
    putMat(out, "solve/lambda_low", r->solve.lambdaLow);
    putMat(out, "solve/lambda_high", r->solve.lambdaHigh);
  }
  if (s) {
    putMat(out, "snapshot/lambda", s->lambda);
    for (const auto& [name, m] : s->fields) putMat(out, "field/" + name, m);
  }
  try {
    util::writeFileAtomically(path, out);
  } catch (const std::exception& e) {
    throw io::StackError(path, e.what());
  }
}

ArchivedResult readResultArchive(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io::StackError(path, "cannot read the result archive");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t eol = bytes.find('\n');
  const std::string head = bytes.substr(0, std::min(eol, std::size_t(64)));
  if (eol == std::string::npos || head.rfind(kMagic, 0) != 0)
    throw io::StackError(path, "not a Mollichrom result archive");
  const int version = std::atoi(head.c_str() + std::strlen(kMagic));
  if (version > kVersion)
    throw io::StackError(
        path, "written by a newer Mollichrom (result format " + std::to_string(version) + ")");
  Reader rd(path, bytes, eol + 1);
  const std::string json = rd.take(rd.u64());
  QJsonParseError err;
  const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err).object();
  if (err.error != QJsonParseError::NoError)
    throw io::StackError(path, "damaged result archive (" + err.errorString().toStdString() + ")");
  ArchivedResult a;
  try {
    if (root.contains("result")) {
      a.result = std::make_shared<train::InferenceResult>();
      readResult(root["result"].toObject(), *a.result);
    }
    if (root.contains("snapshot")) {
      a.snapshot = std::make_shared<train::Snapshot>();
      readSnapshot(root["snapshot"].toObject(), *a.snapshot);
    }
  } catch (const std::invalid_argument& e) {
    throw io::StackError(path, std::string("damaged result archive (") + e.what() + ")");
  }
  while (!rd.done()) {
    auto [name, m] = rd.mat();
    train::InferenceResult* r = a.result.get();
    train::Snapshot* s = a.snapshot.get();
    const auto slot = [&]() -> cv::Mat* {
      if (r) {
        if (name == "result/lambda") return &r->lambda;
        if (name == "result/region") return &r->region;
        if (name == "result/lambda_low") return &r->lambdaLow;
        if (name == "result/lambda_high") return &r->lambdaHigh;
        if (name == "result/trained_lambda") return &r->trainedLambda;
        if (name == "direct/lambda") return &r->direct.lambda;
        if (name == "direct/region") return &r->direct.region;
        if (name == "direct/lambda_low") return &r->direct.lambdaLow;
        if (name == "direct/lambda_high") return &r->direct.lambdaHigh;
        if (name == "direct/kernel_map") return &r->direct.kernelMap;
        if (name == "solve/lambda") return &r->solve.lambda;
        if (name == "solve/lambda_low") return &r->solve.lambdaLow;
        if (name == "solve/lambda_high") return &r->solve.lambdaHigh;
      }
      if (s) {
        if (name == "snapshot/lambda") return &s->lambda;
        if (name.rfind("field/", 0) == 0) return &s->fields[name.substr(6)];
      }
      return nullptr;  // a matrix of a later minor version: skipped
    }();
    if (slot) *slot = m;
  }
  return a;
}

}  // namespace mollichrom::exporting
