#pragma once
// Everything Mollichrom saves goes through here: the data is written to a temporary file in
// the destination folder and renamed over the target only when complete, so an interrupted
// write never leaves a half file and never destroys the previous version.
#include <string>

namespace mollichrom::util {

// Throws std::runtime_error naming the path and the reason on failure.
void writeFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace mollichrom::util
