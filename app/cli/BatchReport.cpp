// `batch status DIR` and `batch collect DIR`: what the items' folders say, with the SLURM
// queue's view when the batch was submitted there; and the merged table with its figure.
#include "app/cli/Args.h"
#include "app/cli/BatchCommand.h"
#include "app/cli/BatchShared.h"
#include "app/cli/ExitCodes.h"
#include "core/batch/BatchFolder.h"
#include "core/batch/Collect.h"
#include "core/util/Subprocess.h"
#include "core/util/TextFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace mollichrom::cli {

namespace {

const char* kStatusUsage =
    "Usage: mollichrom-cli batch status DIR [--json] [--wait SECONDS]\n"
    "\n"
    "Counts the batch's items by state — done, failed, interrupted, running (a task holds the\n"
    "item), pending — from DIR/items, and lists the failures with their last error line. For a\n"
    "submitted SLURM job it adds the queue's view (squeue) and the accounting's (sacct) when\n"
    "those are available. --wait polls every 2 s until nothing is running or queued (at most\n"
    "SECONDS). Exit code: 0 every item done, 1 some failed or interrupted, 10 some still running,\n"
    "queued or not started, 124 --wait timed out.\n";

const char* kCollectUsage =
    "Usage: mollichrom-cli batch collect DIR\n"
    "\n"
    "Merges the finished items of a batch: DIR/results.csv (one row per nucleus: item,\n"
    "condition, input, nucleus, centroid, area, lambda mean/median/quartiles, 90% band width,\n"
    "M, Gamma_ac, border and split flags, the nucleus's and the field's fit verdict, the data\n"
    "warnings), DIR/summary.json (per condition: items, nuclei, the median and quartiles of the\n"
    "nuclei's median lambda; between conditions: their ratio and a Mann-Whitney test) and\n"
    "DIR/summary.png (lambda per condition). Items not done are listed and left out.\n";

struct QueueView {
  std::string jobId;
  std::map<std::string, int> squeue;  // state -> tasks still in the queue
  bool squeueOk = false;
  std::map<std::string, int> sacct;  // state -> tasks
  std::string sacctNote;             // why there is no accounting view
};

std::string readLine(const std::string& path) {
  const std::string text = util::readTextFile(path).value_or("");
  return text.substr(0, text.find('\n'));
}

QueueView queueView(const batch::BatchFolder& folder) {
  QueueView q;
  q.jobId = readLine(folder.slurmDir() + "/job_id");
  if (q.jobId.empty()) return q;
  int code = 0;
  std::string errors;
  if (!util::findProgram("squeue").empty()) {
    const std::string out =
        util::runCapturing({"squeue", "-h", "-r", "-j", q.jobId, "-o", "%T"}, &code, &errors);
    // A finished job is no longer known to squeue: that is an empty queue, not a failure.
    q.squeueOk = code == 0 || errors.find("Invalid job id") != std::string::npos;
    std::stringstream in(out);
    for (std::string state; in >> state;) ++q.squeue[state];
  }
  if (!util::findProgram("sacct").empty()) {
    errors.clear();
    const std::string out = util::runCapturing(
        {"sacct", "-n", "-X", "-P", "-j", q.jobId, "-o", "State"}, &code, &errors);
    if (code == 0) {
      std::stringstream in(out);
      for (std::string state; std::getline(in, state);)
        if (!state.empty()) ++q.sacct[state.substr(0, state.find(' '))];
    } else {
      q.sacctNote = errors.substr(0, errors.find('\n'));
    }
  }
  return q;
}

struct Counts {
  std::map<batch::ItemState, int> n;
  std::vector<std::pair<std::string, batch::ItemStatus>> notDone;
};

Counts countItems(const batch::BatchFolder& folder, const std::vector<batch::BatchItem>& items) {
  Counts c;
  for (const auto& item : items) {
    const auto st = folder.status(item.name);
    ++c.n[st.state];
    if (st.state != batch::ItemState::Done) c.notDone.emplace_back(item.name, st);
  }
  return c;
}

int queued(const QueueView& q) {
  int n = 0;
  for (const auto& [state, count] : q.squeue) n += count;
  return n;
}

}  // namespace

