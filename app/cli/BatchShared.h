#pragma once
// What `batch`, `batch task`, `batch status` and `batch collect` share: which infer options an
// item may carry.
#include "core/batch/Manifest.h"

namespace mollichrom::cli {

// Infer options the batch writes itself (each item's outputs live in its folder).
const std::set<std::string>& batchOwnedOptions();
// The infer options a manifest column or the batch command line may give.
const batch::OptionNames& itemOptionNames();
// The infer argument vector of one item, writing into `outDir`.
std::vector<std::string> inferArgvOf(const batch::BatchItem& item, const std::string& outDir);
// A name for a one-line message: line breaks and tabs shown as \n, \r, \t.
std::string shownName(const std::string& name);
// A log's most telling line: the last one naming an error, else the last non-empty one (text
// after a progress bar's last '\r' only).
std::string lastErrorLine(const std::string& log);
// This machine's name, and the time now in ISO 8601 UTC (status files, lock holders).
std::string hostName();
std::string nowIso();
// "1 min 20 s", "45 s", "2 h 5 min".
std::string durationText(double seconds);

}  // namespace mollichrom::cli
