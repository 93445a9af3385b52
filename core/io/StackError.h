#pragma once
// The one error type of stack I/O: what() is a single line "FILE: problem", ready for a
// status bar, a dialog or the CLI's stderr.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace mollichrom::io {

class StackError : public std::runtime_error {
 public:
  StackError(const std::string& file, const std::string& problem)
      : std::runtime_error(file + ": " + problem), file_(file), problem_(problem) {}
  const std::string& file() const { return file_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_, problem_;
};

// Loading the whole stack would exceed the memory limit. The message proposes the
// alternatives (crop, frame range, binning) so the user can act on it.
class StackTooLargeError : public StackError {
 public:
  StackTooLargeError(const std::string& file, const std::string& problem, std::uint64_t needed,
                     std::uint64_t limit)
      : StackError(file, problem), needed_(needed), limit_(limit) {}
  std::uint64_t neededBytes() const { return needed_; }
  std::uint64_t limitBytes() const { return limit_; }

 private:
  std::uint64_t needed_, limit_;
};

}  // namespace mollichrom::io
