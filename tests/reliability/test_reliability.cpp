// What the program promises under faults (docs/reliability.md), each reproduced through the
// command line as a user, a cluster or a full disk would cause it: NaN pixels, address-space
// limits, two runs on one output, a stopped run over a finished one, stale and partial output
// sets, names and folders that cannot be written, reused and orphaned batch folders, a FIFO
// as input, a checkpoint from other data. Every run is bounded: a hang fails the test.
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <csignal>
#include <functional>
#include <limits>

using namespace mollichrom;

namespace {

constexpr int kCrashed = 1000;  // added to the signal number when the process did not exit

struct Run {
  int code = -1;
  QString err;
};

// The CLI with a hard bound: a run that does not end in `seconds` is killed and fails the test.
Run cli(const QStringList& args, int seconds = 120, const QString& shellPrefix = {}) {
  QProcess p;
  if (shellPrefix.isEmpty()) {
    p.start(MOLLICHROM_CLI, args);
  } else {
    QStringList quoted;
    for (const auto& a : QStringList{MOLLICHROM_CLI} + args) quoted << "'" + a + "'";
    p.start("bash", {"-c", shellPrefix + "; exec " + quoted.join(' ')});
  }
  Run r;
  if (!p.waitForFinished(seconds * 1000)) {
    p.kill();
    p.waitForFinished();
    r.code = -2;  // hung
  } else {
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : kCrashed + p.exitCode();
  }
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

QByteArray bytes(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int finitePixels(const QString& path) {
  auto src = io::openStack(path.toStdString());
  cv::Mat m = src->plane(0, 0, 0);
  int n = 0;
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) n += std::isfinite(m.at<float>(y, x));
  return n;
}

// A simulated 64² × 10 two-channel float stack; `poison` edits it before it is written.
QString stack(const QTemporaryDir& dir, const QString& name, int seed,
              const std::function<void(io::Stack&)>& poison = {}) {
  const QString clean = dir.filePath(name + ".clean.tif"), out = dir.filePath(name + ".tif");
  const Run sim =
      cli({"simulate", "--size", "64", "--frames", "10", "--seed", QString::number(seed), "--out",
           clean, "--truth", dir.filePath(name + ".truth.tif")});
  if (sim.code != 0) return {};
  if (!poison) return clean;
  io::Stack s = io::openStack(clean.toStdString())->load();
  poison(s);
  io::writeStackTiff(out.toStdString(), s);
  return out;
}

QStringList filesIn(const QString& dir) {
  return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::Dirs | QDir::NoDotAndDotDot,
                             QDir::Name);
}

}  // namespace

class TestReliability : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void nanPixelsAreRepairedAndCountedOrRefused() {
    QTemporaryDir dir;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const QString clean = stack(dir, "clean", 1);
    const QString one =
        stack(dir, "one", 1, [&](io::Stack& s) { s.plane(2, 1).at<float>(30, 30) = nan; });
    const QString inf = stack(dir, "inf", 1, [&](io::Stack& s) {
      s.plane(3, 0).at<float>(10, 10) = INFINITY;
      s.plane(5, 1).at<float>(40, 41) = nan;
    });
    const QString clump = stack(dir, "clump", 1, [&](io::Stack& s) {
      for (int y = 20; y < 30; ++y)
        for (int x = 20; x < 30; ++x) s.plane(2, 1).at<float>(y, x) = nan;
    });
    QVERIFY(!clean.isEmpty() && !one.isEmpty() && !inf.isEmpty() && !clump.isEmpty());

