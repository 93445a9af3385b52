#include "core/io/TiffFile.h"

#include "core/io/StackError.h"

#include <tiffio.h>

#include <cstdarg>
#include <cstring>
#include <sstream>

namespace mollichrom::io {

// libtiff state plus the read position its client procs need. Errors are captured per handle
// (TIFFOpenOptionsSetErrorHandlerExtR), so concurrent files never mix messages.
struct TiffFile::Handle {
  const ByteSource* source = nullptr;
  std::uint64_t pos = 0;
  TIFF* tif = nullptr;
  std::string lastError;
  ~Handle() {
    if (tif) TIFFClose(tif);
  }
};

namespace {

tmsize_t readProc(thandle_t h, void* buf, tmsize_t size) {
  auto* s = static_cast<TiffFile::Handle*>(static_cast<void*>(h));
  if (size <= 0) return 0;
  const std::size_t n = s->source->readAt(s->pos, buf, static_cast<std::size_t>(size));
  s->pos += n;
  return static_cast<tmsize_t>(n);
}
tmsize_t writeProc(thandle_t, void*, tmsize_t) { return 0; }
toff_t seekProc(thandle_t h, toff_t off, int whence) {
  auto* s = static_cast<TiffFile::Handle*>(static_cast<void*>(h));
  switch (whence) {
    case SEEK_SET:
      s->pos = off;
      break;
    case SEEK_CUR:
      s->pos += off;
      break;
    case SEEK_END:
      s->pos = s->source->size() + off;
      break;
    default:
      return static_cast<toff_t>(-1);
  }
  return s->pos;
}
int closeProc(thandle_t) { return 0; }
toff_t sizeProc(thandle_t h) {
  return static_cast<TiffFile::Handle*>(static_cast<void*>(h))->source->size();
}
int mapProc(thandle_t, void**, toff_t*) { return 0; }
void unmapProc(thandle_t, void*, toff_t) {}

int errorHandler(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  auto* h = static_cast<TiffFile::Handle*>(user);
  h->lastError = buf;
  if (module && *module && h->lastError.find(module) == std::string::npos)
    h->lastError = std::string(module) + ": " + h->lastError;
  return 1;  // handled: keep libtiff from printing to stderr
}
int warningHandler(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}  // unknown tags etc.

std::string sampleDescription(const TiffPage& p) {
  std::ostringstream o;
  o << p.width << "x" << p.height << ", " << p.bitsPerSample << "-bit, " << p.samples
    << (p.samples == 1 ? " sample" : " samples");
  return o.str();
}

std::string humanBytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (b >= 1000 && u < 5) {
    b /= 1000;
    ++u;
  }
  std::ostringstream o;
  o.precision(3);
  o << b << " " << units[u];
  return o.str();
}

void swapBytes(void* data, std::size_t count, int bytes) {
  if (bytes == 2) {
    auto* p = static_cast<std::uint16_t*>(data);
    for (std::size_t i = 0; i < count; ++i) p[i] = __builtin_bswap16(p[i]);
  } else if (bytes == 4) {
    auto* p = static_cast<std::uint32_t*>(data);
    for (std::size_t i = 0; i < count; ++i) p[i] = __builtin_bswap32(p[i]);
  }
}

// Depth used while decoding: uint32 is read as CV_32S bits and widened afterwards.
int rawDepth(PixelType t) { return t == PixelType::UInt32 ? CV_32S : pixelTypeCvDepth(t); }

cv::Mat finishPlane(cv::Mat raw, PixelType t) {
  if (t != PixelType::UInt32) return raw;
  cv::Mat wide(raw.rows, raw.cols, CV_64F);
  for (int y = 0; y < raw.rows; ++y) {
    const auto* src = raw.ptr<std::uint32_t>(y);
    double* dst = wide.ptr<double>(y);
    for (int x = 0; x < raw.cols; ++x) dst[x] = src[x];
  }
  return wide;
}

// An unsigned integer of `bytes` bytes at `offset`, in the file's byte order; 0 past the end.
std::uint64_t readUnsigned(const ByteSource& src, bool little, std::uint64_t offset, int bytes) {
  std::uint8_t b[8] = {};
  if (src.readAt(offset, b, static_cast<std::size_t>(bytes)) != static_cast<std::size_t>(bytes))
    return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= std::uint64_t(b[little ? i : bytes - 1 - i]) << (8 * (little ? i : bytes - 1 - i));
  return v;
}

}  // namespace

