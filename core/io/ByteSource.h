#pragma once
// Random-access bytes under the TIFF reader: a file (pread, no shared position, so pages can
// be read without seeking state) or a memory buffer (tests, the fuzzer).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mollichrom::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes at offset; returns the count read (short only at end of data).
  virtual std::size_t readAt(std::uint64_t offset, void* dst, std::size_t n) const = 0;
  virtual std::uint64_t size() const = 0;
  // The name used in error messages (the path).
  virtual const std::string& name() const = 0;
  // Hint that all bytes will be read soon (a whole-stack load): files start read-ahead.
  virtual void willNeedAll() const {}
};

// Throws StackError naming `path`: not found, permission denied, is a folder, ...
std::unique_ptr<ByteSource> openFileSource(const std::string& path);
std::unique_ptr<ByteSource> memorySource(std::vector<std::uint8_t> bytes, std::string name);

}  // namespace mollichrom::io