    const Run ref = cli({"infer", clean, "--out", dir.filePath("ref.tif"), "--engine", "direct"});
    QCOMPARE(ref.code, 0);
    const int finiteRef = finitePixels(dir.filePath("ref.tif"));
    QVERIFY(finiteRef > 1000);
    // One NaN among 81 920 values: repaired, counted, the map as good as without it.
    Run r = cli({"infer", one, "--out", dir.filePath("one_l.tif"), "--engine", "direct", "--json",
                 dir.filePath("one.json")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains("1 NaN or infinite value(s) were replaced by the median of their "
                            "neighbours (1 in channel 2, 1 frame(s) from frame 3)"),
             qPrintable(r.err));
    QCOMPARE(finitePixels(dir.filePath("one_l.tif")), finiteRef);
    const auto summary = QJsonDocument::fromJson(bytes(dir.filePath("one.json"))).object();
    QVERIFY(QJsonDocument(summary).toJson().contains("non-finite-values"));
    r = cli({"infer", inf, "--out", dir.filePath("inf_l.tif"), "--engine", "direct"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains("2 NaN or infinite value(s) were replaced by the median of their "
                            "neighbours (1 in channel 1, 1 frame(s) from frame 4; 1 in channel "
                            "2, 1 frame(s) from frame 6)"),
             qPrintable(r.err));
    // A clump: refused in one line naming the file, channel and frame; nothing written.
    r = cli({"infer", clump, "--out", dir.filePath("clump_l.tif"), "--engine", "direct"});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains(clump + ": channel 2, frame 3: 100 of 4096 values are NaN or "
                                    "infinite") &&
                 r.err.contains("too many to repair"),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(dir.filePath("clump_l.tif")));
    // Through a batch: done, and collect's median is a number.
    const QString b = dir.filePath("B");
    r = cli({"batch", one, "--out", b, "--engine", "direct"});
    QCOMPARE(r.code, 0);
    r = cli({"batch", "collect", b});
    QCOMPARE(r.code, 0);
    QVERIFY2(!bytes(b + "/results.csv").toLower().contains("nan,"), bytes(b + "/results.csv"));
  }

  void addressSpaceLimitsEndInExitFiveOrSuccess() {
    // Under `ulimit -v` the libraries reserve far more than they use; below what they need
    // they hang or crash inside OpenBLAS/oneDNN unless refused first.
    QTemporaryDir dir;
    const QString in = stack(dir, "s", 2);
    QVERIFY(!in.isEmpty());
    for (const int kb : {700000, 1100000, 2000000}) {
      const Run r = cli({"infer", in, "--out", dir.filePath("r.tif"), "--steps", "3"}, 120,
                        "ulimit -v " + QString::number(kb));
      QVERIFY2(r.code == 0 || r.code == 5,
               qPrintable(QString("ulimit -v %1: exit %2 (-2: hung; >= 1000: signal): %3")
                              .arg(kb)
                              .arg(r.code)
                              .arg(r.err.right(300))));
      if (r.code == 5) {
        QVERIFY2(r.err.contains("ulimit -v") && r.err.trimmed().count('\n') <= 2,
                 qPrintable(r.err));
      }
      if (kb == 2000000) QCOMPARE(r.code, 0);
      if (kb == 700000) QCOMPARE(r.code, 5);
    }
  }

  void oneOutputOneRunAndStoppedRunsKeepTheResult() {
    QTemporaryDir dir;
    const QString a = stack(dir, "a", 3), b = stack(dir, "b", 4);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    const QString out = dir.filePath("r.tif");
    const QStringList outs{
        "--out", out, "--json", dir.filePath("r.json"), "--table", dir.filePath("r.csv")};
    // A finished result from b.
    QCOMPARE(cli(QStringList{"infer", b, "--engine", "direct"} + outs).code, 0);
    const QByteArray lambdaB = bytes(out), jsonB = bytes(dir.filePath("r.json"));
    // A long run on a; a second run on the same outputs is refused at once.
    QProcess longRun;
    longRun.start(MOLLICHROM_CLI, QStringList{"infer", a, "--steps", "100000"} + outs);
    QVERIFY(longRun.waitForStarted());
    QTest::qWait(1500);
    const Run second = cli(QStringList{"infer", b, "--engine", "direct"} + outs, 30);
    QCOMPARE(second.code, 75);
    QVERIFY2(second.err.contains(out + ": being written by another run (process"),
             qPrintable(second.err));
    // Stopped (Ctrl-C) in training: the earlier complete result stays, untouched.
    QTest::qWait(1500);
    ::kill(static_cast<pid_t>(longRun.processId()), SIGINT);
    QVERIFY(longRun.waitForFinished(60000));
    QCOMPARE(longRun.exitCode(), 130);
    QVERIFY(QString::fromUtf8(longRun.readAllStandardError()).contains("is kept, nothing written"));
    QCOMPARE(bytes(out), lambdaB);
    QCOMPARE(bytes(dir.filePath("r.json")), jsonB);
    // A run without a band removes the earlier run's band files: one run's set, never two.
    QVERIFY(QFile::exists(dir.filePath("r.low90.tif")));
    QCOMPARE(cli({"infer", a, "--out", out, "--kernel-direct", "8", "--engine", "direct"}).code, 0);
    QVERIFY(!QFile::exists(dir.filePath("r.low90.tif")));
    QVERIFY(!QFile::exists(dir.filePath("r.high90.tif")));
    // No staging folders or locks left behind.
    for (const QString& f : filesIn(dir.path()))
      QVERIFY2(!f.startsWith(".mollichrom"), qPrintable(f));
  }

