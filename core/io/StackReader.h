#pragma once
// Opening a stack: format detection (TIFF / ImageJ hyperstack / OME-TIFF / folder of images /
// single PNG), axes and calibration, then planes on demand through a bounded cache, or the
// whole stack (optionally cropped, frame-ranged and binned) after a memory check.
#include "core/io/Stack.h"
#include "core/io/StackInfo.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::io {

// How to read the pages of a TIFF without ImageJ/OME metadata (default: frames = time).
enum class PageAxis { Frames, Slices, Channels };
PageAxis parsePageAxis(
    const std::string& name);  // "frames"|"time"|"t", "slices"|"z", "channels"|"c"

struct OpenOptions {
  PageAxis plainPagesAs = PageAxis::Frames;
  std::uint64_t cacheBytes = std::uint64_t(256) << 20;    // decoded planes kept for plane()
  std::uint64_t maxPlaneBytes = std::uint64_t(16) << 30;  // larger pages are refused as implausible
};

struct LoadOptions {
  std::optional<cv::Rect> crop;        // in pixels of the file
  int firstFrame = 0, lastFrame = -1;  // inclusive, 0-based; -1 = last
  int binning = 1;                     // n x n block average (pixel size scales by n)
  std::uint64_t memoryLimit = 0;       // 0 = default (half the physical RAM)
};

// Half of the machine's physical memory: the default ceiling for a whole-stack load.
std::uint64_t defaultMemoryLimit();

class StackSource {
 public:
  virtual ~StackSource() = default;
  const StackInfo& info() const { return info_; }
  // Plane (t, c, z), decoded on first use and kept in an LRU cache of OpenOptions::cacheBytes.
  // The returned Mat shares the cached data: treat it as read-only (clone() to modify).
  cv::Mat plane(int t, int c, int z = 0);
  // Bytes the whole stack (after crop/range/binning) takes in memory.
  std::uint64_t estimateBytes(const LoadOptions& options) const;
  // Loads the selected part of the stack; throws StackTooLargeError over the memory limit and
  // util::Canceled when the feedback is canceled. Progress goes to `feedback` when given.
  Stack load(const LoadOptions& options = {}, util::Feedback* feedback = nullptr);

 protected:
  // Decodes the page holding plane (t, c, z) and returns all its samples' planes keyed by
  // their plane indices (RGB pages hold three channels at once).
  virtual std::vector<std::pair<std::int64_t, cv::Mat>> decode(int t, int c, int z) = 0;
  // Fast path for whole-stack loads: reads plane (t, c, z) straight into `dst` (allocated, the
  // file's sample type). Must be thread-safe. Returns false when the layout needs decode().
  virtual bool canReadInto() const { return false; }
  virtual void readInto(int /*t*/, int /*c*/, int /*z*/, cv::Mat& /*dst*/) {}
  virtual void prefetchAll() {}
  StackInfo info_;
  OpenOptions options_;

 private:
  cv::Mat cachedPlane(std::int64_t index, int t, int c, int z, bool keep);
  Stack loadDirect(StackInfo out, int firstFrame, util::Feedback* feedback);
  std::mutex mutex_;  // decoders (libtiff handles) are not thread-safe
  struct Entry {
    cv::Mat mat;
    std::uint64_t lastUse;
  };
  std::vector<std::pair<std::int64_t, Entry>> cache_;
  std::uint64_t cacheUsed_ = 0, useClock_ = 0;
};

// Opens `path` (a TIFF/OME-TIFF/ImageJ file, a PNG, or a folder of single-page images).
// Throws StackError naming the path and the problem.
std::unique_ptr<StackSource> openStack(const std::string& path, const OpenOptions& options = {});
// Same, from bytes in memory (the fuzzer and tests); `name` appears in error messages.
std::unique_ptr<StackSource> openStackFromMemory(std::vector<std::uint8_t> bytes,
                                                 const std::string& name,
                                                 const OpenOptions& options = {});

}  // namespace mollichrom::io
