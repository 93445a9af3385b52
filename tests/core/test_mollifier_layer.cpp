// MollifierLayer: convergence to exact derivatives, noise robustness, agreement with the
// recursive-autodiff engine, gradients, boundary policy, and the benchmark's JSON.
#include "core/mollifier/AutodiffDerivatives.h"
#include "core/mollifier/MollifierLayer.h"
#include "core/nets/CoordinateMlp.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdio>

using namespace mollichrom;
using namespace mollichrom::mollifier;

namespace {

double relErr(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).norm() / b.norm()).item<double>();
}

// g = sin(a x) cos(b y) e^{c t} and its exact partials.
struct Analytic {
  double a = 2 * M_PI, b = 1.5 * M_PI, c = 0.8;
  torch::Tensor value(const torch::Tensor& x, const torch::Tensor& y,
                      const torch::Tensor& t) const {
    return torch::sin(a * x) * torch::cos(b * y) * torch::exp(c * t);
  }
  torch::Tensor partial(const MultiIndex& m, const torch::Tensor& x, const torch::Tensor& y,
                        const torch::Tensor& t) const {
    // d^n/dx^n sin(ax) = a^n sin(ax + nπ/2); d^n/dy^n cos(by) = b^n cos(by + nπ/2).
    return std::pow(a, m.x) * torch::sin(a * x + m.x * M_PI / 2) * std::pow(b, m.y) *
           torch::cos(b * y + m.y * M_PI / 2) * std::pow(c, m.t) * torch::exp(c * t);
  }
  torch::Tensor apply(const LinearOperator& op, const torch::Tensor& x, const torch::Tensor& y,
                      const torch::Tensor& t) const {
    torch::Tensor out;
    for (const auto& [m, k] : op.terms) {
      auto v = k * partial(m, x, y, t);
      out = out.defined() ? out + v : v;
    }
    return out;
  }
};

// A space-time patch around (x0, y0, t0) with `extra` valid nodes beyond the kernel.
struct Patch {
  torch::Tensor X, Y, T;  // [nt, ny, nx]
};
Patch makePatch(const MollifierLayer& layer, const KernelSpec& s, int extra) {
  const auto halo = layer->halo();  // t, y, x
  auto axis = [&](int64_t half, double h, double c0) {
    const int64_t n = 2 * (half + extra) + 1;
    return torch::arange(n, torch::kFloat64).sub(static_cast<double>(half + extra)).mul(h).add(c0);
  };
  auto g = torch::meshgrid(
      {axis(halo[0], s.dt, 0.2), axis(halo[1], s.dy, 0.31), axis(halo[2], s.dx, 0.17)}, "ij");
  return {g[2], g[1], g[0]};
}

torch::Tensor interior(const torch::Tensor& full, const std::vector<int64_t>& halo) {
  auto v = full;
  for (size_t i = 0; i < halo.size(); ++i)
    v = v.narrow(static_cast<int64_t>(i), halo[i],
                 full.size(static_cast<int64_t>(i)) - 2 * halo[i]);
  return v;
}

}  // namespace