  void outputsAreCheckedBeforeTheComputation() {
    QTemporaryDir dir;
    const QString in = stack(dir, "s", 5);
    QVERIFY(!in.isEmpty());
    Run r = cli({"infer", in, "--out", dir.filePath("missing/r.tif")}, 20);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("the folder " + dir.filePath("missing") + " does not exist"),
             qPrintable(r.err));
    // 250 characters: legal for λ, but its band's name would exceed 255 bytes.
    const QString longName = dir.filePath(QString(246, 'a') + ".tif");
    r = cli({"infer", in, "--out", longName}, 20);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(".low90.tif: the name is 256 bytes long; the file system allows 255"),
             qPrintable(r.err));
    const QString okName = dir.filePath(QString(240, 'b') + ".tif");  // 251 with the band's
    QCOMPARE(cli({"infer", in, "--out", okName, "--engine", "direct"}).code, 0);
    QVERIFY(QFile::exists(okName));
    // Named twice in one run.
    r = cli({"infer", in, "--out", dir.filePath("x.tif"), "--json", dir.filePath("x.tif")}, 20);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("named for two outputs"), qPrintable(r.err));
  }

  void aFullDiskLeavesNoPartialSet() {
    if (::geteuid() != 0) QSKIP("mounting a small tmpfs needs root");
    QTemporaryDir dir, disk;
    const QString in = stack(dir, "s", 6);
    QVERIFY(!in.isEmpty());
    // Room for λ (16 KB + header) but not for its band and the summary.
    QVERIFY(::mount("tmpfs", disk.path().toLocal8Bit().constData(), "tmpfs", 0, "size=24k") == 0);
    const Run r = cli({"infer", in, "--out", disk.filePath("r.tif"), "--json",
                       disk.filePath("r.json"), "--engine", "direct"});
    const QStringList left = filesIn(disk.path());
    ::umount(disk.path().toLocal8Bit().constData());
    QCOMPARE(r.code, 1);
    // One line naming the user's file (not the staging copy) and the reason.
    QVERIFY2(r.err.contains("error: " + disk.filePath("r.tif")) &&
                 r.err.contains("the disk is full") && !r.err.contains(".mollichrom-staging"),
             qPrintable(r.err));
    QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
    // A read-only file system (root may write anywhere else): refused before the computation.
    QVERIFY(::mount("tmpfs", disk.path().toLocal8Bit().constData(), "tmpfs", MS_RDONLY,
                    "size=16k") == 0);
    const Run ro = cli({"infer", in, "--out", disk.filePath("r.tif")}, 30);
    ::umount(disk.path().toLocal8Bit().constData());
    QCOMPARE(ro.code, 2);
    QVERIFY2(ro.err.contains("cannot write into " + disk.path() + ": Read-only file system") &&
                 !ro.err.contains("calibrating"),
             qPrintable(ro.err));
  }

  void batchFoldersBelongToOneRun() {
    QTemporaryDir dir;
    const QString a = stack(dir, "a", 7), b = stack(dir, "b", 8), c = stack(dir, "c", 9);
    QVERIFY(!a.isEmpty() && !b.isEmpty() && !c.isEmpty());
    const QString out = dir.filePath("B");
    QCOMPARE(cli({"batch", a, b, "--out", out, "--engine", "direct"}).code, 0);
    const QByteArray table = bytes(out + "/batch.csv");
    // Other items into the same folder: refused, the table untouched; --add appends.
    Run r = cli({"batch", c, "--out", out, "--engine", "direct"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("holds a batch of 2 other item(s)"), qPrintable(r.err));
    QCOMPARE(bytes(out + "/batch.csv"), table);
    QCOMPARE(cli({"batch", c, "--out", out, "--engine", "direct", "--add"}).code, 0);
    r = cli({"batch", "status", out});
    QCOMPARE(r.code, 0);

    // The batch command killed while its items run: a second one does not count them done.
    const QString o2 = dir.filePath("orphans");
    QProcess parent;
    parent.start(MOLLICHROM_CLI, {"batch", a, b, "--out", o2, "--jobs", "2", "--steps", "100000",
                                  "--time-budget", "6"});
    QVERIFY(parent.waitForStarted());
    QTest::qWait(2500);
    ::kill(static_cast<pid_t>(parent.processId()), SIGKILL);
    parent.waitForFinished();
    // While it ran, a second batch command on the folder would have been refused: its lock
    // dies with it, the items' locks live on in the orphaned tasks.
    r = cli({"batch", a, b, "--out", o2, "--jobs", "2", "--steps", "100000", "--time-budget", "6"});
    QCOMPARE(r.code, 75);
    QVERIFY2(r.err.contains("0 done, 0 failed, 2 still running in another process"),
             qPrintable(r.err));
    QVERIFY(!r.err.contains("batch collect"));
    r = cli({"batch", "status", o2, "--wait", "60"}, 90);
    QCOMPARE(r.code, 0);
  }

  void jpegCompressedYCbCrTiffIsDecoded() {
    // What `tiffcp -c jpeg` makes of an RGB TIFF: YCbCr, subsampled, JPEG strips.
    QTemporaryDir dir;
    cv::Mat rgb(48, 64, CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y)
      for (int x = 0; x < rgb.cols; ++x)
        rgb.at<cv::Vec3b>(y, x) = {static_cast<uchar>(2 * x), static_cast<uchar>(3 * y), 128};
    const QString plain = dir.filePath("rgb.tif"), jpeg = dir.filePath("rgb_jpeg.tif");
    QVERIFY(cv::imwrite(plain.toStdString(), rgb));
    QCOMPARE(QProcess::execute("tiffcp", {"-c", "jpeg:90", "-r", "16", plain, jpeg}), 0);
    auto src = io::openStack(jpeg.toStdString());
    QCOMPARE(src->info().channels, 3);
    const io::Stack s = src->load();
    QCOMPARE(s.plane(0, 0).cols, 64);
    // Lossy, but each channel close to what was written (OpenCV wrote BGR as RGB: channel 1
    // of the file is OpenCV's third).
    std::vector<cv::Mat> bgr;
    cv::split(rgb, bgr);
    for (int c = 0; c < 3; ++c) {
      cv::Mat a, b;
      s.plane(0, c).convertTo(a, CV_32F);
      bgr[static_cast<size_t>(2 - c)].convertTo(b, CV_32F);
      QVERIFY2(cv::mean(cv::abs(a - b))[0] < 4, qPrintable(QString("channel %1").arg(c + 1)));
    }
  }

  void nonFilesAndForeignCheckpointsAreRefused() {
    QTemporaryDir dir;
    const QString fifo = dir.filePath("pipe.tif");
    QVERIFY(::mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0);
    Run r = cli({"info", fifo}, 10);
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("a named pipe (FIFO), not an image file"), qPrintable(r.err));
    QCOMPARE(cli({"infer", fifo, "--out", dir.filePath("r.tif")}, 10).code, 3);

    const QString a = stack(dir, "a", 10), b = stack(dir, "b", 11);
    const QString ck = dir.filePath("ck");
    QCOMPARE(cli({"infer", a, "--out", dir.filePath("a_l.tif"), "--steps", "3", "--checkpoint", ck})
                 .code,
             0);
    r = cli({"infer", b, "--out", dir.filePath("b_l.tif"), "--steps", "5", "--checkpoint", ck,
             "--resume"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("the checkpoint was trained on other data"), qPrintable(r.err));
    r = cli({"infer", a, "--out", dir.filePath("a_l.tif"), "--steps", "5", "--checkpoint", ck,
             "--resume"});
    QCOMPARE(r.code, 0);
  }
};

QTEST_GUILESS_MAIN(TestReliability)
#include "test_reliability.moc"
