#include "core/train/TrainingState.h"

#include "core/util/AtomicFile.h"

#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace mollichrom::train {

namespace {
constexpr int kColumns = 9;  // LossRecord's fields, in its order
}

TrainingStateImpl::TrainingStateImpl(torch::Tensor theta_, torch::Tensor logM_, bool freeM,
                                     torch::Tensor logG_, bool freeG, FieldNetwork net_) {
  theta = register_parameter("theta", theta_, true);
  logM = register_parameter("logM", logM_, freeM);
  logG = register_parameter("logG", logG_, freeG);
  net = register_module("net", net_);
  step_ = register_buffer("step", torch::zeros({}, torch::kInt64));
  pdeWeight_ = register_buffer("pde_weight", torch::ones({}, torch::kFloat64));
  history_ = register_buffer("history", torch::zeros({0, kColumns}, torch::kFloat64));
  data_ = register_buffer("data_fingerprint", torch::zeros({}, torch::kInt64));
}

std::int64_t TrainingStateImpl::dataFingerprint() const { return data_.item<std::int64_t>(); }
void TrainingStateImpl::setDataFingerprint(std::int64_t f) { data_.fill_(f); }

std::int64_t fingerprintOf(const torch::Tensor& fields) {
  const torch::Tensor t = fields.to(torch::kCPU, torch::kFloat32).contiguous();
  const auto* p = static_cast<const unsigned char*>(t.data_ptr());
  const std::size_t n = static_cast<std::size_t>(t.numel()) * sizeof(float);
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, 8 bytes at a time
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  for (const auto d : t.sizes()) h = (h ^ static_cast<std::uint64_t>(d)) * 1099511628211ull;
  return static_cast<std::int64_t>(h);
}

int TrainingStateImpl::step() const { return static_cast<int>(step_.item<std::int64_t>()); }
void TrainingStateImpl::setStep(int step) { step_.fill_(std::int64_t(step)); }
double TrainingStateImpl::pdeWeight() const { return pdeWeight_.item<double>(); }
void TrainingStateImpl::setPdeWeight(double w) { pdeWeight_.fill_(w); }

std::vector<LossRecord> TrainingStateImpl::history() const {
  const torch::Tensor h = history_.to(torch::kCPU).contiguous();
  std::vector<LossRecord> out;
  if (h.dim() != 2 || h.size(1) != kColumns) return out;
  const auto a = h.accessor<double, 2>();
  for (std::int64_t i = 0; i < h.size(0); ++i)
    out.push_back(
        {int(a[i][0]), a[i][1], a[i][2], a[i][3], a[i][4], a[i][5], a[i][6], a[i][7], a[i][8]});
  return out;
}

void TrainingStateImpl::setHistory(const std::vector<LossRecord>& history) {
  torch::Tensor h = torch::empty({std::int64_t(history.size()), kColumns}, torch::kFloat64);
  auto a = h.accessor<double, 2>();
  for (size_t i = 0; i < history.size(); ++i) {
    const LossRecord& r = history[i];
    const double row[kColumns] = {double(r.step), r.seconds, r.total,   r.data,        r.pde,
                                  r.smooth,       r.M,       r.gammaAc, r.learningRate};
    for (int c = 0; c < kColumns; ++c) a[std::int64_t(i)][c] = row[c];
  }
  torch::NoGradGuard g;
  history_.set_(h);  // a buffer may change size: the same tensor, new contents
}

void saveCheckpoint(const std::string& dir, TrainingState& state,
                    torch::optim::Optimizer& optimizer) {
  std::filesystem::create_directories(dir);
  util::AtomicFileTarget stateFile(dir + "/checkpoint.pt"), optimizerFile(dir + "/optimizer.pt");
  torch::save(state, stateFile.tempPath());
  torch::save(optimizer, optimizerFile.tempPath());
  optimizerFile.commit();
  stateFile.commit();  // last: a checkpoint.pt always has its optimizer beside it
}

void loadCheckpoint(const std::string& dir, TrainingState& state,
                    torch::optim::Optimizer& optimizer, std::int64_t height, std::int64_t width) {
  const std::string file = dir + "/checkpoint.pt", optimizerFile = dir + "/optimizer.pt";
  if (!std::filesystem::exists(file))
    throw std::invalid_argument("--resume: no checkpoint at " + file);
  if (!std::filesystem::exists(optimizerFile))
    throw std::invalid_argument("--resume: " + file +
                                " has no optimizer.pt beside it (written by an older Mollichrom?)");
  const std::int64_t expected = state->dataFingerprint();
  try {
    torch::load(state, file);
  } catch (const c10::Error& e) {
    throw std::invalid_argument(file + ": not a checkpoint of this run's network (" +
                                std::string(e.what_without_backtrace()).substr(0, 120) + ")");
  }
  if (state->theta.dim() != 2 || state->theta.size(0) != height || state->theta.size(1) != width)
    throw std::invalid_argument(file + ": the checkpoint is for another image size");
  if (state->dataFingerprint() != expected)
    throw std::invalid_argument(file +
                                ": the checkpoint was trained on other data (another "
                                "stack, or this one prepared with other settings); remove it "
                                "or choose another --checkpoint folder");
  try {
    torch::load(optimizer, optimizerFile);
  } catch (const c10::Error& e) {
    throw std::invalid_argument(optimizerFile + ": not the optimizer state of this run (" +
                                std::string(e.what_without_backtrace()).substr(0, 120) + ")");
  }
}

}  // namespace mollichrom::train
