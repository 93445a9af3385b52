// Projects and settings without a display: .mchrom round trip (paths relative to the project,
// so a moved folder still opens), clear errors for files that are not projects, the loss
// history CSV the project's results use, presets, and pause/resume in util::Feedback.
#include "core/export/ResultArchive.h"
#include "core/export/ResultExport.h"
#include "core/io/StackError.h"
#include "core/util/Feedback.h"
#include "ui/app/ProjectFile.h"
#include "ui/app/Settings.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

using namespace mollichrom;
using namespace mollichrom::ui;

namespace {
void writeText(const QString& path, const QByteArray& text) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(text);
}

QString errorOf(const QString& path) {
  try {
    loadProject(path);
  } catch (const io::StackError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}
}  // namespace

class TestProject : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTripWithRelativePaths() {
    QTemporaryDir tmp;
    QDir root(tmp.path());
    QVERIFY(root.mkpath("study/data") && root.mkpath("study/projects"));
    writeText(root.filePath("study/data/cell.tif"), "x");
    ProjectState s;
    s.dataPath = root.filePath("study/data/cell.tif");
    s.data.load.crop = cv::Rect(3, 4, 50, 60);
    s.data.load.firstFrame = 2;
    s.data.load.lastFrame = 17;
    s.data.load.binning = 2;
    s.data.prep.channels = {2, 1};
    s.data.prep.normalize = prep::Normalize::Percentile;
    s.data.prep.percentile = {2.0, 99.0, 0.5};
    s.data.prep.maskThreshold = 0.42;
    s.data.prep.driftCorrection = true;
    s.data.prep.bleachCorrection = true;
    s.data.prep.pixelSizeUm = 0.13;
    s.data.prep.frameIntervalS = 3;
    applyPreset("preview", s.training);
    s.training.params.values.M = 0.7;
    s.training.params.fixM = true;
    s.training.config.seed = 9;
    s.training.config.timeBudget = 30;
    s.training.threads = 1;
    s.resultsDir = root.filePath("study/projects/cell_results");
    s.view.frame = 5;
    s.view.panels[0] = {"density", "grey", std::nullopt};
    s.view.panels[2] = {"residual", "magma", std::make_pair(-2.0, 3.5)};
    s.view.camera = {1, 2, 0, 1, 2, 10, 4.5};
    const QString path = root.filePath("study/projects/cell.mchrom");
    saveProject(path, s);
    QFile raw(path);
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QByteArray json = raw.readAll();
    QVERIFY2(json.contains("\"../data/cell.tif\""), json.constData());  // relative, not absolute
    const QJsonObject dataJson = QJsonDocument::fromJson(json).object()["data"].toObject();
    QCOMPARE(dataJson["path"].toString(), QStringLiteral("../data/cell.tif"));
    QCOMPARE(dataJson["absolute_path"].toString(), s.dataPath);  // the fallback when moved alone
    // Move the whole study elsewhere: the project still finds its data.
    QVERIFY(QDir().rename(root.filePath("study"), root.filePath("moved")));
    const ProjectState r = loadProject(root.filePath("moved/projects/cell.mchrom"));
    QCOMPARE(r.dataPath, QDir::cleanPath(root.filePath("moved/data/cell.tif")));
    QCOMPARE(r.resultsDir, QDir::cleanPath(root.filePath("moved/projects/cell_results")));
    QVERIFY(r.data.load.crop && *r.data.load.crop == cv::Rect(3, 4, 50, 60));
    QCOMPARE(r.data.load.firstFrame, 2);
    QCOMPARE(r.data.load.lastFrame, 17);
    QCOMPARE(r.data.load.binning, 2);
    QCOMPARE(r.data.prep.channels.density, 2);
    QCOMPARE(r.data.prep.channels.heterochromatin, 1);
    QVERIFY(r.data.prep.normalize == prep::Normalize::Percentile);
    QCOMPARE(r.data.prep.percentile.low, 2.0);
    QCOMPARE(r.data.prep.maskThreshold, 0.42);
    QVERIFY(r.data.prep.driftCorrection && r.data.prep.bleachCorrection);
    QCOMPARE(r.data.prep.pixelSizeUm, 0.13);
    QCOMPARE(r.data.prep.frameIntervalS, 3.0);
    QCOMPARE(QString::fromStdString(r.training.preset), QStringLiteral("preview"));
    QCOMPARE(r.training.config.steps, s.training.config.steps);
    QCOMPARE(r.training.params.values.M, 0.7);
    QVERIFY(r.training.params.fixM && !r.training.params.fixGamma);
    QCOMPARE(int(r.training.config.seed), 9);
    QCOMPARE(r.training.config.timeBudget, 30.0);
    QCOMPARE(r.training.threads, 1);
    QCOMPARE(r.view.frame, 5);
    QCOMPARE(r.view.panels[2].content, QStringLiteral("residual"));
    QCOMPARE(r.view.panels[2].colourMap, QStringLiteral("magma"));
    QVERIFY(r.view.panels[2].range && r.view.panels[2].range->second == 3.5);
    QVERIFY(!r.view.panels[0].range);
    QCOMPARE(r.view.camera.size(), size_t(7));
    QCOMPARE(r.view.camera[6], 4.5);
    QCOMPARE(resultsDirFor(root.filePath("moved/projects/cell.mchrom")),
             root.filePath("moved/projects/cell_results"));
  }

  void movedProjectFindsItsDataAndResults() {
    // a project moved without its data, or renamed with its results folder.
    QTemporaryDir tmp;
    QDir root(tmp.path());
    QVERIFY(root.mkpath("lab/data") && root.mkpath("lab/p/cell_results") && root.mkpath("usb"));
    writeText(root.filePath("lab/data/cell.tif"), "x");
    ProjectState s;
    s.dataPath = root.filePath("lab/data/cell.tif");
    s.resultsDir = root.filePath("lab/p/cell_results");
    saveProject(root.filePath("lab/p/cell.mchrom"), s);
    // 1. Only the project and its results go to a USB stick: the data is found where it was.
    QVERIFY(QDir().rename(root.filePath("lab/p"), root.filePath("usb/p")));
    ProjectState r = loadProject(root.filePath("usb/p/cell.mchrom"));
    QVERIFY(r.dataFound());
    QCOMPARE(r.dataPath, root.filePath("lab/data/cell.tif"));
    QCOMPARE(r.resultsDir, root.filePath("usb/p/cell_results"));
    // 2. The data is moved too, next to the project: found there by its name.
    QVERIFY(QFile::rename(root.filePath("lab/data/cell.tif"), root.filePath("usb/p/cell.tif")));
    r = loadProject(root.filePath("usb/p/cell.mchrom"));
    QVERIFY(r.dataFound());
    QCOMPARE(r.dataPath, root.filePath("usb/p/cell.tif"));
    // 3. The project and its results folder renamed together: the folder beside it is used.
    QVERIFY(
        QFile::rename(root.filePath("usb/p/cell.mchrom"), root.filePath("usb/p/nucleus2.mchrom")));
    QVERIFY(QDir().rename(root.filePath("usb/p/cell_results"),
                          root.filePath("usb/p/nucleus2_results")));
    r = loadProject(root.filePath("usb/p/nucleus2.mchrom"));
    QCOMPARE(r.resultsDir, root.filePath("usb/p/nucleus2_results"));
    // 4. The data gone: not found, and the places looked at are listed for the message.
    QVERIFY(QFile::remove(root.filePath("usb/p/cell.tif")));
    r = loadProject(root.filePath("usb/p/nucleus2.mchrom"));
    QVERIFY(!r.dataFound());
    QCOMPARE(r.dataCandidates.size(), 3);
    QVERIFY(r.dataCandidates.contains(root.filePath("lab/data/cell.tif")));
  }

  void badProjectsNameTheFileAndProblem() {
    QTemporaryDir tmp;
    const QString notJson = tmp.filePath("a.mchrom"), other = tmp.filePath("b.mchrom"),
                  newer = tmp.filePath("c.mchrom"), noData = tmp.filePath("d.mchrom");
    writeText(notJson, "{ this is not json");
    writeText(other, "{\"format\": \"napari-project\"}");
    writeText(
        newer,
        "{\"format\": \"mollichrom-project\", \"version\": 99, \"data\": {\"path\": \"x.tif\"}}");
    writeText(noData, "{\"format\": \"mollichrom-project\", \"version\": 1}");
    QString e = errorOf(notJson);
    QVERIFY2(e.contains("a.mchrom") && e.contains("JSON error"), qPrintable(e));
    e = errorOf(other);
    QVERIFY2(e.contains("b.mchrom") && e.contains("not a Mollichrom project"), qPrintable(e));
    e = errorOf(newer);
    QVERIFY2(e.contains("c.mchrom") && e.contains("newer"), qPrintable(e));
    e = errorOf(noData);
    QVERIFY2(e.contains("d.mchrom") && e.contains("no data file"), qPrintable(e));
    e = errorOf(tmp.filePath("missing.mchrom"));
    QVERIFY2(e.contains("missing.mchrom") && e.contains("cannot read"), qPrintable(e));
    // Saving into a folder that does not exist fails with the path, and leaves nothing behind.
    bool threw = false;
    try {
      saveProject(tmp.filePath("nope/x.mchrom"), ProjectState{});
    } catch (const io::StackError& err) {
      threw = QString::fromUtf8(err.what()).contains("x.mchrom");
    }
    QVERIFY(threw);
  }

  void resultArchiveIsExact() {
    // Everything the window holds of a run comes back bit for bit: NaN outside the nuclei and
    // in a spread, each matrix type, the per-nucleus verdicts, the calibration's profile.
    QTemporaryDir dir;
    const std::string path = dir.filePath("r.mchres").toStdString();
    train::InferenceResult r;
    r.lambda = cv::Mat(5, 7, CV_32F, cv::Scalar(1.25f));
    r.lambda.at<float>(2, 3) = std::nanf("");
    r.region = cv::Mat(5, 7, CV_8U, cv::Scalar(255));
    r.lambdaLow = r.lambda - 0.1f;
    r.lambdaHigh = r.lambda + 0.1f;
    r.trainedLambda = r.lambda * 1.01f;
    r.direct.kernelMap = cv::Mat(5, 7, CV_32S, cv::Scalar(12));
    r.direct.uncertaintyM = std::numeric_limits<double>::quiet_NaN();
    r.direct.kernelRisk = {0.1, -0.2, 1e-300};
    r.M = 0.1 + 0.2;  // not a short decimal
    r.answer = train::Answer::Direct;
    r.losses = {{1, 0.5, 2.0, 1.0, 0.9, 0.1, 1.0, 1.0, 1e-3}};
    r.fit.verdict = train::FitVerdict::Doubtful;
    r.fit.reason = "a reason, with ünïcode";
    r.nucleusFit = {r.fit, train::FitQuality{}};
    r.calibration.share.source = prep::ValueSource::Identified;
    r.calibration.share.low = 0.4;
    r.calibration.profile = {0.3, 0.2, 0.4};
    r.sensitivity.computed = true;
    r.sensitivity.medianChange[1] = 0.12;
    train::Snapshot snap;
    snap.step = 7;
    snap.fields["phi_d"] = cv::Mat(5, 7, CV_32F, cv::Scalar(-0.5f));
    exporting::writeResultArchive(path, &r, &snap);
    const auto a = exporting::readResultArchive(path);
    QVERIFY(a.result && a.snapshot);
    const auto same = [](const cv::Mat& x, const cv::Mat& y) {
      return x.type() == y.type() && x.size() == y.size() &&
             std::memcmp(x.data, y.data, x.total() * x.elemSize()) == 0;
    };
    QVERIFY(same(a.result->lambda, r.lambda));
    QVERIFY(same(a.result->region, r.region));
    QVERIFY(same(a.result->lambdaHigh, r.lambdaHigh));
    QVERIFY(same(a.result->trainedLambda, r.trainedLambda));
    QVERIFY(same(a.result->direct.kernelMap, r.direct.kernelMap));
    QVERIFY(same(a.snapshot->fields.at("phi_d"), snap.fields.at("phi_d")));
    QCOMPARE(a.result->M, r.M);
    QVERIFY(std::isnan(a.result->direct.uncertaintyM));
    QCOMPARE(a.result->direct.kernelRisk, r.direct.kernelRisk);
    QCOMPARE(int(a.result->answer), int(train::Answer::Direct));
    QCOMPARE(a.result->losses.at(0).learningRate, 1e-3);
    QCOMPARE(int(a.result->nucleusFit.size()), 2);
    QCOMPARE(int(a.result->fit.verdict), int(train::FitVerdict::Doubtful));
    QCOMPARE(a.result->fit.reason, r.fit.reason);
    QCOMPARE(int(a.result->calibration.share.source), int(prep::ValueSource::Identified));
    QCOMPARE(a.result->calibration.profile, r.calibration.profile);
    QCOMPARE(a.result->sensitivity.medianChange[1], 0.12);
    QCOMPARE(a.snapshot->step, 7);
    // Damaged: one line naming the file and the problem.
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    f.close();
    const auto expectError = [&](const QByteArray& content, const char* problem) {
      QFile w(QString::fromStdString(path));
      QVERIFY(w.open(QIODevice::WriteOnly | QIODevice::Truncate));
      w.write(content);
      w.close();
      try {
        exporting::readResultArchive(path);
        QFAIL("no error");
      } catch (const io::StackError& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.startsWith(QString::fromStdString(path)) && what.contains(problem),
                 qPrintable(what));
      }
    };
    expectError(bytes.left(bytes.size() - 9), "truncated");
    expectError("PK\x03\x04 not this", "not a Mollichrom result archive");
    expectError("mollichrom-result 99\n", "newer Mollichrom");
  }

  void lossHistoryRoundTrip() {
    QTemporaryDir tmp;
    std::vector<train::LossRecord> in{{1, 0.5, 10.25, 1e-7, 9.5, 0.75, 1.1, 0.9, 2e-3},
                                      {2, 1.0, 8.0, 2e-7, 7.0, 0.5, 1.05, 0.95, 1.9e-3}};
    const std::string path = tmp.filePath("l.csv").toStdString();
    exporting::writeLossesCsv(path, in);
    const auto out = exporting::readLossesCsv(path);
    QCOMPARE(out.size(), size_t(2));
    QCOMPARE(out[1].step, 2);
    QCOMPARE(out[0].data, 1e-7);
    QCOMPARE(out[1].gammaAc, 0.95);
    writeText(tmp.filePath("bad.csv"), "step,seconds\n1,2,3\n");
    bool named = false;
    try {
      exporting::readLossesCsv(tmp.filePath("bad.csv").toStdString());
    } catch (const io::StackError& e) {
      named = QString::fromUtf8(e.what()).contains("bad.csv") &&
              QString::fromUtf8(e.what()).contains("line 2");
    }
    QVERIFY(named);
  }

  void presets() {
    TrainingSettings s;
    applyPreset("preview", s);
    const int preview = s.config.steps;
    applyPreset("balanced", s);
    QVERIFY(s.config.steps > preview);
    QCOMPARE(QString::fromStdString(s.preset), QStringLiteral("balanced"));
    applyPreset("accurate", s);
    QVERIFY(s.config.mollifier.halfWidthXY > 8);  // wider kernel: smoother 4th derivatives
    applyPreset("nonsense", s);
    QCOMPARE(QString::fromStdString(s.preset), QStringLiteral("accurate"));
  }

  void feedbackPausesAndResumes() {
    util::Feedback fb;
    QCOMPARE(fb.waitWhilePaused(), 0.0);  // not paused: returns at once
    fb.setPaused(true);
    QVERIFY(fb.isPaused());
    std::thread resumer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      fb.setPaused(false);
    });
    const double waited = fb.waitWhilePaused();
    resumer.join();
    QVERIFY2(waited > 0.25 && waited < 2.0, qPrintable(QString::number(waited)));
    // Cancel releases a paused worker too.
    fb.setPaused(true);
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      fb.cancel();
    });
    const double waited2 = fb.waitWhilePaused();
    canceller.join();
    QVERIFY(waited2 > 0.15 && fb.isCanceled());
  }
};

QTEST_GUILESS_MAIN(TestProject)
#include "test_project.moc"
