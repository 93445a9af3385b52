#pragma once
// Physical calibration of a stack and where each value came from, so the user (and the
// dataset-properties dialog) can see whether a pixel size is measured or a fallback.
#include <optional>
#include <string>

namespace mollichrom::io {

enum class CalibrationSource { Default, ImageJ, OME, TiffResolution, User };
std::string calibrationSourceName(
    CalibrationSource s);  // "default", "imagej", "ome", "tiff", "user"

struct Calibration {
  // Lengths in µm, time in s. Unset (nullopt) means unknown: the source is then Default and
  // code that needs a number uses 1 pixel = 1 µm / 1 frame = 1 s and says so.
  std::optional<double> pixelX, pixelY, zStep, frameInterval;
  CalibrationSource pixelSource = CalibrationSource::Default;
  CalibrationSource zSource = CalibrationSource::Default;
  CalibrationSource timeSource = CalibrationSource::Default;

  double pixelXOr1() const { return pixelX.value_or(1.0); }
  double pixelYOr1() const { return pixelY.value_or(pixelX.value_or(1.0)); }
  double frameIntervalOr1() const { return frameInterval.value_or(1.0); }
};

// Factor that converts a length in `unit` to µm ("micron", "µm", "um", "\\u00B5m", "nm", "mm",
// "cm", "m", "Å", "inch", ...); nullopt for unknown units and for "pixel".
std::optional<double> lengthUnitToMicrons(const std::string& unit);
// Factor that converts a time in `unit` to seconds ("s", "sec", "ms", "min", "h", ...).
std::optional<double> timeUnitToSeconds(const std::string& unit);

}  // namespace mollichrom::io
