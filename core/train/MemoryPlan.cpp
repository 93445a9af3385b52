#include "core/train/MemoryPlan.h"

#include "core/train/Tiling.h"
#include "core/util/Errors.h"
#include "core/util/ProcessMemory.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mollichrom::train {

namespace {

constexpr double kMb = 1024.0 * 1024.0;
// Measured (bench scale): RSS of mollichrom-cli with LibTorch, OpenCV and Qt loaded and the
// runtime set up, before any data.
constexpr double kBaseMb = 230;
// A training step per node of its window: the CNN's activations and their gradients (per
// pixel, spread over the frames), the window's fields, six operators of two fields and their
// gradients, the model's terms (float32).
constexpr double kTrainBytesPerNode = 700;

std::string gb(double mb) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", mb / 1024.0);
  return buf;
}

}  // namespace

std::string MemoryPlan::describe() const {
  std::ostringstream s;
  s << gb(peakMb) << " GB (libraries " << gb(baseMb) << ", stack " << gb(stackMb) << ", fields "
    << gb(fieldsMb) << ", direct-estimate tiles " << gb(directMb) << ", training " << gb(trainMb)
    << ")";
  return s.str();
}

MemoryPlan planMemory(const RunShape& r, const prep::PrepOptions& prep, const TrainerConfig& cfg) {
  MemoryPlan p;
  const double pixels = double(r.width) * r.height, nodes = pixels * r.frames;
  p.baseMb = kBaseMb;
  p.stackMb = pixels * r.frames * r.channels * r.slices * r.bytesPerSample / kMb;
  const double fields = 2 * nodes * 4 / kMb;  // φ_c, φ_h float32
  p.fieldsMb = 2 * fields;                    // FieldData + the engine's tensor bundle
  // Conversion holds a float copy of a plane pair at a time; drift and bleach correction each
  // build a corrected copy of the fields before the old one is dropped.
  p.prepMb = fields * ((prep.driftCorrection ? 1 : 0) + (prep.bleachCorrection ? 1 : 0));
  // The widest kernel the direct estimator may use sets its tile's halo.
  const int halo = std::max(cfg.directMollifier.scalarHalfWidthXY, cfg.directMollifier.halfWidthXY);
  p.tileSize = cfg.tileSize > 0 ? cfg.tileSize
                                : tileSizeFor(r.height, r.width, r.frames, halo,
                                              kDirectBytesPerNode, kDefaultTileBudgetBytes);
  const double tileEdge = std::min<double>(p.tileSize, std::max(r.width, r.height)) + 2 * halo;
  const double tileNodes =
      std::min(tileEdge, double(r.width)) * std::min(tileEdge, double(r.height)) * r.frames;
  p.directMb = tileNodes * kDirectBytesPerNode / kMb;
  // λ, region, direct λ, snapshot fields; the data-chosen kernel's band adds ~10 image-size
  // float maps (λ, variance, bias at the width, their averages, the band, the width map).
  const int resultMaps = 16 + (cfg.directMollifier.adaptiveXY ? 10 : 0);
  p.resultMb = pixels * 4 * resultMaps / kMb;
  if (cfg.engine != Engine::Direct) {
    const int patch = cfg.patch > 0 ? cfg.patch : (nodes <= 600'000 ? 0 : 64);
    const double windowNodes =
        patch > 0 ? std::min<double>(patch, r.width) * std::min<double>(patch, r.height) * r.frames
                  : nodes;
    const double grid =
        pixels * 4 * 6 / kMb;  // log λ, its gradient and Adam's two moments, region masks
    // Snapshot tiles, up to the tile budget.
    const double snapshotBytes = std::min(
        kDefaultTileBudgetBytes,
        pixels * snapshotBytesPerPixel(r.frames, timeHalfWidthFor(r.frames, cfg.mollifier)));
    p.trainMb = grid + windowNodes * kTrainBytesPerNode / kMb + snapshotBytes / kMb;
  }
  const double loadPhase = p.stackMb + fields + p.prepMb;
  const double inferPhase = p.fieldsMb + std::max(p.directMb, p.trainMb) + p.resultMb;
  // The stack is released once the fields are prepared (the CLI and the GUI keep only fields).
  p.peakMb = p.baseMb + std::max(loadPhase, inferPhase);
  return p;
}

double defaultRunMemoryLimitMb() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  double kb = 0;
  while (f >> key) {
    if (key == "MemAvailable:") {
      f >> kb;
      break;
    }
    f.ignore(1 << 10, '\n');
  }
  double limit = kb > 0 ? 0.75 * kb / 1024.0 : 4096;
  // In a container or a SLURM job the control group's limit is what the kernel enforces (by
  // killing the process): what it may still take, plus what this process holds already.
  const util::ProcessLimits l = util::processLimits();
  if (l.cgroupFreeMb >= 0) limit = std::min(limit, 0.9 * l.cgroupFreeMb + util::residentMb());
  return limit;
}

