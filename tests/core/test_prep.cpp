// Preprocessing: drift correction (phase correlation), bleach correction, the mask threshold
// the GUI's slider sets, user calibration overrides — each against a known answer.
#include "core/io/Stack.h"
#include "core/prep/BleachCorrection.h"
#include "core/prep/DriftCorrection.h"
#include "core/prep/FieldData.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace mollichrom;

namespace {

// A nucleus-like frame: a bright disc with some texture on a dark background, shifted by
// (sx, sy) px and scaled by `gain` above the background (10).
cv::Mat nucleus(double sx, double sy, double gain = 1.0, int seed = 0) {
  const int n = 96;
  cv::Mat f(n, n, CV_32F);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double dx = x - 48 - sx, dy = y - 44 - sy;
      const double r = std::hypot(dx / 30.0, dy / 24.0);
      const double inside = 1.0 / (1.0 + std::exp((r - 1.0) * 20));
      const double texture = 0.3 * std::sin(0.35 * (x - sx)) * std::cos(0.3 * (y - sy));
      f.at<float>(y, x) = float(10 + gain * 100 * inside * (1 + texture));
    }
  cv::Mat noise(n, n, CV_32F);
  cv::theRNG().state = static_cast<std::uint64_t>(seed + 7);
  cv::randn(noise, 0, 1.0);
  return f + noise;
}

io::Stack twoChannelStack(const std::vector<cv::Mat>& density, const std::vector<cv::Mat>& hetero) {
  io::StackInfo info;
  info.path = "synthetic.tif";
  info.width = density[0].cols;
  info.height = density[0].rows;
  info.channels = 2;
  info.frames = static_cast<int>(density.size());
  info.pixelType = io::PixelType::Float32;
  info.calibration.pixelX = 0.1;
  info.calibration.pixelY = 0.1;
  info.calibration.frameInterval = 2.0;
  std::vector<cv::Mat> planes;
  for (size_t t = 0; t < density.size(); ++t) {
    planes.push_back(density[t]);
    planes.push_back(hetero[t]);
  }
  return io::Stack(info, planes);
}

}  // namespace

