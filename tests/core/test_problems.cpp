// The benchmark suite's forward simulators (issue 17): each converges at its stated order, its
// data are what the inverse problem says they are, and the noise rule is the same for all.
#include "core/sim/problems/CahnHilliardReaction.h"
#include "core/sim/problems/HeatConduction.h"
#include "core/sim/problems/InverseProblem.h"
#include "core/sim/problems/LangevinMean.h"

#include <QtTest>

using namespace mollichrom::sim;

class TestProblems : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void simulatorsConvergeAtTheirOrder_data() {
    QTest::addColumn<QString>("problem");
    for (const char* p : {"langevin", "heat", "rd4"}) QTest::newRow(p) << QString(p);
  }
  void simulatorsConvergeAtTheirOrder() {
    QFETCH(QString, problem);
    const ConvergenceCheck c = checkConvergence(parseProblem(problem.toStdString()));
    QString table;
    for (size_t i = 0; i < c.steps.size(); ++i)
      table += QString(" %1:%2").arg(c.steps[i], 0, 'g', 3).arg(c.errors[i], 0, 'g', 3);
    qInfo("%s: %s; errors%s; order %.2f (expected %.0f)", qPrintable(problem), c.what.c_str(),
          qPrintable(table), c.order, c.expected);
    for (size_t i = 1; i < c.errors.size(); ++i) QVERIFY(c.errors[i] < c.errors[i - 1]);
    QVERIFY2(c.ok(), qPrintable(QString("order %1").arg(c.order)));
    QVERIFY(c.order < c.expected + 0.8);  // not suspiciously better than the scheme allows
  }

  void langevinDataFollowTheMeanEquation() {
    ProblemConfig c;
    c.frames = 41;
    const ProblemData d = simulateProblem(InverseProblemKind::Langevin, c);
    QCOMPARE(d.observed.sizes().vec(), std::vector<int64_t>{41});
    // The ensemble mean sits within its sampling noise of the exact mean (σ/√N ≈ 0.004).
    QVERIFY((d.observed - d.clean).abs().max().item<double>() < 0.02);
    // k(t) recovered by finite differences of the clean mean: the problem is well posed.
    const auto m = d.clean;
    const auto dm = (m.narrow(0, 2, 39) - m.narrow(0, 0, 39)) / (2 * d.dt);
    const auto k = -dm / m.narrow(0, 1, 39);
    QVERIFY((k - d.truth.narrow(0, 1, 39)).abs().max().item<double>() < 0.02);
  }

  void heatAndRd4HaveStructureAndNoiseAsStated() {
    ProblemConfig c;
    c.size = 48;
    c.frames = 8;
    c.noise = 0.05;
    for (auto kind : {InverseProblemKind::Heat, InverseProblemKind::Rd4}) {
      const ProblemData d = simulateProblem(kind, c);
      QCOMPARE(d.clean.sizes().vec(), (std::vector<int64_t>{8, 48, 48}));
      QCOMPARE(d.truth.sizes().vec(), (std::vector<int64_t>{48, 48}));
      QVERIFY(torch::isfinite(d.clean).all().item<bool>());
      // The field changes over the frames (the time derivative carries the parameter).
      QVERIFY((d.clean[7] - d.clean[0]).abs().max().item<double>() > 0.05);
      // Noise σ = 5 % of the clean field's range.
      const double range = (d.clean.max() - d.clean.min()).item<double>();
      const double sigma = (d.observed - d.clean).std().item<double>();
      QVERIFY2(std::abs(sigma / range - 0.05) < 0.005,
               qPrintable(QString("%1: %2").arg(problemName(kind).c_str()).arg(sigma / range)));
      QVERIFY(d.truth.min().item<double>() > 0);
    }
    // Rd4: phase separation happened (the field is bimodal, not the small initial noise).
    const ProblemData rd = simulateProblem(InverseProblemKind::Rd4, c);
    qInfo("rd4 mean abs u: first %.3f last %.3f, range %.3f..%.3f",
          rd.clean[0].abs().mean().item<double>(), rd.clean[7].abs().mean().item<double>(),
          rd.clean.min().item<double>(), rd.clean.max().item<double>());
    QVERIFY(rd.clean[0].abs().mean().item<double>() > 0.3);
    QCOMPARE(parseProblem("rd4"), InverseProblemKind::Rd4);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseProblem("wave"));
  }
};

QTEST_GUILESS_MAIN(TestProblems)
#include "test_problems.moc"
