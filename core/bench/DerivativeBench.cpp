#include "core/bench/DerivativeBench.h"

#include "core/mollifier/AutodiffDerivatives.h"
#include "core/mollifier/MollifierLayer.h"
#include "core/nets/CoordinateMlp.h"
#include "core/runtime/Runtime.h"
#include "core/util/Median.h"
#include "core/util/ProcessMemory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace mollichrom::bench {

using mollifier::LinearOperator;

std::string operatorForOrder(int order) {
  switch (order) {
    case 1:
      return "grad_sum";
    case 2:
      return "lap";
    case 3:
      return "grad_lap";
    case 4:
      return "bilap";
    default:
      throw std::invalid_argument("derivative order must be 1..4, got " + std::to_string(order));
  }
}

namespace {

// Analytic target: g = ½ sin(2πx) cos(2πy); its operator values, so the loss is meaningful.
torch::Tensor targetValue(const torch::Tensor& x, const torch::Tensor& y) {
  return 0.5 * torch::sin(2 * M_PI * x) * torch::cos(2 * M_PI * y);
}
torch::Tensor targetOperator(int order, const torch::Tensor& x, const torch::Tensor& y) {
  const double k = 2 * M_PI;
  const auto s = torch::sin(k * x), c = torch::cos(k * x), sy = torch::sin(k * y),
             cy = torch::cos(k * y);
  switch (order) {
    case 1:
      return 0.5 * k * (c * cy - s * sy);
    case 2:
      return -2 * k * k * 0.5 * s * cy;
    case 3:
      return -2 * k * k * 0.5 * k * (c * cy - s * sy);
    default:
      return 4 * std::pow(k, 4) * 0.5 * s * cy;
  }
}

}  // namespace

DerivativeBenchResult runDerivativeStep(const DerivativeBenchConfig& cfg) {
  if (cfg.engine != "mollifier" && cfg.engine != "autodiff" && cfg.engine != "data_only")
    throw std::invalid_argument("engine must be mollifier, autodiff or data_only, got '" +
                                cfg.engine + "'");
  if (cfg.grid < 8) throw std::invalid_argument("grid must be >= 8");
  if (cfg.steps < 10) throw std::invalid_argument("steps must be >= 10");
  if (cfg.width < 1 || cfg.hidden < 1) throw std::invalid_argument("width and hidden must be >= 1");
  const auto dtype = cfg.dtype == "float64" ? torch::kFloat64
                     : cfg.dtype == "float32"
                         ? torch::kFloat32
                         : throw std::invalid_argument("dtype must be float32 or float64");
  const int order = cfg.engine == "data_only" ? 0 : cfg.order;
  const LinearOperator op =
      order ? mollifier::parseOperator(operatorForOrder(order)) : LinearOperator{};
  initRuntime(cfg.threads);
  torch::manual_seed(0);

  const int n = cfg.grid;
  const double h = 1.0 / (n - 1);
  nets::CoordinateMlp net(nets::CoordinateMlpOptions{2, 1, cfg.width, cfg.hidden});
  net->to(dtype);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
  const double physicsWeight = order ? 1.0 / std::pow(2 * M_PI, 2 * order) : 0.0;

  // Every engine evaluates the network on the same N×N grid and minimises the same loss:
  // data misfit on all N×N nodes + operator residual on the interior nodes where the
  // mollifier kernel fits (the layer's "valid" region, r nodes in from each edge).
  // Autodiff gets its interior derivatives from the full-grid pass, its cheapest route.
  const int r = cfg.kernelHalfWidth;
  if (n <= 2 * r + 1) throw std::invalid_argument("grid too small for the kernel half-width");
  auto axis = torch::arange(0, n, torch::TensorOptions().dtype(dtype)) * h;
  auto grids = torch::meshgrid({axis, axis}, "ij");  // [y, x]
  auto X = grids[1], Y = grids[0];
  auto coords = torch::stack({X.reshape(-1), Y.reshape(-1)}, 1).contiguous();
  const int m = n - 2 * r;
  auto Xi = X.narrow(0, r, m).narrow(1, r, m), Yi = Y.narrow(0, r, m).narrow(1, r, m);
  const auto g = targetValue(X, Y).contiguous();
  const auto f = order ? targetOperator(order, Xi, Yi).contiguous() : torch::Tensor();

  mollifier::MollifierLayer layer{nullptr};
  if (cfg.engine == "mollifier") {
    mollifier::MollifierLayerOptions lo;
    lo.kernel.dims = 2;
    lo.kernel.dx = lo.kernel.dy = h;
    lo.kernel.radius = (cfg.kernelHalfWidth + 1) * h;
    lo.operators = {op.name};
    layer = mollifier::MollifierLayer(lo);
    layer->to(dtype);
  }

  auto step = [&]() -> double {
    opt.zero_grad();
    torch::Tensor loss;
    if (cfg.engine == "data_only") {
      auto u = net->forward(coords).reshape({n, n});
      loss = (u - g).pow(2).mean();
    } else if (cfg.engine == "mollifier") {
      auto u = net->forward(coords).reshape({1, 1, n, n});
      auto du = layer->forward(u)[0].reshape({m, m});
      loss = (u.reshape({n, n}) - g).pow(2).mean() + physicsWeight * (du - f).pow(2).mean();
    } else {
      auto c = coords.detach().clone().requires_grad_(true);
      auto u = net->forward(c).reshape({-1});
      mollifier::AutodiffDerivatives ad(c, u);
      auto du = ad.apply(op).reshape({n, n}).narrow(0, r, m).narrow(1, r, m);
      loss = (u.reshape({n, n}) - g).pow(2).mean() + physicsWeight * (du - f).pow(2).mean();
    }
    loss.backward();
    opt.step();
    return loss.item<double>();
  };

  DerivativeBenchResult res;
  util::resetPeakResident();
  const double before = util::residentMb();
  for (int i = 0; i < cfg.warmup; ++i) res.loss = step();
  for (int i = 0; i < cfg.steps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    res.loss = step();
    const auto t1 = std::chrono::steady_clock::now();
    res.stepTimesMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  res.stepMs = util::median(res.stepTimesMs);
  res.peakMb = util::peakResidentMb();
  res.workingMb = std::max(0.0, res.peakMb - before);
  return res;
}

std::string toJson(const DerivativeBenchResult& r) {
  QJsonObject o;
  o["step_ms"] = r.stepMs;
  o["working_mb"] = r.workingMb;
  o["peak_mb"] = r.peakMb;
  o["loss"] = r.loss;
  QJsonArray steps;
  for (double s : r.stepTimesMs) steps.append(s);
  o["steps_ms"] = steps;
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

DerivativeBenchResult resultFromJson(const std::string& line) {
  QJsonParseError err;
  const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &err);
  if (!doc.isObject()) throw std::runtime_error("benchmark child printed no JSON: " + line);
  const auto o = doc.object();
  DerivativeBenchResult r;
  r.stepMs = o["step_ms"].toDouble();
  r.workingMb = o["working_mb"].toDouble();
  r.peakMb = o["peak_mb"].toDouble();
  r.loss = o["loss"].toDouble();
  for (const auto& v : o["steps_ms"].toArray()) r.stepTimesMs.push_back(v.toDouble());
  return r;
}

}  // namespace mollichrom::bench
