#include "core/prep/AcquisitionCalibration.h"

#include "core/io/StackError.h"
#include "core/util/AtomicFile.h"
#include "core/util/TextFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mollichrom::prep {

namespace {

constexpr const char* kFormat = "mollichrom-calibration";
constexpr int kVersion = 1;

const std::vector<std::pair<ValueSource, const char*>>& sourceNames() {
  static const std::vector<std::pair<ValueSource, const char*>> names{
      {ValueSource::Identified, "identified"},
      {ValueSource::Pooled, "pooled"},
      {ValueSource::Calibration, "calibration"},
      {ValueSource::Given, "given"},
      {ValueSource::Assumed, "assumed"}};
  return names;
}

QJsonObject valueJson(const EstimatedValue& v) {
  QJsonObject o{{"value", v.value},
                {"source", QString::fromStdString(valueSourceName(v.source))},
                {"identifiable", v.identifiable}};
  if (v.hasInterval()) o["interval90"] = QJsonArray{v.low, v.high};
  if (!v.note.empty()) o["note"] = QString::fromStdString(v.note);
  return o;
}

QJsonArray numbers(const std::vector<double>& v) {
  QJsonArray a;
  for (double x : v) a.append(std::isfinite(x) ? QJsonValue(x) : QJsonValue());
  return a;
}

struct Reader {
  const std::string& path;
  [[noreturn]] void fail(const std::string& what) const { throw io::StackError(path, what); }
  double number(const QJsonObject& o, const char* key, bool required = true,
                double fallback = 0) const {
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
      if (required) fail(std::string("not a calibration: '") + key + "' is missing");
      return fallback;
    }
    if (!v.isDouble()) fail(std::string("'") + key + "' is not a number");
    return v.toDouble();
  }
  EstimatedValue value(const QJsonObject& parent, const char* key) const {
    const QJsonValue v = parent.value(key);
    if (!v.isObject()) fail(std::string("not a calibration: '") + key + "' is missing");
    const QJsonObject o = v.toObject();
    EstimatedValue e;
    e.value = number(o, "value");
    e.low = e.high = e.value;
    const QJsonArray interval = o.value("interval90").toArray();
    if (interval.size() == 2) {
      e.low = interval[0].toDouble();
      e.high = interval[1].toDouble();
    }
    e.identifiable = o.value("identifiable").toBool();
    try {
      e.source = parseValueSource(o.value("source").toString().toStdString());
    } catch (const std::invalid_argument& x) {
      fail(std::string("'") + key + "': " + x.what());
    }
    e.note = o.value("note").toString().toStdString();
    return e;
  }
};

}  // namespace

std::string valueSourceName(ValueSource s) {
  for (const auto& [value, name] : sourceNames())
    if (value == s) return name;
  return "assumed";
}

ValueSource parseValueSource(const std::string& name) {
  std::string all;
  for (const auto& [value, n] : sourceNames()) {
    if (name == n) return value;
    all += (all.empty() ? "" : ", ") + std::string(n);
  }
  throw std::invalid_argument("unknown source '" + name + "' (" + all + ")");
}

std::string EstimatedValue::describe(int digits) const {
  std::ostringstream s;
  s.precision(digits);
  s << value << " (";
  if (hasInterval()) s << "90 % " << low << "-" << high << ", ";
  const bool fromData = source == ValueSource::Identified || source == ValueSource::Pooled;
  if (fromData && !identifiable)
    s << "not identified" << (note.empty() ? "" : ": " + note);
  else
    s << valueSourceName(source) << (!identifiable && !note.empty() ? ": " + note : "");
  s << ")";
  return s.str();
}

const GroupRates* AcquisitionCalibration::ratesFor(const std::string& group) const {
  for (const auto& r : rates)
    if (r.group == group) return &r;
  for (const auto& r : rates)
    if (r.group.empty()) return &r;
  return nullptr;
}

