#include "app/cli/InfoCommand.h"

#include "app/cli/Args.h"
#include "core/io/StackReader.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kInfoUsage =
    "Usage: mollichrom-cli info FILE|FOLDER [--json] [--stats] [--pages-as "
    "frames|slices|channels]\n"
    "\n"
    "Prints what Mollichrom detects in a stack: size, sample type, axes, calibration and where\n"
    "each calibration value came from (imagej, ome, tiff, default).\n"
    "  --json       One JSON object on stdout (width, height, channels, frames, slices, dtype, "
    "axes,\n"
    "               pixel_size_um, frame_interval_s, calibration_source, bytes, ...).\n"
    "  --stats      Also per-channel min/max/mean over the whole stack (streams plane by plane).\n"
    "  --pages-as   How to read the pages of a TIFF without ImageJ/OME metadata (default frames).\n"
    "Exit codes: 0 ok, 2 usage, 3 unreadable or malformed input.\n";

QJsonValue optionalNumber(const std::optional<double>& v) {
  return v ? QJsonValue(*v) : QJsonValue();
}

std::string formatName(const io::StackInfo& i) {
  switch (i.format) {
    case io::StackFormat::ImageJ:
      return "ImageJ hyperstack TIFF";
    case io::StackFormat::OmeTiff:
      return "OME-TIFF";
    case io::StackFormat::ImageFolder:
      // One image file opens through the folder reader: name it by what it is.
      if (!QFileInfo(QString::fromStdString(i.path)).isDir())
        return QFileInfo(QString::fromStdString(i.path)).suffix().toUpper().toStdString() +
               " image";
      return "folder of images";
    default:
      return "TIFF";
  }
}

std::string withSource(const std::optional<double>& v, const std::string& unit,
                       io::CalibrationSource s) {
  if (!v) return "unknown";
  std::ostringstream o;
  o << *v << " " << unit << " (" << io::calibrationSourceName(s) << ")";
  return o.str();
}

}  // namespace

int runInfo(const std::vector<std::string>& argv) {
  Args args(argv, {"pages-as"}, {"json", "stats", "help"});
  if (args.has("help")) {
    std::cout << kInfoUsage;
    return 0;
  }
  if (args.positionals().size() != 1)
    throw UsageError("expects one FILE (see mollichrom-cli info --help)");
  io::OpenOptions options;
  try {
    options.plainPagesAs = io::parsePageAxis(args.get("pages-as", "frames"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--pages-as: ") + e.what());
  }
  auto source = io::openStack(args.positionals().front(), options);
  const io::StackInfo& info = source->info();
  const io::Calibration& cal = info.calibration;

  std::vector<io::ChannelStats> stats;
  if (args.has("stats")) {
    io::StatsAccumulator acc(info.channels);
    for (int t = 0; t < info.frames; ++t)
      for (int z = 0; z < info.slices; ++z)
        for (int c = 0; c < info.channels; ++c) acc.add(c, source->plane(t, c, z));
    stats = acc.result();
  }

  if (args.has("json")) {
    QJsonObject o;
    o["path"] = QString::fromStdString(info.path);
    o["format"] = QString::fromStdString(io::stackFormatName(info.format));
    o["width"] = info.width;
    o["height"] = info.height;
    o["channels"] = info.channels;
    o["frames"] = info.frames;
    o["slices"] = info.slices;
    o["dtype"] = QString::fromStdString(io::pixelTypeName(info.pixelType));
    o["axes"] = QString::fromStdString(info.axes());
    if (!cal.pixelX)
      o["pixel_size_um"] = QJsonValue();
    else if (std::abs(*cal.pixelX - cal.pixelYOr1()) <= 1e-9 * *cal.pixelX)
      o["pixel_size_um"] = *cal.pixelX;
    else
      o["pixel_size_um"] = QJsonArray{*cal.pixelX, cal.pixelYOr1()};
    o["z_step_um"] = optionalNumber(cal.zStep);
    o["frame_interval_s"] = optionalNumber(cal.frameInterval);
    o["calibration_source"] = QString::fromStdString(io::calibrationSourceName(cal.pixelSource));
    o["calibration_sources"] = QJsonObject{
        {"pixel_size", QString::fromStdString(io::calibrationSourceName(cal.pixelSource))},
        {"z_step", QString::fromStdString(io::calibrationSourceName(cal.zSource))},
        {"frame_interval", QString::fromStdString(io::calibrationSourceName(cal.timeSource))}};
    o["bytes"] = static_cast<double>(info.totalBytes());
    o["compression"] = QString::fromStdString(info.compression);
    o["bigtiff"] = info.bigTiff;
    if (!info.note.empty()) o["note"] = QString::fromStdString(info.note);
    if (args.has("stats")) {
      QJsonArray arr;
      for (const auto& s : stats)
        arr.append(
            QJsonObject{{"channel", s.channel}, {"min", s.min}, {"max", s.max}, {"mean", s.mean}});
      o["stats"] = arr;
    }
    std::cout << QJsonDocument(o).toJson(QJsonDocument::Indented).toStdString();
    return 0;
  }

  std::cout << "File:            " << info.path << "\n"
            << "Format:          " << formatName(info) << (info.bigTiff ? " (BigTIFF)" : "")
            << ", compression " << info.compression << "\n"
            << "Size:            " << info.width << " x " << info.height << " px, " << info.channels
            << " channel(s), " << info.slices << " slice(s), " << info.frames << " frame(s)\n"
            << "Axes:            " << info.axes() << "\n"
            << "Sample type:     " << io::pixelTypeName(info.pixelType) << "\n"
            << "Pixel size:      "
            << (cal.pixelX && std::abs(*cal.pixelX - cal.pixelYOr1()) > 1e-9 * *cal.pixelX
                    ? withSource(cal.pixelX, "x", cal.pixelSource) + " " +
                          withSource(cal.pixelY, "um", cal.pixelSource)
                    : withSource(cal.pixelX, "um", cal.pixelSource))
            << "\n"
            << "Z step:          " << withSource(cal.zStep, "um", cal.zSource) << "\n"
            << "Frame interval:  " << withSource(cal.frameInterval, "s", cal.timeSource) << "\n"
            << "In memory:       " << double(info.totalBytes()) / 1e6 << " MB\n";
  if (!info.note.empty()) std::cout << "Note:            " << info.note << "\n";
  for (const auto& s : stats)
    std::cout << "Channel " << s.channel << ":       min " << s.min << ", max " << s.max
              << ", mean " << s.mean << "\n";
  return 0;
}

}  // namespace mollichrom::cli
