#include "core/io/Calibration.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace mollichrom::io {

std::string calibrationSourceName(CalibrationSource s) {
  switch (s) {
    case CalibrationSource::Default:
      return "default";
    case CalibrationSource::ImageJ:
      return "imagej";
    case CalibrationSource::OME:
      return "ome";
    case CalibrationSource::TiffResolution:
      return "tiff";
    case CalibrationSource::User:
      return "user";
  }
  return "default";
}

namespace {
std::string normaliseUnit(std::string u) {
  // Fiji and OME spell µ several ways: U+00B5 (micro sign), U+03BC (Greek mu), ImageJ's
  // escaped "\u00B5", or "u"/"micron".
  const std::pair<const char*, const char*> spellings[] = {
      {"\\u00B5", "u"}, {"\\u00b5", "u"}, {"\xC2\xB5", "u"}, {"\xCE\xBC", "u"}, {"\xC3\x85", "A"}};
  for (const auto& [from, to] : spellings) {
    for (size_t p; (p = u.find(from)) != std::string::npos;)
      u.replace(p, std::string(from).size(), to);
  }
  u.erase(std::remove_if(u.begin(), u.end(), [](unsigned char c) { return std::isspace(c); }),
          u.end());
  if (u == "A") return "angstrom";
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::tolower(c); });
  return u;
}
}  // namespace

std::optional<double> lengthUnitToMicrons(const std::string& unit) {
  static const std::map<std::string, double> table = {
      {"um", 1.0},         {"micron", 1.0}, {"microns", 1.0},    {"micrometer", 1.0},
      {"micrometre", 1.0}, {"nm", 1e-3},    {"nanometer", 1e-3}, {"mm", 1e3},
      {"cm", 1e4},         {"m", 1e6},      {"angstrom", 1e-4},  {"pm", 1e-6},
      {"inch", 25400.0},   {"in", 25400.0}};
  const auto it = table.find(normaliseUnit(unit));
  if (it == table.end()) return std::nullopt;
  return it->second;
}

std::optional<double> timeUnitToSeconds(const std::string& unit) {
  static const std::map<std::string, double> table = {
      {"s", 1.0},        {"sec", 1.0},  {"second", 1.0}, {"seconds", 1.0}, {"ms", 1e-3},
      {"msec", 1e-3},    {"us", 1e-6},  {"ns", 1e-9},    {"min", 60.0},    {"minute", 60.0},
      {"minutes", 60.0}, {"h", 3600.0}, {"hr", 3600.0},  {"hour", 3600.0}, {"hours", 3600.0}};
  const auto it = table.find(normaliseUnit(unit));
  if (it == table.end()) return std::nullopt;
  return it->second;
}

}  // namespace mollichrom::io
