#pragma once
// The layout of a batch's output folder, shared by local workers, SLURM tasks, `status` and
// `collect`:
//   DIR/batch.csv                the items and their options (what every task runs)
//   DIR/items/NAME/              one finished item: lambda.tif (+ .low90/.high90), nuclei.csv,
//                                summary.json, losses.csv, log.txt, status.json
//   DIR/items/.NAME.partial/     an item being written; renamed to NAME when it ends, so an
//                                item's folder is whole or absent
//   DIR/items/.NAME.lock         held (flock) while a task runs the item, here or on a node
//   DIR/.batch.lock              held while a `batch` command runs the folder (its process
//                                and start in the file, for the refusal of a second one)
//   DIR/logs/                    the workers' and SLURM tasks' own output
// A failed item keeps its folder too (log and status say why) and is run again next time; a
// done one is skipped unless forced.
#include <string>

namespace mollichrom::batch {

enum class ItemState { Pending, Running, Done, Failed, Interrupted };
std::string itemStateName(ItemState s);  // "pending", "running", "done", "failed", "interrupted"

struct ItemStatus {
  ItemState state = ItemState::Pending;
  int exitCode = -1;
  double seconds = 0;
  std::string message;   // failed: the log's last error line
  std::string finished;  // ISO 8601, UTC
  std::string host;
};

class BatchFolder {
 public:
  explicit BatchFolder(std::string dir);
  const std::string& dir() const { return dir_; }
  std::string table() const { return dir_ + "/batch.csv"; }
  std::string itemsDir() const { return dir_ + "/items"; }
  std::string itemDir(const std::string& name) const { return itemsDir() + "/" + name; }
  std::string partialDir(const std::string& name) const;
  std::string lockFile(const std::string& name) const;
  std::string logsDir() const { return dir_ + "/logs"; }
  std::string slurmDir() const { return dir_ + "/slurm"; }
  // Held by the `batch` command that runs the folder's items (one at a time per folder).
  std::string runLockFile() const { return dir_ + "/.batch.lock"; }

  // From the item's status.json, or Running when its lock is held, else Pending.
  ItemStatus status(const std::string& name) const;
  // From status.json only (Pending without one): what the task holding the lock reads.
  ItemStatus recordedStatus(const std::string& name) const;
  static std::string statusJson(const ItemStatus& s);
  static ItemStatus parseStatusJson(const std::string& json);

 private:
  std::string dir_;
};

// Holds an item's lock for its lifetime (released by the kernel if the process dies).
class ItemLock {
 public:
  explicit ItemLock(const std::string& path);  // throws std::runtime_error if it cannot open it
  ~ItemLock();
  ItemLock(const ItemLock&) = delete;
  ItemLock& operator=(const ItemLock&) = delete;
  bool acquired() const { return acquired_; }
  // Records who holds it (process, host, start), for lockHolder(); only when acquired.
  void describeHolder(const std::string& text);

 private:
  int fd_ = -1;
  bool acquired_ = false;
};

// Whether another process holds the lock at `path` now.
bool isLocked(const std::string& path);
// What the holder recorded with describeHolder() ("" if nothing).
std::string lockHolder(const std::string& path);

}  // namespace mollichrom::batch
