#pragma once
// A run's output files as one transaction. Every file of the run is written into a private
// staging folder beside its target (same file system, so moving it into place is a rename)
// and moved there only by commit(), after the whole computation, under a lock on the outputs:
//  - a run that fails, runs out of disk or is killed leaves the previous result whole;
//  - two runs naming the same output never interleave: the second is refused up front;
//  - files a previous run left under the run's names but this run does not write (a band
//    beside λ) are removed at commit, so a folder never mixes two runs;
//  - folders that do not exist or cannot be written, and names the file system refuses, are
//    found before any computation, not after it.
// A commit moves its files one by one; the lock keeps other runs out of that short window.
#include <stdexcept>
#include <string>
#include <vector>

namespace mollichrom::util {

// Another run holds one of the outputs (its process id in the message).
struct OutputBusy : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// An output cannot be written where it is named (folder missing or read-only, name too long).
struct OutputUnusable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputSet {
 public:
  // Claims `outputs` (the files the run may write) and `companions` (files a previous run may
  // have written under related names; removed at commit unless written by this run). Throws
  // OutputUnusable or OutputBusy, naming the file.
  explicit OutputSet(std::vector<std::string> outputs, std::vector<std::string> companions = {});
  ~OutputSet();  // without commit(): staging removed, locks released, targets untouched
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Where to write `target` (one of the outputs or companions) now; moved into place by commit().
  std::string staged(const std::string& target);
  // A writer's error message about a staged file, told about the target instead (the
  // staging path means nothing to the user) and, when its folder's disk is full, saying so.
  std::string explain(const std::string& message) const;
  // Any of the outputs already exists (a previous result).
  bool anyExists() const;
  // Moves every staged file over its target and removes the companions not staged. Throws
  // std::runtime_error naming the file.
  void commit();

 private:
  struct Entry {
    std::string target, staging, lockPath;
    int lockFd = -1;
    bool staged = false, output = false;
  };
  Entry& entry(const std::string& target);
  void release();

  std::vector<Entry> entries_;
  std::vector<std::string> stagingDirs_;
  bool committed_ = false;
};

}  // namespace mollichrom::util