bool TiffFile::nextIfdBeyondEnd(std::uint64_t ifd) const {
  std::uint8_t head[2] = {};
  source_->readAt(0, head, 2);
  const bool little = head[0] == 'I';
  const std::uint64_t count = readUnsigned(*source_, little, ifd, bigTiff_ ? 8 : 2);
  const std::uint64_t next = ifd + (bigTiff_ ? 8 + count * 20 : 2 + count * 12);
  if (next + (bigTiff_ ? 8 : 4) > source_->size()) return true;
  return readUnsigned(*source_, little, next, bigTiff_ ? 8 : 4) >= source_->size();
}

bool looksLikeTiff(const std::uint8_t* h, std::size_t n) {
  if (n < 4) return false;
  return (h[0] == 'I' && h[1] == 'I' && (h[2] == 42 || h[2] == 43) && h[3] == 0) ||
         (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && (h[3] == 42 || h[3] == 43));
}

void TiffFile::fail(const std::string& problem) const {
  throw StackError(source_->name(), problem);
}

TiffFile::TiffFile(std::unique_ptr<ByteSource> source, TiffOpenLimits limits)
    : source_(std::move(source)), limits_(limits), handle_(std::make_unique<Handle>()) {
  const std::uint64_t size = source_->size();
  if (size == 0) fail("the file is empty");
  std::uint8_t head[8] = {};
  const std::size_t got = source_->readAt(0, head, sizeof head);
  if (!looksLikeTiff(head, got))
    fail("not a TIFF file (no TIFF signature; wrong extension or another format?)");
  if (size < 16)
    fail("the file is truncated (" + std::to_string(size) + " bytes, only part of a TIFF header)");

  handle_->source = source_.get();
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(opts, errorHandler, handle_.get());
  TIFFOpenOptionsSetWarningHandlerExtR(opts, warningHandler, handle_.get());
  TIFFOpenOptionsSetMaxSingleMemAlloc(
      opts, static_cast<tmsize_t>(std::max<std::uint64_t>(limits_.maxPlaneBytes, 64u << 20)));
  handle_->tif = TIFFClientOpenExt(
      source_->name().c_str(), "rm", static_cast<thandle_t>(static_cast<void*>(handle_.get())),
      readProc, writeProc, seekProc, closeProc, sizeProc, mapProc, unmapProc, opts);
  TIFFOpenOptionsFree(opts);
  if (!handle_->tif) {
    const bool big = head[2] == 43 || head[3] == 43;
    const std::uint64_t firstIfd = readUnsigned(*source_, head[0] == 'I', big ? 8 : 4, big ? 8 : 4);
    if (firstIfd >= size)
      fail("the file is truncated or corrupt (its first IFD at byte " + std::to_string(firstIfd) +
           " lies beyond the end, " + std::to_string(size) + " bytes)");
  }
  if (!handle_->tif)
    fail("not a readable TIFF" +
         (handle_->lastError.empty() ? std::string() : " (" + handle_->lastError + ")"));
  bigTiff_ = TIFFIsBigTIFF(handle_->tif);
  swapped_ = TIFFIsByteSwapped(handle_->tif);
  buildIndex();
}

TiffFile::~TiffFile() = default;

