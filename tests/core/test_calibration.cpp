// The acquisition's calibration: the terms as polynomials in the heterochromatin scale, the
// share, M and Γ_ac identified from the dynamics with intervals that cover the truth, the
// verdict on values the dynamics reject, the calibration file (round trip, bad input, a saved
// calibration reproducing λ on another stack), and the pooled fit per condition.
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/models/ChromatinModel.h"
#include "core/prep/AcquisitionCalibration.h"
#include "core/prep/FieldData.h"
#include "core/runtime/Runtime.h"
#include "core/sim/CameraModel.h"
#include "core/sim/ChromatinSimulator.h"
#include "core/train/Calibrate.h"
#include "core/train/CalibrationVerdict.h"
#include "core/train/FieldBundle.h"
#include "core/train/Metrics.h"
#include "core/train/ModelTerms.h"
#include "core/train/ProfileFit.h"
#include "tests/core/TestHelpers.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace mollichrom;
using test::runCli;

namespace {

// One 96² nucleus of 0.1 µm pixels, 21 frames, 1 % noise, recorded by a camera whose
// heterochromatin channel has 0.6× the density's gain.
sim::SimulationConfig cell(std::uint64_t seed, const std::string& pattern = "patches") {
  sim::SimulationConfig c;
  c.size = 96;
  c.frames = 21;
  c.pixel = 0.1;
  c.noise = 0.01;
  c.pattern = pattern;
  c.seed = seed;
  return c;
}

sim::CameraModel camera(double noise) {
  sim::CameraModel m;
  m.gain[0] = 2;
  m.gain[1] = 1.2;
  m.photons = 1.0 / (noise * noise * 0.5);
  return m;
}

QJsonObject readJson(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class TestCalibration : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private Q_SLOTS:
  void initTestCase() {
    initRuntime(0);
    QVERIFY(tmp_.isValid());
  }

  void termsArePolynomialsInTheHeterochromatinScale() {
    // The decomposition is exact: the terms at φ_h = g·H equal the model's terms of the scaled
    // fields, for any g (the well term's cube included).
    auto c = cell(3);
    c.size = 48;
    c.frames = 9;
    const auto s = sim::simulate(c);
    const auto bundle = train::FieldBundle::from(sim::observedFields(s, c));
    const models::ChromatinModel model(models::ChromatinParameters{});
    train::MollifierSettings ms;
    ms.halfWidthXY = 5;
    const train::ModelTerms engine(model, ms, bundle.dx, bundle.dy, bundle.dt, true);
    const auto fields = bundle.window(cv::Rect(0, 0, 48, 48), torch::kFloat64);
    const auto parts = engine.components(fields);
    for (double g : {0.6, 1.0, 1.7}) {
      auto scaled = fields.clone();
      scaled[1] *= g;
      const auto want = engine(scaled);
      const auto got = parts.at(g);
      for (const auto& [a, b] :
           {std::pair{want.a, got.a}, {want.L, got.L}, {want.e, got.e}, {want.h, got.h}}) {
        const double err = (a - b).abs().max().item<double>();
        const double scale = a.abs().max().item<double>();
        QVERIFY2(err <= 1e-9 * scale,
                 qPrintable(QString("g %1: %2 of %3").arg(g).arg(err).arg(scale)));
      }
    }
  }

  void identifiesShareAndRatesFromCounts() {
    // Camera counts with unequal channel gains: the share, M and Γ_ac come out of the dynamics,
    // their 90 % intervals covering the truth (M = Γ_ac = 1 here; the share is the cell's).
    const auto c = cell(5);
    const auto s = sim::simulate(c);
    const auto counts = sim::cameraStack(s, c, camera(c.noise), 11, "cell.tif");
    prep::FieldData f = prep::prepare(counts, {});
    QVERIFY(f.counts.used);
    models::ParameterChoice params;
    const auto cal = train::calibrateRun(f, params, {});
    const double truth = sim::trueShare(s);
    qInfo("share %s (truth %.3f); M %s; gamma_ac %s", cal.share.describe().c_str(), truth,
          cal.M.describe().c_str(), cal.gammaAc.describe().c_str());
    QVERIFY(cal.profiled && cal.share.identifiable);
    QVERIFY(cal.share.source == prep::ValueSource::Identified);
    QVERIFY(cal.share.low <= truth && truth <= cal.share.high);
    QVERIFY(std::abs(cal.share.value - truth) < 0.03);
    for (const auto* e : {&cal.M, &cal.gammaAc}) {
      QVERIFY(e->identifiable);
      QVERIFY(std::abs(e->value - 1) < 0.15);
    }
    // The fields are at the identified share, and M, Γ_ac fixed for the estimate.
    double h = 0, d = 0;
    for (int t = 0; t < f.frames(); ++t) {
      h += cv::mean(f.hetero[size_t(t)], f.mask)[0];
      d += cv::mean(f.density[size_t(t)], f.mask)[0];
    }
    QVERIFY(std::abs(h / d - cal.share.value) < 1e-3);
    QVERIFY(params.fixM && params.fixGamma && params.values.M == cal.M.value);
  }

  void valuesTheDynamicsRejectAreNotGood() {
    // Wrong scalars given: the verdict says so (doubtful or worse); the true ones stay good.
    const auto c = cell(5);
    const auto s = sim::simulate(c);
    const auto counts = sim::cameraStack(s, c, camera(c.noise), 11, "cell.tif");
    const double truth = sim::trueShare(s);
    auto run = [&](double share, double M, double G) {
      prep::PrepOptions o;
      o.counts.heteroShare = share;
      prep::FieldData f = prep::prepare(counts, o);
      models::ParameterChoice params;
      params.values.M = M;
      params.values.gammaAc = G;
      params.fixM = params.fixGamma = true;
      train::CalibrationRequest request;
      request.shareGiven = true;
      const auto cal = train::calibrateRun(f, params, request);
      train::TrainerConfig cfg;
      cfg.engine = train::Engine::Direct;
      auto r = train::runInference(f, params, cfg);
      train::attachCalibration(r, cal);
      qInfo("share %.2f M %.2f G %.2f: %s (%s)", share, M, G,
            train::fitVerdictName(r.fit.verdict).c_str(), r.fit.reason.c_str());
      return r.fit.verdict;
    };
    QCOMPARE(run(truth, 1, 1), train::FitVerdict::Good);
    for (const auto& [share, M, G] : {std::tuple{truth - 0.1, 1.0, 1.0},
                                      {truth + 0.08, 1.0, 1.0},
                                      {truth, 2.0, 1.0},
                                      {truth, 1.0, 2.0}}) {
      const auto v = run(share, M, G);
      QVERIFY2(v == train::FitVerdict::Doubtful || v == train::FitVerdict::DoesNotFit,
               qPrintable(QString("share %1 M %2 G %3").arg(share).arg(M).arg(G)));
    }
    // Noisy counts whose dynamics do not bound the share: the assumed share is kept, said, and
    // the verdict is not "good" even though nothing rejects it.
    const auto noisy = sim::cameraStack(s, c, camera(0.05), 12, "noisy.tif");
    prep::FieldData f = prep::prepare(noisy, {});
    models::ParameterChoice params;
    const auto cal = train::calibrateRun(f, params, {});
    qInfo("5 %% noise: share %s", cal.share.describe().c_str());
    QVERIFY(!cal.share.identifiable && cal.share.source == prep::ValueSource::Assumed);
    train::TrainerConfig cfg;
    cfg.engine = train::Engine::Direct;
    auto r = train::runInference(f, params, cfg);
    train::attachCalibration(r, cal);
    QVERIFY2(r.fit.verdict != train::FitVerdict::Good, r.fit.reason.c_str());
    QVERIFY2(r.fit.reason.find("share is assumed") != std::string::npos, r.fit.reason.c_str());
  }

  void calibrationFileRoundTripAndBadInput() {
    prep::AcquisitionCalibration c;
    c.acquisition = "scope A";
    c.densityGain = {2e-4, 2e-4, 2e-4, false, prep::ValueSource::Assumed, "stated"};
    c.heteroGain = {1.5e-4, 1.4e-4, 1.6e-4, true, prep::ValueSource::Pooled, ""};
    c.share = {0.48, 0.45, 0.51, true, prep::ValueSource::Pooled, ""};
    c.rates.push_back({"",
                       {1.1, 0.9, 1.3, true, prep::ValueSource::Pooled, ""},
                       {0.8, 0.7, 0.9, true, prep::ValueSource::Pooled, ""},
                       4});
    c.profileShares = {0.4, 0.5};
    c.profile = {0.1, std::nan("")};
    const std::string path = tmp_.filePath("cal.json").toStdString();
    prep::writeCalibrationFile(path, c);
    const auto back = prep::readCalibrationFile(path);
    QCOMPARE(back.acquisition, c.acquisition);
    QCOMPARE(back.heteroGain.value, c.heteroGain.value);
    QCOMPARE(back.heteroGain.high, c.heteroGain.high);
    QVERIFY(back.share.source == prep::ValueSource::Pooled);
    QCOMPARE(back.rates.at(0).gammaAc.value, 0.8);
    QCOMPARE(back.rates.at(0).stacks, 4);
    QVERIFY(std::isnan(back.profile.at(1)));
    // Not a calibration: one line naming the file.
    const QString bad = tmp_.filePath("bad.json");
    QFile b(bad);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("{\"format\": \"something else\"}");
    b.close();
    try {
      prep::readCalibrationFile(bad.toStdString());
      QFAIL("a foreign JSON was read as a calibration");
    } catch (const io::StackError& e) {
      QVERIFY(std::string(e.what()).find("bad.json") != std::string::npos);
      QVERIFY(std::string(e.what()).find('\n') == std::string::npos);
    }
    QString err;
    QCOMPARE(runCli({"infer", tmp_.filePath("none.tif"), "--out", tmp_.filePath("x.tif"),
                     "--calibration", bad},
                    &err),
             3);
    QVERIFY2(err.contains("bad.json"), qPrintable(err));
  }

  void savedCalibrationReproducesLambdaOnAnotherStack() {
    // A time-lapse's calibration saved by infer, applied to the same stack (the same λ, to
    // rounding), and to a snapshot of the same setting (its gains: the snapshot's share is its
    // own counts ratio times the saved gain ratio, and its M/Γ_ac the time-lapse's).
    const auto c = cell(7);
    const auto s = sim::simulate(c);
    const QString lapse = tmp_.filePath("lapse.tif"), cal = tmp_.filePath("lapse_cal.json");
    io::writeStackTiff(lapse.toStdString(), sim::cameraStack(s, c, camera(c.noise), 3, "l"));
    QString err;
    QCOMPARE(runCli({"infer", lapse, "--out", tmp_.filePath("a.tif"), "--engine", "direct",
                     "--save-calibration", cal, "--json", tmp_.filePath("a.json"), "--quiet"},
                    &err),
             0);
    QVERIFY2(QFile::exists(cal), qPrintable(err));
    QCOMPARE(runCli({"infer", lapse, "--out", tmp_.filePath("b.tif"), "--engine", "direct",
                     "--calibration", cal, "--json", tmp_.filePath("b.json"), "--quiet"},
                    &err),
             0);
    const cv::Mat a = io::openStack(tmp_.filePath("a.tif").toStdString())->plane(0, 0, 0);
    const cv::Mat b = io::openStack(tmp_.filePath("b.tif").toStdString())->plane(0, 0, 0);
    const double diff = test::maxAbsDiff(a, b);
    qInfo("same stack, saved calibration: max |dlambda| %.3g", diff);
    QVERIFY(diff < 0.02);
    const auto sb = readJson(tmp_.filePath("b.json"))["calibration"].toObject();
    QCOMPARE(sb["share"].toObject()["source"].toString(), QString("calibration"));
    const auto sa = readJson(tmp_.filePath("a.json"))["calibration"].toObject();
    QVERIFY(std::abs(sa["share"].toObject()["value"].toDouble() -
                     sb["share"].toObject()["value"].toDouble()) < 1e-3);

    // The snapshot: the last frame, steady by assumption; same camera.
    auto one = c;
    one.start = "steady";
    one.frames = 1;
    one.seed = 8;
    const auto ss = sim::simulate(one);
    const QString snap = tmp_.filePath("snap.tif");
    io::writeStackTiff(snap.toStdString(), sim::cameraStack(ss, one, camera(c.noise), 4, "s"));
    QCOMPARE(runCli({"infer", snap, "--out", tmp_.filePath("s.tif"), "--calibration", cal, "--json",
                     tmp_.filePath("s.json"), "--quiet"},
                    &err),
             0);
    const auto js = readJson(tmp_.filePath("s.json"));
    const auto scal = js["calibration"].toObject();
    QCOMPARE(scal["share"].toObject()["source"].toString(), QString("calibration"));
    QCOMPARE(scal["M"].toObject()["source"].toString(), QString("calibration"));
    const double snapShare = scal["share"].toObject()["value"].toDouble(),
                 snapTruth = sim::trueShare(ss);
    qInfo("snapshot share %.3f (truth %.3f)", snapShare, snapTruth);
    QVERIFY(std::abs(snapShare - snapTruth) < 0.05);
    QVERIFY(!js["fit"].toObject()["reason"].toString().contains("share is assumed"));
    // Without the calibration the snapshot's share is a guess nothing tests: not "good".
    QCOMPARE(runCli({"infer", snap, "--out", tmp_.filePath("s0.tif"), "--json",
                     tmp_.filePath("s0.json"), "--quiet"},
                    &err),
             0);
    const auto fit0 = readJson(tmp_.filePath("s0.json"))["fit"].toObject();
    QCOMPARE(fit0["verdict"].toString(), QString("doubtful"));
    QVERIFY2(fit0["reason"].toString().contains("share is assumed"),
             qPrintable(fit0["reason"].toString()));
    // A calibration applies to counts only: float fractions are refused, naming the file.
    const QString floats = tmp_.filePath("floats.tif");
    sim::writeSimulation(s, c, floats.toStdString(), tmp_.filePath("t.tif").toStdString());
    QCOMPARE(
        runCli({"infer", floats, "--out", tmp_.filePath("f.tif"), "--calibration", cal, "--quiet"},
               &err),
        2);
    QVERIFY2(err.contains("volume fractions"), qPrintable(err));
  }

  void poolsOneGainRatioAndRatesPerCondition() {
    // Two conditions of one acquisition (λ 1.5× apart, one camera): one share, rates per
    // condition, both conditions' cells at their own shares under the same gains.
    std::vector<train::StackProfile> profiles;
    std::vector<double> truths;
    train::ProfileSettings settings;
    for (int i = 0; i < 4; ++i) {
      auto c = cell(20 + std::uint64_t(i), i % 2 ? "blob" : "patches");
      c.lambdaScale = i < 2 ? 0.8 : 1.2;
      const auto s = sim::simulate(c);
      truths.push_back(sim::trueShare(s));
      const auto f = prep::prepare(sim::cameraStack(s, c, camera(c.noise), 30 + i, "c"), {});
      profiles.push_back(train::profileOfStack(f, c.params, settings));
      profiles.back().group = i < 2 ? 0 : 1;
      profiles.back().name = "cell" + std::to_string(i);
    }
    const auto cal = train::poolCalibration(profiles, {"control", "treated"},
                                            models::ChromatinParameters{}, 0.5);
    qInfo("pooled share %s; rates: %zu groups", cal.share.describe().c_str(), cal.rates.size());
    QVERIFY(cal.share.identifiable && cal.share.source == prep::ValueSource::Pooled);
    QCOMPARE(cal.rates.size(), size_t(3));  // pooled, control, treated
    QCOMPARE(cal.rates[1].group, std::string("control"));
    QCOMPARE(cal.rates[2].stacks, 2);
    // Each cell's share under the pooled gains: its counts ratio × the gain ratio.
    const double ratio = cal.heteroGain.value / cal.densityGain.value;
    for (size_t i = 0; i < profiles.size(); ++i) {
      const double share = profiles[i].countsRatio * ratio;
      qInfo("cell %zu: share %.3f (truth %.3f)", i, share, truths[i]);
      QVERIFY(std::abs(share - truths[i]) < 0.04);
    }
    for (const auto& g : cal.rates) {
      qInfo("%s: M %s, gamma_ac %s", g.group.c_str(), g.M.describe().c_str(),
            g.gammaAc.describe().c_str());
      // Within the ±15 % the rates are identified to (each 90 % interval misses the truth one
      // time in ten by design, so coverage is measured by the benchmark, not asserted here).
      QVERIFY(g.M.identifiable && std::abs(g.M.value - 1) < 0.15);
      QVERIFY(g.gammaAc.identifiable && std::abs(g.gammaAc.value - 1) < 0.15);
    }
  }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "test_calibration.moc"
