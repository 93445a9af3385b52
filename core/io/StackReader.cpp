#include "core/io/StackReader.h"

#include "core/io/ByteSource.h"
#include "core/io/ImageJMetadata.h"
#include "core/io/OmeMetadata.h"
#include "core/io/StackError.h"
#include "core/io/TiffFile.h"
#include "core/util/Feedback.h"

#include <QDir>
#include <QFileInfo>
#include <QStringList>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/mman.h>
#include <tiffio.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <thread>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sstream>

namespace mollichrom::io {

namespace {

std::string gigabytes(std::uint64_t b) {
  std::ostringstream o;
  o.precision(3);
  if (b >= 1'000'000'000ull)
    o << double(b) / 1e9 << " GB";
  else
    o << double(b) / 1e6 << " MB";
  return o.str();
}

// TIFF resolution tags reach us as float (libtiff): 1/0.104 comes back as 0.10399999524. Seven
// significant digits is what a float holds, and what Fiji displays.
double fromResolution(double perUnit, double resolution) {
  const double v = perUnit / resolution;
  const double scale = std::pow(10.0, 6 - std::floor(std::log10(std::abs(v))));
  return std::round(v * scale) / scale;
}

std::string wholeNumber(double v) {
  std::ostringstream o;
  o.precision(0);
  o << std::fixed << v;
  return o.str();
}

std::size_t memoryElemSize(PixelType t) { return CV_ELEM_SIZE(pixelTypeCvDepth(t)); }

// ---------------------------------------------------------------------------------------------
// TIFF, ImageJ hyperstack, OME-TIFF
class TiffStackSource final : public StackSource {
 public:
  TiffStackSource(std::unique_ptr<ByteSource> bytes, const OpenOptions& options) {
    options_ = options;
    const std::string path = bytes->name();
    TiffOpenLimits limits;
    limits.maxPlaneBytes = options.maxPlaneBytes;
    file_ = std::make_unique<TiffFile>(std::move(bytes), limits);
    const TiffPage& first = file_->pages().front();
    spp_ = first.samples;
    info_.path = path;
    info_.width = static_cast<int>(first.width);
    info_.height = static_cast<int>(first.height);
    info_.pixelType = file_->pixelType();
    info_.bigTiff = file_->bigTiff();
    info_.compression = file_->compressionName();
    const int pages = static_cast<int>(file_->pages().size());

    std::optional<OmeMetadata> ome;
    try {
      ome = parseOmeXml(file_->description());
    } catch (const std::invalid_argument& e) {
      throw StackError(path, e.what());
    }
    if (ome) {
      setupOme(*ome, pages);
    } else if (const auto ij = parseImageJDescription(file_->description())) {
      setupImageJ(*ij, pages);
    } else {
      setupPlain(pages);
    }
  }

 protected:
  std::vector<std::pair<std::int64_t, cv::Mat>> decode(int t, int c, int z) override {
    const int cpage = c / spp_;
    const std::int64_t page = pageOf(t, c, z);
    std::vector<std::pair<std::int64_t, cv::Mat>> out;
    if (contiguousBase_ >= 0) {
      const std::uint64_t offset =
          std::uint64_t(contiguousBase_) + std::uint64_t(page) * info_.planeBytes();
      out.emplace_back(info_.planeIndex(t, c, z), file_->readContiguousPlane(offset));
      return out;
    }
    std::vector<cv::Mat> samples = file_->readPage(static_cast<std::size_t>(page));
    return samplesOut(samples, t, cpage, z);
  }

  bool canReadInto() const override {
    if (spp_ != 1 || info_.pixelType == PixelType::UInt32) return false;
    if (contiguousBase_ >= 0) return true;
    for (const TiffPage& p : file_->pages())
      if (p.contiguousOffset < 0) return false;
    return true;
  }

  void prefetchAll() override { file_->willNeedAll(); }

  void readInto(int t, int c, int z, cv::Mat& dst) override {
    const std::int64_t page = pageOf(t, c, z);
    const std::uint64_t offset =
        contiguousBase_ >= 0
            ? std::uint64_t(contiguousBase_) + std::uint64_t(page) * info_.planeBytes()
            : std::uint64_t(file_->pages().at(static_cast<size_t>(page)).contiguousOffset);
    file_->readContiguousInto(offset, dst);
  }

 private:
  std::int64_t pageOf(int t, int c, int z) const {
    const int cpage = c / spp_;
    if (ome_) return omePlaneIndex(*ome_, cpage, z, t);
    return (std::int64_t(t) * info_.slices + z) * (info_.channels / spp_) + cpage;
  }

  std::vector<std::pair<std::int64_t, cv::Mat>> samplesOut(std::vector<cv::Mat>& samples, int t,
                                                           int cpage, int z) {
    std::vector<std::pair<std::int64_t, cv::Mat>> out;
    for (int s = 0; s < static_cast<int>(samples.size()); ++s)
      out.emplace_back(info_.planeIndex(t, cpage * spp_ + s, z),
                       std::move(samples[static_cast<size_t>(s)]));
    return out;
  }

  void setupPlain(int pages) {
    info_.format = StackFormat::PlainTiff;
    switch (options_.plainPagesAs) {
      case PageAxis::Frames:
        info_.frames = pages;
        break;
      case PageAxis::Slices:
        info_.slices = pages;
        break;
      case PageAxis::Channels:
        info_.channels = pages;
        break;
    }
    if (options_.plainPagesAs == PageAxis::Channels)
      info_.channels *= spp_;
    else
      info_.channels = spp_;
    if (pages > 1 && options_.plainPagesAs == PageAxis::Frames)
      info_.note = "no ImageJ/OME metadata: pages read as time frames";
    // Resolution tags outside ImageJ files: centimetres are trusted; inches only when they
    // describe a microscope-scale pixel (72/96/300 dpi are print defaults, not measurements).
    const double xr = file_->xResolution(), yr = file_->yResolution();
    double perUnit = 0;
    if (file_->resolutionUnit() == RESUNIT_CENTIMETER)
      perUnit = 1e4;
    else if (file_->resolutionUnit() == RESUNIT_INCH && xr > 1000)
      perUnit = 25400;
    if (perUnit > 0 && xr > 0) {
      Calibration& cal = info_.calibration;
      cal.pixelX = fromResolution(perUnit, xr);
      cal.pixelY = yr > 0 ? fromResolution(perUnit, yr) : *cal.pixelX;
      cal.pixelSource = CalibrationSource::TiffResolution;
    }
  }

  void setupImageJ(const ImageJMetadata& ij, int pages) {
    info_.format = StackFormat::ImageJ;
    int c = ij.channels, z = ij.slices, t = ij.frames;
    const int images = ij.images;
    if (double(c) * double(z) * double(t) != double(images)) {
      // Inconsistent counts: fall back to one axis, as ImageJ itself does.
      c = 1;
      z = 1;
      t = images;
      info_.note = "ImageJ channels x slices x frames does not match images; read as frames";
    }
    if (spp_ > 1 && c > 1)
      throw StackError(info_.path,
                       "ImageJ RGB hyperstacks with several channels are not supported");
    info_.channels = c * spp_;
    info_.slices = z;
    info_.frames = t;
    if (pages < images) {
      // ImageJ's layout for stacks over 4 GiB: one IFD, all planes contiguous after it.
      const TiffPage& f = file_->pages().front();
      if (f.contiguousOffset < 0 || spp_ != 1)
        throw StackError(info_.path, "ImageJ metadata declares " + std::to_string(images) +
                                         " images but the file holds " + std::to_string(pages) +
                                         " pages");
      // Compared by division: images x plane bytes can overflow 64 bits in a corrupt file.
      const std::uint64_t room =
          file_->fileSize() -
          std::min<std::uint64_t>(file_->fileSize(), std::uint64_t(f.contiguousOffset));
      const std::uint64_t end =
          std::uint64_t(f.contiguousOffset) + std::uint64_t(images) * info_.planeBytes();
      if (std::uint64_t(images) > room / info_.planeBytes())
        throw StackError(info_.path, "the file is truncated: ImageJ metadata declares " +
                                         std::to_string(images) + " images (" +
                                         std::to_string(end) + " bytes) but the file has " +
                                         std::to_string(file_->fileSize()) + " bytes");
      contiguousBase_ = f.contiguousOffset;
    } else if (pages > images) {
      info_.note = "the file holds " + std::to_string(pages) + " pages; ImageJ metadata uses " +
                   std::to_string(images);
    }
    Calibration& cal = info_.calibration;
    const auto perUnit = lengthUnitToMicrons(ij.unit);
    if (perUnit) {
      if (file_->xResolution() > 0) {
        cal.pixelX = fromResolution(*perUnit, file_->xResolution());
        cal.pixelY =
            file_->yResolution() > 0 ? fromResolution(*perUnit, file_->yResolution()) : *cal.pixelX;
        cal.pixelSource = CalibrationSource::ImageJ;
      }
      if (ij.spacing && *ij.spacing > 0) {
        cal.zStep = *ij.spacing * *perUnit;
        cal.zSource = CalibrationSource::ImageJ;
      }
    }
    if (ij.finterval && *ij.finterval > 0) {
      const auto perSecond = timeUnitToSeconds(ij.tunit.empty() ? "s" : ij.tunit);
      if (perSecond) {
        cal.frameInterval = *ij.finterval * *perSecond;
        cal.timeSource = CalibrationSource::ImageJ;
      }
    }
  }

  void setupOme(const OmeMetadata& m, int pages) {
    info_.format = StackFormat::OmeTiff;
    if (m.sizeX != info_.width || m.sizeY != info_.height)
      throw StackError(info_.path, "OME-XML declares " + std::to_string(m.sizeX) + " x " +
                                       std::to_string(m.sizeY) + " pixels but the pages are " +
                                       std::to_string(info_.width) + " x " +
                                       std::to_string(info_.height));
    OmeMetadata meta = m;
    if (spp_ > 1) meta.samplesPerPixel = spp_;
    if (meta.sizeC % std::max(1, meta.samplesPerPixel) != 0)
      throw StackError(info_.path, "OME-XML SizeC is not a multiple of the samples per pixel");
    // In double: the product of three declared sizes can overflow 64 bits in a corrupt file.
    const double needed = double(meta.sizeC / meta.samplesPerPixel) * meta.sizeZ * meta.sizeT;
    if (needed > pages)
      throw StackError(info_.path, "OME-XML declares " + wholeNumber(needed) +
                                       " planes but the file holds " + std::to_string(pages) +
                                       " pages");
    if (meta.samplesPerPixel != spp_)
      throw StackError(info_.path, "OME-XML SamplesPerPixel differs from the TIFF pages");
    info_.channels = meta.sizeC;
    info_.slices = meta.sizeZ;
    info_.frames = meta.sizeT;
    info_.note = meta.warning;
    Calibration& cal = info_.calibration;
    if (meta.physicalSizeX) {
      cal.pixelX = meta.physicalSizeX;
      cal.pixelY = meta.physicalSizeY ? meta.physicalSizeY : meta.physicalSizeX;
      cal.pixelSource = CalibrationSource::OME;
    }
    if (meta.physicalSizeZ) {
      cal.zStep = meta.physicalSizeZ;
      cal.zSource = CalibrationSource::OME;
    }
    if (meta.timeIncrement) {
      cal.frameInterval = meta.timeIncrement;
      cal.timeSource = CalibrationSource::OME;
    }
    ome_ = meta;
  }

  std::unique_ptr<TiffFile> file_;
  int spp_ = 1;
  std::optional<OmeMetadata> ome_;
  std::int64_t contiguousBase_ = -1;
};

// ---------------------------------------------------------------------------------------------
// A folder of single-page images (or one PNG) read as a time series.
struct PngHeader {
  int width, height, channels, depth;
};

std::optional<PngHeader> readPngHeader(const ByteSource& src) {
  std::uint8_t h[26] = {};
  if (src.readAt(0, h, sizeof h) != sizeof h) return std::nullopt;
  static const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!std::equal(sig, sig + 8, h) || std::string(reinterpret_cast<char*>(h + 12), 4) != "IHDR")
    return std::nullopt;
  auto be32 = [&](int o) {
    return (std::uint32_t(h[o]) << 24) | (std::uint32_t(h[o + 1]) << 16) |
           (std::uint32_t(h[o + 2]) << 8) | h[o + 3];
  };
  PngHeader p{};
  p.width = static_cast<int>(be32(16));
  p.height = static_cast<int>(be32(20));
  p.depth = h[24] == 16 ? 16 : 8;
  switch (h[25]) {
    case 0:
      p.channels = 1;
      break;
    case 2:
    case 3:
      p.channels = 3;
      break;
    case 4:
      p.channels = 2;
      break;
    case 6:
      p.channels = 4;
      break;
    default:
      return std::nullopt;
  }
  if (p.width <= 0 || p.height <= 0) return std::nullopt;
  return p;
}

class FolderStackSource final : public StackSource {
 public:
  FolderStackSource(std::string display, std::vector<std::string> files, const OpenOptions& options)
      : files_(std::move(files)) {
    options_ = options;
    info_.path = display;
    info_.format = StackFormat::ImageFolder;
    for (size_t i = 0; i < files_.size(); ++i) {
      const std::string& f = files_[i];
      auto src = openFileSource(f);
      std::uint8_t head[8] = {};
      const std::size_t n = src->readAt(0, head, sizeof head);
      int w = 0, h = 0, ch = 1;
      PixelType type = PixelType::UInt8;
      if (looksLikeTiff(head, n)) {
        TiffOpenLimits limits;
        limits.maxPlaneBytes = options.maxPlaneBytes;
        TiffFile tf(std::move(src), limits);
        const TiffPage& p = tf.pages().front();
        w = static_cast<int>(p.width);
        h = static_cast<int>(p.height);
        ch = p.samples;
        type = tf.pixelType();
        if (i == 0 && tf.xResolution() > 0) {
          if (const auto ij = parseImageJDescription(tf.description())) {
            if (const auto perUnit = lengthUnitToMicrons(ij->unit)) {
              info_.calibration.pixelX = fromResolution(*perUnit, tf.xResolution());
              info_.calibration.pixelY = tf.yResolution() > 0
                                             ? fromResolution(*perUnit, tf.yResolution())
                                             : *info_.calibration.pixelX;
              info_.calibration.pixelSource = CalibrationSource::ImageJ;
            }
          }
        }
        if (i == 0) info_.compression = tf.compressionName();
      } else if (const auto png = readPngHeader(*src)) {
        w = png->width;
        h = png->height;
        ch = png->channels;
        type = png->depth == 16 ? PixelType::UInt16 : PixelType::UInt8;
      } else {
        throw StackError(f, "not a TIFF or PNG image");
      }
      if (i == 0) {
        info_.width = w;
        info_.height = h;
        info_.channels = ch;
        info_.pixelType = type;
      } else if (w != info_.width || h != info_.height || ch != info_.channels ||
                 type != info_.pixelType) {
        throw StackError(
            f, "is " + std::to_string(w) + " x " + std::to_string(h) + " " + pixelTypeName(type) +
                   " with " + std::to_string(ch) + " channel(s) but " + files_.front() + " is " +
                   std::to_string(info_.width) + " x " + std::to_string(info_.height) + " " +
                   pixelTypeName(info_.pixelType) + " with " + std::to_string(info_.channels) +
                   "; the images of a series must match");
      }
    }
    info_.frames = static_cast<int>(files_.size());
    if (std::uint64_t(info_.width) * info_.height * info_.channels *
            pixelTypeBytes(info_.pixelType) >
        options.maxPlaneBytes)
      throw StackError(files_.front(), "declares an implausible image size");
  }

