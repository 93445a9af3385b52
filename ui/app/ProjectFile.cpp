#include "ui/app/ProjectFile.h"

#include "core/io/StackError.h"
#include "core/util/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mollichrom::ui {

namespace {
constexpr int kFormatVersion = 1;
const char* kFormat = "mollichrom-project";

QJsonValue optionalRange(const std::optional<std::pair<double, double>>& r) {
  if (!r) return QJsonValue::Null;
  return QJsonArray{r->first, r->second};
}

QJsonObject dataToJson(const DataSettings& d) {
  const auto& l = d.load;
  const auto& p = d.prep;
  QJsonObject load{
      {"first_frame", l.firstFrame}, {"last_frame", l.lastFrame}, {"binning", l.binning}};
  load["crop"] = l.crop
                     ? QJsonValue(QJsonArray{l.crop->x, l.crop->y, l.crop->width, l.crop->height})
                     : QJsonValue::Null;
  return QJsonObject{{"load", load},
                     {"channels", QJsonObject{{"density", p.channels.density},
                                              {"heterochromatin", p.channels.heterochromatin}}},
                     {"normalize", QString::fromStdString(prep::normalizeName(p.normalize))},
                     {"counts", QJsonObject{{"chromatin_fraction", p.counts.chromatinFraction},
                                            {"hetero_share", p.counts.heteroShare},
                                            {"offset_density", p.counts.offset[0]},
                                            {"offset_heterochromatin", p.counts.offset[1]}}},
                     {"slices_are_time", p.slicesAreTime},
                     {"percentile", QJsonObject{{"low", p.percentile.low},
                                                {"high", p.percentile.high},
                                                {"fraction", p.percentile.fraction}}},
                     {"mask", QString::fromStdString(p.mask)},
                     {"mask_threshold", p.maskThreshold},
                     {"slice", p.slice},
                     {"drift_correction", p.driftCorrection},
                     {"bleach_correction", p.bleachCorrection},
                     {"pixel_size_um", p.pixelSizeUm},
                     {"frame_interval_s", p.frameIntervalS},
                     {"identify_share", d.identifyShare},
                     {"calibration_file", QString::fromStdString(d.calibrationFile)}};
}

DataSettings dataFromJson(const QJsonObject& o, const QDir& base) {
  DataSettings d;
  const QJsonObject load = o["load"].toObject();
  d.load.firstFrame = load["first_frame"].toInt(0);
  d.load.lastFrame = load["last_frame"].toInt(-1);
  d.load.binning = std::max(1, load["binning"].toInt(1));
  if (load["crop"].isArray()) {
    const QJsonArray c = load["crop"].toArray();
    if (c.size() == 4)
      d.load.crop = cv::Rect(c[0].toInt(), c[1].toInt(), c[2].toInt(), c[3].toInt());
  }
  auto& p = d.prep;
  const QJsonObject ch = o["channels"].toObject();
  p.channels.density = ch["density"].toInt(1);
  p.channels.heterochromatin = ch["heterochromatin"].toInt(2);
  p.normalize = prep::parseNormalize(o["normalize"].toString("auto").toStdString());
  {
    const auto c = o["counts"].toObject();
    p.counts.chromatinFraction = c["chromatin_fraction"].toDouble(p.counts.chromatinFraction);
    p.counts.heteroShare = c["hetero_share"].toDouble(p.counts.heteroShare);
    p.counts.offset[0] = c["offset_density"].toDouble(p.counts.offset[0]);
    p.counts.offset[1] = c["offset_heterochromatin"].toDouble(p.counts.offset[1]);
    p.slicesAreTime = o["slices_are_time"].toBool(false);
  }
  d.identifyShare = o["identify_share"].toBool(true);
  d.calibrationFile = o["calibration_file"].toString().toStdString();
  const QJsonObject pc = o["percentile"].toObject();
  p.percentile.low = pc["low"].toDouble(p.percentile.low);
  p.percentile.high = pc["high"].toDouble(p.percentile.high);
  p.percentile.fraction = pc["fraction"].toDouble(p.percentile.fraction);
  const QString mask = o["mask"].toString("auto");
  p.mask = (mask == "auto" || mask.isEmpty())
               ? "auto"
               : QDir::cleanPath(base.absoluteFilePath(mask)).toStdString();
  p.maskThreshold = o["mask_threshold"].toDouble(-1);
  p.slice = o["slice"].toInt(0);
  p.driftCorrection = o["drift_correction"].toBool(false);
  p.bleachCorrection = o["bleach_correction"].toBool(false);
  p.pixelSizeUm = o["pixel_size_um"].toDouble(0);
  p.frameIntervalS = o["frame_interval_s"].toDouble(0);
  return d;
}

QJsonObject trainingToJson(const TrainingSettings& t) {
  const auto& v = t.params.values;
  const auto& c = t.config;
  return QJsonObject{{"preset", QString::fromStdString(t.preset)},
                     {"model", QJsonObject{{"M", v.M},
                                           {"gamma_ac", v.gammaAc},
                                           {"ell", v.ell},
                                           {"phi_max", v.phiMax},
                                           {"fix_M", t.params.fixM},
                                           {"fix_gamma_ac", t.params.fixGamma}}},
                     {"engine", QString::fromStdString(train::engineName(c.engine))},
                     {"arch", QString::fromStdString(train::archName(c.arch))},
                     {"steps", c.steps},
                     {"time_budget_s", c.timeBudget},
                     {"seed", static_cast<double>(c.seed)},
                     {"lbfgs_finish", c.lbfgsFinish},
                     {"kernel_half_width_px", c.mollifier.halfWidthXY},
                     {"threads", t.threads}};
}

TrainingSettings trainingFromJson(const QJsonObject& o) {
  TrainingSettings t;
  t.preset = o["preset"].toString("custom").toStdString();
  const QJsonObject m = o["model"].toObject();
  auto& v = t.params.values;
  v.M = m["M"].toDouble(v.M);
  v.gammaAc = m["gamma_ac"].toDouble(v.gammaAc);
  v.ell = m["ell"].toDouble(v.ell);
  v.phiMax = m["phi_max"].toDouble(v.phiMax);
  t.params.fixM = m["fix_M"].toBool(false);
  t.params.fixGamma = m["fix_gamma_ac"].toBool(false);
  auto& c = t.config;
  c.engine = train::parseEngine(o["engine"].toString("mollifier").toStdString());
  c.arch = train::parseArch(o["arch"].toString("cnn").toStdString());
  c.steps = o["steps"].toInt(0);
  c.timeBudget = o["time_budget_s"].toDouble(0);
  c.seed = static_cast<std::uint64_t>(o["seed"].toDouble(1));
  c.lbfgsFinish = o["lbfgs_finish"].toBool(false);
  c.mollifier.halfWidthXY = o["kernel_half_width_px"].toInt(c.mollifier.halfWidthXY);
  t.threads = o["threads"].toInt(0);
  return t;
}

QJsonObject viewToJson(const ViewState& v) {
  QJsonArray panels;
  for (const auto& p : v.panels)
    panels.append(QJsonObject{
        {"content", p.content}, {"colour_map", p.colourMap}, {"range", optionalRange(p.range)}});
  QJsonArray camera;
  for (double c : v.camera) camera.append(c);
  return QJsonObject{{"frame", v.frame}, {"panels", panels}, {"camera", camera}};
}

ViewState viewFromJson(const QJsonObject& o) {
  ViewState v;
  v.frame = o["frame"].toInt(0);
  const QJsonArray panels = o["panels"].toArray();
  for (int i = 0; i < int(v.panels.size()) && i < panels.size(); ++i) {
    const QJsonObject p = panels[i].toObject();
    auto& s = v.panels[size_t(i)];
    s.content = p["content"].toString();
    s.colourMap = p["colour_map"].toString();
    if (p["range"].isArray() && p["range"].toArray().size() == 2)
      s.range =
          std::make_pair(p["range"].toArray()[0].toDouble(), p["range"].toArray()[1].toDouble());
  }
  for (const auto& c : o["camera"].toArray()) v.camera.push_back(c.toDouble());
  if (v.camera.size() != 7) v.camera.clear();
  return v;
}
}  // namespace