void checkAddressSpace(const MemoryPlan& plan, int threads) {
  const double limit = util::processLimits().addressSpaceMb;
  if (limit < 0) return;
  // An address-space limit counts every mapping, not just the memory used: the libraries
  // mapped now (VmSize), the data the plan expects, and per compute thread what its libraries
  // reserve whether used or not (OpenBLAS's 129 MB work buffer, a 64 MB malloc arena, its
  // stack). Beyond the limit, those libraries do not fail cleanly: OpenBLAS retries its buffer
  // forever, oneDNN and OpenMP crash or deadlock. So the run is refused before it starts.
  const double mapped = util::virtualMb();
  const auto need = [&](int n) {
    return mapped + (plan.peakMb - plan.baseMb) + n * util::kThreadAddressSpaceMb;
  };
  if (need(threads) <= limit) return;
  std::ostringstream msg;
  msg << "the process may map at most " << gb(limit) << " GB (an address-space limit: ulimit -v"
      << " or -d) and this run needs about " << gb(need(threads)) << " GB of it (libraries "
      << gb(mapped) << ", data " << gb(plan.peakMb - plan.baseMb) << ", " << threads
      << " thread(s) " << gb(threads * util::kThreadAddressSpaceMb) << "); ";
  if (threads > 1 && need(1) <= limit)
    msg << "use --threads 1 (" << gb(need(1)) << " GB), or raise the limit";
  else
    msg << "raise the limit to at least " << gb(need(1)) << " GB (ulimit -v "
        << std::lround(std::ceil(need(1) * 1024 / 1e5) * 1e5) << ") with --threads 1";
  throw util::MemoryPlanError(msg.str(), need(threads), limit);
}

double parseMemorySize(const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit.empty() || unit == "M" || unit == "MB")
    scale = 1;
  else if (unit == "G" || unit == "GB")
    scale = 1024;
  else if (unit == "K" || unit == "KB")
    scale = 1.0 / 1024;
  if (used == 0 || scale == 0 || !(v > 0) || !std::isfinite(v))
    throw std::invalid_argument("'" + text + "' is not a memory size (e.g. 1500M, 2G)");
  return v * scale;
}

void checkMemoryPlan(const RunShape& shape, const prep::PrepOptions& prep, const TrainerConfig& cfg,
                     double limitMb) {
  const MemoryPlan plan = planMemory(shape, prep, cfg);
  if (plan.peakMb <= limitMb) return;
  auto fits = [&](const RunShape& s) { return planMemory(s, prep, cfg).peakMb <= limitMb; };
  std::ostringstream msg;
  msg << "this run needs about " << plan.describe() << " but the memory limit is " << gb(limitMb)
      << " GB (--memory-limit); ";
  std::vector<std::string> ways;
  // A suggestion must leave something to analyse: the widest kernel (M and Γ_ac's) spans
  // 2·h + 1 px, and a field of twice that keeps an interior as wide as the kernel — smaller
  // crops or binnings were refused later as "too small for the derivative kernel".
  const int minSide = 4 * cfg.directMollifier.scalarHalfWidthXY;
  // Fewest-changes first: a frame range keeps the full field of view.
  if (shape.frames > 3) {
    RunShape s = shape;
    for (s.frames = shape.frames - 1; s.frames >= 3 && !fits(s); --s.frames) {
    }
    if (s.frames >= 3)
      ways.push_back("--frames 1-" + std::to_string(s.frames) + " (" +
                     gb(planMemory(s, prep, cfg).peakMb) + " GB)");
  }
  for (int bin = 2; bin <= 8; bin *= 2) {
    RunShape s = shape;
    s.width /= bin;
    s.height /= bin;
    if (s.width < minSide || s.height < minSide) break;
    if (fits(s)) {
      ways.push_back("--bin " + std::to_string(bin) + " (" + gb(planMemory(s, prep, cfg).peakMb) +
                     " GB)");
      break;
    }
  }
  {
    RunShape s = shape;
    const double aspect = double(shape.width) / shape.height;
    for (int h = shape.height; h >= minSide; h = h * 9 / 10) {
      s.height = h;
      s.width = std::max(minSide, static_cast<int>(h * aspect));
      if (fits(s)) {
        ways.push_back("--crop " + std::to_string((shape.width - s.width) / 2) + "," +
                       std::to_string((shape.height - s.height) / 2) + "," +
                       std::to_string(s.width) + "," + std::to_string(s.height) + " (" +
                       gb(planMemory(s, prep, cfg).peakMb) + " GB)");
        break;
      }
    }
  }
  if (ways.empty())
    msg << "even a small crop does not fit: raise --memory-limit or free memory";
  else {
    msg << "these fit: ";
    for (size_t i = 0; i < ways.size(); ++i) msg << (i ? ", or " : "") << ways[i];
  }
  throw util::MemoryPlanError(msg.str(), plan.peakMb, limitMb);
}

}  // namespace mollichrom::train
