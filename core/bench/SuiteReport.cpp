#include "core/bench/SuiteReport.h"

#include "core/sim/problems/InverseProblem.h"
#include "core/util/AtomicFile.h"
#include "core/util/Median.h"
#include "core/util/PlotDrawing.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

namespace mollichrom::bench {

namespace {

using util::drawText;

std::string fixed(double v, int digits) {
  if (!(v >= 0) || !std::isfinite(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

std::string pairName(const ProblemRunConfig& c) { return c.arch + " / " + c.engine; }

// The problems, (network, engine) pairs, noise levels and seeds of the rows, in first-seen
// order (noise ascending).
struct Layout {
  std::vector<std::string> problems, pairs;
  std::vector<double> noises;
  std::vector<unsigned long long> seeds;
  bool severalSeeds() const { return seeds.size() > 1; }
};

Layout layoutOf(const std::vector<ProblemSuiteRow>& rows) {
  Layout l;
  auto add = [](std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  };
  for (const auto& r : rows) {
    add(l.problems, r.config.problem);
    add(l.pairs, pairName(r.config));
    if (std::none_of(l.noises.begin(), l.noises.end(),
                     [&](double n) { return std::abs(n - r.config.noise) < 1e-9; }))
      l.noises.push_back(r.config.noise);
  }
  std::sort(l.noises.begin(), l.noises.end());
  l.seeds = seedsOf(rows);
  return l;
}

// The rows of one cell (problem, pair, noise), one per seed in the layout's order.
std::vector<const ProblemSuiteRow*> cell(const std::vector<ProblemSuiteRow>& rows,
                                         const std::string& problem, const std::string& pair,
                                         double noise) {
  std::vector<const ProblemSuiteRow*> out;
  for (const auto& r : rows)
    if (r.config.problem == problem && pairName(r.config) == pair &&
        std::abs(r.config.noise - noise) < 1e-9)
      out.push_back(&r);
  return out;
}

bool usable(const ProblemSuiteRow* r) {
  return r && r->result.error.empty() && !r->result.diverged && r->result.relativeL2 >= 0;
}

// A cell's parameter errors over its seeds: (median, smallest, largest) of the usable runs;
// nothing when none is usable.
struct Spread {
  double median = -1, lo = -1, hi = -1;
  int runs = 0;
};
Spread errorSpread(const std::vector<const ProblemSuiteRow*>& runs) {
  std::vector<double> v;
  for (const auto* r : runs)
    if (usable(r)) v.push_back(r->result.relativeL2);
  if (v.empty()) return {};
  return {util::median(v), *std::min_element(v.begin(), v.end()),
          *std::max_element(v.begin(), v.end()), static_cast<int>(v.size())};
}

// The colour of a pair: by network; the engine by its marker (filled circle: mollifier, open
// square: autodiff) and its line (solid, thin).
cv::Scalar colourOf(const Layout& l, const std::string& pair) {
  const std::string arch = pair.substr(0, pair.find(" / "));
  std::vector<std::string> archs;
  for (const auto& p : l.pairs) {
    const std::string a = p.substr(0, p.find(" / "));
    if (std::find(archs.begin(), archs.end(), a) == archs.end()) archs.push_back(a);
  }
  return util::paletteColour(
      static_cast<int>(std::find(archs.begin(), archs.end(), arch) - archs.begin()));
}
bool isAutodiff(const std::string& pair) { return pair.find("autodiff") != std::string::npos; }

void marker(cv::Mat& img, cv::Point p, cv::Scalar c, bool autodiff) {
  if (autodiff) {
    cv::rectangle(img, {p.x - 5, p.y - 5}, {p.x + 5, p.y + 5}, c, 2, cv::LINE_AA);
  } else {
    cv::circle(img, p, 5, c, cv::FILLED, cv::LINE_AA);
  }
}

void legend(cv::Mat& img, const Layout& l, int x, int y) {
  for (const auto& p : l.pairs) {
    const cv::Scalar c = colourOf(l, p);
    cv::line(img, {x, y - 4}, {x + 28, y - 4}, c, isAutodiff(p) ? 1 : 2, cv::LINE_AA);
    marker(img, {x + 14, y - 4}, c, isAutodiff(p));
    drawText(img, p, {x + 36, y}, 0.45, -1);
    y += 22;
  }
}

// Positive values' range for a log axis, padded to whole decades' neighbours.
std::pair<double, double> logRange(const std::vector<double>& v) {
  double lo = 1e300, hi = 0;
  for (double x : v)
    if (x > 0 && std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!(hi > 0)) return {0.01, 1};
  lo = std::pow(10.0, std::floor(std::log10(lo)));
  hi = std::pow(10.0, std::ceil(std::log10(hi * 1.0001)));
  if (hi <= lo) hi = lo * 10;
  return {lo, hi};
}

void errorPlot(const std::string& path, const std::vector<ProblemSuiteRow>& rows, const Layout& l) {
  const int panelW = 360, panelH = 300, left = 70, top = 70, gap = 40, legendW = 250;
  const int n = static_cast<int>(l.problems.size());
  cv::Mat img(top + panelH + 70, left + n * (panelW + gap) + legendW, CV_8UC3,
              cv::Scalar(255, 255, 255));
  std::vector<double> all;
  for (const auto& r : rows)
    if (usable(&r)) all.push_back(r.result.relativeL2);
  const auto [lo, hi] = logRange(all);
  drawText(img, "parameter error (relative L2) vs noise; lower is better", {img.cols / 2, 30}, 0.62,
           0, {20, 20, 20});
  for (int k = 0; k < n; ++k) {
    const int x0 = left + k * (panelW + gap), x1 = x0 + panelW;
    util::ValueAxis axis{lo, hi, true, top, panelH};
    axis.draw(img, x0, x1,
              l.problems[k] + " (order " +
                  std::to_string(sim::derivativeOrder(sim::parseProblem(l.problems[k]))) + ")");
    const int m = static_cast<int>(l.noises.size());
    auto xOf = [&](int i) { return x0 + (m == 1 ? panelW / 2 : 30 + i * (panelW - 60) / (m - 1)); };
    for (int i = 0; i < m; ++i)
      drawText(img, util::shortNumber(100 * l.noises[i]) + " %", {xOf(i), top + panelH + 22}, 0.45);
    // The start every fit shares (the network-free constant p): a fit that stays here learnt
    // nothing of p's pattern.
    // (Each seed has its own start; the median of theirs.)
    std::vector<cv::Point> start;
    for (int i = 0; i < m; ++i) {
      std::map<unsigned long long, double> bySeed;
      for (const auto& r : rows)
        if (r.config.problem == l.problems[k] && std::abs(r.config.noise - l.noises[i]) < 1e-9 &&
            !r.result.errorCurve.empty())
          bySeed.emplace(r.config.seed, r.result.errorCurve.front().second);
      std::vector<double> v;
      for (const auto& [seed, e] : bySeed) v.push_back(e);
      if (!v.empty()) start.push_back({xOf(i), axis.y(util::median(v))});
    }
    for (size_t i = 0; i + 1 < start.size(); ++i)
      for (double f = 0; f < 1; f += 0.1) {  // dotted
        const cv::Point2d a = start[i], d = cv::Point2d(start[i + 1]) - a;
        cv::line(img, a + d * f, a + d * (f + 0.05), {150, 150, 150}, 1, cv::LINE_AA);
      }
    for (const auto& q : start) cv::drawMarker(img, q, {150, 150, 150}, cv::MARKER_CROSS, 8, 1);
    for (const auto& p : l.pairs) {
      std::vector<cv::Point> pts;
      // Several seeds: the median, and a bar over the seeds' range (offset per pair so that
      // the pairs' bars do not hide each other).
      const int pi =
          static_cast<int>(std::find(l.pairs.begin(), l.pairs.end(), p) - l.pairs.begin());
      const int dx = 4 * (2 * pi - static_cast<int>(l.pairs.size()) + 1) / 2;
      for (int i = 0; i < m; ++i) {
        const auto runs = cell(rows, l.problems[k], p, l.noises[i]);
        const Spread e = errorSpread(runs);
        if (e.runs > 0) {
          pts.push_back({xOf(i), axis.y(e.median)});
          if (e.runs > 1)
            cv::line(img, {xOf(i) + dx, axis.y(e.lo)}, {xOf(i) + dx, axis.y(e.hi)}, colourOf(l, p),
                     1, cv::LINE_AA);
        }
        if (std::any_of(runs.begin(), runs.end(),
                        [](const ProblemSuiteRow* r) { return r->result.diverged; }))
          drawText(img, "x", {xOf(i), top + 14}, 0.6, 0, colourOf(l, p), 2);  // diverged
      }
      if (pts.size() > 1)
        cv::polylines(img, std::vector<std::vector<cv::Point>>{pts}, false, colourOf(l, p),
                      isAutodiff(p) ? 1 : 2, cv::LINE_AA);
      for (const auto& q : pts) marker(img, q, colourOf(l, p), isAutodiff(p));
    }
  }
  drawText(img, "noise (of the field's range)", {left + n * (panelW + gap) / 2, top + panelH + 52},
           0.48);
  legend(img, l, left + n * (panelW + gap), top + 20);
  const int below = top + 30 + 22 * int(l.pairs.size()), lx = left + n * (panelW + gap);
  cv::drawMarker(img, {lx + 14, below - 4}, {150, 150, 150}, cv::MARKER_CROSS, 8, 1);
  drawText(img, "start: the constant p", {lx + 36, below}, 0.45, -1);
  drawText(img, "x at the top: diverged", {lx, below + 24}, 0.42, -1, {90, 90, 90});
  if (l.severalSeeds())
    drawText(img, "median of " + std::to_string(l.seeds.size()) + " seeds; bar: their range",
             {lx, below + 46}, 0.42, -1, {90, 90, 90});
  util::writePng(path, img);
}

// Grouped bars: per problem, one bar per pair, the median over the noise levels of `value`.
void barPlot(const std::string& path, const std::vector<ProblemSuiteRow>& rows, const Layout& l,
             const std::string& title, const std::string& unit,
             double (*value)(const ProblemRunResult&)) {
  const int bar = 34, groupGap = 50, left = 80, top = 80, plotH = 320, legendW = 290;
  const int groupW = bar * static_cast<int>(l.pairs.size());
  const int n = static_cast<int>(l.problems.size());
  cv::Mat img(top + plotH + 60, left + n * (groupW + groupGap) + legendW, CV_8UC3,
              cv::Scalar(255, 255, 255));
  std::map<std::pair<std::string, std::string>, double> medians;
  std::vector<double> all;
  for (const auto& prob : l.problems)
    for (const auto& p : l.pairs) {
      std::vector<double> v;
      for (double noise : l.noises)
        for (const auto* r : cell(rows, prob, p, noise))
          if (r->result.error.empty() && value(r->result) > 0) v.push_back(value(r->result));
      if (v.empty()) continue;
      medians[{prob, p}] = util::median(v);
      all.push_back(medians[{prob, p}]);
    }
  const auto [lo, hi] = logRange(all);
  util::ValueAxis axis{lo, hi, true, top, plotH};
  axis.draw(img, left, left + n * (groupW + groupGap), unit);
  drawText(img, title, {img.cols / 2, 32}, 0.62, 0, {20, 20, 20});
  drawText(img,
           l.severalSeeds() ? "median over the noise levels and seeds, log scale"
                            : "median over the noise levels, log scale",
           {img.cols / 2, 54}, 0.45, 0, {90, 90, 90});
  for (int k = 0; k < n; ++k) {
    const int gx = left + groupGap / 2 + k * (groupW + groupGap);
    for (size_t i = 0; i < l.pairs.size(); ++i) {
      const auto it = medians.find({l.problems[k], l.pairs[i]});
      if (it == medians.end()) continue;
      const int x = gx + static_cast<int>(i) * bar;
      const cv::Scalar c = colourOf(l, l.pairs[i]);
      const int y = axis.y(it->second);
      if (isAutodiff(l.pairs[i])) {
        cv::rectangle(img, {x + 3, y}, {x + bar - 3, top + plotH}, c, 2, cv::LINE_AA);
      } else {
        cv::rectangle(img, {x + 3, y}, {x + bar - 3, top + plotH}, c, cv::FILLED, cv::LINE_AA);
      }
      drawText(img, util::shortNumber(it->second), {x + bar / 2, y - 5}, 0.36);
    }
    drawText(img, l.problems[k], {gx + groupW / 2, top + plotH + 22}, 0.5);
  }
  legend(img, l, left + n * (groupW + groupGap) + 10, top + 20);
  drawText(img, "filled: mollifier, outlined: autodiff",
           {left + n * (groupW + groupGap) + 10, top + 30 + 22 * int(l.pairs.size())}, 0.42, -1,
           {90, 90, 90});
  util::writePng(path, img);
}

std::string misfitCell(double chi2) {
  if (!(chi2 >= 0)) return "-";
  char b[48];
  std::snprintf(b, sizeof b, chi2 < 100 ? "%.2f" : "%.3g", chi2);
  return std::string(b) + (fieldNotFitted(chi2) ? " **not fitted**" : "");
}

}  // namespace

std::string suiteCsv(const std::vector<ProblemSuiteRow>& rows) {
  std::ostringstream o;
  o << "problem,order,parameter,noise,network,engine,seed,relative_l2,pearson,median_step_ms,"
       "working_mb,peak_mb,time_to_target_s,data_misfit,prior_length,steps,seconds,diverged,"
       "error\n";
  for (const auto& r : rows) {
    const auto kind = sim::parseProblem(r.config.problem);
    std::string err = r.result.error;
    std::replace(err.begin(), err.end(), ',', ';');
    std::replace(err.begin(), err.end(), '\n', ' ');
    std::replace(err.begin(), err.end(), '"', '\'');
    o << r.config.problem << ',' << sim::derivativeOrder(kind) << ',' << sim::parameterName(kind)
      << ',' << r.config.noise << ',' << r.config.arch << ',' << r.config.engine << ','
      << r.config.seed << ',' << r.result.relativeL2 << ',' << r.result.pearson << ','
      << r.result.medianStepMs << ',' << r.result.workingMb << ',' << r.result.peakMb << ','
      << r.result.timeToTarget << ',' << r.result.dataMisfit << ',' << r.result.priorLength << ','
      << r.result.steps << ',' << r.result.seconds << ',' << (r.result.diverged ? "yes" : "no")
      << ',' << err << '\n';
  }
  return o.str();
}

void writeSuiteReport(const std::string& dir, const std::vector<ProblemSuiteRow>& rows,
                      const std::vector<TargetCheck>& targets, int threads, double totalSeconds) {
  std::filesystem::create_directories(dir);
  const Layout l = layoutOf(rows);
  std::vector<ProblemRunConfig> configs;
  for (const auto& r : rows) configs.push_back(r.config);
  util::writeFileAtomically(dir + "/results.csv", suiteCsv(rows));
  std::ostringstream md;
  md << "# Mollifier layers vs recursive autodiff: the benchmark suite\n\n"
     << "`mollichrom-cli bench suite`: " << rows.size() << " runs, each with a budget of "
     << budgetsText(configs) << " s of training, " << threads << " threads, "
     << fixed(totalSeconds / 60, 1)
     << " min in all. Parameter error: relative L2 against the truth on the interior the "
        "mollifier's kernel reaches; step: median time of a training step with the PDE term; "
        "memory: peak RSS minus RSS before training; t<"
     << kTargetRelativeL2 << ": seconds until the error first fell below " << kTargetRelativeL2
     << " (- : not within the budget); field χ²: mean(((u − data)/σ)²) of the final fields, about "
        "1 when they fit the data to their noise — above "
     << kFittedMisfit
     << " (**not fitted**) the fields, and so the parameter's residual, are not the data's.\n\n"
        "## Targets\n\n";
  for (const auto& t : targets) {
    // Several seeds' figures ("seed 1: … | seed 2: … | met on k of n seeds"): one line each.
    std::string figures = t.figures;
    for (size_t at = 0; (at = figures.find(" | ", at)) != std::string::npos;)
      figures.replace(at, 3, "\n  - ");
    md << "- **" << (t.holds ? "met" : "not met") << "** — " << t.what << ":"
       << (figures == t.figures ? " " + figures : "\n  - " + figures) << "\n";
  }
  if (targets.empty()) md << "- (these rows answer none of the targets)\n";
  const bool seeds = l.severalSeeds();
  if (seeds) {
    md << "\nSeeds";
    for (size_t i = 0; i < l.seeds.size(); ++i) md << (i ? ", " : " ") << l.seeds[i];
    md << " (a seed draws the initial field, the noise and the networks' weights): each "
          "problem's table lists every run, then the median, best and worst error of each "
          "cell over the seeds.\n";
  }
  for (const auto& prob : l.problems) {
    const auto kind = sim::parseProblem(prob);
    md << "\n## " << prob << " (order " << sim::derivativeOrder(kind) << ": "
       << sim::equationText(kind) << "; infer " << sim::parameterName(kind) << ")\n\n"
       << "| noise | network | engine | " << (seeds ? "seed | " : "")
       << "rel. L2 | Pearson | step ms | memory MB | t<" << kTargetRelativeL2
       << " s | field χ² | steps | diverged |\n|---|---|---|" << (seeds ? "---|" : "")
       << "---|---|---|---|---|---|---|---|\n";
    for (double noise : l.noises)
      for (const auto& p : l.pairs)
        for (const ProblemSuiteRow* r : cell(rows, prob, p, noise)) {
          const auto& x = r->result;
          md << "| " << util::shortNumber(100 * noise) << " % | " << r->config.arch << " | "
             << r->config.engine << " | ";
          if (seeds) md << r->config.seed << " | ";
          if (!x.error.empty()) {
            md << "failed: " << x.error << " | | | | | | | |\n";
            continue;
          }
          char pearson[16];
          std::snprintf(pearson, sizeof pearson, "%.3f", x.pearson);
          md << fixed(x.relativeL2, 3) << " | " << pearson << " | " << fixed(x.medianStepMs, 1)
             << " | " << fixed(x.workingMb, 0) << " | " << fixed(x.timeToTarget, 1) << " | "
             << misfitCell(x.dataMisfit) << " | " << x.steps << " | " << (x.diverged ? "yes" : "no")
             << " |\n";
        }
    if (!seeds) continue;
    md << "\nOver the seeds (rel. L2 of the runs that finished and did not diverge):\n\n"
          "| noise | network | engine | median | best | worst | runs |\n"
          "|---|---|---|---|---|---|---|\n";
    for (double noise : l.noises)
      for (const auto& p : l.pairs) {
        const auto runs = cell(rows, prob, p, noise);
        if (runs.empty()) continue;
        const Spread e = errorSpread(runs);
        md << "| " << util::shortNumber(100 * noise) << " % | " << runs.front()->config.arch
           << " | " << runs.front()->config.engine << " | " << fixed(e.median, 3) << " | "
           << fixed(e.lo, 3) << " | " << fixed(e.hi, 3) << " | " << e.runs << " of " << runs.size()
           << " |\n";
      }
  }
  md << "\n![error vs noise](error_vs_noise.png)\n\n![step time](step_time.png)\n\n"
        "![memory](memory.png)\n";
  util::writeFileAtomically(dir + "/report.md", md.str());
  errorPlot(dir + "/error_vs_noise.png", rows, l);
  barPlot(dir + "/step_time.png", rows, l, "time per training step", "ms",
          [](const ProblemRunResult& r) { return r.medianStepMs; });
  barPlot(dir + "/memory.png", rows, l, "working memory of a run", "MB",
          [](const ProblemRunResult& r) { return r.workingMb; });
}

}  // namespace mollichrom::bench
