#include "core/io/ImageJMetadata.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

namespace mollichrom::io {

namespace {
std::optional<double> toDouble(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}
int toCount(const std::string& s) {
  const auto v = toDouble(s);
  if (!v || *v < 1 || *v > 2e9) return 1;
  return static_cast<int>(*v);
}
}  // namespace

std::optional<ImageJMetadata> parseImageJDescription(const std::string& description) {
  if (description.rfind("ImageJ=", 0) != 0) return std::nullopt;
  ImageJMetadata m;
  bool haveImages = false;
  std::istringstream in(description);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "images") {
      m.images = toCount(value);
      haveImages = true;
    } else if (key == "channels")
      m.channels = toCount(value);
    else if (key == "slices")
      m.slices = toCount(value);
    else if (key == "frames")
      m.frames = toCount(value);
    else if (key == "unit")
      m.unit = value;
    else if (key == "spacing")
      m.spacing = toDouble(value);
    else if (key == "finterval")
      m.finterval = toDouble(value);
    else if (key == "tunit")
      m.tunit = value;
    else if (key == "min")
      m.min = toDouble(value);
    else if (key == "max")
      m.max = toDouble(value);
  }
  if (!haveImages) m.images = m.channels * m.slices * m.frames;
  return m;
}

std::string formatImageJDescription(const ImageJMetadata& m) {
  std::ostringstream o;
  o << std::setprecision(10);
  o << "ImageJ=1.11a\n";
  o << "images=" << m.images << "\n";
  if (m.channels > 1) o << "channels=" << m.channels << "\n";
  if (m.slices > 1) o << "slices=" << m.slices << "\n";
  if (m.frames > 1) o << "frames=" << m.frames << "\n";
  const int dims = (m.channels > 1) + (m.slices > 1) + (m.frames > 1);
  if (dims > 1 || m.channels > 1) o << "hyperstack=true\n";
  if (m.channels > 1) o << "mode=grayscale\n";
  if (!m.unit.empty()) o << "unit=" << m.unit << "\n";
  if (m.spacing) o << "spacing=" << *m.spacing << "\n";
  if (m.finterval) o << "finterval=" << *m.finterval << "\n";
  if (!m.tunit.empty()) o << "tunit=" << m.tunit << "\n";
  if (m.min) o << "min=" << *m.min << "\n";
  if (m.max) o << "max=" << *m.max << "\n";
  o << "loop=false\n";
  return o.str();
}

}  // namespace mollichrom::io
