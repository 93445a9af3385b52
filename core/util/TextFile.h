#pragma once
// A whole (small) file as bytes: tables, manifests, status and log files.
#include <optional>
#include <string>

namespace mollichrom::util {

// Empty optional when the file cannot be opened.
std::optional<std::string> readTextFile(const std::string& path);

}  // namespace mollichrom::util
