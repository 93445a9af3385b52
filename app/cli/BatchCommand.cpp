// `mollichrom-cli batch`: checks every item before anything runs (files, names, columns, each
// item's infer options, its memory plan), writes DIR/batch.csv, then runs the pending items with
// N local workers — each a `batch task` child — or writes (and submits) a SLURM job array that
// runs the very same tasks.
#include "app/cli/BatchCommand.h"

#include "app/cli/Args.h"
#include "app/cli/BatchShared.h"
#include "app/cli/ExitCodes.h"
#include "app/cli/InferOptions.h"
#include "core/batch/BatchFolder.h"
#include "core/batch/SlurmScript.h"
#include "core/io/StackError.h"
#include "core/runtime/Runtime.h"
#include "core/util/AtomicFile.h"
#include "core/util/Subprocess.h"
#include "core/util/TextFile.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include <unistd.h>

namespace fs = std::filesystem;

namespace mollichrom::cli {

namespace {

const char* kBatchUsage =
    "Usage: mollichrom-cli batch (INPUT... | --manifest M.csv) --out DIR [options] [infer "
    "options]\n"
    "       mollichrom-cli batch status DIR [--json] [--wait SECONDS]\n"
    "       mollichrom-cli batch collect DIR\n"
    "       mollichrom-cli batch task DIR --index N   (what each worker and SLURM task runs)\n"
    "\n"
    "Infers lambda for many stacks. Each item's outputs (lambda.tif with its 90% band,\n"
    "nuclei.csv, summary.json, losses.csv, log.txt, status.json) land in DIR/items/NAME, written\n"
    "atomically. Everything is checked before anything runs: a missing file, a duplicate output\n"
    "name, an unknown manifest column or a bad option value is one error line, exit code 3.\n"
    "\n"
    "  --manifest M.csv     columns path[,condition][,name][,acquisition][,any infer option, e.g.\n"
    "                       pixel-size, channels, set, steps, preset, drift]; relative paths are\n"
    "                       relative to the manifest; NAME defaults to the file name without\n"
    "                       extension. Items of one acquisition (one microscope setting; default:\n"
    "                       the whole batch) share one calibration: its time-lapses of counts are\n"
    "                       profiled and pooled into DIR/calibration/ACQUISITION.json (the share,\n"
    "                       M and gamma_ac per condition, with 90 % intervals), which all its\n"
    "                       items - snapshots too - run with. --calibration FILE uses a saved "
    "one.\n"
    "  --condition C        the condition of INPUT... items\n"
    "  --jobs N             concurrent local workers (default: as many as the cores and the\n"
    "                       memory plan allow); the cores are split between them (--threads)\n"
    "  --force              redo items already done (default: resume, skipping them)\n"
    "  --add                add these items to DIR's batch (a folder holding other items is\n"
    "                       refused without it; one batch command per folder at a time)\n"
    "  --slurm              write DIR/slurm/job.sbatch, a job array with one task per pending "
    "item\n"
    "    --partition P  --time T  --mem SIZE  --cpus C  --throttle K (at most K tasks at once;\n"
    "                       default 20)   --mem defaults to the largest item's memory plan\n"
    "    --submit           submit it with sbatch and print the job id\n"
    "  any infer option     applies to every item unless its manifest row sets it (see\n"
    "                       mollichrom-cli infer --help)\n"
    "\n"
    "Exit codes: 0 every item done, 1 some item failed (the others still ran; each failure is\n"
    "listed), 2 usage, 3 bad input, 75 another batch runs DIR or some items are still running\n"
    "in another process, 130 interrupted. Then: `batch collect DIR` merges the\n"
    "results into DIR/results.csv, DIR/summary.json and DIR/summary.png.\n";

const std::set<std::string> kBatchValued{"out",  "manifest", "condition", "jobs",    "partition",
                                         "time", "mem",      "cpus",      "throttle"};
const std::set<std::string> kBatchFlags{"force", "add", "slurm", "submit", "help"};

volatile std::sig_atomic_t gStop = 0;
void onStop(int) { gStop = 1; }

struct Planned {
  batch::BatchItem item;
  double peakMb = 0;
};

// Each item's infer options parsed as infer would (bad values fail now, not at item 37) and its
// memory plan from the stack's header.
std::vector<Planned> planItems(const std::vector<batch::BatchItem>& items) {
  std::vector<Planned> out;
  for (const auto& item : items) {
    const std::string what = "item '" + item.name + "' (" + item.path + ")";
    std::vector<std::string> argv = inferArgvOf(item, "/tmp");
    argv.erase(argv.begin());  // "infer"
    InferOptions o;
    try {
      o = parseInferOptions(inferArgs(argv));
    } catch (const UsageError& e) {
      throw batch::BatchInputError(what + ": " + e.what());
    }
    try {
      auto src = io::openStack(item.path);
      const auto plan = train::planMemory(runShape(src->info(), o.lo), o.po, o.cfg);
      out.push_back({item, plan.peakMb});
    } catch (const io::StackError& e) {
      throw batch::BatchInputError(what + ": " + e.what());
    }
  }
  return out;
}

// Why an item failed, in words: its log's error line; else the worker's own log's; else what
// the exit code says (a signal, a task that could not start).
std::string failureReason(const batch::ItemStatus& st, int code, const std::string& taskLog) {
  if (!st.message.empty()) return st.message;
  if (const auto log = util::readTextFile(taskLog))
    if (const std::string last = lastErrorLine(*log); !last.empty()) return last;
  if (code > 128) return "killed by signal " + std::to_string(code - 128) + " (" + taskLog + ")";
  return "ended without a message (see " + taskLog + ")";
}

batch::Options commonOptions(const Args& args) {
  batch::Options common;
  for (const auto& name : itemOptionNames().valued)
    if (args.has(name)) common.emplace_back(name, args.get(name));
  for (const auto& name : itemOptionNames().flags)
    if (args.has(name)) common.emplace_back(name, "");
  return common;
}

int runLocal(const batch::BatchFolder& folder, const std::vector<Planned>& planned,
             const std::vector<int>& pending, const Args& args) {
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  // Workers: as asked, else one per core — fewer when the memory plans of that many items at
  // once exceed the limit (estimate before allocating).
  int jobs = args.getInt("jobs", 0);
  if (args.has("jobs") && jobs < 1) throw UsageError("--jobs must be >= 1");
  const double limitMb = args.has("memory-limit") ? train::parseMemorySize(args.get("memory-limit"))
                                                  : train::defaultRunMemoryLimitMb();
  std::vector<double> peaks;
  for (int i : pending) peaks.push_back(planned[static_cast<size_t>(i)].peakMb);
  std::sort(peaks.rbegin(), peaks.rend());
  const auto fits = [&](int n) {
    double sum = 0;
    for (int k = 0; k < n && k < static_cast<int>(peaks.size()); ++k) sum += peaks[k];
    return sum <= limitMb;
  };
  if (jobs == 0) {
    jobs = std::min<int>(cores, static_cast<int>(pending.size()));
    while (jobs > 1 && !fits(jobs)) --jobs;
  } else if (!fits(jobs)) {
    std::cerr << "batch: warning: " << jobs << " items at once may need more than the memory "
              << "limit (" << std::lround(limitMb) << " MB); each item still checks its own plan\n";
  }
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(pending.size())));
  const int threads = std::max(1, cores / jobs);
  std::cerr << "batch: " << pending.size() << " item(s) to run with " << jobs << " worker(s) x "
            << threads << " thread(s)\n";