class TestPrep : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void driftRecoversKnownShifts() {
    const std::vector<cv::Point2d> truth{
        {0, 0}, {1.5, -0.5}, {3.0, -1.0}, {4.25, -2.0}, {6.0, -2.75}};
    std::vector<cv::Mat> frames;
    for (size_t t = 0; t < truth.size(); ++t)
      frames.push_back(nucleus(truth[t].x, truth[t].y, 1.0, int(t)));
    const auto est = prep::estimateDrift(frames);
    QCOMPARE(est.size(), truth.size());
    for (size_t t = 0; t < truth.size(); ++t) {
      QVERIFY2(std::abs(est[t].x - truth[t].x) < 0.15 && std::abs(est[t].y - truth[t].y) < 0.15,
               qPrintable(QString("frame %1: estimated (%2, %3), true (%4, %5)")
                              .arg(t)
                              .arg(est[t].x)
                              .arg(est[t].y)
                              .arg(truth[t].x)
                              .arg(truth[t].y)));
    }
    // Undoing it brings the last frame back onto the first.
    std::vector<cv::Mat> moved = frames;
    const double before = cv::norm(frames.back() - frames.front());
    prep::applyDrift(moved, est);
    const cv::Rect inner(10, 10, 76, 76);
    const double after = cv::norm(moved.back()(inner) - moved.front()(inner));
    QVERIFY2(after < 0.25 * before,
             qPrintable(QString("residual %1 vs %2").arg(after).arg(before)));
  }

  void driftOfAStillSeriesIsNegligible() {
    std::vector<cv::Mat> frames;
    for (int t = 0; t < 8; ++t) frames.push_back(nucleus(0, 0, 1.0, t));
    for (const auto& s : prep::estimateDrift(frames)) QVERIFY(std::hypot(s.x, s.y) < 0.1);
  }

  void bleachGainsUndoExponentialFading() {
    std::vector<cv::Mat> frames;
    std::vector<double> fade;
    for (int t = 0; t < 6; ++t) {
      fade.push_back(std::exp(-0.1 * t));
      frames.push_back(nucleus(0, 0, fade.back(), t));
    }
    const cv::Mat mask = prep::autoNucleusMask(frames);
    const auto gains = prep::bleachGains(frames, mask);
    for (int t = 0; t < 6; ++t)
      QVERIFY2(std::abs(gains[size_t(t)] * fade[size_t(t)] - 1.0) < 0.01,
               qPrintable(QString::number(gains[size_t(t)])));
    prep::applyBleachGains(frames, mask, gains);
    const double m0 = cv::mean(frames[0], mask)[0], m5 = cv::mean(frames[5], mask)[0];
    QVERIFY(std::abs(m5 / m0 - 1.0) < 1e-3);
  }

  void maskThresholdMovesTheBoundary() {
    std::vector<cv::Mat> frames{nucleus(0, 0)};
    double otsu = -1;
    const int atOtsu = cv::countNonZero(prep::autoNucleusMask(frames, -1, &otsu));
    QVERIFY(otsu > 0.05 && otsu < 0.95);
    QCOMPARE(cv::countNonZero(prep::autoNucleusMask(frames, otsu)), atOtsu);
    const int low = cv::countNonZero(prep::autoNucleusMask(frames, 0.05));
    const int high = cv::countNonZero(prep::autoNucleusMask(frames, 0.9));
    QVERIFY2(low > atOtsu && atOtsu > high && high > 0,
             qPrintable(QString("%1 %2 %3").arg(low).arg(atOtsu).arg(high)));
  }

  void prepareAppliesOverridesAndCorrections() {
    std::vector<cv::Mat> d, h;
    for (int t = 0; t < 4; ++t) {
      d.push_back(nucleus(0.0 + t, 0, std::exp(-0.05 * t), t));
      h.push_back(nucleus(0.0 + t, 0, 0.5 * std::exp(-0.05 * t), t + 10));
    }
    const io::Stack stack = twoChannelStack(d, h);
    prep::PrepOptions o;
    prep::FieldData plain = prep::prepare(stack, o);
    QCOMPARE(plain.dx, 0.1);
    QCOMPARE(plain.dt, 2.0);
    QVERIFY(plain.drift.empty() && plain.bleachFactors.empty());
    o.pixelSizeUm = 0.2;
    o.frameIntervalS = 5;
    o.driftCorrection = true;
    o.bleachCorrection = true;
    prep::FieldData f = prep::prepare(stack, o);
    QCOMPARE(f.dx, 0.2);
    QCOMPARE(f.dy, 0.2);
    QCOMPARE(f.dt, 5.0);
    QCOMPARE(f.drift.size(), size_t(4));
    QVERIFY(std::abs(f.drift[3].x - 3.0) < 0.15 && std::abs(f.drift[3].y) < 0.15);
    QCOMPARE(f.bleachFactors.size(), size_t(4));
    QVERIFY(std::abs(f.bleachFactors[3] - std::exp(0.15)) < 0.02);
  }

  void cliCorrectionFlags() {
    QTemporaryDir dir;
    const QString json = dir.filePath("s.json"), out = dir.filePath("l.tif");
    QProcess p;
    p.start(MOLLICHROM_CLI, {"infer", MOLLICHROM_SOURCE_DIR "/sample_data/chromatin_sample.tif",
                             "--engine", "direct", "--drift", "--bleach", "--mask-threshold", "0.3",
                             "--pixel-size", "0.2", "--out", out, "--json", json, "--quiet"});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonObject s = o["settings"].toObject();
    QVERIFY(s["drift_correction"].toBool() && s["bleach_correction"].toBool());
    QVERIFY2(s["drift_max_px"].toDouble() < 0.2,
             "the still sample shows no drift");  // measured 0.04 px
    QCOMPARE(s["mask_threshold"].toDouble(), 0.3);
    QCOMPARE(o["calibration"].toObject()["pixel_um"].toDouble(), 0.2);
    QProcess bad;
    bad.start(MOLLICHROM_CLI, {"infer", MOLLICHROM_SOURCE_DIR "/sample_data/chromatin_sample.tif",
                               "--mask-threshold", "1.5", "--out", out});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains("--mask-threshold"));
  }
};

QTEST_GUILESS_MAIN(TestPrep)
#include "test_prep.moc"