std::string calibrationJson(const AcquisitionCalibration& c) {
  QJsonArray rates;
  for (const auto& r : c.rates)
    rates.append(QJsonObject{{"group", QString::fromStdString(r.group)},
                             {"stacks", r.stacks},
                             {"M", valueJson(r.M)},
                             {"gamma_ac", valueJson(r.gammaAc)}});
  QJsonArray stacks, excluded;
  for (const auto& s : c.stacks) stacks.append(QString::fromStdString(s));
  for (const auto& s : c.excluded) excluded.append(QString::fromStdString(s));
  const QJsonObject o{{"format", kFormat},
                      {"version", kVersion},
                      {"acquisition", QString::fromStdString(c.acquisition)},
                      {"chromatin_fraction_assumed", c.chromatinFraction},
                      {"density_gain_per_count", valueJson(c.densityGain)},
                      {"heterochromatin_gain_per_count", valueJson(c.heteroGain)},
                      {"share", valueJson(c.share)},
                      {"rates", rates},
                      {"model", QJsonObject{{"ell_um", c.ell}, {"phi_max", c.phiMax}}},
                      {"profile", QJsonObject{{"kernel_half_width_px", c.halfWidthXY},
                                              {"unexplained", c.unexplained},
                                              {"shares", numbers(c.profileShares)},
                                              {"unexplained_by_share", numbers(c.profile)}}},
                      {"stacks", stacks},
                      {"excluded", excluded}};
  return QJsonDocument(o).toJson(QJsonDocument::Indented).toStdString();
}

AcquisitionCalibration parseCalibrationJson(const std::string& text, const std::string& path) {
  const Reader in{path};
  QJsonParseError error{};
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
  if (doc.isNull() || !doc.isObject())
    in.fail("not a calibration (not JSON: " + error.errorString().toStdString() + ")");
  const QJsonObject o = doc.object();
  if (o.value("format").toString() != kFormat)
    in.fail("not a Mollichrom calibration (its 'format' is not \"mollichrom-calibration\")");
  if (o.value("version").toInt() > kVersion)
    in.fail("written by a newer Mollichrom (calibration version " +
            std::to_string(o.value("version").toInt()) + ")");
  AcquisitionCalibration c;
  c.acquisition = o.value("acquisition").toString().toStdString();
  c.chromatinFraction = in.number(o, "chromatin_fraction_assumed");
  c.densityGain = in.value(o, "density_gain_per_count");
  c.heteroGain = in.value(o, "heterochromatin_gain_per_count");
  c.share = in.value(o, "share");
  if (!(c.densityGain.value > 0) || !(c.heteroGain.value > 0))
    in.fail("the gains must be positive");
  for (const QJsonValue& r : o.value("rates").toArray()) {
    const QJsonObject ro = r.toObject();
    GroupRates g;
    g.group = ro.value("group").toString().toStdString();
    g.stacks = ro.value("stacks").toInt();
    g.M = in.value(ro, "M");
    g.gammaAc = in.value(ro, "gamma_ac");
    c.rates.push_back(g);
  }
  const QJsonObject model = o.value("model").toObject();
  c.ell = in.number(model, "ell_um", false, c.ell);
  c.phiMax = in.number(model, "phi_max", false, c.phiMax);
  const QJsonObject profile = o.value("profile").toObject();
  c.halfWidthXY = profile.value("kernel_half_width_px").toInt();
  c.unexplained = profile.value("unexplained").toDouble();
  for (const QJsonValue& v : profile.value("shares").toArray())
    c.profileShares.push_back(v.toDouble());
  for (const QJsonValue& v : profile.value("unexplained_by_share").toArray())
    c.profile.push_back(v.isDouble() ? v.toDouble() : std::nan(""));
  for (const QJsonValue& v : o.value("stacks").toArray())
    c.stacks.push_back(v.toString().toStdString());
  for (const QJsonValue& v : o.value("excluded").toArray())
    c.excluded.push_back(v.toString().toStdString());
  return c;
}

AcquisitionCalibration readCalibrationFile(const std::string& path) {
  const auto text = util::readTextFile(path);
  if (!text) throw io::StackError(path, "cannot be read");
  return parseCalibrationJson(*text, path);
}

void writeCalibrationFile(const std::string& path, const AcquisitionCalibration& c) {
  util::writeFileAtomically(path, calibrationJson(c));
}

}  // namespace mollichrom::prep
