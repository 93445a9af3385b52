// libFuzzer target for the stack reader: any byte string must either open (and decode its
// first planes) or raise StackError — never crash, hang, leak or read out of bounds.
// Build and run with scripts/fuzz.sh (clang, -fsanitize=fuzzer,address).
#include "core/io/StackError.h"
#include "core/io/StackReader.h"

#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mollichrom::io;
  OpenOptions options;
  options.maxPlaneBytes = 64u << 20;  // stay inside libFuzzer's default 2 GB RSS limit
  options.cacheBytes = 8u << 20;
  try {
    auto source =
        openStackFromMemory(std::vector<std::uint8_t>(data, data + size), "fuzz.tif", options);
    const StackInfo& info = source->info();
    int decoded = 0;
    for (int t = 0; t < info.frames && decoded < 6; ++t)
      for (int c = 0; c < info.channels && decoded < 6; ++c, ++decoded)
        source->plane(t, c, info.slices - 1);
  } catch (const StackError&) {
    // the expected outcome for malformed input
  }
  return 0;
}
