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
  std::string warnings;  // the data warnings' codes, ';'-joined
  std::string fit;       // the field's fit verdict
  bool counts = false;   // λ from camera counts (its scale follows the assumed share)
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
      CsvRow header{"item", "condition", "input"};
      for (const auto& h : nucleusHeader) header.push_back(h == "label" ? "nucleus" : h);
      header.push_back("field_fit");
      header.push_back("item_warnings");
      table = csvLine(header);
    }
    const ItemFlags flags = summaryFlags(dir + "/summary.json");
    if (flags.counts) ++out.fromCounts;
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
      CsvRow line{item.name, item.condition, item.path};
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
  QJsonArray comparisonsJson;
  for (size_t i = 0; i < out.conditions.size(); ++i)
    for (size_t j = i + 1; j < out.conditions.size(); ++j) {
      const auto& a = out.conditions[i];
      const auto& b = out.conditions[j];
      Comparison cmp{a.condition, b.condition, b.median / a.median,
                     mannWhitneyP(a.medians, b.medians)};
      out.comparisons.push_back(cmp);
      comparisonsJson.append(
          QJsonObject{{"a", QString::fromStdString(cmp.a)},
                      {"b", QString::fromStdString(cmp.b)},
                      {"median_ratio_b_over_a",
                       std::isfinite(cmp.medianRatio) ? QJsonValue(cmp.medianRatio) : QJsonValue()},
                      {"mann_whitney_p", cmp.pValue < 0 ? QJsonValue() : QJsonValue(cmp.pValue)}});
    }
  QJsonArray caveats;
  if (out.fromCounts > 0) {
    out.caveats.push_back(
        std::to_string(out.fromCounts) +
        " item(s) were camera counts: their lambda scale follows the assumed heterochromatin "
        "share (--hetero-share, default 0.5), so a change of lambda's overall level between "
        "conditions is hidden unless the share was measured for each condition; patterns "
        "within nuclei compare");
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
