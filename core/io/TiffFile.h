#pragma once
// One TIFF/BigTIFF file opened through libtiff: an index of its image pages built once (IFD
// offsets, so page k is reached with one TIFFSetSubDirectory instead of walking the chain),
// their layout, and page decoding into cv::Mat. Uncompressed pages whose strips are contiguous
// are read with a single pread (the common case for Fiji and microscope files, and the only
// way to reach planes beyond the last IFD in ImageJ's >4 GiB layout).
#include "core/io/ByteSource.h"
#include "core/io/PixelType.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mollichrom::io {

struct TiffPage {
  std::uint64_t ifdOffset = 0;
  std::uint32_t width = 0, height = 0;
  std::uint16_t samples = 1, bitsPerSample = 8, sampleFormat = 1, planar = 1, compression = 1;
  bool tiled = false;
  // Start of the page's pixel data when it is uncompressed, chunky (or 1 sample) and its
  // strips follow each other in the file; -1 otherwise.
  std::int64_t contiguousOffset = -1;
};

struct TiffOpenLimits {
  std::uint64_t maxPlaneBytes = std::uint64_t(16) << 30;  // one decoded page
  std::size_t maxPages = 10'000'000;
};

class TiffFile {
 public:
  // Throws StackError (naming source->name()) for anything that is not a readable TIFF stack
  // with a supported sample type and consistent pages.
  explicit TiffFile(std::unique_ptr<ByteSource> source, TiffOpenLimits limits = {});
  ~TiffFile();
  TiffFile(const TiffFile&) = delete;
  TiffFile& operator=(const TiffFile&) = delete;

  const std::string& name() const { return source_->name(); }
  const std::vector<TiffPage>& pages() const { return pages_; }
  PixelType pixelType() const { return pixelType_; }
  bool bigTiff() const { return bigTiff_; }
  bool byteSwapped() const { return swapped_; }
  std::uint64_t fileSize() const { return source_->size(); }
  void willNeedAll() const { source_->willNeedAll(); }
  const std::string& description() const { return description_; }  // first page's ImageDescription
  // First page's resolution tags (pixels per unit; 0 when absent) and unit (RESUNIT_*).
  double xResolution() const { return xRes_; }
  double yResolution() const { return yRes_; }
  int resolutionUnit() const { return resUnit_; }
  std::string compressionName() const;

  // Decodes page `index` into one cv::Mat per sample (depth pixelTypeCvDepth()).
  std::vector<cv::Mat> readPage(std::size_t index);
  // Reads one sample plane whose raw pixels start at `offset` (ImageJ's contiguous layout).
  cv::Mat readContiguousPlane(std::uint64_t offset);
  // Reads the raw single-sample plane at `offset` straight into `dst` (pre-allocated, the
  // file's sample type; not uint32). Thread-safe: one pread, no libtiff state.
  void readContiguousInto(std::uint64_t offset, cv::Mat& dst) const;

  struct Handle;  // libtiff state; public only so the C callbacks can name it

 private:
  void buildIndex();
  void decodeWithLibtiff(const TiffPage& page, std::vector<cv::Mat>& out);
  [[noreturn]] void fail(const std::string& problem) const;
  // For error messages: is the IFD that follows the one at `ifd` beyond the end of the file?
  bool nextIfdBeyondEnd(std::uint64_t ifd) const;

  std::unique_ptr<ByteSource> source_;
  TiffOpenLimits limits_;
  std::unique_ptr<Handle> handle_;
  std::vector<TiffPage> pages_;
  PixelType pixelType_ = PixelType::UInt8;
  bool bigTiff_ = false, swapped_ = false;
  std::string description_;
  double xRes_ = 0, yRes_ = 0;
  int resUnit_ = 0;
};

// True when `head` (the first bytes of a file) starts with a TIFF or BigTIFF signature.
bool looksLikeTiff(const std::uint8_t* head, std::size_t n);

}  // namespace mollichrom::io
