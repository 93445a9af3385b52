// Work that grows with the image, not the kernel: the FFT path of the mollifier layer equals the
// direct convolution (forward and adjoint), tiles stitch exactly, snapshots are tiled, and the
// CLI turns resource failures into one line with its exit code.
#include "core/io/StackReader.h"
#include "core/mollifier/FftConvolution.h"
#include "core/mollifier/MollifierLayer.h"
#include "core/runtime/Runtime.h"
#include "core/sim/ChromatinSimulator.h"
#include "core/train/DirectEstimator.h"
#include "core/train/FieldBundle.h"
#include "core/train/MemoryPlan.h"
#include "core/train/Tiling.h"
#include "core/train/Trainer.h"
#include "core/util/Errors.h"
#include "tests/core/TestHelpers.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <csignal>

using namespace mollichrom;
using namespace mollichrom::mollifier;
using test::maxAbsDiff;
using test::runCli;

namespace {

const std::vector<std::string> kOps{"value", "x",        "y",    "xx",   "xy",   "lap",
                                    "xxx",   "grad_lap", "xxxx", "xxyy", "bilap"};

// Worst over operators of max|a − b| / max|b|.
double worstRelative(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b,
                     std::string* which, const std::vector<std::string>& names) {
  double worst = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    const double r = ((a[k] - b[k]).abs().max() / b[k].abs().max()).item<double>();
    if (r > worst) {
      worst = r;
      *which = names[k];
    }
  }
  return worst;
}

}  // namespace

