// Mollifier kernels: closed-form derivatives, normalisation and discrete moments.
#include "core/mollifier/MollifierKernel.h"

#include <QtTest>

#include <cmath>

using namespace mollichrom::mollifier;

namespace {

std::vector<MultiIndex> partialsUpTo(int order, int dims) {
  std::vector<MultiIndex> out;
  for (int t = 0; t <= (dims == 3 ? order : 0); ++t)
    for (int y = 0; y <= (dims >= 2 ? order - t : 0); ++y)
      for (int x = 0; x <= order - t - y; ++x) out.push_back({x, y, t});
  return out;
}

double fact(int n) { return n <= 1 ? 1.0 : n * fact(n - 1); }

KernelSpec spec3(KernelFamily f) {
  KernelSpec s;
  s.family = f;
  s.dims = 3;
  s.dx = 0.1;
  s.dy = 0.13;  // anisotropic
  s.dt = 0.05;
  s.radius = 0.55;
  s.radiusT = 0.26;
  return s;
}

// Σ_k (−y_k)^β w_k h^d, the discrete moment the conditions are about.
double moment(const MollifierKernel& k, const std::vector<double>& w,
              const std::array<int, 3>& beta, double* absSum = nullptr) {
  const auto h = k.halfWidth();
  const auto& s = k.spec();
  size_t i = 0;
  double acc = 0.0, abs = 0.0;
  for (int kt = -h[2]; kt <= h[2]; ++kt)
    for (int ky = -h[1]; ky <= h[1]; ++ky)
      for (int kx = -h[0]; kx <= h[0]; ++kx, ++i) {
        const double term = std::pow(-kx * s.dx, beta[0]) * std::pow(-ky * s.dy, beta[1]) *
                            std::pow(-kt * s.dt, beta[2]) * w[i];
        acc += term;
        abs += std::abs(term);
      }
  if (absSum) *absSum = abs * k.cellVolume();
  return acc * k.cellVolume();
}

}  // namespace

