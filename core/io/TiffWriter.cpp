#include "core/io/TiffWriter.h"

#include "core/io/ImageJMetadata.h"
#include "core/util/AtomicFile.h"

#include <tiffio.h>

#include <cmath>
#include <cstdarg>
#include <limits>
#include <stdexcept>

namespace mollichrom::io {

namespace {

struct WriteErrors {
  std::string last;
};

int writeErrorHandler(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  static_cast<WriteErrors*>(user)->last = std::string(module ? module : "libtiff") + ": " + buf;
  return 1;
}
int quietWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct SampleLayout {
  int bits;
  int format;
};

SampleLayout layoutOf(int depth) {
  switch (depth) {
    case CV_8U:
      return {8, SAMPLEFORMAT_UINT};
    case CV_16U:
      return {16, SAMPLEFORMAT_UINT};
    case CV_16S:
      return {16, SAMPLEFORMAT_INT};
    case CV_32S:
      return {32, SAMPLEFORMAT_INT};
    case CV_32F:
      return {32, SAMPLEFORMAT_IEEEFP};
    case CV_64F:
      return {64, SAMPLEFORMAT_IEEEFP};
    default:
      throw std::invalid_argument("writeTiff: unsupported plane depth");
  }
}

std::uint16_t compressionTag(TiffCompression c) {
  switch (c) {
    case TiffCompression::None:
      return COMPRESSION_NONE;
    case TiffCompression::LZW:
      return COMPRESSION_LZW;
    case TiffCompression::Deflate:
      return COMPRESSION_ADOBE_DEFLATE;
    case TiffCompression::PackBits:
      return COMPRESSION_PACKBITS;
  }
  return COMPRESSION_NONE;
}

}  // namespace

void writeTiff(const std::string& path, const std::vector<cv::Mat>& planes,
               const TiffWriteOptions& o) {
  auto fail = [&](const std::string& why) -> void { throw std::runtime_error(path + ": " + why); };
  if (planes.empty()) fail("nothing to write (no planes)");
  const std::int64_t declared = std::int64_t(o.channels) * o.slices * o.frames;
  if (declared != static_cast<std::int64_t>(planes.size()))
    fail("writeTiff: " + std::to_string(planes.size()) + " planes for a " +
         std::to_string(o.channels) + "x" + std::to_string(o.slices) + "x" +
         std::to_string(o.frames) + " hyperstack");
  const int spp = std::max(1, o.samplesPerPixel);
  if (o.channels % spp != 0) fail("writeTiff: channels must be a multiple of samplesPerPixel");
  const cv::Mat& first = planes.front();
  for (const cv::Mat& p : planes)
    if (p.size() != first.size() || p.type() != first.type() || p.channels() != 1)
      fail("writeTiff: all planes must be single-channel with the same size and type");
  SampleLayout layout = layoutOf(first.depth());
  if (o.sampleFormat) layout.format = *o.sampleFormat;
  const std::uint64_t dataBytes = std::uint64_t(first.total() * first.elemSize()) * planes.size();
  if (o.imagejContiguous && (spp != 1 || o.compression != TiffCompression::None))
    fail("writeTiff: the contiguous ImageJ layout needs uncompressed single-sample planes");
  const bool big =
      o.bigTiff.value_or(!o.imagejContiguous && dataBytes > (std::uint64_t(4) << 30) - (64u << 20));

  // Display range and ImageJ description.
  std::string description = o.description;
  if (description.empty() && o.imagejMetadata) {
    ImageJMetadata ij;
    ij.images = static_cast<int>(planes.size()) / spp;
    ij.channels = spp > 1 ? 1 : o.channels;
    ij.slices = o.slices;
    ij.frames = o.frames;
    if (o.calibration.pixelX) ij.unit = "micron";
    if (o.calibration.zStep && o.slices > 1) {
      ij.unit = "micron";
      ij.spacing = *o.calibration.zStep;
    }
    if (o.calibration.frameInterval && o.frames > 1) ij.finterval = *o.calibration.frameInterval;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    if (!o.displayMin || !o.displayMax) {
      for (const cv::Mat& p : planes) {
        if (p.depth() != CV_32F && p.depth() != CV_64F) {
          double mn, mx;
          cv::minMaxLoc(p, &mn, &mx);
          lo = std::min(lo, mn);
          hi = std::max(hi, mx);
          continue;
        }
        cv::Mat d;
        p.convertTo(d, CV_64F);
        for (int y = 0; y < d.rows; ++y)
          for (const double *r = d.ptr<double>(y), *e = r + d.cols; r != e; ++r)
            if (std::isfinite(*r)) {
              lo = std::min(lo, *r);
              hi = std::max(hi, *r);
            }
      }
    }
    ij.min = o.displayMin ? *o.displayMin : (std::isfinite(lo) ? lo : 0.0);
    ij.max = o.displayMax ? *o.displayMax : (std::isfinite(hi) ? hi : 1.0);
    description = formatImageJDescription(ij);
  }

  util::AtomicFileTarget target(path);
  WriteErrors errors;
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(opts, writeErrorHandler, &errors);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, quietWarning, nullptr);
  std::string mode = "w";
  if (big) mode += "8";
  mode += o.bigEndian ? "b" : "l";
  TIFF* tif = TIFFOpenExt(target.tempPath().c_str(), mode.c_str(), opts);
  TIFFOpenOptionsFree(opts);
  if (!tif)
    fail("cannot open for writing" +
         (errors.last.empty() ? std::string() : " (" + errors.last + ")"));