 protected:
  std::vector<std::pair<std::int64_t, cv::Mat>> decode(int t, int, int z) override {
    const std::string& f = files_.at(static_cast<size_t>(t));
    std::vector<cv::Mat> samples;
    auto src = openFileSource(f);
    std::uint8_t head[8] = {};
    const std::size_t n = src->readAt(0, head, sizeof head);
    if (looksLikeTiff(head, n)) {
      TiffOpenLimits limits;
      limits.maxPlaneBytes = options_.maxPlaneBytes;
      TiffFile tf(std::move(src), limits);
      samples = tf.readPage(0);
    } else {
      const cv::Mat m = cv::imread(f, cv::IMREAD_UNCHANGED);
      if (m.empty()) throw StackError(f, "cannot be decoded as PNG");
      cv::split(m, samples);
      // OpenCV decodes colour as BGR(A); users count channels in file order (RGB).
      if (samples.size() >= 3) std::swap(samples[0], samples[2]);
    }
    if (static_cast<int>(samples.size()) != info_.channels || samples[0].cols != info_.width ||
        samples[0].rows != info_.height)
      throw StackError(f, "changed size or channel count since the folder was opened");
    std::vector<std::pair<std::int64_t, cv::Mat>> out;
    for (int c = 0; c < info_.channels; ++c)
      out.emplace_back(info_.planeIndex(t, c, z), samples[static_cast<size_t>(c)]);
    return out;
  }