int runBatchStatus(const std::vector<std::string>& argv) {
  const Args args(argv, {"wait"}, {"json", "help"});
  if (args.has("help")) {
    std::cout << kStatusUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expects the batch folder DIR");
  const batch::BatchFolder folder(args.positionals().front());
  const auto items = batch::readBatchTable(folder.table(), itemOptionNames());
  const double wait = args.getDouble("wait", 0);
  const auto start = std::chrono::steady_clock::now();
  Counts c;
  QueueView q;
  bool timedOut = false;
  for (;;) {
    c = countItems(folder, items);
    q = queueView(folder);
    const bool active = c.n[batch::ItemState::Running] > 0 || queued(q) > 0;
    if (!active || wait <= 0) break;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > wait) {
      timedOut = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  using S = batch::ItemState;
  if (args.has("json")) {
    QJsonObject counts;
    for (S s : {S::Done, S::Failed, S::Interrupted, S::Running, S::Pending})
      counts[QString::fromStdString(batch::itemStateName(s))] = c.n[s];
    QJsonArray notDone;
    for (const auto& [name, st] : c.notDone)
      notDone.append(QJsonObject{{"name", QString::fromStdString(name)},
                                 {"state", QString::fromStdString(batch::itemStateName(st.state))},
                                 {"exit_code", st.exitCode},
                                 {"message", QString::fromStdString(st.message)}});
    QJsonObject o{
        {"items", static_cast<int>(items.size())}, {"counts", counts}, {"not_done", notDone}};
    if (!q.jobId.empty()) {
      QJsonObject queue;
      for (const auto& [state, n] : q.squeue) queue[QString::fromStdString(state)] = n;
      o["slurm"] = QJsonObject{{"job_id", QString::fromStdString(q.jobId)}, {"squeue", queue}};
    }
    std::cout << QJsonDocument(o).toJson().toStdString();
  } else {
    std::cout << folder.dir() << ": " << items.size() << " item(s): " << c.n[S::Done] << " done, "
              << c.n[S::Failed] << " failed, " << c.n[S::Interrupted] << " interrupted, "
              << c.n[S::Running] << " running, " << c.n[S::Pending] << " pending\n";
    for (const auto& [name, st] : c.notDone)
      if (st.state == S::Failed || st.state == S::Interrupted)
        std::cout << "  " << shownName(name) << ": " << batch::itemStateName(st.state) << " (exit "
                  << st.exitCode << "): " << st.message << "\n";
    if (!q.jobId.empty()) {
      std::cout << "SLURM job " << q.jobId << ": ";
      if (!q.squeueOk) {
        std::cout << "squeue not available here";
      } else if (q.squeue.empty()) {
        std::cout << "no tasks left in the queue";
      } else {
        bool first = true;
        for (const auto& [state, n] : q.squeue) {
          std::cout << (first ? "" : ", ") << n << " " << state;
          first = false;
        }
        std::cout << " in the queue";
      }
      if (!q.sacct.empty()) {
        std::cout << "; accounting:";
        for (const auto& [state, n] : q.sacct) std::cout << " " << n << " " << state;
      } else if (!q.sacctNote.empty()) {
        std::cout << "; sacct: " << q.sacctNote;
      }
      std::cout << "\n";
    }
  }
  if (timedOut) return 124;
  if (c.n[S::Done] == static_cast<int>(items.size())) return kExitOk;
  if (c.n[S::Running] > 0 || queued(q) > 0 || c.n[S::Pending] > 0) return 10;
  return kExitFailure;
}

int runBatchCollect(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {"help"});
  if (args.has("help")) {
    std::cout << kCollectUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expects the batch folder DIR");
  const batch::BatchFolder folder(args.positionals().front());
  const auto items = batch::readBatchTable(folder.table(), itemOptionNames());
  const auto r = batch::collectBatch(folder, items);
  std::cerr << "collect: " << r.done << " of " << r.items << " item(s), " << r.rows
            << " nucleus row(s) -> " << r.resultsCsv << ", " << r.summaryJson << ", " << r.figurePng
            << "\n";
  for (const auto& c : r.conditions) {
    std::fprintf(stderr,
                 "collect: %s: %d nuclei in %d stack(s), median lambda %.3g (IQR %.3g-%.3g)",
                 c.condition.c_str(), c.nuclei, c.items, c.median, c.q25, c.q75);
    if (c.nucleiAtBorder) std::fprintf(stderr, ", %d at the border left out", c.nucleiAtBorder);
    std::fputc('\n', stderr);
  }
  for (const auto& cmp : r.comparisons) {
    std::fprintf(stderr, "collect: %s%s vs %s: median ratio %.3g",
                 cmp.withinAcquisition && !cmp.acquisition.empty()
                     ? ("[" + cmp.acquisition + "] ").c_str()
                 : cmp.withinAcquisition ? ""
                                         : "[across acquisitions] ",
                 cmp.b.c_str(), cmp.a.c_str(), cmp.medianRatio);
    if (cmp.pValue >= 0) std::fprintf(stderr, ", Mann-Whitney p = %.2g", cmp.pValue);
    std::fprintf(stderr, " (%s)\n", cmp.basis.c_str());
  }
  for (const auto& n : r.notDone) std::cerr << "collect: not included: " << n << "\n";
  for (const auto& c : r.caveats) std::cerr << "collect: caveat: " << c << "\n";
  return kExitOk;
}

}  // namespace mollichrom::cli