class TestMollifierLayer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void convergesToExactDerivatives() {
    // 2-D + time, anisotropic grid (dy = 0.8 dx), 6 nodes per spatial radius. As ε and h shrink
    // together the mollification bias must fall as ε²: the observed order is printed and asserted.
    const std::vector<std::string> ops{"x", "y", "t", "xx", "xy", "xxt", "lap", "xxyy", "bilap"};
    const Analytic g;
    std::map<std::string, std::vector<double>> errors;
    const std::vector<double> epsilons{0.1, 0.05, 0.025};
    for (double eps : epsilons) {
      KernelSpec s;
      s.dims = 3;
      s.dx = eps / 6;
      s.dy = 0.8 * eps / 6;
      s.radius = eps;
      s.radiusT = eps;
      s.dt = eps / 4;
      MollifierLayerOptions o{s, std::vector<std::string>(ops.begin(), ops.end())};
      MollifierLayer layer(o);
      const auto p = makePatch(layer, s, 2);
      const auto field = g.value(p.X, p.Y, p.T).unsqueeze(0).unsqueeze(0);
      const auto out = layer->forward(field);
      const auto halo = layer->halo();
      for (size_t k = 0; k < ops.size(); ++k) {
        const auto exact = g.apply(parseOperator(ops[k]), interior(p.X, halo), interior(p.Y, halo),
                                   interior(p.T, halo));
        errors[ops[k]].push_back(relErr(out[k].squeeze(), exact));
      }
    }
    for (const auto& op : ops) {
      const auto& e = errors[op];
      const double order1 = std::log2(e[0] / e[1]), order2 = std::log2(e[1] / e[2]);
      std::printf("  %-6s rel. error %.2e %.2e %.2e  observed order %.2f %.2f\n", op.c_str(), e[0],
                  e[1], e[2], order1, order2);
      QVERIFY2(order2 > 1.8 && order1 > 1.7, op.c_str());
    }
    // At ε = 0.025 (6 nodes per radius) even ∇⁴ is within 1% of the exact value.
    QVERIFY2(errors["bilap"][2] < 0.01, qPrintable(QString::number(errors["bilap"][2])));
    QVERIFY(errors["x"][2] < 0.01);
  }

  void noiseIsNotAmplified() {
    // 5% Gaussian noise on sin(2πx)cos(2πy), 128² grid. Central finite differences drown (their
    // noise grows like σ/h² and σ/h⁴); the mollified operators' noise grows like σ h/ε³ and
    // σ h/ε⁵ instead. The polynomial kernel's small high derivatives suit noisy ∇⁴ best.
    torch::manual_seed(1);
    const int n = 128;
    const double h = 1.0 / (n - 1);
    auto ax = torch::arange(n, torch::kFloat64) * h;
    auto gr = torch::meshgrid({ax, ax}, "ij");
    auto Y = gr[0], X = gr[1];
    const double k = 2 * M_PI;
    auto clean = torch::sin(k * X) * torch::cos(k * Y);
    auto noisy = clean + 0.05 * torch::randn_like(clean);
    KernelSpec s;
    s.family = KernelFamily::Polynomial;
    s.dx = s.dy = h;
    s.radius = 16 * h;
    MollifierLayer layer(MollifierLayerOptions{s, {"lap", "bilap"}});
    const auto out = layer->forward(noisy.view({1, 1, n, n}));
    const int r = static_cast<int>(layer->halo()[0]);
    auto in = [&](const torch::Tensor& t) {
      return t.narrow(0, r, n - 2 * r).narrow(1, r, n - 2 * r);
    };
    const auto lapExact = in(-2 * k * k * clean), bilapExact = in(4 * std::pow(k, 4) * clean);
    const double mLap = relErr(out[0].squeeze(), lapExact),
                 mBilap = relErr(out[1].squeeze(), bilapExact);
    // Central differences on the same nodes.
    auto sh = [&](int dy, int dx) { return noisy.roll({dy, dx}, {0, 1}); };
    auto fdLap = (sh(0, 1) + sh(0, -1) + sh(1, 0) + sh(-1, 0) - 4 * noisy) / (h * h);
    auto l = fdLap;
    auto fdBilap =
        (l.roll({1}, {1}) + l.roll({-1}, {1}) + l.roll({1}, {0}) + l.roll({-1}, {0}) - 4 * l) /
        (h * h);
    const double fLap = relErr(in(fdLap), lapExact), fBilap = relErr(in(fdBilap), bilapExact);
    std::printf(
        "  5%% noise: lap  mollifier %.3f  finite-diff %.1f\n  5%% noise: bilap mollifier %.3f  "
        "finite-diff %.1f\n",
        mLap, fLap, mBilap, fBilap);
    QVERIFY(mLap < 0.2);
    QVERIFY(mLap * 100 < fLap);
    QVERIFY(mBilap * 1000 < fBilap);
  }

  void enginesAgreeOnACoordinateNetwork() {
    // The same smooth network, derivatives by mollifier (on the grid) and by recursive
    // autodiff (at the same nodes): they agree within the mollification bias.
    torch::manual_seed(7);
    nets::CoordinateMlp net(nets::CoordinateMlpOptions{2, 1, 32, 3});
    net->to(torch::kFloat64);
    const int n = 61;
    const double h = 1.0 / (n - 1);
    auto ax = torch::arange(n, torch::kFloat64) * h;
    auto gr = torch::meshgrid({ax, ax}, "ij");
    auto coords = torch::stack({gr[1].reshape(-1), gr[0].reshape(-1)}, 1).requires_grad_(true);
    auto u = net->forward(coords).reshape({-1});
    KernelSpec s;
    s.dx = s.dy = h;
    s.radius = 6 * h;
    const std::vector<std::string> ops{"x", "y", "xy", "lap", "bilap"};
    MollifierLayer layer(MollifierLayerOptions{s, ops});
    const auto out = layer->forward(u.detach().view({1, 1, n, n}));
    AutodiffDerivatives ad(coords, u);
    const int r = static_cast<int>(layer->halo()[0]);
    for (size_t k = 0; k < ops.size(); ++k) {
      auto ref =
          ad.apply(ops[k]).detach().view({n, n}).narrow(0, r, n - 2 * r).narrow(1, r, n - 2 * r);
      const double e = relErr(out[k].squeeze(), ref);
      std::printf("  mollifier vs autodiff %-6s rel. difference %.2e\n", ops[k].c_str(), e);
      QVERIFY2(e < (ops[k] == "bilap" ? 0.05 : 0.02), ops[k].c_str());
    }
    QVERIFY(ad.gradCalls() >= 6);  // ∇⁴ needed nested passes
  }

  void gradientsFlowThroughTheLayer() {
    // Float64 gradient check of the custom backward against central differences.
    torch::manual_seed(3);
    KernelSpec s;
    s.radius = 3.0;  // half-width 2 on a unit grid
    MollifierLayer layer(MollifierLayerOptions{s, {"x", "lap", "xxy"}});
    auto x = torch::randn({1, 1, 9, 8}, torch::kFloat64).requires_grad_(true);
    const auto outs = layer->forward(x);
    std::vector<torch::Tensor> weights;
    torch::Tensor loss = torch::zeros({}, torch::kFloat64);
    for (const auto& o : outs) {
      weights.push_back(torch::randn_like(o));
      loss = loss + (o * weights.back()).sum() + 0.5 * o.pow(2).sum();
    }
    loss.backward();
    const auto grad = x.grad().clone();
    auto lossAt = [&](const torch::Tensor& in) {
      torch::NoGradGuard ng;
      const auto os = layer->forward(in);
      double l = 0;
      for (size_t k = 0; k < os.size(); ++k)
        l += ((os[k] * weights[k]).sum() + 0.5 * os[k].pow(2).sum()).item<double>();
      return l;
    };
    double worst = 0;
    for (int64_t i = 0; i < x.numel(); ++i) {
      auto xp = x.detach().clone(), xm = x.detach().clone();
      xp.view(-1)[i] += 1e-6;
      xm.view(-1)[i] -= 1e-6;
      const double fd = (lossAt(xp) - lossAt(xm)) / 2e-6;
      worst = std::max(
          worst, std::abs(fd - grad.view(-1)[i].item<double>()) / std::max(1.0, std::abs(fd)));
    }
    QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));

    // A tiny fit through the layer: a network learns a field from its Laplacian and values.
    torch::manual_seed(5);
    nets::CoordinateMlp net(nets::CoordinateMlpOptions{2, 1, 16, 2});
    const int n = 32;
    const double h = 1.0 / (n - 1);
    KernelSpec ks;
    ks.dx = ks.dy = h;
    ks.radius = 5 * h;
    MollifierLayer ml(MollifierLayerOptions{ks, {"lap"}});
    auto ax = torch::arange(n, torch::kFloat32) * h;
    auto gr = torch::meshgrid({ax, ax}, "ij");
    auto coords = torch::stack({gr[1].reshape(-1), gr[0].reshape(-1)}, 1);
    const double k = M_PI;
    auto target = torch::sin(k * gr[1]) * torch::sin(k * gr[0]);
    const int r = static_cast<int>(ml->halo()[0]);
    auto lapTarget = (-2 * k * k * target).narrow(0, r, n - 2 * r).narrow(1, r, n - 2 * r);
    torch::optim::Adam opt(net->parameters(), 1e-2);
    double first = 0, last = 0;
    for (int it = 0; it < 150; ++it) {
      opt.zero_grad();
      auto u = net->forward(coords).view({1, 1, n, n});
      auto lap = ml->forward(u)[0].squeeze();
      auto l = (u.squeeze() - target).pow(2).mean() + 1e-3 * (lap - lapTarget).pow(2).mean();
      l.backward();
      opt.step();
      (it == 0 ? first : last) = l.item<double>();
    }
    std::printf("  fit through the layer: loss %.3e -> %.3e\n", first, last);
    QVERIFY(last < 0.1 * first);
  }

  void boundaryPolicyIsValidOnly() {
    KernelSpec s;
    s.radius = 3.5;  // half-width 3
    MollifierLayer layer(MollifierLayerOptions{s, {"value", "lap"}});
    auto out = layer->forward(torch::ones({2, 3, 20, 17}));
    QCOMPARE(out[0].sizes().vec(), (std::vector<int64_t>{2, 3, 14, 11}));
    // A constant is reproduced exactly and has zero Laplacian (moment conditions).
    QVERIFY(torch::allclose(out[0], torch::ones_like(out[0]), 1e-6, 1e-6));
    QVERIFY(out[1].abs().max().item<double>() < 1e-4);
    auto mask = layer->validMask({20, 17});
    QCOMPARE(mask.sum().item<int64_t>(), int64_t{14 * 11});
    QVERIFY(!mask[2][5].item<bool>() && mask[3][3].item<bool>() && !mask[17][3].item<bool>());
    // float64 and float32 both work.
    auto o64 = layer->forward(torch::ones({1, 1, 9, 9}, torch::kFloat64));
    QCOMPARE(o64[0].scalar_type(), torch::kFloat64);
  }

  void clearErrors() {
    KernelSpec s;
    s.radius = 3.5;
    try {
      MollifierLayer layer(MollifierLayerOptions{s, {"t"}});
      QFAIL("accepted a time derivative on a 2-D kernel");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("axis this 2-D kernel does not have"));
    }
    MollifierLayer layer(MollifierLayerOptions{s, {"lap"}});
    try {
      layer->forward(torch::ones({4, 4}));
      QFAIL("accepted a 2-D tensor");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("expects a 4-D tensor"));
    }
    try {
      layer->forward(torch::ones({1, 1, 5, 30}));
      QFAIL("accepted a patch smaller than the kernel");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("grid patch too small"));
    }
  }

  void benchmarkWritesItsJson() {
    // Not a timing test: the benchmark runs (tiny grid) and writes the documented structure.
    QTemporaryDir dir;
    const QString json = dir.filePath("bench.json");
    QProcess p;
    p.start(MOLLICHROM_CLI, {"bench", "derivatives", "--orders", "2,4", "--grid", "16", "--width",
                             "8", "--steps", "10", "--repeats", "1", "--json", json});
    QVERIFY(p.waitForFinished(300000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QString table = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY(table.contains("ratio_time") && table.contains("autodiff"));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto doc = QJsonDocument::fromJson(f.readAll()).object();
    for (const char* order : {"2", "4"}) {
      const auto o = doc[order].toObject();
      for (const char* engine : {"mollifier", "autodiff", "data_only"}) {
        const auto e = o[engine].toObject();
        QVERIFY2(e["step_ms"].toDouble() > 0 && e["peak_mb"].toDouble() > 0, engine);
        QVERIFY(e.contains("working_mb"));
      }
      QVERIFY(o["ratio_time"].toDouble() > 0 && o["ratio_memory"].toDouble() > 0);
      QVERIFY(o["overhead_vs_data_only"].toDouble() > 0);
    }
    QVERIFY(!doc.contains("1"));
    // Bad options are usage errors (exit 2) that name the problem.
    QProcess bad;
    bad.start(MOLLICHROM_CLI, {"bench", "derivatives", "--orders", "7"});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains("order must be 1..4"));
    QProcess bad2;
    bad2.start(MOLLICHROM_CLI, {"bench", "derivatives", "--grid", "big"});
    QVERIFY(bad2.waitForFinished(60000));
    QCOMPARE(bad2.exitCode(), 2);
    QVERIFY(QString::fromUtf8(bad2.readAllStandardError()).contains("--grid expects an integer"));
    // An unwritable destination is reported with its path; nothing half-written is left.
    const QString unwritable = dir.filePath("missing-folder/bench.json");
    QProcess bad3;
    bad3.start(MOLLICHROM_CLI, {"bench", "derivatives", "--orders", "1", "--grid", "12", "--width",
                                "4", "--steps", "10", "--repeats", "1", "--json", unwritable});
    QVERIFY(bad3.waitForFinished(300000));
    QCOMPARE(bad3.exitCode(), 1);
    const QString err3 = QString::fromUtf8(bad3.readAllStandardError());
    QVERIFY2(err3.contains(unwritable) && err3.contains("cannot open for writing"),
             qPrintable(err3));
    QVERIFY(!QFile::exists(unwritable));
  }
};

QTEST_GUILESS_MAIN(TestMollifierLayer)
#include "test_mollifier_layer.moc"