  const int w = first.cols, h = first.rows;
  const std::size_t pages = o.imagejContiguous ? 1 : planes.size() / static_cast<size_t>(spp);
  const bool separate = o.planarSeparate && spp > 1;
  try {
    for (std::size_t page = 0; page < pages; ++page) {
      TIFFSetField(tif, TIFFTAG_SUBFILETYPE, 0);
      TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(w));
      TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(h));
      TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, static_cast<std::uint16_t>(layout.bits));
      TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, static_cast<std::uint16_t>(layout.format));
      TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(spp));
      TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, spp == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
      if (spp == 2 || spp == 4) {
        const std::uint16_t extra[1] = {EXTRASAMPLE_UNSPECIFIED};
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, extra);
      }
      TIFFSetField(tif, TIFFTAG_PLANARCONFIG,
                   separate ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
      TIFFSetField(tif, TIFFTAG_COMPRESSION, compressionTag(o.compression));
      // One strip per plane, as ImageJ writes: the reader's contiguous fast path applies.
      TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(h));
      TIFFSetField(tif, TIFFTAG_SOFTWARE, "Mollichrom");
      if (page == 0) {
        if (!description.empty()) TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, description.c_str());
        if (o.imagejMetadata && o.calibration.pixelX) {
          TIFFSetField(tif, TIFFTAG_XRESOLUTION,
                       static_cast<float>(1.0 / o.calibration.pixelXOr1()));
          TIFFSetField(tif, TIFFTAG_YRESOLUTION,
                       static_cast<float>(1.0 / o.calibration.pixelYOr1()));
          TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
        }
      }
      if (o.imagejContiguous) {
        std::vector<std::uint8_t> all;
        all.reserve(dataBytes);
        for (const cv::Mat& p : planes) {
          const cv::Mat c = p.isContinuous() ? p : p.clone();
          all.insert(all.end(), c.data, c.data + c.total() * c.elemSize());
        }
        if (TIFFWriteRawStrip(tif, 0, all.data(), static_cast<tmsize_t>(all.size())) < 0)
          fail("write failed: " + errors.last);
      } else if (separate) {
        for (int s = 0; s < spp; ++s) {
          const cv::Mat c = planes[page * spp + s].isContinuous() ? planes[page * spp + s]
                                                                  : planes[page * spp + s].clone();
          if (TIFFWriteEncodedStrip(tif, static_cast<std::uint32_t>(s), c.data,
                                    static_cast<tmsize_t>(c.total() * c.elemSize())) < 0)
            fail("write failed: " + errors.last);
        }
      } else {
        cv::Mat c;
        if (spp == 1)
          c = planes[page].isContinuous() ? planes[page] : planes[page].clone();
        else {
          std::vector<cv::Mat> group(planes.begin() + static_cast<long>(page * spp),
                                     planes.begin() + static_cast<long>((page + 1) * spp));
          cv::merge(group, c);
        }
        if (TIFFWriteEncodedStrip(tif, 0, c.data, static_cast<tmsize_t>(c.total() * c.elemSize())) <
            0)
          fail("write failed: " + errors.last);
      }
      if (!TIFFWriteDirectory(tif)) fail("write failed: " + errors.last);
    }
  } catch (...) {
    TIFFClose(tif);
    throw;
  }
  TIFFClose(tif);
  if (!errors.last.empty()) fail("write failed: " + errors.last);
  target.commit();
}

void writeStackTiff(const std::string& path, const Stack& stack, TiffCompression compression) {
  TiffWriteOptions o;
  const StackInfo& info = stack.info();
  o.channels = info.channels;
  o.slices = info.slices;
  o.frames = info.frames;
  o.calibration = info.calibration;
  o.compression = compression;
  if (info.pixelType == PixelType::UInt32) {
    // Held as CV_64F in memory; uint32 is not an ImageJ type, float32 is.
    std::vector<cv::Mat> f(stack.planes().size());
    for (size_t i = 0; i < f.size(); ++i) stack.planes()[i].convertTo(f[i], CV_32F);
    writeTiff(path, f, o);
    return;
  }
  writeTiff(path, stack.planes(), o);
}

void writeMapTiff(const std::string& path, const cv::Mat& map, const Calibration& calibration) {
  cv::Mat f;
  map.convertTo(f, CV_32F);
  TiffWriteOptions o;
  o.calibration = calibration;
  writeTiff(path, {f}, o);
}

}  // namespace mollichrom::io