bool sameData(const DataSettings& a, const DataSettings& b) {
  return dataToJson(a) == dataToJson(b);
}

bool sameLoad(const io::LoadOptions& a, const io::LoadOptions& b) {
  return a.crop == b.crop && a.firstFrame == b.firstFrame && a.lastFrame == b.lastFrame &&
         a.binning == b.binning;
}

bool ProjectState::dataFound() const { return QFileInfo(dataPath).isFile(); }

QString resultsDirFor(const QString& projectPath) {
  const QFileInfo fi(projectPath);
  return fi.absoluteDir().filePath(fi.completeBaseName() + QStringLiteral("_results"));
}

void saveProject(const QString& path, const ProjectState& s) {
  const QDir base = QFileInfo(path).absoluteDir();
  DataSettings data = s.data;
  QJsonObject dataJson = dataToJson(data);
  if (data.prep.mask != "auto")
    dataJson["mask"] = base.relativeFilePath(QString::fromStdString(data.prep.mask));
  dataJson["path"] = base.relativeFilePath(s.dataPath);
  // Also the absolute path: a project moved without its data still finds it.
  dataJson["absolute_path"] = QFileInfo(s.dataPath).absoluteFilePath();
  QJsonObject o{{"format", kFormat},
                {"version", kFormatVersion},
                {"data", dataJson},
                {"training", trainingToJson(s.training)},
                {"view", viewToJson(s.view)}};
  o["results"] =
      s.resultsDir.isEmpty() ? QJsonValue::Null : QJsonValue(base.relativeFilePath(s.resultsDir));
  try {
    util::writeFileAtomically(path.toStdString(), QJsonDocument(o).toJson().toStdString());
  } catch (const std::exception& e) {
    throw io::StackError(path.toStdString(), std::string("cannot save the project: ") + e.what());
  }
}

