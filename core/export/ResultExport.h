#pragma once
// What an inference run leaves behind, written the same way by the CLI (`infer --out/--json/
// --losses`) and the GUI (File ▸ Export): calibrated λ TIFF, CSV and PNG figure, the fields as
// TIFFs, the loss history as CSV and a summary JSON. Every file is written atomically.
#include "core/export/NucleusTable.h"
#include "core/io/Calibration.h"
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/train/Metrics.h"
#include "core/train/Trainer.h"

#include <opencv2/core.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mollichrom::exporting {

// Calibration of the prepared fields (what the maps were computed on: after crop and binning,
// with the user's overrides), for exported files.
io::Calibration calibrationOf(const prep::FieldData& data);

// How a run was set up, for the summary.
struct RunDescription {
  std::string program;  // "mollichrom-cli" or "mollichrom"
  std::string input;    // stack path
  std::string output;   // λ TIFF path (may be empty)
  prep::PrepOptions prep;
  models::ParameterChoice params;
  train::TrainerConfig config;
  int threads = 1;
  std::optional<train::MapAccuracy> accuracy;  // when a ground truth was given
};

// "step,seconds,total,data,pde,smooth,M,gamma_ac,learning_rate" and one row per step.
std::string lossesCsv(const std::vector<train::LossRecord>& losses);
void writeLossesCsv(const std::string& path, const std::vector<train::LossRecord>& losses);
// Reads what writeLossesCsv wrote (projects reopen their results). Throws io::StackError naming
// the file and line on malformed content.
std::vector<train::LossRecord> readLossesCsv(const std::string& path);

// The summary JSON: scalars with units and whether inferred, λ range, final losses, stop reason,
// the direct estimate with its identifiability, settings, versions, the input's SHA-256.
std::string summaryJson(const train::InferenceResult& result, const prep::FieldData& data,
                        const RunDescription& run);
void writeSummaryJson(const std::string& path, const train::InferenceResult& result,
                      const prep::FieldData& data, const RunDescription& run);

// λ as calibrated float32 TIFF (`<base>.tif`), CSV (`<base>.csv`) and PNG figure (`<base>.png`).
// Returns the paths written.
std::vector<std::string> writeLambdaFiles(const std::string& basePath, const cv::Mat& lambda,
                                          const io::Calibration& cal);

// Each field as calibrated float32 `<folder>/<name>.tif` (folder created if missing). Returns the
// paths written.
std::vector<std::string> writeFieldFiles(const std::string& folder,
                                         const std::map<std::string, cv::Mat>& fields,
                                         const io::Calibration& cal);

// Everything into `folder` (created if missing): lambda.{tif,csv,png}, lambda_low.tif and
// lambda_high.tif (the 90 % band, when computed), nuclei.csv (one row per nucleus),
// fields/<name>.tif for each field, losses.csv, summary.json. Returns the paths written. Throws
// io::StackError naming the file on failure.
std::vector<std::string> exportAll(const std::string& folder, const train::InferenceResult& result,
                                   const std::map<std::string, cv::Mat>& fields,
                                   const prep::FieldData& data, const RunDescription& run);

// The per-nucleus table of a result (labels from the prepared mask).
std::vector<NucleusRow> nucleusRows(const train::InferenceResult& result,
                                    const prep::FieldData& data);

// SHA-256 of a file (hex), empty when unreadable.
std::string fileSha256(const std::string& path);

// Which estimate λ is and why, in one line ("direct estimate (space kernel 6 px, …)"): the
// CLI's report, the GUI's status and log.
std::string answerDescription(const train::InferenceResult& result);

// How a scalar stands: "inferred", "given", "not identifiable from these data: …".
std::string scalarStatus(const train::InferenceResult& result, bool mobility);
// What the dynamics said about the share, M and Γ_ac, and whether the values used passed their
// test, in one line ("" when nothing was profiled).
std::string calibrationLine(const train::InferenceResult& result);
// "M 0.93 um^2/s, gamma_ac fixed at 1 1/s (not identifiable …)": never a default as a result.
std::string scalarLine(const train::InferenceResult& result);
// Where λ's noise comes from (DirectEstimate::staticNoiseShare), with what would lower it; empty
// when not measured.
std::string noiseFloorLine(const train::InferenceResult& result);
// The counts mapping's stated assumptions and λ's sensitivity to the share (empty otherwise).
std::string sensitivityLine(const prep::FieldData& data, const train::InferenceResult& result);

}  // namespace mollichrom::exporting
