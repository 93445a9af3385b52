// Inference that holds beyond the cases it was built on: the direct estimate at
// small kernels, λ up to the nuclear edge, the steady-state snapshot, convergence (more training
// does not change the answer), several nuclei (labels, split, border flag, table), and the 90 %
// band (files, coverage).
#include "core/export/NucleusTable.h"
#include "core/export/ResultExport.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/prep/NucleusLabels.h"
#include "core/runtime/Runtime.h"
#include "core/sim/ChromatinSimulator.h"
#include "core/train/DirectEstimator.h"
#include "core/train/Metrics.h"
#include "core/train/Trainer.h"
#include "tests/core/ScoringHelpers.h"
#include "tests/core/TestHelpers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <opencv2/imgproc.hpp>

using namespace mollichrom;
using test::runCli;

namespace {

// 64² nucleus of 0.1 µm pixels, 11 frames: small enough for a test, large enough for a 4 px band.
sim::SimulationConfig smallCase(const std::string& pattern, double noise, std::uint64_t seed) {
  sim::SimulationConfig c;
  c.size = 64;
  c.frames = 11;
  c.pixel = 0.1;
  c.noise = noise;
  c.pattern = pattern;
  c.seed = seed;
  return c;
}

using test::given;
using test::scoringMask;

}  // namespace

