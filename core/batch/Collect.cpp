#include "core/batch/Collect.h"

#include "core/batch/Csv.h"
#include "core/batch/SummaryFigure.h"
#include "core/io/StackReader.h"
#include "core/util/AtomicFile.h"
#include "core/util/TextFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

namespace mollichrom::batch {

namespace {

constexpr size_t kPixelSample = 200000;  // per condition, for the figure's distributions

std::string readText(const std::string& file) { return util::readTextFile(file).value_or(""); }

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

double toDouble(const std::string& s) {
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    return used ? v : std::nan("");
  } catch (const std::exception&) {
    return std::nan("");
  }
}

struct ItemFlags {
  std::string warnings;     // the data warnings' codes, ';'-joined
  std::string fit;          // the field's fit verdict
  bool counts = false;      // λ from camera counts
  std::string shareSource;  // where the counts mapping's share came from (calibration step)
  double share = 0, shareLow = 0, shareHigh = 0;
  std::string calibrationFile;
};

ItemFlags summaryFlags(const std::string& file) {
  const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(readText(file))).object();
  ItemFlags f;
  for (const auto& w : o.value("warnings").toArray()) {
    if (!f.warnings.empty()) f.warnings += ';';
    f.warnings += w.toObject().value("code").toString().toStdString();
  }
  f.fit = o.value("fit").toObject().value("verdict").toString().toStdString();
  f.counts = o.value("intensity").toObject().value("mode").toString() == "counts";
  const QJsonObject cal = o.value("calibration").toObject();
  const QJsonObject share = cal.value("share").toObject();
  f.shareSource = share.value("source").toString().toStdString();
  f.share = share.value("value").toDouble();
  const QJsonArray interval = share.value("interval90").toArray();
  f.shareLow = interval.size() == 2 ? interval[0].toDouble() : f.share;
  f.shareHigh = interval.size() == 2 ? interval[1].toDouble() : f.share;
  f.calibrationFile = cal.value("file").toString().toStdString();
  return f;
}

void samplePixels(const std::string& lambdaTif, std::vector<float>& out, size_t budget) {
  try {
    auto src = io::openStack(lambdaTif);
    const cv::Mat plane = src->plane(0, 0, 0);
    cv::Mat f;
    plane.convertTo(f, CV_32F);
    std::vector<float> finite;
    for (int y = 0; y < f.rows; ++y)
      for (int x = 0; x < f.cols; ++x)
        if (std::isfinite(f.at<float>(y, x))) finite.push_back(f.at<float>(y, x));
    const size_t stride = std::max<size_t>(1, finite.size() / std::max<size_t>(1, budget));
    for (size_t i = 0; i < finite.size(); i += stride) out.push_back(finite[i]);
  } catch (const std::exception&) {
    // The table still has the item; only its pixels are missing from the figure.
  }
}

QJsonObject statsJson(const ConditionStats& c) {
  const auto num = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
  return QJsonObject{{"condition", QString::fromStdString(c.condition)},
                     {"items", c.items},
                     {"nuclei", c.nuclei},
                     {"nuclei_left_out_at_border", c.nucleiAtBorder},
                     {"lambda_median_of_nuclei", num(c.median)},
                     {"lambda_q25_of_nuclei", num(c.q25)},
                     {"lambda_q75_of_nuclei", num(c.q75)},
                     {"lambda_mean_of_nuclei", num(c.mean)},
                     {"pixels_sampled", static_cast<int>(c.pixels.size())}};
}

}  // namespace

double mannWhitneyP(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 3 || b.size() < 3) return -1;
  std::vector<std::pair<double, int>> all;
  for (double v : a) all.emplace_back(v, 0);
  for (double v : b) all.emplace_back(v, 1);
  std::sort(all.begin(), all.end());
  const double n = double(all.size()), n1 = double(a.size()), n2 = double(b.size());
  double rankSumA = 0, tieTerm = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double rank = 0.5 * double(i + 1 + j);  // mean of ranks i+1..j
    for (size_t k = i; k < j; ++k)
      if (all[k].second == 0) rankSumA += rank;
    const double t = double(j - i);
    tieTerm += t * t * t - t;
    i = j;
  }
  const double u = rankSumA - n1 * (n1 + 1) / 2;
  const double mean = n1 * n2 / 2;
  const double var = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)));
  if (var <= 0) return 1;
  const double z = (std::abs(u - mean) - 0.5) / std::sqrt(var);  // continuity correction
  return std::min(1.0, std::erfc(std::max(0.0, z) / std::sqrt(2.0)));
}