  fs::create_directories(folder.logsDir());
  // Without SA_RESTART: the wait below returns on a signal, and the running items are told.
  struct sigaction stop {};
  stop.sa_handler = onStop;
  sigemptyset(&stop.sa_mask);
  sigaction(SIGINT, &stop, nullptr);
  sigaction(SIGTERM, &stop, nullptr);
  bool told = false;
  struct Worker {
    int index;  // of the item
    std::chrono::steady_clock::time_point started;
  };
  std::map<pid_t, Worker> running;
  size_t next = 0;
  int done = 0, failed = 0;
  std::vector<std::string> failures, elsewhere;
  double busySeconds = 0;
  const auto begin = std::chrono::steady_clock::now();
  while (next < pending.size() || !running.empty()) {
    while (!gStop && next < pending.size() && static_cast<int>(running.size()) < jobs) {
      const int index = pending[next++];
      const auto& item = planned[static_cast<size_t>(index)].item;
      std::vector<std::string> command{util::selfExecutable(),
                                       "batch",
                                       "task",
                                       folder.dir(),
                                       "--index",
                                       std::to_string(index),
                                       "--threads",
                                       std::to_string(threads)};
      if (args.has("force")) command.push_back("--force");
      const pid_t pid = util::spawnProcess(
          command, {folder.logsDir() + "/task_" + std::to_string(index) + ".log", {}});
      running[pid] = {index, std::chrono::steady_clock::now()};
      std::cerr << "batch: started " << shownName(item.name) << "\n";
    }
    if (gStop && !told) {
      // A Ctrl+C reached the workers too (one process group); a SIGTERM only us: pass it on.
      // Each item's infer stops within a step and its task records it as interrupted.
      std::cerr << "batch: interrupted: waiting for " << running.size()
                << " running item(s) to write their state\n";
      for (const auto& worker : running) kill(worker.first, SIGTERM);
      next = pending.size();
      told = true;
    }
    pid_t pid = 0;
    int code = 0;
    if (!util::waitAnyProcess(&pid, &code, true)) continue;  // a signal: look at gStop
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const auto& item = planned[static_cast<size_t>(it->second.index)].item;
    busySeconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.started)
            .count();
    running.erase(it);
    const batch::ItemStatus st = folder.status(item.name);
    if (code == kExitOk) {
      ++done;
    } else if (code == kExitBusy) {
      // A task of an earlier batch command (killed, its workers not) still runs it: it is
      // neither done nor failed yet.
      elsewhere.push_back(shownName(item.name));
    } else {
      ++failed;
      failures.push_back(
          shownName(item.name) + ": " + batch::itemStateName(st.state) + " (exit " +
          std::to_string(code) + "): " +
          failureReason(st, code,
                        folder.logsDir() + "/task_" + std::to_string(it->second.index) + ".log"));
    }
    const int finished = done + failed + static_cast<int>(elsewhere.size());
    const int left = static_cast<int>(pending.size()) - finished;
    const double eta = finished ? busySeconds / finished * left / jobs : 0;
    std::cerr << "batch: [" << finished << "/" << pending.size() << "] " << shownName(item.name)
              << " "
              << (code == kExitOk            ? "done"
                  : code == kExitBusy        ? "still running in another process"
                  : code == kExitInterrupted ? "interrupted"
                                             : "FAILED")
              << " — " << done << " done, " << failed << " failed, " << running.size() << " running"
              << (left > 0 ? ", ETA " + durationText(eta) : std::string()) << "\n";
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::cerr << "batch: " << done << " done, " << failed << " failed";
  if (!elsewhere.empty())
    std::cerr << ", " << elsewhere.size() << " still running in another process";
  std::cerr << " in " << durationText(wall) << (gStop ? " (interrupted)" : "") << "\n";
  for (const auto& f : failures) std::cerr << "batch: failed: " << f << "\n";
  for (const auto& name : elsewhere)
    std::cerr << "batch: still running elsewhere: " << name << "\n";
  if (!elsewhere.empty())
    std::cerr << "batch: follow them with: mollichrom-cli batch status "
              << util::shellQuote(folder.dir()) << " --wait 600\n";
  else if (failed == 0 && !gStop)
    std::cerr << "batch: merge the results with: mollichrom-cli batch collect "
              << util::shellQuote(folder.dir()) << "\n";
  if (gStop) return kExitInterrupted;
  if (failed) return kExitFailure;
  return elsewhere.empty() ? kExitOk : kExitBusy;
}