class TestScale : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private Q_SLOTS:
  void initTestCase() { initRuntime(); }

  void fftEqualsDirectConvolution() {
    // float64, every operator up to 4th order, 2-D and 2-D + time, odd and even grid sizes.
    torch::manual_seed(7);
    for (int dims : {2, 3}) {
      KernelSpec k;
      k.family = KernelFamily::Polynomial;
      k.dims = dims;
      k.dx = 0.1;
      k.dy = 0.1;
      k.dt = 0.05;
      k.radius = 0.9;
      k.radiusT = 0.15;
      std::vector<std::string> ops = kOps;
      if (dims == 3) ops.insert(ops.end(), {"t", "tx", "txx"});
      MollifierLayerOptions o;
      o.kernel = k;
      o.operators = ops;
      o.algorithm = ConvAlgorithm::Direct;
      MollifierLayer direct(o);
      o.algorithm = ConvAlgorithm::Fft;
      MollifierLayer fft(o);
      QCOMPARE(int(fft->algorithm()), int(ConvAlgorithm::Fft));
      const std::vector<int64_t> shape =
          dims == 2 ? std::vector<int64_t>{2, 3, 41, 38} : std::vector<int64_t>{1, 2, 9, 37, 40};
      // Smooth field plus noise: the cancellation in 4th derivatives is what rounding would show.
      auto x = (torch::randn(shape, torch::kFloat64) * 0.05 + 0.4).requires_grad_(true);
      const auto a = fft->forward(x), b = direct->forward(x);
      std::string which;
      const double worst = worstRelative(a, b, &which, ops);
      qInfo("%d-D: worst forward relative difference %.2e (%s)", dims, worst, which.c_str());
      QVERIFY2(worst <= 1e-6, which.c_str());
      // Adjoint: the same input gradient for a random cotangent on every operator.
      std::vector<torch::Tensor> cot;
      torch::Tensor la, lb;
      for (size_t i = 0; i < a.size(); ++i) {
        cot.push_back(torch::randn_like(a[i]));
        la = la.defined() ? la + (a[i] * cot[i]).sum() : (a[i] * cot[i]).sum();
        lb = lb.defined() ? lb + (b[i] * cot[i]).sum() : (b[i] * cot[i]).sum();
      }
      const auto ga = torch::autograd::grad({la}, {x})[0], gb = torch::autograd::grad({lb}, {x})[0];
      const double gd = ((ga - gb).abs().max() / gb.abs().max()).item<double>();
      qInfo("%d-D: adjoint relative difference %.2e", dims, gd);
      QVERIFY(gd <= 1e-6);
    }
    QCOMPARE(fastFftLength(97), int64_t(98));
    QCOMPARE(fastFftLength(128), int64_t(128));
    QCOMPARE(fastFftLength(1), int64_t(1));
    QCOMPARE(parseAlgorithm("fft"), ConvAlgorithm::Fft);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseAlgorithm("winograd"));
    // Auto picks the transforms for the 17×17×5 kernel that made conv3d unfold 1 445 taps per node.
    MollifierLayerOptions big;
    big.kernel.dims = 3;
    big.kernel.dx = big.kernel.dy = 0.1;
    big.kernel.dt = 0.05;
    big.kernel.radius = 0.9;
    big.kernel.radiusT = 0.15;
    QCOMPARE(int(MollifierLayer(big)->algorithm()), int(ConvAlgorithm::Fft));
  }

  void tilesPartitionTheValidRegion() {
    const auto tiles = train::makeTiles(50, 37, 6, 9);
    cv::Mat hits = cv::Mat::zeros(50, 37, CV_32S);
    for (const auto& t : tiles) {
      QCOMPARE(t.source.x, t.interior.x - 6);
      QCOMPARE(t.source.width, t.interior.width + 12);
      QVERIFY((t.source & cv::Rect(0, 0, 37, 50)) == t.source);
      hits(t.interior) += 1;
    }
    QCOMPARE(cv::countNonZero(hits(cv::Rect(6, 6, 25, 38)) == 1), 25 * 38);
    QCOMPARE(cv::sum(hits)[0], double(25 * 38));
    QVERIFY(train::makeTiles(10, 10, 6, 4).empty());
  }

  void tiledDirectEstimateEqualsUntiled() {
    sim::SimulationConfig c;
    c.size = 64;
    c.frames = 9;
    c.pixel = 0.156;
    c.seed = 5;
    const auto f = sim::observedFields(sim::simulate(c), c);
    const auto whole = train::estimateDirect(f, {}, train::MollifierSettings{}, nullptr, 1000);
    const auto tiled = train::estimateDirect(f, {}, train::MollifierSettings{}, nullptr, 13);
    QCOMPARE(whole.tiles, 1);
    QVERIFY(tiled.tiles > 9);
    double lo, hi;
    cv::minMaxLoc(whole.lambda, &lo, &hi, nullptr, nullptr, whole.region);
    const double d = maxAbsDiff(tiled.lambda, whole.lambda);
    qInfo("tiled vs untiled: max |dλ| %.2e (λ up to %.3f), M %.9f vs %.9f", d, hi, tiled.M,
          whole.M);
    QVERIFY(d <= 1e-6 * hi);
    QVERIFY(std::abs(tiled.M - whole.M) <= 1e-6 * whole.M);
    QVERIFY(std::abs(tiled.gammaAc - whole.gammaAc) <= 1e-6 * whole.gammaAc);
    QVERIFY(std::abs(tiled.residualRms - whole.residualRms) <= 1e-6 * whole.residualRms);
    QCOMPARE(tiled.estimatedM, whole.estimatedM);
    // The SIMEX spreads are non-trivial functions of every tile's sums (and of the hashed noise).
    QVERIFY(whole.uncertaintyGammaAc > 0);
    QVERIFY(std::abs(tiled.uncertaintyM - whole.uncertaintyM) <= 1e-6 * whole.uncertaintyM);
    QVERIFY(std::abs(tiled.uncertaintyGammaAc - whole.uncertaintyGammaAc) <=
            1e-6 * whole.uncertaintyGammaAc);
  }

  void memoryPlanGrowsWithTheImageAndProposesWhatFits() {
    train::RunShape small{256, 256, 30, 2, 1, 2}, big{1024, 1024, 30, 2, 1, 2};
    const auto a = train::planMemory(small, {}, train::TrainerConfig{});
    const auto b = train::planMemory(big, {}, train::TrainerConfig{});
    // 16× the nodes: the data-sized parts grow 16×, the tile working sets stay bounded.
    QVERIFY(b.fieldsMb > 15.9 * a.fieldsMb && b.fieldsMb < 16.1 * a.fieldsMb);
    QVERIFY(b.peakMb < 16 * a.peakMb);
    QVERIFY(b.directMb <= 300);
    try {
      train::checkMemoryPlan(big, {}, train::TrainerConfig{}, 900);
      QFAIL("a 900 MB limit should refuse a 1024² × 30 run");
    } catch (const util::MemoryPlanError& e) {
      const QString m = e.what();
      QVERIFY2(m.contains("--memory-limit") && m.contains("--frames") && m.contains("--bin") &&
                   m.contains("--crop"),
               qPrintable(m));
      QVERIFY(e.neededMb > 900 && e.limitMb == 900);
    }
    // Under a tight limit the suggestions still leave fields the kernels can analyse (they
    // once proposed 51 px crops and 8× binnings that then failed as "too small").
    for (const double limit : {900.0, 400.0, 300.0}) {
      try {
        train::checkMemoryPlan(big, {}, train::TrainerConfig{}, limit);
      } catch (const util::MemoryPlanError& e) {
        const QString m = e.what();
        const auto bin = QRegularExpression("--bin (\\d+)").match(m);
        if (bin.hasMatch()) QVERIFY2(1024 / bin.captured(1).toInt() >= 80, qPrintable(m));
        const auto crop = QRegularExpression("--crop \\d+,\\d+,(\\d+),(\\d+)").match(m);
        if (crop.hasMatch())
          QVERIFY2(crop.captured(1).toInt() >= 80 && crop.captured(2).toInt() >= 80, qPrintable(m));
      }
    }
    train::checkMemoryPlan(small, {}, train::TrainerConfig{}, 4000);  // fits: no throw
  }

  void cliRefusesOverTheMemoryLimitInOneLine() {
    const QString stack = tmp_.filePath("sim.tif"), truth = tmp_.filePath("truth.tif");
    QCOMPARE(
        runCli({"simulate", "--out", stack, "--truth", truth, "--size", "64", "--frames", "9"}), 0);
    QString err;
    const QString out = tmp_.filePath("rates.tif");
    QCOMPARE(runCli({"infer", stack, "--out", out, "--memory-limit", "50M"}, &err), 5);
    QVERIFY2(err.trimmed().count('\n') == 0, qPrintable(err));
    QVERIFY2(
        err.contains("sim.tif") && err.contains("memory limit") && err.contains("--memory-limit"),
        qPrintable(err));
    QVERIFY(!QFile::exists(out));
    QCOMPARE(runCli({"infer", stack, "--out", out, "--memory-limit", "lots"}, &err), 2);
    // The proposals work: a frame range and a crop are accepted by infer itself.
    QCOMPARE(runCli({"infer", stack, "--out", out, "--frames", "2-8", "--crop", "4,4,60,60",
                     "--engine", "direct", "--quiet"},
                    &err),
             0);
    auto r = io::openStack(out.toStdString());
    QCOMPARE(r->info().width, 60);
    QCOMPARE(runCli({"infer", stack, "--out", out, "--frames", "9-2"}, &err), 2);
  }

  void cliAllocationFailureIsOneLineWithoutBacktrace() {
    // A real LibTorch allocation failure (the test hook asks its allocator for 1 PB once the
    // plan has passed): the user sees one line naming the file, no C++ frames.
    const QString stack = tmp_.filePath("sim.tif");
    QVERIFY(QFile::exists(stack));
    QString err;
    QProcessEnvironment hook;
    hook.insert("MOLLICHROM_TEST_ALLOCATE_GB", "1000000");
    const int rc =
        runCli({"infer", stack, "--out", tmp_.filePath("oom.tif"), "--quiet"}, &err, hook);
    qInfo("exit %d: %s", rc, qPrintable(err.trimmed()));
    QCOMPARE(rc, 5);
    QVERIFY2(err.trimmed().count('\n') == 0, qPrintable(err));
    QVERIFY2(err.contains("sim.tif") && err.contains("out of memory"), qPrintable(err));
    QVERIFY(!err.contains("frame #") && !err.contains("Exception raised from"));
  }

  void interruptedDuringTheDirectEstimateWritesNothing() {
    // Ctrl-C while the direct estimate runs (its progress on stderr says so): exit 130, one
    // line saying nothing was written, no output file.
    const QString stack = tmp_.filePath("field256.tif"), out = tmp_.filePath("int.tif");
    QCOMPARE(runCli({"simulate", "--scene", "--out", stack, "--width", "256", "--height", "256",
                     "--frames", "30", "--nuclei", "1"}),
             0);
    QProcess p;
    QString err;
    bool signalled = false;
    connect(&p, &QProcess::readyReadStandardError, [&] {
      err += QString::fromUtf8(p.readAllStandardError());
      if (!signalled && err.contains("direct estimate")) {
        signalled = true;
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
      }
    });
    p.start(MOLLICHROM_CLI, {"infer", stack, "--out", out});
    QVERIFY(p.waitForFinished(120000));
    err += QString::fromUtf8(p.readAllStandardError());
    QVERIFY(signalled);
    QCOMPARE(p.exitCode(), 130);
    QVERIFY2(err.contains("interrupted before a result; nothing written"), qPrintable(err));
    QVERIFY(!err.contains("TIFF"));
    QVERIFY(!QFile::exists(out));
  }

  void snapshotsAreTiledAndMatchTheTrainedMap() {
    sim::SimulationConfig c;
    c.size = 64;
    c.frames = 9;
    c.pixel = 0.156;
    const auto f = sim::observedFields(sim::simulate(c), c);
    train::TrainerConfig cfg;
    cfg.steps = 3;
    cfg.snapshotInterval = 0;
    std::vector<train::Snapshot> snaps;
    const auto r = train::runInference(f, {}, cfg, nullptr,
                                       [&](const train::Snapshot& s) { snaps.push_back(s); });
    QVERIFY(!snaps.empty());
    const auto& s = snaps.back();
    for (const char* name : {"phi_h", "mu_d", "bilap_phi_d", "dt_phi_d", "residual"}) {
      QVERIFY2(s.fields.count(name), name);
      const cv::Mat& m = s.fields.at(name);
      QCOMPARE(m.rows, 64);
      // Finite on the whole valid region (image less the kernel radius), NaN on the border.
      QVERIFY2(std::isfinite(m.at<float>(32, 32)) && std::isfinite(m.at<float>(9, 50)), name);
      QVERIFY(std::isnan(m.at<float>(0, 0)));
    }
    QCOMPARE(maxAbsDiff(s.lambda, r.trainedLambda), 0.0);
  }
};

QTEST_GUILESS_MAIN(TestScale)
#include "test_scale.moc"