void TiffFile::buildIndex() {
  TIFF* tif = handle_->tif;
  std::size_t ifdNumber = 0;
  bool first = true;
  do {
    ++ifdNumber;
    if (!handle_->lastError.empty())
      fail("IFD " + std::to_string(ifdNumber) + " is corrupt (" + handle_->lastError + ")");
    std::uint32_t subfile = 0;
    TIFFGetField(tif, TIFFTAG_SUBFILETYPE, &subfile);
    if ((subfile & FILETYPE_REDUCEDIMAGE) && !first) continue;  // thumbnails / pyramid levels

    TiffPage p;
    p.ifdOffset = TIFFCurrentDirOffset(tif);
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p.width) ||
        !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p.height))
      fail("page " + std::to_string(ifdNumber) + " has no image size");
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &p.bitsPerSample);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &p.samples);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &p.sampleFormat);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &p.planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &p.compression);
    p.tiled = TIFFIsTiled(tif);

    if (p.width == 0 || p.height == 0)
      fail("page " + std::to_string(ifdNumber) + " has a zero image size");
    if (p.samples < 1 || p.samples > 4)
      fail(std::to_string(p.samples) + " samples per pixel are not supported (1 to 4)");
    if (first) {
      const auto fmt = p.sampleFormat, bps = p.bitsPerSample;
      if (fmt == SAMPLEFORMAT_COMPLEXINT || fmt == SAMPLEFORMAT_COMPLEXIEEEFP)
        fail("complex samples are not supported");
      if (bps == 64)
        fail("64-bit samples are not supported (convert to 32-bit in Fiji: Image > Type > 32-bit)");
      const bool isUint = fmt == SAMPLEFORMAT_UINT || fmt == SAMPLEFORMAT_VOID;
      if (bps == 8 && isUint)
        pixelType_ = PixelType::UInt8;
      else if (bps == 16 && isUint)
        pixelType_ = PixelType::UInt16;
      else if (bps == 16 && fmt == SAMPLEFORMAT_INT)
        pixelType_ = PixelType::Int16;
      else if (bps == 32 && isUint)
        pixelType_ = PixelType::UInt32;
      else if (bps == 32 && fmt == SAMPLEFORMAT_INT)
        pixelType_ = PixelType::Int32;
      else if (bps == 32 && fmt == SAMPLEFORMAT_IEEEFP)
        pixelType_ = PixelType::Float32;
      else if (bps == 8 && fmt == SAMPLEFORMAT_INT)
        fail("signed 8-bit samples are not supported");
      else if (bps == 16 && fmt == SAMPLEFORMAT_IEEEFP)
        fail("16-bit float samples are not supported");
      else
        fail(std::to_string(bps) + "-bit samples are not supported (8, 16 or 32 bits)");
      const std::uint64_t planeBytes = std::uint64_t(p.width) * p.height * p.samples *
                                       static_cast<std::uint64_t>(pixelTypeBytes(pixelType_));
      if (planeBytes > limits_.maxPlaneBytes || p.width > (1u << 30) || p.height > (1u << 30))
        fail("declares an implausible image size " + std::to_string(p.width) + " x " +
             std::to_string(p.height) + " (" + humanBytes(double(planeBytes)) +
             " per page; limit " + humanBytes(double(limits_.maxPlaneBytes)) + ")");
      char* desc = nullptr;
      if (TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &desc) && desc) description_ = desc;
      float xr = 0, yr = 0;
      std::uint16_t unit = RESUNIT_NONE;
      if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xr)) xRes_ = xr;
      if (TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yr)) yRes_ = yr;
      TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
      resUnit_ = unit;
    } else {
      const TiffPage& f = pages_.front();
      if (p.width != f.width || p.height != f.height || p.samples != f.samples ||
          p.bitsPerSample != f.bitsPerSample || p.sampleFormat != f.sampleFormat)
        fail("page " + std::to_string(ifdNumber) + " is " + sampleDescription(p) +
             " but page 1 is " + sampleDescription(f) + "; the pages of one stack must match");
    }
    if (!TIFFIsCODECConfigured(p.compression))
      fail("compression scheme " + std::to_string(p.compression) + " is not supported");

    if (p.compression == COMPRESSION_NONE && !p.tiled &&
        (p.planar == PLANARCONFIG_CONTIG || p.samples == 1)) {
      std::uint64_t* offsets = nullptr;
      std::uint64_t* counts = nullptr;
      const std::uint32_t strips = TIFFNumberOfStrips(tif);
      if (strips > 0 && TIFFGetField(tif, TIFFTAG_STRIPOFFSETS, &offsets) &&
          TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts) && offsets && counts) {
        bool contiguous = true;
        std::uint64_t total = counts[0];
        for (std::uint32_t s = 1; s < strips && contiguous; ++s) {
          contiguous = offsets[s] == offsets[s - 1] + counts[s - 1];
          total += counts[s];
        }
        const std::uint64_t need = std::uint64_t(p.width) * p.height * p.samples *
                                   static_cast<std::uint64_t>(pixelTypeBytes(pixelType_));
        if (contiguous && total >= need) {
          if (offsets[0] > source_->size() || need > source_->size() - offsets[0])
            fail("the file is truncated: page " + std::to_string(pages_.size() + 1) +
                 " needs bytes up to " + std::to_string(offsets[0] + need) + " but the file has " +
                 std::to_string(source_->size()));
          p.contiguousOffset = static_cast<std::int64_t>(offsets[0]);
        }
      }
    }
    pages_.push_back(p);
    first = false;
    if (pages_.size() > limits_.maxPages)
      fail("holds more than " + std::to_string(limits_.maxPages) + " pages");
  } while (TIFFReadDirectory(tif));
  if (!handle_->lastError.empty()) {
    if (nextIfdBeyondEnd(TIFFCurrentDirOffset(tif)))
      fail("the file is truncated after page " + std::to_string(pages_.size()) +
           " (the next IFD lies beyond the end)");
    fail("IFD " + std::to_string(ifdNumber + 1) + " is corrupt (" + handle_->lastError + ")");
  }
  if (pages_.empty()) fail("holds no image pages");
}