class TestMollifierKernel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void profileDerivativesMatchFiniteDifferences() {
    for (double s : {0.1, 0.4, 0.7, 0.9}) {
      for (int n = 1; n <= 5; ++n) {
        const double e = 1e-6;
        const double fd =
            (bumpProfileDerivative(n - 1, s + e) - bumpProfileDerivative(n - 1, s - e)) / (2 * e);
        const double an = bumpProfileDerivative(n, s);
        QVERIFY2(
            std::abs(fd - an) <= 1e-5 * std::max(1.0, std::abs(an)),
            qPrintable(QStringLiteral("bump n=%1 s=%2: %3 vs %4").arg(n).arg(s).arg(an).arg(fd)));
        const double fdp = (polynomialProfileDerivative(n - 1, 8, s + e) -
                            polynomialProfileDerivative(n - 1, 8, s - e)) /
                           (2 * e);
        QVERIFY(std::abs(fdp - polynomialProfileDerivative(n, 8, s)) <=
                1e-5 * std::max(1.0, std::abs(fdp)));
      }
    }
    // Compact support: zero (with all derivatives) outside the unit ball.
    QCOMPARE(bumpProfileDerivative(3, 1.0), 0.0);
    QCOMPARE(bumpProfileDerivative(0, 1.5), 0.0);
  }

  void closedFormPartialsMatchFiniteDifferences() {
    // Every partial up to order 4 in (x, y, t), for each family, against a central difference
    // of the next-lower closed-form partial at off-grid points.
    const std::vector<std::array<double, 3>> points{
        {0.11, -0.07, 0.03}, {-0.2, 0.15, -0.1}, {0.3, 0.2, 0.05}};
    for (auto fam : {KernelFamily::Bump, KernelFamily::Polynomial, KernelFamily::BumpProduct}) {
      MollifierKernel k(spec3(fam));
      for (const auto& a : partialsUpTo(4, 3)) {
        if (a.order() == 0) continue;
        MultiIndex lower = a;
        int axis = a.x ? 0 : a.y ? 1 : 2;
        if (axis == 0)
          --lower.x;
        else if (axis == 1)
          --lower.y;
        else
          --lower.t;
        for (const auto& p : points) {
          const double e = 1e-6;
          auto q = p, r = p;
          q[axis] += e;
          r[axis] -= e;
          const double fd =
              (k.value(q[0], q[1], q[2], lower) - k.value(r[0], r[1], r[2], lower)) / (2 * e);
          const double an = k.value(p[0], p[1], p[2], a);
          QVERIFY2(std::abs(fd - an) <= 2e-5 * std::max(1.0, std::abs(an)),
                   qPrintable(QStringLiteral("%1 %2: analytic %3, finite difference %4")
                                  .arg(QString::fromStdString(familyName(fam)),
                                       QString::fromStdString(a.name()))
                                  .arg(an)
                                  .arg(fd)));
        }
      }
    }
  }

  void normalisedOnTheGrid() {
    for (auto fam : {KernelFamily::Bump, KernelFamily::Polynomial, KernelFamily::BumpProduct})
      for (int dims = 1; dims <= 3; ++dims) {
        auto s = spec3(fam);
        s.dims = dims;
        MollifierKernel k(s);
        double sum = 0.0;
        for (double v : k.sample(MultiIndex{})) sum += v;
        QVERIFY(std::abs(sum * k.cellVolume() - 1.0) < 1e-12);
        double sumA = 0.0;
        for (double v : k.sampleAnalytic(MultiIndex{})) sumA += v;
        QVERIFY(std::abs(sumA * k.cellVolume() - 1.0) < 1e-12);
      }
  }

  void discreteMomentsHold() {
    // Corrected kernels: Σ (−y)^β ∂^αη h^d = α! δ_{αβ} exactly for |β| ≤ |α|+1.
    for (auto fam : {KernelFamily::Bump, KernelFamily::BumpProduct}) {
      MollifierKernel k(spec3(fam));
      for (const auto& a : partialsUpTo(4, 3)) {
        const auto w = k.sample(a);
        for (const auto& b : partialsUpTo(a.order() + 1, 3)) {
          const double want = (b == a) ? fact(a.x) * fact(a.y) * fact(a.t) : 0.0;
          double scale = 0;
          const double got = moment(k, w, {b.x, b.y, b.t}, &scale);
          // Exact up to round-off of the sum's own terms.
          QVERIFY2(std::abs(got - want) < 1e-12 * scale + 1e-12,
                   qPrintable(
                       QStringLiteral("alpha %1 beta %2: %3 (want %4)")
                           .arg(QString::fromStdString(a.name()), QString::fromStdString(b.name()))
                           .arg(got)
                           .arg(want)));
        }
      }
    }
  }

  void analyticSamplesAlreadySatisfyMomentsWhenResolved() {
    // Without correction, a resolved kernel meets the same conditions to quadrature accuracy:
    // evidence that the closed forms, not the correction, carry the method. (The polynomial
    // family is used because the C∞ bump's 3rd/4th derivatives have features a few percent of
    // the radius wide near its edge, so its raw samples need far more nodes — which is exactly
    // why the corrected kernels are the default.)
    KernelSpec s;
    s.family = KernelFamily::Polynomial;
    s.dims = 2;
    s.dx = s.dy = 1.0 / 24;
    s.radius = 1.0;
    s.momentCorrection = false;
    MollifierKernel k(s);
    for (const auto& a : partialsUpTo(4, 2)) {
      const auto w = k.sample(a);
      for (const auto& b : partialsUpTo(a.order(), 2)) {
        const double want = (b == a) ? fact(a.x) * fact(a.y) : 0.0;
        double scale = 0;
        const double got = moment(k, w, {b.x, b.y, 0}, &scale);
        QVERIFY2(
            std::abs(got - want) < 1e-4 * scale,
            qPrintable(QStringLiteral("alpha %1 beta %2: %3 (scale %4)")
                           .arg(QString::fromStdString(a.name()), QString::fromStdString(b.name()))
                           .arg(got)
                           .arg(scale)));
      }
    }
  }

  void rejectsUnusableSpecs() {
    KernelSpec s;
    s.dx = 1.0;
    s.radius = 0.9;  // smaller than one grid step
    try {
      MollifierKernel k(s);
      QFAIL("accepted a radius below the spacing");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("must exceed the grid spacing"));
    }
    s.radius = 3;
    s.dy = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MollifierKernel{s});
    // Two nodes per side cannot carry a 4th derivative's moment conditions.
    KernelSpec small;
    small.radius = 2.5;  // half-width 2
    MollifierKernel k(small);
    try {
      k.sample(MultiIndex{4, 0, 0});
      QFAIL("accepted a kernel too small for a 4th derivative");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("too small for derivative 'xxxx'"));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseFamily("gaussian"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseOperator("xq"));
  }
};

QTEST_GUILESS_MAIN(TestMollifierKernel)
#include "test_mollifier_kernel.moc"
