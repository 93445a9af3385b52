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
#include <map>
#include <sstream>
#include <type_traits>

namespace mollichrom::exporting {

namespace {

constexpr int kVersion = 1;
const char* kMagic = "mollichrom-result";

// ---------------------------------------------------------------- scalars
//
// Each struct is described once (`describe(io, x)` names every member and its key); the same
// description writes (JsonOut) and reads (JsonIn), so the two directions cannot drift apart.

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

train::FitVerdict parseVerdict(const std::string& name) {
  for (auto v : {train::FitVerdict::Good, train::FitVerdict::Doubtful,
                 train::FitVerdict::DoesNotFit, train::FitVerdict::NotTested})
    if (train::fitVerdictName(v) == name) return v;
  throw std::invalid_argument("unknown fit verdict '" + name + "'");
}

template <class Io>
void describe(Io& io, train::LossRecord& l) {
  io("step", l.step);
  io("seconds", l.seconds);
  io("total", l.total);
  io("data", l.data);
  io("pde", l.pde);
  io("smooth", l.smooth);
  io("M", l.M);
  io("gamma_ac", l.gammaAc);
  io("learning_rate", l.learningRate);
}

template <class Io>
void describe(Io& io, prep::EstimatedValue& e) {
  io("value", e.value);
  io("low", e.low);
  io("high", e.high);
  io("identifiable", e.identifiable);
  io("source", e.source);
  io("note", e.note);
}

template <class Io>
void describe(Io& io, train::FitQuality& f) {
  io("explained", f.explained);
  io("chi2", f.chi2);
  io("negative_share", f.negativeShare);
  io("signal_share", f.signalShare);
  io("unexplained", f.unexplained);
  io("lambda_snr", f.lambdaSnr);
  io("verdict", f.verdict);
  io("reason", f.reason);
}

template <class Io>
void describe(Io& io, train::DirectEstimate& d) {
  io("M", d.M);
  io("gamma_ac", d.gammaAc);
  io("estimated_M", d.estimatedM);
  io("estimated_gamma_ac", d.estimatedGammaAc);
  io("steady", d.steady);
  io("halo_xy", d.haloXY);
  io("halo_t", d.haloT);
  io("scalar_half_width_xy", d.scalarHalfWidthXY);
  io("noise_sigma", d.noiseSigma);
  io("noise_corrected", d.noiseCorrected);
  io("uncertainty_M", d.uncertaintyM);
  io("uncertainty_gamma_ac", d.uncertaintyGammaAc);
  io("residual_rms", d.residualRms);
  io("reaction_rms", d.reactionRms);
  io("kernel_rule", d.kernelRule);
  io("kernel_candidates", d.kernelCandidates);
  io("kernel_median", d.kernelMedian);
  io("kernel_p10", d.kernelP10);
  io("kernel_p90", d.kernelP90);
  io("kernel_risk", d.kernelRisk);
  io("kernel_variance", d.kernelVariance);
  io("static_noise_share", d.staticNoiseShare);
  io("tile_size", d.tileSize);
  io("tiles", d.tiles);
  io("seconds", d.seconds);
}

template <class Io>
void describe(Io& io, train::RateSolveResult& s) {
  io("alpha", s.alpha);
  io("discrepancy", s.discrepancy);
  io("noise_variance", s.noiseVariance);
  io("iterations", s.iterations);
  io("converged", s.converged);
  io("alpha_trials", s.alphaTrials);
  io("noise_correlation_area", s.noiseCorrelationArea);
  io("kernel_half_width_xy", s.kernelHalfWidthXY);
}

template <class Io>
void describe(Io& io, train::RunCalibration& c) {
  io("counts", c.counts);
  io("profiled", c.profiled);
  io("share", c.share);
  io("M", c.M);
  io("gamma_ac", c.gammaAc);
  io("density_gain", c.densityGain);
  io("hetero_gain", c.heteroGain);
  io("share_data", c.shareData);
  io("M_data", c.MData);
  io("gamma_ac_data", c.gammaAcData);
  io("kernel_half_width", c.kernelHalfWidth);
  io("unexplained", c.unexplained);
  io("profile_shares", c.profileShares);
  io("profile", c.profile);
  io("checked", c.checked);
  io("rejected", c.rejected);
  io("rejected_names", c.rejectedNames);
  io("unexplained_used", c.unexplainedUsed);
  io("unexplained_se", c.unexplainedSe);
  io("calibration_file", c.calibrationFile);
  io("seconds", c.seconds);
}

template <class Io>
void describe(Io& io, train::ShareSensitivity& s) {
  io("computed", s.computed);
  io("median_change_lower", s.medianChange[0]);
  io("median_change_higher", s.medianChange[1]);
  io("pearson_lower", s.pearson[0]);
  io("pearson_higher", s.pearson[1]);
}

template <class Io>
void describe(Io& io, train::InferenceResult& r) {
  io("M", r.M);
  io("gamma_ac", r.gammaAc);
  io("free_M", r.freeM);
  io("free_gamma_ac", r.freeGamma);
  io("steady", r.steady);
  io("losses", r.losses);
  io("steps", r.steps);
  io("seconds", r.seconds);
  io("nan_recoveries", r.nanRecoveries);
  io("canceled", r.canceled);
  io("stop_reason", r.stopReason);
  io("direct", r.direct);
  io("answer", r.answer);
  io("solved", r.solved);
  io("solve", r.solve);
  io("inferred_M", r.inferredM);
  io("inferred_gamma_ac", r.inferredGamma);
  io("calibration", r.calibration);
  io("sensitivity", r.sensitivity);
  io("fit", r.fit);
  io("nucleus_fit", r.nucleusFit);
}

template <class Io>
void describe(Io& io, train::Snapshot& s) {
  io("step", s.step);
  io("total_steps", s.totalSteps);
  io("seconds", s.seconds);
  io("fraction", s.fraction);
  io("losses", s.losses);
  io("M", s.M);
  io("gamma_ac", s.gammaAc);
  io("eta", s.eta);
}

struct JsonOut {
  QJsonObject o;
  void operator()(const char* k, bool v) { o[k] = v; }
  void operator()(const char* k, int v) { o[k] = v; }
  void operator()(const char* k, double v) { o[k] = num(v); }
  // (Non-const: a `const std::string&` would lose to the struct template below.)
  void operator()(const char* k, std::string& v) { o[k] = QString::fromStdString(v); }
  void operator()(const char* k, prep::ValueSource v) {
    o[k] = QString::fromStdString(prep::valueSourceName(v));
  }
  void operator()(const char* k, train::FitVerdict v) {
    o[k] = QString::fromStdString(train::fitVerdictName(v));
  }
  void operator()(const char* k, train::Answer v) {
    o[k] = QString::fromStdString(train::answerName(v));
  }
  template <class T>
  void operator()(const char* k, T& v) {  // a described struct
    o[k] = of(v);
  }
  template <class T>
  void operator()(const char* k, std::vector<T>& v) {
    QJsonArray a;
    for (auto& x : v) {
      if constexpr (std::is_same_v<T, double>)
        a.append(num(x));
      else if constexpr (std::is_same_v<T, int>)
        a.append(x);
      else if constexpr (std::is_same_v<T, std::string>)
        a.append(QString::fromStdString(x));
      else
        a.append(of(x));
    }
    o[k] = a;
  }
  template <class T>
  static QJsonObject of(T& v) {
    JsonOut w;
    describe(w, v);
    return w.o;
  }
};

struct JsonIn {
  QJsonObject o;
  void operator()(const char* k, bool& v) { v = o[k].toBool(); }
  void operator()(const char* k, int& v) { v = o[k].toInt(); }
  void operator()(const char* k, double& v) { v = num(o[k]); }
  void operator()(const char* k, std::string& v) { v = o[k].toString().toStdString(); }
  void operator()(const char* k, prep::ValueSource& v) {
    v = prep::parseValueSource(o[k].toString().toStdString());
  }
  void operator()(const char* k, train::FitVerdict& v) {
    v = parseVerdict(o[k].toString().toStdString());
  }
  void operator()(const char* k, train::Answer& v) {
    v = train::parseAnswer(o[k].toString().toStdString());
  }
  template <class T>
  void operator()(const char* k, T& v) {
    into(o[k], v);
  }
  template <class T>
  void operator()(const char* k, std::vector<T>& v) {
    v.clear();
    for (const auto& x : o[k].toArray()) {
      T item{};
      if constexpr (std::is_same_v<T, double>)
        item = num(x);
      else if constexpr (std::is_same_v<T, int>)
        item = x.toInt();
      else if constexpr (std::is_same_v<T, std::string>)
        item = x.toString().toStdString();
      else
        into(x, item);
      v.push_back(std::move(item));
    }
  }
  template <class T>
  static void into(const QJsonValue& value, T& v) {
    JsonIn r{value.toObject()};
    describe(r, v);
  }
};

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

// Every matrix of a result with its name in the file (the one list both directions use).
template <class Fn>
void matrices(Fn&& io, train::InferenceResult& r) {
  io("result/lambda", r.lambda);
  io("result/region", r.region);
  io("result/lambda_low", r.lambdaLow);
  io("result/lambda_high", r.lambdaHigh);
  io("result/trained_lambda", r.trainedLambda);
  io("direct/lambda", r.direct.lambda);
  io("direct/region", r.direct.region);
  io("direct/lambda_low", r.direct.lambdaLow);
  io("direct/lambda_high", r.direct.lambdaHigh);
  io("direct/kernel_map", r.direct.kernelMap);
  io("solve/lambda", r.solve.lambda);
  io("solve/lambda_low", r.solve.lambdaLow);
  io("solve/lambda_high", r.solve.lambdaHigh);
}

}  // namespace

void writeResultArchive(const std::string& path, const train::InferenceResult* r,
                        const train::Snapshot* s) {
  QJsonObject root{{"version", kVersion}};
  if (r) root["result"] = JsonOut::of(const_cast<train::InferenceResult&>(*r));
  if (s) root["snapshot"] = JsonOut::of(const_cast<train::Snapshot&>(*s));
  std::string out = std::string(kMagic) + " " + std::to_string(kVersion) + "\n";
  const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);
  putU64(out, std::uint64_t(json.size()));
  out.append(json.constData(), std::size_t(json.size()));
  const auto put = [&out](const std::string& name, const cv::Mat& m) { putMat(out, name, m); };
  if (r) matrices(put, const_cast<train::InferenceResult&>(*r));
  if (s) {
    put("snapshot/lambda", s->lambda);
    for (const auto& [name, m] : s->fields) put("field/" + name, m);
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
      JsonIn::into(root["result"], *a.result);
    }
    if (root.contains("snapshot")) {
      a.snapshot = std::make_shared<train::Snapshot>();
      JsonIn::into(root["snapshot"], *a.snapshot);
    }
  } catch (const std::invalid_argument& e) {
    throw io::StackError(path, std::string("damaged result archive (") + e.what() + ")");
  }
  std::map<std::string, cv::Mat> mats;
  while (!rd.done()) mats.insert(rd.mat());
  // Matrices of names this version does not know (a later minor version's) are skipped.
  const auto take = [&mats](const std::string& name, cv::Mat& m) {
    if (const auto it = mats.find(name); it != mats.end()) m = it->second;
  };
  if (a.result) matrices(take, *a.result);
  if (a.snapshot) {
    take("snapshot/lambda", a.snapshot->lambda);
    for (const auto& [name, m] : mats)
      if (name.rfind("field/", 0) == 0) a.snapshot->fields[name.substr(6)] = m;
  }
  return a;
}

}  // namespace mollichrom::exporting