std::string TiffFile::compressionName() const {
  if (pages_.empty()) return "none";
  switch (pages_.front().compression) {
    case COMPRESSION_NONE:
      return "none";
    case COMPRESSION_LZW:
      return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
      return "deflate";
    case COMPRESSION_PACKBITS:
      return "packbits";
    case COMPRESSION_JPEG:
      return "jpeg";
    default: {
      const TIFFCodec* c = TIFFFindCODEC(pages_.front().compression);
      return c ? c->name : "compression " + std::to_string(pages_.front().compression);
    }
  }
}

cv::Mat TiffFile::readContiguousPlane(std::uint64_t offset) {
  const TiffPage& f = pages_.front();
  const int bytes = pixelTypeBytes(pixelType_);
  cv::Mat raw(static_cast<int>(f.height), static_cast<int>(f.width), rawDepth(pixelType_));
  const std::size_t need = raw.total() * raw.elemSize();
  if (source_->readAt(offset, raw.data, need) != need)
    fail("the file is truncated: plane data at byte " + std::to_string(offset) +
         " runs past the end");
  if (swapped_) swapBytes(raw.data, raw.total(), bytes);
  return finishPlane(raw, pixelType_);
}

void TiffFile::readContiguousInto(std::uint64_t offset, cv::Mat& dst) const {
  const std::size_t need = dst.total() * dst.elemSize();
  if (source_->readAt(offset, dst.data, need) != need)
    fail("the file is truncated: plane data at byte " + std::to_string(offset) +
         " runs past the end");
  if (swapped_) swapBytes(dst.data, dst.total(), static_cast<int>(dst.elemSize()));
}

std::vector<cv::Mat> TiffFile::readPage(std::size_t index) {
  const TiffPage& page = pages_.at(index);
  std::vector<cv::Mat> out;
  if (page.contiguousOffset >= 0) {
    const int bytes = pixelTypeBytes(pixelType_);
    cv::Mat raw(static_cast<int>(page.height), static_cast<int>(page.width),
                CV_MAKETYPE(rawDepth(pixelType_), page.samples));
    const std::size_t need = raw.total() * raw.elemSize();
    if (source_->readAt(static_cast<std::uint64_t>(page.contiguousOffset), raw.data, need) != need)
      fail("the file is truncated in page " + std::to_string(index + 1));
    if (swapped_) swapBytes(raw.data, raw.total() * page.samples, bytes);
    if (page.samples == 1)
      out.push_back(finishPlane(raw, pixelType_));
    else {
      cv::split(raw, out);
      for (auto& m : out) m = finishPlane(m, pixelType_);
    }
    return out;
  }
  decodeWithLibtiff(page, out);
  for (auto& m : out) m = finishPlane(m, pixelType_);
  return out;
}