CollectResult collectBatch(const BatchFolder& folder, const std::vector<BatchItem>& items) {
  CollectResult out;
  out.items = static_cast<int>(items.size());
  std::vector<std::string> order;  // conditions in the order first seen
  std::map<std::string, ConditionStats> byCondition;
  std::string table;
  CsvRow nucleusHeader;
  struct ItemInfo {
    std::string condition, acquisition;
    ItemFlags flags;
    std::vector<double> medians;  // its whole nuclei's median λ
  };
  std::vector<ItemInfo> itemInfo;  // the done items, for what each comparison rests on
  for (const BatchItem& item : items) {
    const ItemStatus st = folder.status(item.name);
    if (st.state != ItemState::Done) {
      out.notDone.push_back(item.name + " (" + itemStateName(st.state) + ")");
      continue;
    }
    const std::string dir = folder.itemDir(item.name);
    const auto rows = parseCsv(readText(dir + "/nuclei.csv"));
    if (rows.empty()) {
      out.notDone.push_back(item.name + " (no nuclei.csv)");
      continue;
    }
    ++out.done;
    if (nucleusHeader.empty()) {
      nucleusHeader = rows.front();
      CsvRow header{"item", "condition", "acquisition", "input"};
      for (const auto& h : nucleusHeader) header.push_back(h == "label" ? "nucleus" : h);
      header.push_back("field_fit");
      header.push_back("item_warnings");
      table = csvLine(header);
    }
    const ItemFlags flags = summaryFlags(dir + "/summary.json");
    if (flags.counts) ++out.fromCounts;
    if (flags.counts && (flags.shareSource.empty() || flags.shareSource == "assumed"))
      ++out.assumedShare;
    itemInfo.push_back(
        {item.condition.empty() ? "(none)" : item.condition, item.acquisition, flags, {}});
    const std::string condition = item.condition.empty() ? "(none)" : item.condition;
    if (!byCondition.count(condition)) {
      order.push_back(condition);
      byCondition[condition].condition = condition;
    }
    ConditionStats& stats = byCondition[condition];
    ++stats.items;
    const auto column = [&](const std::string& name) {
      const auto it = std::find(rows.front().begin(), rows.front().end(), name);
      return it == rows.front().end() ? -1 : int(it - rows.front().begin());
    };
    const int medianCol = column("lambda_median"), borderCol = column("touches_border");
    for (size_t r = 1; r < rows.size(); ++r) {
      CsvRow line{item.name, item.condition, item.acquisition, item.path};
      // Columns by name: an item written by another version keeps its values in place.
      for (const auto& h : nucleusHeader) {
        const int c = column(h);
        line.push_back(c >= 0 && c < int(rows[r].size()) ? rows[r][c] : std::string());
      }
      line.push_back(flags.fit);
      line.push_back(flags.warnings);
      table += csvLine(line);
      ++out.rows;
      const bool border = borderCol >= 0 && borderCol < int(rows[r].size()) &&
                          (rows[r][borderCol] == "1" || rows[r][borderCol] == "true");
      const double m = medianCol >= 0 ? toDouble(rows[r][medianCol]) : std::nan("");
      if (border) {
        ++stats.nucleiAtBorder;
      } else if (std::isfinite(m)) {
        stats.medians.push_back(m);
        itemInfo.back().medians.push_back(m);
      }
    }
    samplePixels(dir + "/lambda.tif", stats.pixels, kPixelSample / 4);
  }
  if (out.done == 0)
    throw BatchInputError(folder.dir() + ": no finished items to collect yet (" +
                          std::to_string(items.size()) + " pending or failed)");

  QJsonArray conditionsJson;
  for (const std::string& name : order) {
    ConditionStats& c = byCondition[name];
    c.nuclei = static_cast<int>(c.medians.size());
    c.median = quantile(c.medians, 0.5);
    c.q25 = quantile(c.medians, 0.25);
    c.q75 = quantile(c.medians, 0.75);
    c.mean = c.medians.empty() ? std::nan("")
                               : std::accumulate(c.medians.begin(), c.medians.end(), 0.0) /
                                     double(c.medians.size());
    if (c.pixels.size() > kPixelSample) {  // every k-th: all items keep their share
      const size_t k = (c.pixels.size() + kPixelSample - 1) / kPixelSample;
      std::vector<float> kept;
      for (size_t i = 0; i < c.pixels.size(); i += k) kept.push_back(c.pixels[i]);
      c.pixels.swap(kept);
    }
    conditionsJson.append(statsJson(c));
    out.conditions.push_back(c);
  }
  // Comparisons within each acquisition (its conditions on one calibration), then across
  // acquisitions when there are several (saying what such a ratio rests on).
  QJsonArray comparisonsJson;
  std::vector<std::string> acquisitions;
  for (const auto& info : itemInfo)
    if (std::find(acquisitions.begin(), acquisitions.end(), info.acquisition) == acquisitions.end())
      acquisitions.push_back(info.acquisition);
  auto describeBasis = [&](const std::vector<const ItemInfo*>& members, bool within) {
    bool counts = false, assumed = false, sameFile = true;
    std::string file, source;
    for (const auto* m : members) {
      if (!m->flags.counts) continue;
      counts = true;
      assumed = assumed || m->flags.shareSource.empty() || m->flags.shareSource == "assumed";
      if (file.empty()) {
        file = m->flags.calibrationFile;
        source = m->flags.shareSource;
      }
      sameFile = sameFile && m->flags.calibrationFile == file;
    }
    std::ostringstream s;
    s.precision(3);
    if (!counts) return std::string("volume fractions: no gains involved");
    if (assumed)
      return std::string(
          "camera counts with the share ASSUMED for some items: lambda's level "
          "follows that assumption, not the data");
    if (within && sameFile && !file.empty())
      s << "one acquisition's calibration (" << source << "; " << file << "): its gains apply to "
        << "both conditions, so the ratio compares the cells' own shares";
    else if (within)
      s << "one acquisition, gains identified per stack (" << source << ")";
    else
      s << "different acquisitions, each on its own calibration: the ratio rests on each "
           "acquisition's gains and on the density scale stated for each (mean phi_c), not on a "
           "shared setting";
    return s.str();
  };
  auto compare = [&](const std::string& acq, bool within) {
    std::vector<std::string> names;
    std::map<std::string, std::vector<double>> medians;  // nucleus medians per condition
    std::map<std::string, std::vector<const ItemInfo*>> members;
    for (const auto& info : itemInfo) {
      if (within && info.acquisition != acq) continue;
      if (!medians.count(info.condition)) names.push_back(info.condition);
      members[info.condition].push_back(&info);
      auto& m = medians[info.condition];
      m.insert(m.end(), info.medians.begin(), info.medians.end());
    }
    for (size_t i = 0; i < names.size(); ++i)
      for (size_t j = i + 1; j < names.size(); ++j) {
        const auto& a = medians[names[i]];
        const auto& b = medians[names[j]];
        std::vector<const ItemInfo*> both = members[names[i]];
        both.insert(both.end(), members[names[j]].begin(), members[names[j]].end());
        Comparison cmp{
            names[i],          names[j], quantile(b, 0.5) / quantile(a, 0.5), mannWhitneyP(a, b),
            within ? acq : "", within,   describeBasis(both, within)};
        out.comparisons.push_back(cmp);
        QJsonObject o{{"a", QString::fromStdString(cmp.a)},
                      {"b", QString::fromStdString(cmp.b)},
                      {"median_ratio_b_over_a",
                       std::isfinite(cmp.medianRatio) ? QJsonValue(cmp.medianRatio) : QJsonValue()},
                      {"mann_whitney_p", cmp.pValue < 0 ? QJsonValue() : QJsonValue(cmp.pValue)},
                      {"within_acquisition", within},
                      {"basis", QString::fromStdString(cmp.basis)}};
        if (within) o["acquisition"] = QString::fromStdString(acq);
        comparisonsJson.append(o);
      }
  };
  for (const auto& acq : acquisitions) compare(acq, true);
  if (acquisitions.size() > 1) compare("", false);
  QJsonArray caveats;
  if (out.assumedShare > 0) {
    out.caveats.push_back(
        std::to_string(out.assumedShare) + " of " + std::to_string(out.fromCounts) +
        " item(s) of camera counts ran with an ASSUMED heterochromatin share (their acquisition's "
        "dynamics did not identify it, or it was given): their lambda's overall level follows "
        "that assumption; patterns within nuclei compare");
    caveats.append(QString::fromStdString(out.caveats.back()));
  }
  if (acquisitions.size() > 1) {
    out.caveats.push_back(std::to_string(acquisitions.size()) +
                          " acquisitions: conditions are compared within each on its own "
                          "calibration; a comparison across acquisitions rests on each one's "
                          "gains and stated density scale");
    caveats.append(QString::fromStdString(out.caveats.back()));
  }
  QJsonArray notDone;
  for (const auto& n : out.notDone) notDone.append(QString::fromStdString(n));
  const QJsonObject summary{
      {"items", out.items},
      {"items_done", out.done},
      {"items_not_done", notDone},
      {"nucleus_rows", out.rows},
      {"statistic",
       "per condition: the median lambda of each whole nucleus (nuclei cut by the "
       "image border left out); comparisons: Mann-Whitney U on those medians, "
       "two-sided, normal approximation (needs >= 3 nuclei a side); nuclei of one "
       "field are not independent cells of an experiment"},
      {"conditions", conditionsJson},
      {"comparisons", comparisonsJson},
      {"caveats", caveats}};

  out.resultsCsv = folder.dir() + "/results.csv";
  out.summaryJson = folder.dir() + "/summary.json";
  out.figurePng = folder.dir() + "/summary.png";
  util::writeFileAtomically(out.resultsCsv, table);
  util::writeFileAtomically(out.summaryJson, QJsonDocument(summary).toJson().toStdString());
  writeSummaryFigure(out.figurePng, out.conditions);
  return out;
}

}  // namespace mollichrom::batch
