// `mollichrom-cli batch task DIR --index N`: runs one item of a batch — what a local worker
// and a SLURM array task both do. The item's infer runs as a child process whose output goes to
// the item's log; the task then writes the item's status and publishes its folder by renaming.
#include "app/cli/Args.h"
#include "app/cli/BatchCalibration.h"
#include "app/cli/BatchCommand.h"
#include "app/cli/BatchShared.h"
#include "app/cli/ExitCodes.h"
#include "core/batch/BatchFolder.h"
#include "core/util/AtomicFile.h"
#include "core/util/Subprocess.h"
#include "core/util/TextFile.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;

namespace mollichrom::cli {

namespace {

const char* kTaskUsage =
    "Usage: mollichrom-cli batch task DIR [--index N] [--threads T] [--force]\n"
    "\n"
    "Runs item N (0-based, the row of DIR/batch.csv; default $SLURM_ARRAY_TASK_ID) of a batch\n"
    "prepared by `mollichrom-cli batch`: infer writes into DIR/items/.NAME.partial, its output\n"
    "goes to log.txt there, and the folder becomes DIR/items/NAME when it ends, with\n"
    "status.json (done, failed or interrupted). A done item is skipped unless --force; an item\n"
    "another task is running is skipped with exit code 75. Otherwise the exit code is infer's.\n";

pid_t gChild = 0;
void forwardSignal(int sig) {
  if (gChild > 0) kill(gChild, sig);  // infer writes its checkpoint and exits 130
}

// Replaces DIR/items/NAME by the partial folder; the old one (an earlier failed or forced run)
// is moved aside first, so NAME is never a mix of two runs.
void publish(const batch::BatchFolder& folder, const std::string& name) {
  const std::string final = folder.itemDir(name), partial = folder.partialDir(name);
  std::error_code ec;
  const std::string old = folder.itemsDir() + "/." + name + ".old-" + std::to_string(getpid());
  if (fs::exists(final, ec)) fs::rename(final, old);
  fs::rename(partial, final);
  fs::remove_all(old, ec);
}

}  // namespace

int runBatchTask(const std::vector<std::string>& argv) {
  const Args args(argv, {"index", "threads"}, {"force", "help"});
  if (args.has("help")) {
    std::cout << kTaskUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expects the batch folder DIR");
  const batch::BatchFolder folder(args.positionals().front());
  int index = args.getInt("index", -1);
  if (!args.has("index")) {
    const char* env = std::getenv("SLURM_ARRAY_TASK_ID");
    if (!env) throw UsageError("needs --index N (or SLURM_ARRAY_TASK_ID)");
    index = std::atoi(env);
  }
  const auto items = batch::readBatchTable(folder.table(), itemOptionNames());
  if (index < 0 || index >= static_cast<int>(items.size()))
    throw UsageError("--index " + std::to_string(index) + ": " + folder.table() + " has " +
                     std::to_string(items.size()) + " items (0 to " +
                     std::to_string(items.size() - 1) + ")");
  batch::BatchItem item = items[static_cast<size_t>(index)];
  fs::create_directories(folder.itemsDir());

  batch::ItemLock lock(folder.lockFile(item.name));
  if (!lock.acquired()) {
    std::cout << shownName(item.name) << ": being run by another task; skipped\n";
    return kExitBusy;
  }
  // status() would see our own lock as "running": read what the item's folder records.
  if (!args.has("force") && folder.recordedStatus(item.name).state == batch::ItemState::Done) {
    std::cout << shownName(item.name) << ": done already (--force redoes it)\n";
    return kExitOk;
  }
  const std::string partial = folder.partialDir(item.name);
  fs::remove_all(partial);  // what a killed task left
  fs::create_directories(partial);

  // The acquisition's calibration (pooled from its time-lapses, computed by the first task that
  // needs it): every item of it runs on the same gains and its condition's M, Γ_ac.
  std::ostringstream calibrationLog;
  try {
    const std::string calibration =
        ensureAcquisitionCalibration(folder, items, static_cast<size_t>(index), calibrationLog);
    if (!calibration.empty()) {
      item.options.emplace_back("calibration", calibration);
      item.options.emplace_back("calibration-group", item.condition);
    }
  } catch (const std::exception& e) {
    calibrationLog << "calibration: error: " << e.what() << "\n";
  }
  bool hasThreads = false;
  for (const auto& o : item.options) hasThreads = hasThreads || o.first == "threads";
  if (!hasThreads && args.has("threads")) item.options.emplace_back("threads", args.get("threads"));
  std::vector<std::string> command = inferArgvOf(item, partial);
  command.insert(command.begin(), util::selfExecutable());
  const std::string log = partial + "/log.txt";
  {
    std::ostringstream head;
    head << "mollichrom-cli batch task: item " << shownName(item.name) << " (condition '"
         << item.condition << "') on " << hostName() << ", started " << nowIso()
         << "\ninput: " << item.path << "\n"
         << calibrationLog.str() << "\n";
    util::writeFileAtomically(log, head.str());
  }

  const auto start = std::chrono::steady_clock::now();
  std::signal(SIGINT, forwardSignal);
  std::signal(SIGTERM, forwardSignal);
  int code = 1;
  try {
    gChild = util::spawnProcess(command, {log, {}});
    code = util::waitProcess(gChild);
  } catch (const std::exception& e) {
    std::ofstream(log, std::ios::app) << "mollichrom-cli batch task: error: " << e.what() << "\n";
  }
  gChild = 0;
  batch::ItemStatus status;
  status.exitCode = code;
  status.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  status.finished = nowIso();
  status.host = hostName();
  status.state = code == kExitOk            ? batch::ItemState::Done
                 : code == kExitInterrupted ? batch::ItemState::Interrupted
                                            : batch::ItemState::Failed;
  if (status.state == batch::ItemState::Interrupted)
    status.message = "stopped by a signal; the next batch run starts it again";
  else if (code != kExitOk)
    status.message = lastErrorLine(util::readTextFile(log).value_or(""));
  util::writeFileAtomically(partial + "/status.json", batch::BatchFolder::statusJson(status));
  publish(folder, item.name);
  if (code == kExitOk)
    std::cout << shownName(item.name) << ": done in " << durationText(status.seconds) << "\n";
  else
    std::cout << shownName(item.name) << ": " << batch::itemStateName(status.state) << " (exit "
              << code << "): " << status.message << "\n";
  return code;
}

}  // namespace mollichrom::cli
