#include "core/util/TextFile.h"

#include <fstream>
#include <sstream>

namespace mollichrom::util {

std::optional<std::string> readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace mollichrom::util
