// Runtime set-up: thread count resolution, BLAS classification, and the CLI's --version.
#include "core/runtime/Runtime.h"
#include "core/util/StagedProgress.h"

#include <ATen/Parallel.h>

#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <thread>

using namespace mollichrom;

class TestRuntime : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void stagedProgressNeverGoesBack() {
    using mollichrom::util::StagedProgress;
    StagedProgress p({{"loading", "reading", 1},
                      {"calibration", "calibrating", 3},
                      {"direct estimate", "computing", 6}});
    QCOMPARE(p.update(0.5, "loading /data/x.tif"), 0.05);
    QCOMPARE(QString::fromStdString(p.label()), QStringLiteral("reading"));
    QCOMPARE(p.update(1.0, "calibration"), 0.4);
    // The estimate restarting its own count (or growing its total) does not move the bar back.
    QCOMPARE(p.update(0.5, "direct estimate"), 0.7);
    QCOMPARE(p.update(0.25, "direct estimate"), 0.7);
    // An earlier stage reported again holds the bar; an unnamed report counts for the current.
    QCOMPARE(p.update(0.9, "calibration"), 0.7);
    QCOMPARE(p.update(1.0, ""), 1.0);
    QCOMPARE(QString::fromStdString(p.label()), QStringLiteral("computing"));
    QCOMPARE(int(p.stageSeconds().size()), 3);
    // A stage skipped (the preview's estimate reused) counts as done when the next one reports.
    StagedProgress t({{"direct estimate", "computing", 1}, {"training", "training", 3}});
    QCOMPARE(t.update(0.0, "training"), 0.25);
    QCOMPARE(int(t.stageSeconds().size()), 1);
  }

  void threadCountPrecedence() {
    std::string source, warning;
    QCOMPARE(resolveThreadCount(3, "5", 8, &source, &warning), 3);
    QCOMPARE(QString::fromStdString(source), QStringLiteral("setting"));
    QCOMPARE(resolveThreadCount(0, "5", 8, &source, &warning), 5);
    QCOMPARE(QString::fromStdString(source), QStringLiteral("MOLLICHROM_THREADS"));
    QVERIFY(warning.empty());
    QCOMPARE(resolveThreadCount(0, nullptr, 8, &source, &warning), 8);
    QCOMPARE(QString::fromStdString(source), QStringLiteral("hardware"));
    QCOMPARE(resolveThreadCount(0, nullptr, 0, &source, &warning), 1);
  }

  void invalidThreadEnvWarns() {
    for (const char* bad : {"abc", "-2", "0", "4x", "99999"}) {
      std::string source, warning;
      QCOMPARE(resolveThreadCount(0, bad, 6, &source, &warning), 6);
      QVERIFY2(warning.find("MOLLICHROM_THREADS") != std::string::npos, bad);
      QVERIFY2(warning.find(bad) != std::string::npos, bad);
    }
  }

  void classifiesBlas() {
    QVERIFY(classifyBlasLibrary("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0").reference);
    const auto ob = classifyBlasLibrary("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3");
    QVERIFY(!ob.reference);
    QCOMPARE(QString::fromStdString(ob.name), QStringLiteral("OpenBLAS (openmp)"));
    QVERIFY(!classifyBlasLibrary("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3").reference);
  }

  void initialisesThisProcess() {
    qunsetenv("MOLLICHROM_THREADS");
    const RuntimeInfo& info = initRuntime();
    const int hw = std::max(1u, std::thread::hardware_concurrency());
    QCOMPARE(info.threads, hw);
    QCOMPARE(at::get_num_threads(), hw);
    // The project installs libopenblas0-openmp; reference BLAS here means a broken set-up.
    QVERIFY2(!info.blas.reference, info.blas.library.c_str());
    QVERIFY2(info.blas.name.find("OpenBLAS") != std::string::npos, info.blas.name.c_str());
    initRuntime(1);
    QCOMPARE(at::get_num_threads(), 1);
  }

  void cliVersionRunsWithoutDisplay() {
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.insert("MOLLICHROM_THREADS", "2");
    p.setProcessEnvironment(env);
    p.start(MOLLICHROM_CLI, {"--version"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    for (const char* lib : {"mollichrom-cli 0.", "Qt: 6.", "VTK: 9.", "LibTorch: 1.", "OpenCV: 4.",
                            "libtiff: 4.", "BLAS: OpenBLAS", "threads: 2 (MOLLICHROM_THREADS)"})
      QVERIFY2(out.contains(QLatin1String(lib)), qPrintable(lib + QStringLiteral(" in:\n") + out));
  }

  void cliRejectsUnknownCommand() {
    QProcess p;
    p.start(MOLLICHROM_CLI, {"frobnicate"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("unknown command 'frobnicate'"));
  }

  void cliHelpListsCommands() {
    QProcess p;
    p.start(MOLLICHROM_CLI, {"--help"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY(out.contains("Usage: mollichrom-cli"));
    QVERIFY(out.contains("MOLLICHROM_THREADS"));
    // Every command is listed (the help is generated from the one command table), and
    // each one's own --help works and says how to call it.
    const QStringList commands{"info",           "simulate",        "infer",
                               "calibrate",      "batch",           "batch status",
                               "batch collect",  "batch task",      "bench derivatives",
                               "bench io",       "bench inference", "bench conditions",
                               "bench problems", "bench suite",     "bench scale"};
    const QString listed = out.section("Commands", 1).section("Options:", 0, 0);
    QStringList seen;
    for (const QString& line : listed.split('\n', Qt::SkipEmptyParts))
      if (line.startsWith("  ")) seen << line.mid(2).section(QRegularExpression("\\s{2,}"), 0, 0);
    seen.removeAll(QString());
    QCOMPARE(seen, commands);
    for (const QString& c : commands) {
      QProcess h;
      h.start(MOLLICHROM_CLI, c.split(' ') << "--help");
      QVERIFY(h.waitForFinished(60000));
      QVERIFY2(h.exitCode() == 0, qPrintable(c));
      const QString text = QString::fromUtf8(h.readAllStandardOutput());
      QVERIFY2(text.startsWith("Usage: mollichrom-cli " + c), qPrintable(c + ": " + text.left(80)));
    }
    // The group alone lists its members; an unknown member is a usage error naming it.
    QProcess group;
    group.start(MOLLICHROM_CLI, {"bench", "--help"});
    QVERIFY(group.waitForFinished(60000));
    QCOMPARE(group.exitCode(), 0);
    QVERIFY(QString::fromUtf8(group.readAllStandardOutput()).contains("bench inference"));
    QProcess unknown;
    unknown.start(MOLLICHROM_CLI, {"bench", "nope"});
    QVERIFY(unknown.waitForFinished(60000));
    QCOMPARE(unknown.exitCode(), 2);
    QVERIFY(
        QString::fromUtf8(unknown.readAllStandardError()).contains("unknown command 'bench nope'"));
  }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "test_runtime.moc"
