#pragma once
// Everything Mollichrom saves goes through here: the data is written to a temporary file in
// the destination folder and renamed over the target only when complete, so an interrupted
// write never leaves a half file and never destroys the previous version.
#include <string>

namespace mollichrom::util {

// Throws std::runtime_error naming the path and the reason on failure.
void writeFileAtomically(const std::string& path, const std::string& bytes);

// For writers that need a real path to write into (libtiff): a temporary file next to
// `target`, renamed over it by commit(). Destroyed without commit(), the temporary is removed
// and the target is untouched.
class AtomicFileTarget {
 public:
  explicit AtomicFileTarget(
      std::string target);  // throws naming `target` if its folder is not writable
  ~AtomicFileTarget();
  AtomicFileTarget(const AtomicFileTarget&) = delete;
  AtomicFileTarget& operator=(const AtomicFileTarget&) = delete;

  const std::string& tempPath() const { return temp_; }
  const std::string& targetPath() const { return target_; }
  // fsync()s the temporary and renames it over the target. Throws naming the target.
  void commit();

 private:
  std::string target_;
  std::string temp_;
  bool committed_ = false;
};

}  // namespace mollichrom::util
