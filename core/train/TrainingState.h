#pragma once
// Everything a training run learns, as one torch::nn::Module (the PyTorch C++ frontend's way):
// the field network (a registered submodule), λ's log map θ, log M and log Γ_ac (parameters;
// a fixed scalar does not require grad), and the run's bookkeeping as buffers — the step, the
// PDE weight and the loss history, one row per step. A checkpoint is then torch::save of this
// module and of the optimizer, and resuming is torch::load of both (the checkpoint
// used to write each tensor by hand and flatten the losses into one list).
// Internal to core/train (LibTorch stays behind Trainer.h).
#include "core/train/FieldNetwork.h"
#include "core/train/Trainer.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mollichrom::train {

class TrainingStateImpl : public torch::nn::Module {
 public:
  // θ [H, W], log M and log Γ_ac (scalars) and the field network.
  TrainingStateImpl(torch::Tensor theta, torch::Tensor logM, bool freeM, torch::Tensor logG,
                    bool freeG, FieldNetwork net);

  torch::Tensor theta, logM, logG;
  FieldNetwork net{nullptr};

  int step() const;
  void setStep(int step);
  double pdeWeight() const;
  void setPdeWeight(double w);
  std::vector<LossRecord> history() const;
  void setHistory(const std::vector<LossRecord>& history);
  // A hash of the prepared fields the state was trained on: a checkpoint resumes only on them.
  std::int64_t dataFingerprint() const;
  void setDataFingerprint(std::int64_t f);

 private:
  torch::Tensor step_, pdeWeight_, history_, data_;  // buffers: [], [], [N, 9] float64, []
};
TORCH_MODULE(TrainingState);

// Writes DIR/checkpoint.pt (the state) and DIR/optimizer.pt, each atomically.
void saveCheckpoint(const std::string& dir, TrainingState& state,
                    torch::optim::Optimizer& optimizer);
// Reads them back into `state` and `optimizer` (same structure); throws std::invalid_argument
// naming the file when there is none, it is for another image size (expected θ: height ×
// width) or for other data (another stack, or the same one prepared otherwise).
void loadCheckpoint(const std::string& dir, TrainingState& state,
                    torch::optim::Optimizer& optimizer, std::int64_t height, std::int64_t width);
// The fingerprint of prepared fields (any tensor; hashed as its float32 bytes).
std::int64_t fingerprintOf(const torch::Tensor& fields);

}  // namespace mollichrom::train