class TestValidation : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private Q_SLOTS:
  void initTestCase() { initRuntime(); }

  void directEstimateHoldsAtSmallKernels() {
    // ∇⁴ of raw data through a 5-node kernel made the old estimate collapse (r 0.17–0.33).
    const auto c = smallCase("patches", 0.03, 11);
    const auto s = sim::simulate(c);
    const auto f = sim::observedFields(s, c);
    for (int k : {5, 6, 8}) {
      train::MollifierSettings ms;
      ms.halfWidthXY = k;
      ms.adaptiveXY = false;
      const auto d = train::estimateDirect(f, given(), ms);
      const auto a = train::compareMaps(d.lambda, s.lambda, scoringMask(s));
      qInfo("kernel %d: r %.3f relL2 %.3f", k, a.pearson, a.relativeL2);
      // Before the two-pass terms: r 0.17–0.33 at 5–6 nodes.
      QVERIFY2(a.pearson > 0.75, qPrintable(QString("kernel %1: r %2").arg(k).arg(a.pearson)));
    }
  }

  void kernelWidthFollowsNoiseAndFeatures() {
    // The direct estimate picks its space kernel by the estimated error of λ (bias against the
    // narrowest width + synthetic-noise variance). Checked against the oracle — every fixed width
    // of the ladder scored against the truth — on a sharp band, a smooth gradient at low and at
    // high noise: the chosen width's error is within 15 % (or 0.01) of the best fixed width's, it
    // is never narrower for more noise, and the sharp band gets a narrower kernel than the smooth
    // gradient.
    struct Case {
      const char* pattern;
      double noise;
      double chosen = 0, chosenL2 = 0, bestL2 = 1e9;
    };
    std::vector<Case> cases{{"sharp-ring", 0.02}, {"gradient", 0.01}, {"gradient", 0.08}};
    for (auto& c : cases) {
      const auto cfg = smallCase(c.pattern, c.noise, 21);
      const auto s = sim::simulate(cfg);
      const auto f = sim::observedFields(s, cfg);
      const auto d = train::estimateDirect(f, given(), {});
      QCOMPARE(QString::fromStdString(d.kernelRule), QString("risk"));
      QCOMPARE(int(d.kernelRisk.size()), int(d.kernelCandidates.size()));
      c.chosen = d.kernelMedian;
      // Scored where every fixed width is defined (the widest loses more of the image border).
      cv::Mat eval = scoringMask(s);
      std::vector<cv::Mat> fixed;
      for (int k : d.kernelCandidates) {
        train::MollifierSettings ms;
        ms.halfWidthXY = k;
        ms.adaptiveXY = false;
        fixed.push_back(train::estimateDirect(f, given(), ms).lambda);
        eval &= (fixed.back() == fixed.back());
      }
      c.chosenL2 = train::compareMaps(d.lambda, s.lambda, eval).relativeL2;
      for (const cv::Mat& l : fixed)
        c.bestL2 = std::min(c.bestL2, train::compareMaps(l, s.lambda, eval).relativeL2);
      qInfo("%s %.0f%%: chosen %g px, rel. L2 %.3f, best fixed %.3f", c.pattern, 100 * c.noise,
            c.chosen, c.chosenL2, c.bestL2);
      // Within 15 % of the oracle, or 0.01 of rel. L2 where both are tiny (a smooth gradient).
      QVERIFY2(
          c.chosenL2 <= std::max(1.15 * c.bestL2, c.bestL2 + 0.01),
          qPrintable(QString("%1: %2 vs best %3").arg(c.pattern).arg(c.chosenL2).arg(c.bestL2)));
      // The band comes with the chosen width.
      QVERIFY(!d.lambdaLow.empty() && !d.lambdaHigh.empty());
    }
    QVERIFY(cases[2].chosen >= cases[1].chosen);
    QVERIFY(cases[0].chosen < cases[2].chosen);
  }

  void lambdaNoiseFloorIsTheFramesCommonNoise() {
    // Why the trained network cannot beat the direct estimate by much: most of λ's
    // error from noise comes from the part of the noise common to all frames, which a change of
    // λ absorbs and no model of the fields can tell from signal. Checked on the data themselves
    // at a kernel where noise matters: with only that part of the noise, λ's excess error (its
    // squared error beyond the noise-free one) is most of what all the noise gives — and the
    // estimate measures the share.
    const auto c = smallCase("sharp-ring", 0.03, 7);
    const auto s = sim::simulate(c);
    const int T = c.frames;
    prep::FieldData common = sim::observedFields(s, c, false);
    for (int field = 0; field < 2; ++field) {
      const auto& noisy = field == 0 ? s.densityNoisy : s.heteroNoisy;
      const auto& clean = field == 0 ? s.density : s.hetero;
      auto& planes = field == 0 ? common.density : common.hetero;
      cv::Mat mean = cv::Mat::zeros(clean[0].size(), CV_32F);
      for (int t = 0; t < T; ++t) mean += (noisy[t] - clean[t]) / T;
      // New planes: the prepared ones share their pixels with the simulation's.
      for (int t = 0; t < T; ++t) planes[t] = cv::Mat(clean[t] + mean);
    }
    common.noiseSigma = s.noiseSigma;  // the data's σ, as the full-noise run estimates it
    train::MollifierSettings ms;
    ms.halfWidthXY = 4;
    ms.adaptiveXY = false;
    auto err2 = [&](const prep::FieldData& f) {
      const double e =
          train::compareMaps(train::estimateDirect(f, given(), ms).lambda, s.lambda, scoringMask(s))
              .relativeL2;
      return e * e;
    };
    const auto full = sim::observedFields(s, c);
    const double eFull = err2(full), eCommon = err2(common),
                 eClean = err2(sim::observedFields(s, c, false));
    const double share = (eCommon - eClean) / (eFull - eClean);
    qInfo(
        "squared rel. L2 at 4 px: all noise %.4f, common part only %.4f, no noise %.4f: the "
        "common part gives %.2f of the noise's error",
        eFull, eCommon, eClean, share);
    QVERIFY2(eFull > 1.5 * eClean, "noise must matter at this kernel for the check to mean much");
    QVERIFY2(share > 0.6, qPrintable(QString::number(share)));
    const auto d = train::estimateDirect(full, given(), {});
    qInfo("measured share of lambda's noise variance from the common part: %.2f",
          d.staticNoiseShare);
    QVERIFY2(d.staticNoiseShare > 0.5 && d.staticNoiseShare <= 1.0,
             qPrintable(QString::number(d.staticNoiseShare)));
    // One frame: nothing to split.
    auto one = smallCase("sharp-ring", 0.03, 7);
    one.frames = 1;
    one.start = "steady";
    const auto ss = sim::simulate(one);
    QCOMPARE(train::estimateDirect(sim::observedFields(ss, one), given(), {}).staticNoiseShare,
             -1.0);
  }

  void lambdaReachesTheNuclearEdge() {
    // Three nuclei, one cut by the image border: λ is finite on ≥ 95 % of every nucleus (the
    // part more than 8 px from the image border).
    auto c = smallCase("patches", 0.03, 5);
    c.size = 128;
    c.nuclei = 3;
    const auto s = sim::simulate(c);
    const auto f = sim::observedFields(s, c);
    const auto d = train::estimateDirect(f, given(), {});
    const auto parts = train::finiteSharePerPart(d.lambda, scoringMask(s));
    QCOMPARE(int(parts.size()), 3);
    for (size_t k = 0; k < parts.size(); ++k) {
      qInfo("nucleus %zu: %d px, finite %.3f", k + 1, parts[k].pixels, parts[k].finiteShare);
      QVERIFY(parts[k].finiteShare >= 0.95);
    }
  }

  void steadyStateSnapshotGivesLambda() {
    auto c = smallCase("patches", 0.02, 7);
    c.size = 96;
    c.frames = 1;
    c.start = "steady";
    const auto s = sim::simulate(c);
    const auto f = sim::observedFields(s, c);
    train::TrainerConfig cfg;
    cfg.steps = 5;
    const auto r = train::runInference(f, given(), cfg);
    QVERIFY(r.steady);
    QVERIFY(r.answer == train::Answer::Direct);  // the default answer, with its band
    QVERIFY(!r.lambdaLow.empty());
    const auto ad = train::compareMaps(r.lambda, s.lambda, scoringMask(s));
    cfg.answer = train::Answer::Solve;
    const auto rs = train::runInference(f, given(), cfg);
    QVERIFY(rs.solved && rs.answer == train::Answer::Solve);
    const auto a = train::compareMaps(rs.lambda, s.lambda, scoringMask(s));
    qInfo("steady: direct r %.3f relL2 %.3f (kernel %g px), solved r %.3f relL2 %.3f", ad.pearson,
          ad.relativeL2, r.direct.kernelMedian, a.pearson, a.relativeL2);
    // Before the data-chosen kernel: direct r 0.965, solve 0.979 (8 px).
    QVERIFY(ad.pearson > 0.97);
    QVERIFY(a.pearson > 0.95);
  }

  void moreTrainingDoesNotChangeTheAnswer() {
    // The result is the minimiser of the solve's objective: 4× the steps moves r by ≤ 0.005.
    const auto c = smallCase("sharp-ring", 0.03, 13);
    const auto s = sim::simulate(c);
    const auto f = sim::observedFields(s, c);
    double r[2];
    int i = 0;
    for (int steps : {5, 20}) {
      train::TrainerConfig cfg;
      cfg.steps = steps;
      cfg.answer = train::Answer::Solve;
      cfg.rateSolve.uncertaintyReps = 0;
      const auto res = train::runInference(f, given(), cfg);
      r[i++] = train::compareMaps(res.lambda, s.lambda, scoringMask(s)).pearson;
      QVERIFY(res.solve.converged);
    }
    qInfo("5 steps r %.4f, 20 steps r %.4f", r[0], r[1]);
    QVERIFY(r[1] >= r[0] - 0.005);
  }

  void nucleiAreLabelledSplitAndFlagged() {
    cv::Mat mask = cv::Mat::zeros(200, 300, CV_8U);
    cv::circle(mask, {50, 60}, 30, 255, -1);   // alone
    cv::circle(mask, {150, 60}, 28, 255, -1);  // two touching
    cv::circle(mask, {200, 60}, 28, 255, -1);
    cv::circle(mask, {290, 160}, 30, 255, -1);  // cut by the right border
    cv::circle(mask, {60, 170}, 3, 255, -1);    // debris
    const auto l = prep::labelNuclei(mask);
    for (const auto& n : l.nuclei)
      qInfo("nucleus %d: %d px at (%.0f, %.0f)%s%s", n.label, n.areaPx, n.centroidPx.x,
            n.centroidPx.y, n.split ? " split" : "", n.touchesBorder ? " border" : "");
    QCOMPARE(int(l.nuclei.size()), 4);
    int splits = 0, border = 0;
    for (const auto& n : l.nuclei) {
      splits += n.split;
      border += n.touchesBorder;
    }
    QCOMPARE(splits, 2);
    QCOMPARE(border, 1);
    QVERIFY(l.nuclei.back().touchesBorder);  // reading order: the lower one comes last
    // The two halves of the touching pair are about the same size.
    QVERIFY(std::abs(l.nuclei[1].areaPx - l.nuclei[2].areaPx) < 0.1 * l.nuclei[1].areaPx);

    // Table: λ = label inside each nucleus, so mean = median = label.
    cv::Mat lambda(mask.size(), CV_32F, cv::Scalar(std::nanf("")));
    for (int y = 0; y < mask.rows; ++y)
      for (int x = 0; x < mask.cols; ++x)
        if (l.labels.at<int>(y, x) > 0) lambda.at<float>(y, x) = float(l.labels.at<int>(y, x));
    const auto rows = exporting::nucleusTable(l, lambda, {}, {}, 0.1, 0.1, 1, 1);
    QCOMPARE(int(rows.size()), 4);
    for (const auto& r : rows) {
      QCOMPARE(r.median, double(r.label));
      QCOMPARE(r.finiteShare, 1.0);
      QVERIFY(std::abs(r.areaUm2 - r.pixels * 0.01) < 1e-9);
    }
    const std::string csv = exporting::nucleusTableCsv(rows);
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 5L);
    QVERIFY(csv.rfind("label,centroid_x_um,centroid_y_um,area_um2", 0) == 0);
  }

  void cliWritesBandTableAndSolveReport() {
    // A steady snapshot of two nuclei: the default answer (direct, kernel from the data) with its
    // band and table, then --answer solve with its report.
    auto c = smallCase("patches", 0.02, 17);
    c.size = 96;
    c.frames = 1;
    c.start = "steady";
    c.nuclei = 2;
    const auto s = sim::simulate(c);
    const QString stack = tmp_.filePath("two.tif"), truth = tmp_.filePath("two_truth.tif");
    sim::writeSimulation(s, c, stack.toStdString(), truth.toStdString());
    const QString out = tmp_.filePath("rates.tif"), table = tmp_.filePath("nuclei.csv"),
                  json = tmp_.filePath("summary.json");
    QString err;
    QCOMPARE(runCli({"infer", stack, "--out", out, "--steps", "5", "--set", "M=1,gamma_ac=1",
                     "--table", table, "--json", json, "--quiet"},
                    &err),
             0);
    QVERIFY(QFile::exists(tmp_.filePath("rates.low90.tif")));
    QVERIFY(QFile::exists(tmp_.filePath("rates.high90.tif")));
    QFile t(table);
    QVERIFY(t.open(QIODevice::ReadOnly));
    const auto lines = QString::fromUtf8(t.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 3);  // header + two nuclei
    // Each nucleus's fit verdict, then its share and the scalars' intervals and sources.
    const QStringList header = lines[0].split(',');
    const int fitColumn = int(header.indexOf("fit"));
    QVERIFY(fitColumn > 0);
    QCOMPARE(header.last(), QString("gamma_ac_source"));
    QVERIFY2(lines[1].split(',')[fitColumn] == "good" && lines[2].split(',')[fitColumn] == "good",
             qPrintable(lines.join('|')));
    auto readJson = [](const QString& path) {
      QFile j(path);
      j.open(QIODevice::ReadOnly);
      return QJsonDocument::fromJson(j.readAll()).object();
    };
    const auto o = readJson(json);
    QCOMPARE(o["nuclei"].toArray().size(), 2);
    QCOMPARE(o["answer"].toString(), QString("direct"));
    const auto kernel = o["direct"].toObject()["kernel"].toObject();
    QCOMPARE(kernel["rule"].toString(), QString("risk"));
    QCOMPARE(kernel["candidates_px"].toArray().size(), kernel["risk"].toArray().size());
    QVERIFY(kernel["half_width_px_median"].toDouble() >= 4);
    QVERIFY(kernel["noise_sigma"].toDouble() > 0);
    QCOMPARE(kernel["static_noise_share"].toDouble(), -1.0);  // one frame: nothing to split

    // The band holds the estimate, and the truth as often as it claims.
    auto read = [](const QString& p) {
      cv::Mat m;
      io::openStack(p.toStdString())->plane(0, 0, 0).convertTo(m, CV_32F);
      return m;
    };
    const cv::Mat lam = read(out), lo = read(tmp_.filePath("rates.low90.tif")),
                  hi = read(tmp_.filePath("rates.high90.tif")), tr = read(truth);
    const cv::Mat eval = scoringMask(s);
    int n = 0, inside = 0, holds = 0;
    double err2 = 0, half2 = 0;
    for (int y = 0; y < lam.rows; ++y)
      for (int x = 0; x < lam.cols; ++x) {
        if (!eval.at<std::uint8_t>(y, x) || !std::isfinite(lam.at<float>(y, x))) continue;
        ++n;
        err2 += std::pow(lam.at<float>(y, x) - tr.at<float>(y, x), 2);
        half2 += std::pow((hi.at<float>(y, x) - lo.at<float>(y, x)) / (2 * 1.645), 2);
        holds +=
            lo.at<float>(y, x) <= lam.at<float>(y, x) && lam.at<float>(y, x) <= hi.at<float>(y, x);
        inside +=
            lo.at<float>(y, x) <= tr.at<float>(y, x) && tr.at<float>(y, x) <= hi.at<float>(y, x);
      }
    qInfo(
        "band: %d px, estimate inside %d, truth inside %.3f; rms error %.4f, band sd %.4f, "
        "kernel %d px, risk %s variance %s",
        n, holds, double(inside) / n, std::sqrt(err2 / n), std::sqrt(half2 / n),
        kernel["half_width_px_median"].toInt(),
        QJsonDocument(kernel["risk"].toArray()).toJson(QJsonDocument::Compact).constData(),
        QJsonDocument(kernel["variance"].toArray()).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(holds, n);
    // The target is 80 % of the truth inside the 90 % band; on the suite the direct
    // band covers a median 84 % (time-lapse) and 96 % (snapshots), but on this small two-nucleus
    // snapshot 36 %: the errors sit at the patches' edges, the band's bias term is averaged
    // over the kernel. (The solve's posterior band: 22 % here at 8 px, 6 % at the chosen
    // width.) This guards against it getting narrower.
    QVERIFY(double(inside) / n >= 0.3);

    // --answer solve: the rate solve and its report.
    QCOMPARE(runCli({"infer", stack, "--out", out, "--steps", "5", "--set", "M=1,gamma_ac=1",
                     "--answer", "solve", "--json", json, "--quiet"},
                    &err),
             0);
    const auto os = readJson(json);
    QCOMPARE(os["answer"].toString(), QString("solve"));
    const auto solve = os["rate_solve"].toObject();
    QCOMPARE(solve["alpha_rule"].toString(), QString("discrepancy principle"));
    QVERIFY(solve["alpha"].toDouble() > 0);
    QVERIFY(std::abs(solve["discrepancy"].toDouble() - 1.0) < 0.1);
    QCOMPARE(solve["kernel_half_width_px"].toInt(), kernel["half_width_px_median"].toInt());
    QVERIFY(runCli({"infer", stack, "--out", out, "--answer", "best"}, &err) == 2);
    QVERIFY2(err.contains("auto, direct, trained or solve"), qPrintable(err));
  }

  void steadyHelpExplainsTheRatio() {
    QProcess p;
    p.start(MOLLICHROM_CLI, {"infer", "--help"});
    p.waitForFinished();
    const QString help = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY(help.contains("M/gamma_ac"));
    QVERIFY(help.contains("--nuclei"));
    QVERIFY(help.contains("low90"));
  }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "test_validation.moc"