ProjectState loadProject(const QString& path) {
  const std::string p = path.toStdString();
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
    throw io::StackError(p, "cannot read the project: " + f.errorString().toStdString());
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
  if (err.error != QJsonParseError::NoError)
    throw io::StackError(p, "is not a valid project (JSON error at byte " +
                                std::to_string(err.offset) + ": " +
                                err.errorString().toStdString() + ")");
  const QJsonObject o = doc.object();
  if (o["format"].toString() != kFormat)
    throw io::StackError(p, "is not a Mollichrom project (no \"format\": \"mollichrom-project\")");
  if (o["version"].toInt() > kFormatVersion)
    throw io::StackError(p, "was saved by a newer Mollichrom (project format " +
                                std::to_string(o["version"].toInt()) + ")");
  const QDir base = QFileInfo(path).absoluteDir();
  ProjectState s;
  const QJsonObject data = o["data"].toObject();
  if (data["path"].toString().isEmpty()) throw io::StackError(p, "names no data file");
  // Where the data may be now: beside the project as saved (relative path), where it was
  // (absolute path), or in the project's folder under its own name. The first that exists.
  s.dataCandidates << QDir::cleanPath(base.absoluteFilePath(data["path"].toString()));
  if (data["absolute_path"].isString())
    s.dataCandidates << QDir::cleanPath(data["absolute_path"].toString());
  s.dataCandidates << base.filePath(QFileInfo(data["path"].toString()).fileName());
  s.dataCandidates.removeDuplicates();
  s.dataPath = s.dataCandidates.first();
  for (const QString& c : s.dataCandidates)
    if (QFileInfo(c).isFile()) {
      s.dataPath = c;
      break;
    }
  try {
    s.data = dataFromJson(data, base);
  } catch (const std::invalid_argument& e) {
    throw io::StackError(p, std::string("has a bad data setting: ") + e.what());
  }
  try {
    s.training = trainingFromJson(o["training"].toObject());
  } catch (const std::invalid_argument& e) {
    throw io::StackError(p, std::string("has a bad training setting: ") + e.what());
  }
  if (o["results"].isString()) {
    // As saved, else the "<name>_results" folder beside the project (a renamed project).
    s.resultsDir = QDir::cleanPath(base.absoluteFilePath(o["results"].toString()));
    if (!QFileInfo(s.resultsDir).isDir() && QFileInfo(resultsDirFor(path)).isDir())
      s.resultsDir = resultsDirFor(path);
  }
  s.view = viewFromJson(o["view"].toObject());
  return s;
}

}  // namespace mollichrom::ui
