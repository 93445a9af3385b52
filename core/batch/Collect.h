#pragma once
// `batch collect`: the finished items of a batch merged into one table — one row per nucleus
// with its item, condition, λ statistics, scalars and quality flags — plus per-condition
// statistics (summary.json) and a figure of λ per condition (summary.png).
#include "core/batch/BatchFolder.h"
#include "core/batch/Manifest.h"

#include <map>
#include <string>
#include <vector>

namespace mollichrom::batch {

struct ConditionStats {
  std::string condition;
  int items = 0, nuclei = 0;    // nuclei counted in the statistics (whole, with a finite median)
  int nucleiAtBorder = 0;       // left out: cut by the image border
  std::vector<double> medians;  // per nucleus: median λ
  double median = 0, q25 = 0, q75 = 0, mean = 0;  // of the nucleus medians
  std::vector<float> pixels;                      // a sample of the finite λ pixels of its items
};

struct Comparison {
  std::string a, b;
  double medianRatio = 0;  // median(b) / median(a)
  double pValue = -1;      // two-sided Mann–Whitney U on the nucleus medians; -1: too few
  // The acquisition both sides belong to ("" when compared across acquisitions), and what the
  // ratio of λ levels rests on, in words.
  std::string acquisition;
  bool withinAcquisition = false;
  std::string basis;
};

struct CollectResult {
  std::string resultsCsv, summaryJson, figurePng;  // the files written
  int items = 0, done = 0, rows = 0;
  std::vector<std::string> notDone;  // "name (state)"
  std::vector<ConditionStats> conditions;
  std::vector<Comparison> comparisons;
  int fromCounts = 0;                // items whose λ came from camera counts
  int assumedShare = 0;              // of those, items whose share was assumed, not identified
  std::vector<std::string> caveats;  // what the comparisons cannot show
};

// Writes DIR/results.csv, DIR/summary.json and DIR/summary.png atomically. Throws
// BatchInputError when nothing is finished yet.
CollectResult collectBatch(const BatchFolder& folder, const std::vector<BatchItem>& items);

// Two-sided p-value of the Mann–Whitney U test (normal approximation with tie correction);
// -1 when either sample has fewer than 3 values.
double mannWhitneyP(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace mollichrom::batch