int runSlurm(const batch::BatchFolder& folder, const std::vector<Planned>& planned,
             const std::vector<int>& pending, const Args& args) {
  batch::SlurmOptions o;
  o.partition = args.get("partition");
  o.time = args.get("time");
  o.cpus = args.getInt("cpus", 2);
  o.throttle = args.getInt("throttle", 20);
  o.force = args.has("force");
  o.program = util::selfExecutable();
  if (args.has("mem")) {
    try {
      o.memoryMb = batch::parseSlurmMemory(args.get("mem"));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--mem: ") + e.what());
    }
  } else {
    // The largest pending item's plan with a 20 % margin, in whole 64 MB.
    double peak = 0;
    for (int i : pending) peak = std::max(peak, planned[static_cast<size_t>(i)].peakMb);
    o.memoryMb = std::ceil(peak * 1.2 / 64) * 64;
  }
  try {
    batch::checkSlurmOptions(o);
  } catch (const batch::BatchInputError& e) {
    throw UsageError(e.what());
  }
  fs::create_directories(folder.slurmDir() + "/logs");
  const std::string script = folder.slurmDir() + "/job.sbatch";
  util::writeFileAtomically(script, batch::sbatchScript(o, pending));
  std::cerr << "batch: wrote " << script << ": " << pending.size() << " array task(s), " << o.cpus
            << " CPU(s) and " << std::lround(o.memoryMb) << " MB each\n";
  if (!args.has("submit")) {
    std::cerr << "batch: submit it with: cd " << util::shellQuote(folder.dir())
              << " && sbatch slurm/job.sbatch\n";
    return kExitOk;
  }
  if (util::findProgram("sbatch").empty())
    throw std::runtime_error("sbatch not found in PATH: submit from a SLURM login node");
  int code = 0;
  std::string errors;
  const std::string out = util::runCapturing({"sbatch", "--parsable", "slurm/job.sbatch"}, &code,
                                             &errors, folder.dir());
  if (code != 0) {
    std::string first = errors.substr(0, errors.find('\n'));
    throw std::runtime_error("sbatch refused the job: " + first);
  }
  std::string id = out.substr(0, out.find_first_of(";\n"));
  util::writeFileAtomically(folder.slurmDir() + "/job_id", id + "\n");
  std::cout << id << "\n";
  std::cerr << "batch: submitted SLURM job " << id << " (" << pending.size()
            << " tasks); follow it with: mollichrom-cli batch status "
            << util::shellQuote(folder.dir()) << "\n";
  return kExitOk;
}

