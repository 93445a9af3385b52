#pragma once
// A run's result exactly as the program holds it, in one file, so a project reopens with every
// panel, table and export it had when saved. The exports (ResultExport.h) are for people and
// other programs: they round floats to what a reader needs and leave out what only the window
// uses (the network's λ beside the answer, each nucleus's fit, the calibration's profile, the
// live fields). Rebuilding a result from them lost the band, the verdict and the network's map.
//
// Format: a text line "mollichrom-result <version>", the scalars as one JSON document (doubles
// written shortest-exact, non-finite ones as strings), then every matrix raw (name, OpenCV type,
// rows, cols, bytes). Written atomically; enums are stored by their names where they have one.
#include "core/train/Trainer.h"

#include <optional>
#include <string>

namespace mollichrom::exporting {

struct ArchivedResult {
  std::shared_ptr<train::InferenceResult> result;  // null when only a snapshot was saved
  std::shared_ptr<train::Snapshot> snapshot;       // null when none was saved
};

// Throws io::StackError naming the file when it cannot be written.
void writeResultArchive(const std::string& path, const train::InferenceResult* result,
                        const train::Snapshot* snapshot);
// Throws io::StackError naming the file and the problem (missing, not an archive, newer
// format, truncated).
ArchivedResult readResultArchive(const std::string& path);

}  // namespace mollichrom::exporting
