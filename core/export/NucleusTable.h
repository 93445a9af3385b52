#pragma once
// One row per nucleus of the field: where it is, how big, and what λ looks like inside it — the
// numbers a biologist compares across cells. Written beside λ (`nuclei.csv`) and into the
// summary JSON ("nuclei").
#include "core/prep/NucleusLabels.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace mollichrom::exporting {

struct NucleusRow {
  int label = 0;
  double centroidXUm = 0, centroidYUm = 0, areaUm2 = 0;
  int pixels = 0;
  double finiteShare = 0;                         // share of the nucleus where λ is finite
  double mean = 0, median = 0, q25 = 0, q75 = 0;  // of λ over its finite pixels (NaN if none)
  double bandWidth = -1;                          // median width of the 90 % band (-1: no band)
  double M = 0, gammaAc = 0;
  // Where the scalars came from and their 90 % intervals (the run's calibration, Calibrate.h);
  // the share is this nucleus's own mean φ_h / mean φ_c at the gains applied, its interval the
  // gains' (empty source: no calibration step).
  double share = 0, shareLow = 0, shareHigh = 0;
  double MLow = 0, MHigh = 0, gammaAcLow = 0, gammaAcHigh = 0;
  std::string shareSource, MSource, gammaAcSource;
  bool touchesBorder = false;  // cut by the image border: statistics of part of a nucleus
  bool split = false;          // separated from a touching neighbour
  std::string fit;             // the fit verdict over this nucleus (FitQuality; empty: not tested)
};

// `low`/`high` may be empty. dx, dy: µm per pixel.
std::vector<NucleusRow> nucleusTable(const prep::NucleusLabels& labels, const cv::Mat& lambda,
                                     const cv::Mat& low, const cv::Mat& high, double dx, double dy,
                                     double M, double gammaAc);

// Header "label,centroid_x_um,..." and one line per row.
std::string nucleusTableCsv(const std::vector<NucleusRow>& rows);

}  // namespace mollichrom::exporting