// The folder's items after this command: the new ones in a new folder; the same ones again
// (a resumed batch); with --add, the folder's items followed by those not in it yet. Other
// items would silently replace the table a running or earlier batch works from: refused.
std::vector<batch::BatchItem> itemsOfFolder(const batch::BatchFolder& folder,
                                            const std::vector<batch::BatchItem>& items, bool add) {
  if (!fs::exists(folder.table())) return items;
  std::vector<batch::BatchItem> existing;
  try {
    existing = batch::readBatchTable(folder.table(), itemOptionNames());
  } catch (const std::exception& e) {
    throw batch::BatchInputError(folder.table() + ": " + e.what() +
                                 " (the folder of another batch? choose another --out)");
  }
  const auto same = [](const batch::BatchItem& a, const batch::BatchItem& b) {
    return batch::batchTableCsv({a}) == batch::batchTableCsv({b});
  };
  if (!add) {
    if (batch::batchTableCsv(existing) == batch::batchTableCsv(items)) return items;
    throw UsageError(folder.dir() + " holds a batch of " + std::to_string(existing.size()) +
                     " other item(s) (first: " +
                     shownName(existing.empty() ? std::string() : existing.front().name) +
                     "); choose another --out, or give --add to add these items to it");
  }
  std::vector<batch::BatchItem> merged = existing;
  for (const auto& item : items) {
    const auto it = std::find_if(existing.begin(), existing.end(),
                                 [&](const batch::BatchItem& e) { return e.name == item.name; });
    if (it == existing.end())
      merged.push_back(item);
    else if (!same(*it, item))
      throw UsageError("--add: " + folder.dir() + " already has an item named " +
                       shownName(item.name) +
                       " with other input or options; give the new one another name");
  }
  return merged;
}

}  // namespace

