// Results a scientist can trust on camera data: counts → fractions by offsets and
// stated mean fractions, λ's sensitivity to the assumed share, the data checks' warnings, and
// scalars that are never a default dressed as a result.
#include "core/export/ResultExport.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/prep/FieldData.h"
#include "core/runtime/Runtime.h"
#include "core/sim/CameraModel.h"
#include "core/sim/ChromatinSimulator.h"
#include "core/train/DirectEstimator.h"
#include "core/train/FitQuality.h"
#include "core/train/Metrics.h"
#include "core/train/Trainer.h"
#include "tests/core/ScoringHelpers.h"
#include "tests/core/TestHelpers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace mollichrom;
using test::runCli;

namespace {

// 96² nucleus of 0.1 µm pixels, 11 frames, patches, 3 % noise.
sim::SimulationConfig smallCase(std::uint64_t seed = 3) {
  sim::SimulationConfig c;
  c.size = 96;
  c.frames = 11;
  c.pixel = 0.1;
  c.noise = 0.03;
  c.pattern = "patches";
  c.seed = seed;
  return c;
}

using test::given;
using test::scoringMask;

// Different gains and offsets per channel; shot noise at φ = 0.5 as large as the simulation's σ.
sim::CameraModel camera(const sim::Simulation& s) {
  sim::CameraModel m;
  m.offset[0] = 100;
  m.offset[1] = 180;
  m.gain[0] = 2.0;
  m.gain[1] = 3.3;
  m.photons = 0.5 / (s.noiseSigma * s.noiseSigma);
  // No background fluorescence: these tests check the offsets and gains of the camera alone.
  m.background = 0;
  return m;
}

// The true mean φ_c and φ_h/φ_c over the nuclei (what a user would state if they knew).
std::pair<double, double> trueAssumptions(const sim::Simulation& s, const cv::Mat& mask) {
  const double c = cv::mean(prep::timeMean(s.density), mask)[0];
  const double h = cv::mean(prep::timeMean(s.hetero), mask)[0];
  return {c, h / c};
}

std::vector<std::string> codes(const prep::FieldData& f) {
  std::vector<std::string> out;
  for (const auto& w : f.warnings) out.push_back(w.code);
  return out;
}

bool has(const prep::FieldData& f, const std::string& code) {
  const auto c = codes(f);
  return std::find(c.begin(), c.end(), code) != c.end();
}

QJsonObject readJson(const QString& path) {
  QFile f(path);
  f.open(QIODevice::ReadOnly);
  return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class TestTrust : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private Q_SLOTS:
  void initTestCase() { initRuntime(); }

  void countsWithTheRightAssumptionsRecoverLambda() {
    // The same acquisition twice: as counts, and as the float fractions a perfectly known
    // camera would give ((I − offset)/(gain·photons)) — so only the calibration differs.
    const auto c = smallCase();
    const auto s = sim::simulate(c);
    const auto eval = scoringMask(s);
    const auto cam = camera(s);
    const io::Stack counts = sim::cameraStack(s, c, cam, 5, "cam.tif");
    io::StackInfo fi = counts.info();
    fi.pixelType = io::PixelType::Float32;
    std::vector<cv::Mat> exact;
    for (int t = 0; t < fi.frames; ++t)
      for (int ch = 0; ch < 2; ++ch) {
        cv::Mat p;
        counts.plane(t, ch, 0).convertTo(p, CV_32F, 1 / (cam.gain[ch] * cam.photons),
                                         -cam.offset[ch] / (cam.gain[ch] * cam.photons));
        exact.push_back(p);
      }
    const auto fractions = prep::prepare(io::Stack(fi, exact), {});
    QVERIFY(fractions.normalizeUsed == prep::Normalize::None);
    const auto df = train::estimateDirect(fractions, given(), {});
    const auto rf = train::compareMaps(df.lambda, s.lambda, eval);
    // The means over the nuclei as this stack's own mask outlines them.
    const auto [phiC, share] = trueAssumptions(s, prep::prepare(counts, {}).mask);
    prep::PrepOptions o;  // auto: integer data → counts
    o.counts.chromatinFraction = phiC;
    o.counts.heteroShare = share;
    const auto f = prep::prepare(counts, o);
    QVERIFY(f.normalizeUsed == prep::Normalize::Counts);
    QVERIFY(f.counts.offsetMeasured[0] && f.counts.offsetMeasured[1]);
    QVERIFY(std::abs(f.counts.offset[0] - 100) < 3 && std::abs(f.counts.offset[1] - 180) < 3);
    const auto dc = train::estimateDirect(f, given(), {});
    const auto rc = train::compareMaps(dc.lambda, s.lambda, eval);
    qInfo("kernel %g / %g px, noise sigma %.4g / %.4g", df.kernelMedian, dc.kernelMedian,
          df.noiseSigma, dc.noiseSigma);
    qInfo("gains per count: %.4g / %.4g (true %.4g / %.4g)", f.counts.scale[0], f.counts.scale[1],
          1 / (cam.gain[0] * cam.photons), 1 / (cam.gain[1] * cam.photons));
    qInfo("fractions r %.3f relL2 %.3f; counts (phi_c %.3f, share %.3f) r %.3f relL2 %.3f",
          rf.pearson, rf.relativeL2, phiC, share, rc.pearson, rc.relativeL2);
    QVERIFY(rc.pearson >= rf.pearson - 0.02);
    QVERIFY(rc.relativeL2 <= rf.relativeL2 + 0.05);
    {
      train::TrainerConfig cfg;
      cfg.engine = train::Engine::Direct;
      const auto r = train::runInference(f, given(), cfg);
      qInfo("fit with the right assumptions: %s (%s)", train::fitVerdictName(r.fit.verdict).c_str(),
            r.fit.reason.c_str());
      QVERIFY(r.fit.verdict == train::FitVerdict::Good);
    }

    // The same through the CLI, the assumptions given as flags.
    const QString stack = tmp_.filePath("cam.tif"), truth = tmp_.filePath("truth.tif"),
                  out = tmp_.filePath("cam_rates.tif"), json = tmp_.filePath("cam.json");
    io::writeStackTiff(stack.toStdString(), counts);
    io::writeMapTiff(truth.toStdString(), s.lambda, counts.info().calibration);
    QString err;
    QCOMPARE(runCli({"infer", stack, "--out", out, "--engine", "direct", "--set", "M=1,gamma_ac=1",
                     "--chromatin-fraction", QString::number(phiC), "--hetero-share",
                     QString::number(share), "--truth", truth, "--json", json},
                    &err),
             0);
    const auto o2 = readJson(json);
    const auto in = o2["intensity"].toObject();
    QCOMPARE(in["mode"].toString(), QString("counts"));
    QVERIFY(std::abs(in["assumed_hetero_share"].toDouble() - share) < 1e-6);
    // The share was given: the report says so (not "identified", not "assumed").
    QVERIFY2(err.contains("counts mapped with heterochromatin share") && err.contains("as given"),
             qPrintable(err));
    // And the exact float fractions of the same acquisition through the CLI: within 0.02.
    const QString floats = tmp_.filePath("fractions.tif"), json2 = tmp_.filePath("fractions.json");
    io::writeStackTiff(floats.toStdString(), io::Stack(fi, exact));
    QCOMPARE(runCli({"infer", floats, "--out", tmp_.filePath("f_rates.tif"), "--engine", "direct",
                     "--set", "M=1,gamma_ac=1", "--truth", truth, "--json", json2, "--quiet"},
                    &err),
             0);
    const double cliR = o2["accuracy"].toObject()["pearson"].toDouble(),
                 cliF = readJson(json2)["accuracy"].toObject()["pearson"].toDouble();
    qInfo("CLI: counts r %.3f, float fractions r %.3f", cliR, cliF);
    QVERIFY(cliR >= cliF - 0.02);
  }

  void defaultsStayFiniteAndReportTheSensitivity() {
    const auto c = smallCase(4);
    const auto s = sim::simulate(c);
    const io::Stack counts = sim::cameraStack(s, c, camera(s), 6, "cam.tif");
    const auto f = prep::prepare(counts, {});
    QCOMPARE(f.counts.chromatinFraction, 0.5);
    QCOMPARE(f.counts.heteroShare, 0.5);
    train::TrainerConfig cfg;
    cfg.engine = train::Engine::Direct;
    const auto r = train::runInference(f, given(), cfg);
    const auto a = train::compareMaps(r.lambda, s.lambda, scoringMask(s));
    std::vector<float> v;
    for (int y = 0; y < r.lambda.rows; ++y)
      for (int x = 0; x < r.lambda.cols; ++x)
        if (f.mask.at<std::uint8_t>(y, x) && std::isfinite(r.lambda.at<float>(y, x)))
          v.push_back(r.lambda.at<float>(y, x));
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    const double med = v[v.size() / 2];
    qInfo(
        "defaults: r %.3f relL2 %.3f finite %.3f median %.3f; share -/+10%%: %+.3f / %+.3f (r %.3f "
        "/ %.3f)",
        a.pearson, a.relativeL2, a.finiteFraction, med, r.sensitivity.medianChange[0],
        r.sensitivity.medianChange[1], r.sensitivity.pearson[0], r.sensitivity.pearson[1]);
    QVERIFY(a.finiteFraction > 0.99);
    QVERIFY(med > 0.1 && med < 10);  // plausible: the old percentile mapping gave 0.015–24
    QVERIFY(a.pearson > 0.8);
    qInfo("fit with the default assumptions: %s (%s)", train::fitVerdictName(r.fit.verdict).c_str(),
          r.fit.reason.c_str());
    QVERIFY(r.sensitivity.computed);
    QVERIFY(r.sensitivity.medianChange[0] < -0.05 && r.sensitivity.medianChange[1] > 0.05);
    QVERIFY(r.sensitivity.pearson[0] > 0.8);
    const std::string line = exporting::sensitivityLine(f, r);
    QVERIFY(line.find("share 0.5") != std::string::npos);
  }

  void checksWarnAboutSwappedChannelsStacksAndCalibration() {
    const auto c = smallCase(5);
    const auto s = sim::simulate(c);
    const io::Stack counts = sim::cameraStack(s, c, camera(s), 7, "cam.tif");
    {
      const auto f = prep::prepare(counts, {});
      QVERIFY2(f.warnings.empty(), prep::warningLines(f.warnings).c_str());
    }
    {
      prep::PrepOptions o;
      o.channels = {2, 1};
      const auto f = prep::prepare(counts, o);
      // By structure: the marker, read as the density, varies more than the DNA stain.
      QVERIFY2(has(f, "swapped-channels"), prep::warningLines(f.warnings).c_str());
      // By brightness, when the gains are alike.
      auto m = camera(s);
      m.gain[1] = m.gain[0];
      const auto g = prep::prepare(sim::cameraStack(s, c, m, 9, "alike.tif"), o);
      QVERIFY2(has(g, "swapped-channels"), prep::warningLines(g.warnings).c_str());
    }
    // A z-stack: 11 slices, no time → steady snapshot of slice 1, said so; read as time when
    // asked (then the slices carry no frame interval).
    io::StackInfo zi = counts.info();
    zi.slices = zi.frames;
    zi.frames = 1;
    zi.calibration.frameInterval.reset();
    std::vector<cv::Mat> planes;
    for (int i = 0; i < counts.info().frames * 2; ++i)
      planes.push_back(counts.plane(i / 2, i % 2, 0));
    const io::Stack z(zi, planes);
    {
      const auto f = prep::prepare(z, {});
      QCOMPARE(f.frames(), 1);
      QVERIFY(has(f, "z-stack") && has(f, "steady-state"));
      prep::PrepOptions o;
      o.slicesAreTime = true;
      const auto g = prep::prepare(z, o);
      QCOMPARE(g.frames(), 11);
      QVERIFY(!has(g, "z-stack") && has(g, "uncalibrated-time"));
    }
    // Two frames; no calibration at all.
    {
      io::StackInfo ti = counts.info();
      ti.frames = 2;
      ti.calibration = {};
      const io::Stack two(ti, std::vector<cv::Mat>(planes.begin(), planes.begin() + 4));
      const auto f = prep::prepare(two, {});
      QVERIFY(has(f, "steady-state") && has(f, "uncalibrated-space"));
    }
    // Clipping, bleaching and drift left uncorrected.
    {
      auto m = camera(s);
      m.saturateAt = 1200;
      m.bleachPerFrame = 0.03;
      m.driftPxPerFrame = 0.4;
      const io::Stack bad = sim::cameraStack(s, c, m, 8, "bad.tif");
      const auto f = prep::prepare(bad, {});
      QVERIFY2(has(f, "saturated") && has(f, "bleaching") && has(f, "drift"),
               prep::warningLines(f.warnings).c_str());
      prep::PrepOptions o;
      o.bleachCorrection = o.driftCorrection = true;
      const auto g = prep::prepare(bad, o);
      QVERIFY(!has(g, "bleaching") && !has(g, "drift"));
    }
    // The CLI prints them (even with --quiet) and writes them to the summary.
    const QString stack = tmp_.filePath("swapped.tif"), json = tmp_.filePath("swapped.json");
    io::writeStackTiff(stack.toStdString(), counts);
    QString err;
    QCOMPARE(runCli({"infer", stack, "--out", tmp_.filePath("sw.tif"), "--engine", "direct",
                     "--channels", "density=2,heterochromatin=1", "--json", json, "--quiet"},
                    &err),
             0);
    QVERIFY2(err.contains("warning: the density channel (2) varies more") &&
                 err.contains("likely swapped"),
             qPrintable(err));
    bool found = false;
    for (const auto w : readJson(json)["warnings"].toArray())
      found |= w.toObject()["code"].toString() == "swapped-channels";
    QVERIFY(found);
  }

  void aWrongModelOrPureNoiseDoesNotFit() {
    const auto c = smallCase(7);
    const auto s = sim::simulate(c);
    const auto f = sim::observedFields(s, c);
    train::TrainerConfig cfg;
    cfg.engine = train::Engine::Direct;
    auto verdict = [&](const prep::FieldData& d, double ell) {
      auto p = given();
      p.values.ell = ell;
      const auto r = train::runInference(d, p, cfg);
      qInfo("ell %.2f: %s (%s)", ell, train::fitVerdictName(r.fit.verdict).c_str(),
            r.fit.reason.c_str());
      return r.fit.verdict;
    };
    QVERIFY(verdict(f, 0.15) == train::FitVerdict::Good);
    QVERIFY(verdict(f, 0.75) == train::FitVerdict::DoesNotFit);  // ℓ 5× too large
    QVERIFY(verdict(f, 0.03) == train::FitVerdict::DoesNotFit);  // 5× too small
    // Pure noise where the nucleus was (dark frames; and both channels alike, so φ_e ≈ 0):
    // nothing for the model to explain. (Noise around φ_h < φ_c levels is no test: a uniform
    // field at λ = φ_h/φ_e is one of the model's steady states.)
    for (double level : {0.0, 0.3}) {
      prep::FieldData noise = f;
      cv::RNG rng(3);
      for (auto* planes : {&noise.density, &noise.hetero})
        for (cv::Mat& p : *planes) {
          cv::Mat n(p.size(), CV_32F);
          rng.fill(n, cv::RNG::NORMAL, level, 0.03);
          p = n;
        }
      noise.noiseSigma = 0.03;
      QVERIFY(verdict(noise, 0.15) == train::FitVerdict::DoesNotFit);
    }
  }

  void scalarsThatAreNotMeasuredSaySo() {
    const auto c = smallCase(6);
    const auto s = sim::simulate(c);
    const auto f = sim::observedFields(s, c);
    train::TrainerConfig cfg;
    cfg.engine = train::Engine::Direct;
    const auto r = train::runInference(f, {}, cfg);  // both free; 11 frames at 3 % noise
    qInfo("%s", exporting::scalarLine(r).c_str());
    QVERIFY(r.freeM);
    QCOMPARE(r.inferredM, r.direct.estimatedM);
    if (!r.inferredM) {
      QVERIFY(exporting::scalarLine(r).find("M fixed at") != std::string::npos);
      QVERIFY(exporting::scalarStatus(r, true).find("not identifiable") != std::string::npos);
    }
    const auto g = train::runInference(f, given(), cfg);
    QVERIFY(!g.inferredM && !g.inferredGamma);
    QCOMPARE(exporting::scalarStatus(g, false), std::string("given"));
    QVERIFY(exporting::scalarLine(g).find("gamma_ac fixed at 1 1/s (given)") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestTrust)
#include "test_trust.moc"
