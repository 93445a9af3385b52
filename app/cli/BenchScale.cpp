#include "app/cli/BenchScale.h"

#include "app/cli/Args.h"
#include "app/cli/ChildProcess.h"
#include "app/cli/JsonOutput.h"
#include "core/io/StackReader.h"
#include "core/runtime/Runtime.h"
#include "core/sim/FieldScene.h"
#include "core/train/DirectEstimator.h"
#include "core/train/MemoryPlan.h"
#include "core/train/Trainer.h"
#include "core/util/ProcessMemory.h"
#include "core/util/Subprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace mollichrom::cli {

namespace {

const char* kUsage =
    "Usage: mollichrom-cli bench scale [--cases "
    "128x30,256x30,512x30,1024x30,1024x1,2048x1,4096x1]\n"
    "                                  [--steps 10] [--json FILE] [--threads N]\n"
    "\n"
    "How time and memory grow with the image. Each case (SIZExFRAMES) is a simulated camera\n"
    "field (uint16; time-lapses: one nucleus per 256 px cell; single frames: one nucleus rendered\n"
    "at super-resolution) analysed in its own process with the default settings: load + prep,\n"
    "direct estimate, seconds per training step (median over --steps), peak RSS and the memory\n"
    "plan's estimate. Ends with the log-log slopes of time and memory against pixels x frames.\n";

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Case {
  int size = 0, frames = 0;
};

std::vector<Case> parseCases(const std::string& text) {
  std::vector<Case> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    Case c;
    char x = 0, extra = 0;
    if (std::sscanf(item.c_str(), "%d%c%d%c", &c.size, &x, &c.frames, &extra) != 3 || x != 'x' ||
        c.size < 64 || c.frames < 1)
      throw UsageError("--cases: '" + item + "' is not SIZExFRAMES (e.g. 512x30, size >= 64)");
    out.push_back(c);
  }
  return out;
}

void writeCase(const Case& c, const std::string& path) {
  sim::SceneConfig s;
  s.width = s.height = c.size;
  s.sim.frames = c.frames;
  if (c.frames >= 3) {
    const int cells = std::max(1, c.size / 256);
    s.nuclei = cells * cells;
    s.nucleusSize = std::min(128, c.size * 3 / 4);
  } else {
    // A super-resolution snapshot: one nucleus filling the field (10–20 nm pixels).
    s.nuclei = 1;
    s.nucleusSize = std::min(256, c.size);
    s.upsample = std::max(1, c.size / s.nucleusSize);
  }
  sim::writeScene(s, path);
}

// One case, in this process: the JSON line the parent reads.
int runChild(const Args& args) {
  const std::string file = args.get("file");
  const int steps = args.getInt("steps", 10);
  initRuntime(args.getInt("threads", 0));
  util::resetPeakResident();
  const double baseMb = util::residentMb();
  auto t0 = Clock::now();
  prep::FieldData data;
  train::RunShape shape;
  {
    auto src = io::openStack(file);
    const io::Stack stack = src->load();
    data = prep::prepare(stack, {});
    shape = {data.width(), data.height(), data.frames(), stack.info().channels, 1, 2};
  }
  const double loadS = since(t0);
  train::TrainerConfig cfg;
  cfg.steps = steps;
  const double planMb = train::planMemory(shape, {}, cfg).peakMb;
  // One run: its direct estimate (the trainer's start) reports its own time.
  const auto r = train::runInference(data, {}, cfg);
  const auto& direct = r.direct;
  std::vector<double> per;
  for (size_t i = 1; i < r.losses.size(); ++i)
    per.push_back(r.losses[i].seconds - r.losses[i - 1].seconds);
  std::sort(per.begin(), per.end());
  QJsonObject o;
  o["load_prep_s"] = loadS;
  o["direct_s"] = direct.seconds;
  o["step_s"] = per.empty() ? 0.0 : per[per.size() / 2];
  o["steps"] = r.steps;
  o["tile"] = direct.tileSize;
  o["base_mb"] = baseMb;
  o["peak_mb"] = util::peakResidentMb();
  o["plan_mb"] = planMb;
  std::cout << QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString() << std::endl;
  return 0;
}

// Least-squares slope of log y against log x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += std::log(x[i]);
    my += std::log(y[i]);
  }
  mx /= x.size();
  my /= y.size();
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

}  // namespace

int runBenchScale(const std::string& what, const std::vector<std::string>& argv) {
  Args args(argv, {"cases", "steps", "json", "threads", "file"}, {"help"});
  if (args.has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (what == "scale-child") return runChild(args);
  const auto cases =
      parseCases(args.get("cases", "128x30,256x30,512x30,1024x30,1024x1,2048x1,4096x1"));
  const int steps = args.getInt("steps", 10);
  if (steps < 3) throw UsageError("--steps must be >= 3");
  QTemporaryDir dir;
  if (!dir.isValid()) throw std::runtime_error("bench scale: no temporary folder");
  std::printf("%-12s %10s %10s %10s %10s %10s %10s %8s\n", "case", "nodes", "load+prep", "direct_s",
              "step_s", "peak_mb", "plan_mb", "tile");
  QJsonArray rows;
  std::vector<double> nodes, direct, memory, stepT;
  for (const Case& c : cases) {
    const std::string file =
        dir.filePath(QString("case_%1x%2.tif").arg(c.size).arg(c.frames)).toStdString();
    writeCase(c, file);
    std::ostringstream cmd;
    cmd << util::shellQuote(util::selfExecutable()) << " bench scale-child --file "
        << util::shellQuote(file) << " --steps " << steps;
    if (args.has("threads")) cmd << " --threads " << args.getInt("threads", 0);
    const auto out = runCapture(cmd.str(), "bench scale child (" + std::to_string(c.size) + "x" +
                                               std::to_string(c.frames) + ")");
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(out)).object();
    const double n = double(c.size) * c.size * c.frames;
    o["case"] = QString("%1x%2").arg(c.size).arg(c.frames);
    o["nodes"] = n;
    rows.append(o);
    std::printf("%-12s %10.3g %10.2f %10.2f %10.3f %10.0f %10.0f %8d\n",
                qPrintable(o["case"].toString()), n, o["load_prep_s"].toDouble(),
                o["direct_s"].toDouble(), o["step_s"].toDouble(), o["peak_mb"].toDouble(),
                o["plan_mb"].toDouble(), o["tile"].toInt());
    std::fflush(stdout);
    QFile::remove(QString::fromStdString(file));
    nodes.push_back(n);
    direct.push_back(o["direct_s"].toDouble());
    // Memory above the process's own libraries: what the data costs.
    memory.push_back(std::max(1.0, o["peak_mb"].toDouble() - o["base_mb"].toDouble()));
    stepT.push_back(std::max(1e-4, o["step_s"].toDouble()));
  }
  QJsonObject json;
  json["cases"] = rows;
  if (nodes.size() >= 2) {
    json["slope_direct_time"] = slope(nodes, direct);
    json["slope_memory"] = slope(nodes, memory);
    json["slope_step_time"] = slope(nodes, stepT);
    std::printf(
        "\nlog-log slope vs pixels x frames: direct time %.2f, memory (peak - libraries) %.2f, "
        "step time %.2f\n",
        json["slope_direct_time"].toDouble(), json["slope_memory"].toDouble(),
        json["slope_step_time"].toDouble());
  }
  writeJsonIfRequested(args, json);
  return 0;
}

}  // namespace mollichrom::cli