int runBatch(const std::vector<std::string>& argv) {
  std::set<std::string> valued = kBatchValued, flags = kBatchFlags;
  valued.insert(itemOptionNames().valued.begin(), itemOptionNames().valued.end());
  flags.insert(itemOptionNames().flags.begin(), itemOptionNames().flags.end());
  const Args args(argv, valued, flags);
  if (args.has("help")) {
    std::cout << kBatchUsage;
    return kExitOk;
  }
  if (!args.has("out")) throw UsageError("needs --out DIR (the batch folder)");
  if (args.has("manifest") == !args.positionals().empty())
    throw UsageError("give either INPUT stacks or --manifest M.csv");
  for (const char* slurmOnly : {"partition", "time", "mem", "cpus", "throttle", "submit"})
    if (args.has(slurmOnly) && !args.has("slurm"))
      throw UsageError(std::string("--") + slurmOnly + " needs --slurm");
  const batch::Options common = commonOptions(args);
  const auto items =
      args.has("manifest")
          ? batch::readManifest(args.get("manifest"), itemOptionNames(), common)
          : batch::itemsFromInputs(args.positionals(), args.get("condition"), common);
  const batch::BatchFolder folder(fs::absolute(args.get("out")).lexically_normal().string());
  fs::create_directories(folder.itemsDir());
  // One batch command per folder: a second one would rewrite batch.csv under the first one's
  // workers (which read their item from it) and count its running items as its own.
  batch::ItemLock runLock(folder.runLockFile());
  if (!runLock.acquired()) {
    const std::string holder = batch::lockHolder(folder.runLockFile());
    std::fprintf(stderr,
                 "mollichrom-cli batch: error: %s is being run by another batch%s; follow it "
                 "with `mollichrom-cli batch status %s`, or choose another --out\n",
                 folder.dir().c_str(), holder.empty() ? "" : (" (" + holder + ")").c_str(),
                 util::shellQuote(folder.dir()).c_str());
    return kExitBusy;
  }
  runLock.describeHolder("process " + std::to_string(getpid()) + " on " + hostName() +
                         ", started " + nowIso() + "\n");
  const auto table = itemsOfFolder(folder, items, args.has("add"));
  const auto planned = planItems(table);
  // --force redoes the acquisitions' calibrations too (BatchCalibration.h).
  if (args.has("force")) fs::remove_all(folder.dir() + "/calibration");
  util::writeFileAtomically(folder.table(), batch::batchTableCsv(table));
  std::vector<int> pending;
  int skipped = 0;
  for (size_t i = 0; i < table.size(); ++i) {
    if (!args.has("force") && folder.status(table[i].name).state == batch::ItemState::Done)
      ++skipped;
    else
      pending.push_back(static_cast<int>(i));
  }
  std::cerr << "batch: " << table.size() << " item(s) in " << folder.dir();
  if (skipped) std::cerr << ", " << skipped << " done already (skipped; --force redoes them)";
  std::cerr << "\n";
  if (pending.empty()) {
    std::cerr << "batch: nothing to run\n";
    return kExitOk;
  }
  return args.has("slurm") ? runSlurm(folder, planned, pending, args)
                           : runLocal(folder, planned, pending, args);
}

}  // namespace mollichrom::cli