void TiffFile::decodeWithLibtiff(const TiffPage& page, std::vector<cv::Mat>& out) {
  TIFF* tif = handle_->tif;
  const std::size_t pageNo = static_cast<std::size_t>(&page - pages_.data()) + 1;
  handle_->lastError.clear();
  if (!TIFFSetSubDirectory(tif, page.ifdOffset))
    fail("page " + std::to_string(pageNo) + " cannot be reached (" + handle_->lastError + ")");
  // JPEG-compressed YCbCr (what `tiffcp -c jpeg` and some cameras write) is stored
  // subsampled; libtiff's JPEG codec converts it to RGB when asked, so the strips decode to
  // full-size pixels like any other.
  std::uint16_t photometric = 0;
  TIFFGetFieldDefaulted(tif, TIFFTAG_PHOTOMETRIC, &photometric);
  if (page.compression == COMPRESSION_JPEG && photometric == PHOTOMETRIC_YCBCR)
    TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  const int w = static_cast<int>(page.width), h = static_cast<int>(page.height);
  const int spp = page.samples;
  const bool separate = page.planar == PLANARCONFIG_SEPARATE && spp > 1;
  const int depth = rawDepth(pixelType_);
  const std::size_t sampleBytes = static_cast<std::size_t>(pixelTypeBytes(pixelType_));
  const int planes = separate ? spp : 1;
  const int chans = separate ? 1 : spp;
  std::vector<cv::Mat> buf(static_cast<size_t>(planes));
  for (auto& m : buf) m.create(h, w, CV_MAKETYPE(depth, chans));
  const std::size_t pixelBytes = sampleBytes * static_cast<std::size_t>(chans);
  auto decodeError = [&](const char* what, std::uint32_t k) {
    fail("page " + std::to_string(pageNo) + ": " + what + " " + std::to_string(k) +
         " cannot be decoded (" +
         (handle_->lastError.empty() ? std::string("corrupt data") : handle_->lastError) + ")");
  };

  if (page.tiled) {
    std::uint32_t tw = 0, th = 0;
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
    const tmsize_t tileSize = TIFFTileSize(tif);
    if (tw == 0 || th == 0 || tileSize <= 0 ||
        static_cast<std::uint64_t>(tileSize) < std::uint64_t(tw) * th * pixelBytes)
      fail("page " + std::to_string(pageNo) + " has an invalid tile layout");
    std::vector<std::uint8_t> tile(static_cast<size_t>(tileSize));
    for (int s = 0; s < planes; ++s)
      for (std::uint32_t y = 0; y < page.height; y += th)
        for (std::uint32_t x = 0; x < page.width; x += tw) {
          const std::uint32_t k = TIFFComputeTile(tif, x, y, 0, static_cast<std::uint16_t>(s));
          if (TIFFReadEncodedTile(tif, k, tile.data(), tileSize) < 0) decodeError("tile", k);
          const std::uint32_t rows = std::min(th, page.height - y),
                              cols = std::min(tw, page.width - x);
          for (std::uint32_t r = 0; r < rows; ++r)
            std::memcpy(buf[s].ptr(static_cast<int>(y + r)) + x * pixelBytes,
                        tile.data() + r * tw * pixelBytes, cols * pixelBytes);
        }
  } else {
    std::uint32_t rps = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
    if (rps == 0 || rps > page.height) rps = page.height;
    const std::uint32_t nstrips = TIFFNumberOfStrips(tif);
    for (int s = 0; s < planes; ++s)
      for (std::uint32_t row = 0; row < page.height; row += rps) {
        const std::uint32_t k = TIFFComputeStrip(tif, row, static_cast<std::uint16_t>(s));
        if (k >= nstrips) fail("page " + std::to_string(pageNo) + " has too few strips");
        const std::uint32_t rows = std::min(rps, page.height - row);
        const tmsize_t want =
            static_cast<tmsize_t>(rows * static_cast<std::size_t>(w) * pixelBytes);
        const tmsize_t got = TIFFReadEncodedStrip(tif, k, buf[s].ptr(static_cast<int>(row)), want);
        if (got < 0) decodeError("strip", k);
        if (got < want)
          fail("page " + std::to_string(pageNo) + ": strip " + std::to_string(k) + " is truncated");
      }
  }
  if (separate) {
    out = std::move(buf);
  } else if (spp == 1) {
    out = std::move(buf);
  } else {
    cv::split(buf[0], out);
  }
}

}  // namespace mollichrom::io
