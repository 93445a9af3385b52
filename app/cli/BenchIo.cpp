#include "app/cli/BenchIo.h"

#include "app/cli/Args.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/util/AtomicFile.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

namespace mollichrom::cli {

namespace {

const char* kUsage =
    "Usage: mollichrom-cli bench io FILE [--create-mb N] [--repeats R] [--json OUT]\n"
    "\n"
    "Time to load the whole stack in FILE (decode every plane into memory) against reading the\n"
    "file's bytes (what `cat FILE > /dev/null` does), both with the file in the page cache.\n"
    "  --create-mb N  When FILE does not exist, first write a 16-bit 1024x1024 ImageJ stack of\n"
    "                 about N MB there (e.g. 600).\n"
    "  --repeats R    Alternate the two measurements R times (default 3) and report medians.\n"
    "Reported twice: 'warm' (file in the page cache: measures our decoding against memcpy) and\n"
    "'cold' (the file's pages dropped from the cache before each read with\n"
    "posix_fadvise(DONTNEED): what opening a stack from disk costs).\n";

double seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

void dropFromPageCache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

double rawRead(const std::string& path, std::uint64_t& bytes) {
  const auto t0 = std::chrono::steady_clock::now();
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error(path + ": cannot open");
  std::vector<char> buf(8 << 20);
  bytes = 0;
  for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;)
    bytes += static_cast<std::uint64_t>(n);
  ::close(fd);
  return seconds(t0);
}

void createStack(const std::string& path, int megabytes) {
  const int side = 1024;
  const int frames =
      std::max(1, static_cast<int>(std::lround(megabytes * 1e6 / (side * side * 2.0))));
  std::vector<cv::Mat> planes;
  cv::Mat base(side, side, CV_32F);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      base.at<float>(y, x) = 1000.f + 500.f * std::sin(x * 0.05f) * std::cos(y * 0.04f);
  for (int t = 0; t < frames; ++t) {
    cv::Mat n(side, side, CV_32F);
    cv::randn(n, 0, 40);
    cv::Mat p;
    cv::Mat(base + n).convertTo(p, CV_16U);
    planes.push_back(p);
  }
  io::TiffWriteOptions o;
  o.frames = frames;
  o.calibration.pixelX = o.calibration.pixelY = 0.104;
  o.calibration.frameInterval = 2.0;
  io::writeTiff(path, planes, o);
  std::cerr << "bench io: wrote " << frames << " frames of " << side << "x" << side << " uint16 to "
            << path << "\n";
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int runBenchIo(const std::vector<std::string>& argv) {
  Args args(argv, {"create-mb", "repeats", "json"}, {"help"});
  if (args.has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.positionals().size() != 1) throw UsageError("bench io expects one FILE");
  const std::string path = args.positionals().front();
  const int repeats = args.getInt("repeats", 3);
  if (repeats < 1) throw UsageError("--repeats must be >= 1");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (!args.has("create-mb"))
      throw UsageError(path + " does not exist (use --create-mb N to create one)");
    createStack(path, args.getInt("create-mb", 600));
  }

  std::uint64_t bytes = 0;
  io::StackInfo info;
  auto loadOnce = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    auto src = io::openStack(path);
    io::Stack stack = src->load();
    info = stack.info();
    return seconds(t0);
  };
  QJsonObject json{{"file", QString::fromStdString(path)}, {"repeats", repeats}};
  std::cout << "file            " << path << "\n";
  for (const bool cold : {false, true}) {
    if (!cold) rawRead(path, bytes);  // warm the page cache
    std::vector<double> raw, load;
    for (int r = 0; r < repeats; ++r) {
      if (cold) dropFromPageCache(path);
      raw.push_back(rawRead(path, bytes));
      if (cold) dropFromPageCache(path);
      load.push_back(loadOnce());
    }
    const double rawS = median(raw), loadS = median(load);
    const char* tag = cold ? "cold" : "warm";
    if (!cold)
      std::cout << "stack           " << double(bytes) / 1e6 << " MB, " << info.width << "x"
                << info.height << ", " << info.planeCount() << " planes, "
                << io::pixelTypeName(info.pixelType) << ", compression " << info.compression
                << "\n";
    std::cout << tag << " raw read   " << rawS << " s (" << double(bytes) / 1e9 / rawS << " GB/s)\n"
              << tag << " load stack " << loadS << " s (" << double(info.totalBytes()) / 1e9 / loadS
              << " GB/s)\n"
              << tag << " ratio      " << loadS / rawS << " (target <= 1.5)\n";
    json[QString(tag) + "_raw_read_s"] = rawS;
    json[QString(tag) + "_load_s"] = loadS;
    json[QString(tag) + "_ratio"] = loadS / rawS;
  }
  json["file_bytes"] = double(bytes);
  json["planes"] = static_cast<double>(info.planeCount());
  if (args.has("json"))
    util::writeFileAtomically(args.get("json"), QJsonDocument(json).toJson().toStdString());
  return 0;
}

}  // namespace mollichrom::cli