 private:
  std::vector<std::string> files_;
};

// Natural order: runs of digits compare as numbers, so frame_2 sorts before frame_10.
// (QCollator's numeric mode needs ICU collation, which the C locale lacks.)
bool naturalLess(const QString& a, const QString& b) {
  int i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].isDigit() && b[j].isDigit()) {
      int i2 = i, j2 = j;
      while (i2 < a.size() && a[i2].isDigit()) ++i2;
      while (j2 < b.size() && b[j2].isDigit()) ++j2;
      QString na = a.mid(i, i2 - i), nb = b.mid(j, j2 - j);
      while (na.size() > 1 && na[0] == '0') na.remove(0, 1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove(0, 1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::vector<std::string> listImageFolder(const std::string& path) {
  if (::access(path.c_str(), R_OK | X_OK) != 0)
    throw StackError(
        path, std::string("permission denied (cannot list the folder): ") + std::strerror(errno));
  const QDir dir(QString::fromStdString(path));
  QStringList names = dir.entryList({"*.tif", "*.tiff", "*.TIF", "*.TIFF", "*.png", "*.PNG"},
                                    QDir::Files | QDir::Readable);
  std::sort(names.begin(), names.end(), naturalLess);
  std::vector<std::string> files;
  for (const QString& n : names) files.push_back(dir.filePath(n).toStdString());
  if (files.empty()) throw StackError(path, "the folder holds no readable .tif/.tiff/.png images");
  return files;
}

std::unique_ptr<StackSource> openFromSource(std::unique_ptr<ByteSource> src,
                                            const OpenOptions& options) {
  std::uint8_t head[8] = {};
  const std::size_t n = src->readAt(0, head, sizeof head);
  if (src->size() > 0 && !looksLikeTiff(head, n) && readPngHeader(*src)) {
    const std::string name = src->name();
    return std::make_unique<FolderStackSource>(name, std::vector<std::string>{name}, options);
  }
  return std::make_unique<TiffStackSource>(std::move(src), options);
}

}  // namespace

PageAxis parsePageAxis(const std::string& name) {
  if (name == "frames" || name == "time" || name == "t" || name == "T") return PageAxis::Frames;
  if (name == "slices" || name == "z" || name == "Z") return PageAxis::Slices;
  if (name == "channels" || name == "c" || name == "C") return PageAxis::Channels;
  throw std::invalid_argument("page axis must be frames, slices or channels, got '" + name + "'");
}

std::uint64_t defaultMemoryLimit() {
  const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0) return std::uint64_t(4) << 30;
  return std::uint64_t(pages) * std::uint64_t(pageSize) / 2;
}

std::unique_ptr<StackSource> openStack(const std::string& path, const OpenOptions& options) {
  const QFileInfo fi(QString::fromStdString(path));
  if (fi.isDir()) return std::make_unique<FolderStackSource>(path, listImageFolder(path), options);
  return openFromSource(openFileSource(path), options);
}

std::unique_ptr<StackSource> openStackFromMemory(std::vector<std::uint8_t> bytes,
                                                 const std::string& name,
                                                 const OpenOptions& options) {
  auto src = memorySource(std::move(bytes), name);
  // PNGs from memory are not needed (OpenCV decodes PNG files by path); TIFF only.
  return std::make_unique<TiffStackSource>(std::move(src), options);
}

// ---------------------------------------------------------------------------------------------
cv::Mat StackSource::plane(int t, int c, int z) {
  if (t < 0 || t >= info_.frames || c < 0 || c >= info_.channels || z < 0 || z >= info_.slices)
    throw std::out_of_range(info_.path + ": plane (t=" + std::to_string(t) +
                            ", c=" + std::to_string(c) + ", z=" + std::to_string(z) +
                            ") is outside the stack");
  std::lock_guard<std::mutex> lock(mutex_);
  return cachedPlane(info_.planeIndex(t, c, z), t, c, z, true);
}

cv::Mat StackSource::cachedPlane(std::int64_t index, int t, int c, int z, bool keep) {
  for (auto& [i, e] : cache_)
    if (i == index) {
      e.lastUse = ++useClock_;
      return e.mat;
    }
  cv::Mat wanted;
  for (auto& [i, m] : decode(t, c, z)) {
    if (i == index) wanted = m;
    if (!keep && i != index) continue;
    const std::uint64_t bytes = m.total() * m.elemSize();
    if (bytes > options_.cacheBytes) continue;
    while (cacheUsed_ + bytes > options_.cacheBytes && !cache_.empty()) {
      auto oldest = std::min_element(
          cache_.begin(), cache_.end(),
          [](const auto& a, const auto& b) { return a.second.lastUse < b.second.lastUse; });
      cacheUsed_ -= oldest->second.mat.total() * oldest->second.mat.elemSize();
      cache_.erase(oldest);
    }
    cache_.push_back({i, Entry{m, ++useClock_}});
    cacheUsed_ += bytes;
  }
  if (wanted.empty())
    throw StackError(info_.path, "plane " + std::to_string(index) + " could not be decoded");
  return wanted;
}

std::uint64_t StackSource::estimateBytes(const LoadOptions& o) const {
  const int last = o.lastFrame < 0 ? info_.frames - 1 : o.lastFrame;
  const int frames = std::max(0, last - o.firstFrame + 1);
  const int w = o.crop ? o.crop->width : info_.width, h = o.crop ? o.crop->height : info_.height;
  const int b = std::max(1, o.binning);
  return std::uint64_t(w / b) * std::uint64_t(h / b) * std::uint64_t(info_.channels) *
         std::uint64_t(info_.slices) * std::uint64_t(frames) * memoryElemSize(info_.pixelType);
}

Stack StackSource::load(const LoadOptions& o, util::Feedback* feedback) {
  const std::string& path = info_.path;
  const int last = o.lastFrame < 0 ? info_.frames - 1 : o.lastFrame;
  if (o.firstFrame < 0 || o.firstFrame > last || last >= info_.frames)
    throw StackError(path, "frame range " + std::to_string(o.firstFrame + 1) + "-" +
                               std::to_string(last + 1) + " is outside the stack's frames 1-" +
                               std::to_string(info_.frames));
  const cv::Rect full(0, 0, info_.width, info_.height);
  const cv::Rect crop = o.crop.value_or(full);
  if (crop.width <= 0 || crop.height <= 0 || (crop & full) != crop)
    throw StackError(path, "crop " + std::to_string(crop.x) + "," + std::to_string(crop.y) + " " +
                               std::to_string(crop.width) + "x" + std::to_string(crop.height) +
                               " lies outside the " + std::to_string(info_.width) + " x " +
                               std::to_string(info_.height) + " image");
  const int bin = o.binning;
  if (bin < 1 || bin > std::min(crop.width, crop.height))
    throw StackError(path,
                     "binning " + std::to_string(bin) + " must be between 1 and the image size");

  const std::uint64_t needed = estimateBytes(o);
  const std::uint64_t limit = o.memoryLimit ? o.memoryLimit : defaultMemoryLimit();
  if (needed > limit) {
    LoadOptions binned = o;
    binned.binning = std::max(2, o.binning * 2);
    const int frames = last - o.firstFrame + 1;
    const int fitFrames = static_cast<int>(std::max<std::uint64_t>(1, frames * limit / needed));
    std::ostringstream msg;
    msg << "loading it needs " << gigabytes(needed) << " but the memory limit is "
        << gigabytes(limit) << "; load a frame range (e.g. frames " << o.firstFrame + 1 << "-"
        << o.firstFrame + fitFrames << "), crop a region, or bin " << binned.binning << "x"
        << binned.binning << " (" << gigabytes(estimateBytes(binned)) << ")";
    throw StackTooLargeError(path, msg.str(), needed, limit);
  }

  StackInfo out = info_;
  const int outW = crop.width / bin, outH = crop.height / bin;
  out.width = outW;
  out.height = outH;
  out.frames = last - o.firstFrame + 1;
  if (bin > 1) {
    if (out.calibration.pixelX) out.calibration.pixelX = *out.calibration.pixelX * bin;
    if (out.calibration.pixelY) out.calibration.pixelY = *out.calibration.pixelY * bin;
  }
  if (crop == full && bin == 1 && canReadInto()) return loadDirect(out, o.firstFrame, feedback);
  std::vector<cv::Mat> planes(static_cast<size_t>(out.planeCount()));
  const std::int64_t total = out.planeCount();
  std::int64_t done = 0;
  std::lock_guard<std::mutex> lock(mutex_);
  for (int t = o.firstFrame; t <= last; ++t)
    for (int z = 0; z < info_.slices; ++z)
      for (int c = 0; c < info_.channels; ++c) {
        const std::int64_t dst = out.planeIndex(t - o.firstFrame, c, z);
        if (!planes[static_cast<size_t>(dst)].empty()) continue;
        if (feedback) feedback->throwIfCanceled();
        std::vector<std::pair<std::int64_t, cv::Mat>> decoded;
        bool cached = false;
        for (auto& [i, e] : cache_)
          if (i == info_.planeIndex(t, c, z)) {
            decoded.emplace_back(i, e.mat);
            cached = true;
            break;
          }
        if (!cached) decoded = decode(t, c, z);
        for (auto& [srcIndex, m] : decoded) {
          // Page samples map to channels of the same (t, z).
          const int sc = static_cast<int>(srcIndex % info_.channels);
          cv::Mat p = crop == full ? m : m(crop);
          if (bin > 1) {
            const cv::Rect whole(0, 0, outW * bin, outH * bin);
            cv::Mat wide, small;
            p(whole).convertTo(wide, CV_64F);
            cv::resize(wide, small, cv::Size(outW, outH), 0, 0, cv::INTER_AREA);
            small.convertTo(p, m.depth());
          } else if (cached || crop != full) {
            p = p.clone();  // never hand out the cache's buffer or a view of a larger plane
          }
          planes[static_cast<size_t>(out.planeIndex(t - o.firstFrame, sc, z))] = p;
          ++done;
        }
        if (feedback) feedback->setProgress(double(done) / double(total), "loading " + path);
      }
  return Stack(out, std::move(planes));
}

Stack StackSource::loadDirect(StackInfo out, int firstFrame, util::Feedback* feedback) {
  // One allocation for the whole stack, backed by transparent huge pages where the kernel
  // offers them (600 MB = 300 page faults instead of 150 000), filled by parallel preads straight
  // into place: loading runs at memory speed, not at allocator speed.
  const std::int64_t count = out.planeCount();
  const int type = pixelTypeCvDepth(out.pixelType);
  prefetchAll();
  cv::Mat block(static_cast<int>(out.height * count), out.width, type);
  {
    const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(block.data);
    const std::uintptr_t huge = std::uintptr_t(2) << 20;
    const std::uintptr_t aligned = (start + huge - 1) & ~(huge - 1);
    const std::size_t bytes = block.total() * block.elemSize();
    if (aligned < start + bytes)
      ::madvise(reinterpret_cast<void*>(aligned), start + bytes - aligned, MADV_HUGEPAGE);
  }
  std::vector<cv::Mat> planes(static_cast<size_t>(count));
  for (std::int64_t i = 0; i < count; ++i)
    planes[static_cast<size_t>(i)] =
        block.rowRange(static_cast<int>(i * out.height), static_cast<int>((i + 1) * out.height));
  std::atomic<std::int64_t> done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex errorMutex;
  // Each thread reads its own contiguous run of planes: sequential streams keep the kernel's
  // read-ahead effective when the file is not cached.
  const unsigned helpers =
      std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()) - 1, 7);
  const std::int64_t workers = count > 1 ? helpers + 1 : 1;
  auto work = [&](std::int64_t worker) {
    const bool reporter = worker == 0;
    const std::int64_t begin = count * worker / workers, end = count * (worker + 1) / workers;
    for (std::int64_t i = begin; !stop && i < end; ++i) {
      const int c = static_cast<int>(i % out.channels);
      const int z = static_cast<int>((i / out.channels) % out.slices);
      const int t = static_cast<int>(i / (std::int64_t(out.channels) * out.slices));
      try {
        readInto(t + firstFrame, c, z, planes[static_cast<size_t>(i)]);
        ++done;
        if (reporter && feedback) {
          if (feedback->isCanceled()) stop = true;
          feedback->setProgress(double(done.load()) / double(count), "loading " + out.path);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::int64_t k = 1; k < workers; ++k) threads.emplace_back(work, k);
  work(0);
  for (auto& th : threads) th.join();
  if (error) std::rethrow_exception(error);
  if (feedback) {
    feedback->throwIfCanceled();
    feedback->setProgress(1.0, "loading " + out.path);
  }
  return Stack(out, std::move(planes));
}

}  // namespace mollichrom::io
