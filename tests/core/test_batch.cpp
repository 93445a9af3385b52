// Batch analysis: the manifest and its checks, CSV with any file name, the SLURM
// script, the statistics, and whole local batches through the CLI — with file names that
// would break anything that let them near a shell.
#include "core/batch/BatchFolder.h"
#include "core/batch/Collect.h"
#include "core/batch/Csv.h"
#include "core/batch/Manifest.h"
#include "core/batch/SlurmScript.h"
#include "tests/core/TestHelpers.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace mollichrom;
using namespace mollichrom::batch;

namespace {

// Names that must reach the files unchanged and never a shell.
const std::string kSpace = "cell A 1.tif";
const std::string kShell = "q'\"$(touch PWNED); x`touch PWNED2`.tif";
const std::string kNewline = "zelle ü\nzwei.tif";

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

OptionNames someOptions() { return {{"steps", "pixel-size", "set"}, {"drift"}}; }

}  // namespace

class TestBatch : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void csvRoundTripsAnyName() {
    const CsvRow row{kSpace, kShell, kNewline, "a,b", "", " lead", "x\r\ny"};
    const auto rows = parseCsv(csvLine(row) + csvLine({"2", "3"}));
    QCOMPARE(rows.size(), size_t(2));
    QVERIFY(rows[0] == row);
    QCOMPARE(rows[1].size(), size_t(2));
    // A spreadsheet's BOM and CRLF line ends.
    const auto excel = parseCsv("\xEF\xBB\xBFpath,condition\r\na.tif,x\r\n");
    QCOMPARE(excel.size(), size_t(2));
    QCOMPARE(excel[0][0], std::string("path"));
    QCOMPARE(excel[1][1], std::string("x"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseCsv("a,\"open\nb,c\n"));
  }

  void manifestIsCheckedAsAWhole() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    writeText(dir + "/" + kSpace, "x");
    writeText(dir + "/" + kShell, "x");
    writeText(dir + "/" + kNewline, "x");
    const std::string m = dir + "/m.csv";
    writeText(m, csvLine({"path", "condition", "steps", "drift"}) +
                     csvLine({kSpace, "control", "", "yes"}) +
                     csvLine({kShell, "treated", "7", "no"}) +
                     csvLine({dir + "/" + kNewline, "treated", "", ""}));
    const auto items = readManifest(m, someOptions(), {{"steps", "3"}});
    QCOMPARE(items.size(), size_t(3));
    QCOMPARE(items[0].path, dir + "/" + kSpace);  // relative to the manifest's folder
    QCOMPARE(items[1].name, std::string("q'\"$(touch PWNED); x`touch PWNED2`"));
    QCOMPARE(items[2].name, std::string("zelle ü\nzwei"));
    QCOMPARE(items[1].condition, std::string("treated"));
    // The command line's --steps 3 holds unless the row sets it; the drift flag per row.
    const Options first{{"steps", "3"}, {"drift", ""}}, second{{"steps", "7"}};
    QVERIFY(items[0].options == first);
    QVERIFY(items[1].options == second);
    // The batch's own table reads back the same.
    const std::string table = dir + "/batch.csv";
    writeText(table, batchTableCsv(items));
    const auto back = readBatchTable(table, someOptions());
    QCOMPARE(back.size(), items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      QCOMPARE(back[i].name, items[i].name);
      QCOMPARE(back[i].path, items[i].path);
      QVERIFY(back[i].options == items[i].options);
    }

    const auto error = [&](const std::string& text) {
      writeText(m, text);
      try {
        readManifest(m, someOptions(), {});
      } catch (const BatchInputError& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    };
    std::string e = error("path,condition\n\"" + kSpace + "\",a\nmissing.tif,b\n");
    QVERIFY2(e.find("m.csv line 3") != std::string::npos &&
                 e.find("missing.tif") != std::string::npos &&
                 e.find("not found") != std::string::npos,
             e.c_str());
    e = error("path,condition\n\"" + kSpace + "\",a\n\"./" + kSpace + "\",b\n");
    QVERIFY2(e.find("duplicate output name 'cell A 1'") != std::string::npos, e.c_str());
    e = error("path,conditon\n\"" + kSpace + "\",a\n");
    QVERIFY2(e.find("unknown column 'conditon'") != std::string::npos, e.c_str());
    e = error("path,drift\n\"" + kSpace + "\",maybe\n");
    QVERIFY2(e.find("is not yes or no") != std::string::npos, e.c_str());
    e = error("condition\na\n");
    QVERIFY2(e.find("no 'path' column") != std::string::npos, e.c_str());
  }

  void slurmScriptCarriesNoFileNames() {
    QCOMPARE(arrayList({0, 1, 2, 5, 7, 8}), std::string("0-2,5,7-8"));
    QCOMPARE(arrayList({3}), std::string("3"));
    SlurmOptions o;
    o.memoryMb = 1500.2;
    o.cpus = 2;
    o.throttle = 4;
    o.time = "0:30:00";
    o.partition = "short";
    o.program = "/opt/it's here/mollichrom-cli";
    const std::string s = sbatchScript(o, {0, 1, 2, 5});
    QVERIFY(s.find("#SBATCH --array=0-2,5%4\n") != std::string::npos);
    QVERIFY(s.find("#SBATCH --mem=1501M\n") != std::string::npos);
    QVERIFY(s.find("#SBATCH --cpus-per-task=2\n") != std::string::npos);
    QVERIFY(s.find("#SBATCH --time=0:30:00\n") != std::string::npos);
    QVERIFY(s.find("#SBATCH --partition=short\n") != std::string::npos);
    QVERIFY(s.find("exec '/opt/it'\\''s here/mollichrom-cli' batch task . --index "
                   "\"$SLURM_ARRAY_TASK_ID\"") != std::string::npos);
    o.partition = "a b";
    QVERIFY_THROWS_EXCEPTION(BatchInputError, checkSlurmOptions(o));
    o.partition = "short";
    o.time = "1h; rm -rf ~";
    QVERIFY_THROWS_EXCEPTION(BatchInputError, checkSlurmOptions(o));
    QCOMPARE(parseSlurmMemory("2G"), 2048.0);
    QCOMPARE(parseSlurmMemory("512"), 512.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseSlurmMemory("2 GB"));
  }

  void mannWhitneyMatchesTheTextbook() {
    // Completely separated samples of 5: U = 0; normal approximation with continuity
    // correction z = 12 / sqrt(22.917) = 2.507, p = 0.0122 (exact: 0.0079).
    const double p = mannWhitneyP({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
    QVERIFY2(std::abs(p - 0.0122) < 0.0005, qPrintable(QString::number(p)));
    QVERIFY(mannWhitneyP({1, 2, 3}, {1, 2, 3}) > 0.9);
    QCOMPARE(mannWhitneyP({1, 2}, {3, 4, 5}), -1.0);
  }

  // Three stacks with hostile names, two conditions, two workers: every output where it
  // belongs, resumed without rerunning, merged into one table and a figure.
  void localBatchWithHostileNames() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    const std::string data = dir + "/data $(x); 'q'";
    QDir().mkpath(q(data));
    const std::vector<std::string> names{kSpace, kShell, kNewline};
    for (size_t i = 0; i < names.size(); ++i) {
      QString err;
      QCOMPARE(test::runCli(
                   {"simulate", "--out", q(data + "/" + names[i]), "--truth",
                    q(data + "/truth" + std::to_string(i) + ".tif"), "--size", "64", "--frames",
                    "6", "--seed", QString::number(i + 1), "--lambda-scale", i == 2 ? "1.6" : "1"},
                   &err),
               0);
    }
    const std::string manifest = dir + "/manifest.csv";
    writeText(manifest, csvLine({"path", "condition", "truth"}) +
                            csvLine({data + "/" + kSpace, "control", data + "/truth0.tif"}) +
                            csvLine({data + "/" + kShell, "control", data + "/truth1.tif"}) +
                            csvLine({data + "/" + kNewline, "behandelt ü", data + "/truth2.tif"}));
    const std::string out = dir + "/batch out";
    QString err;
    QCOMPARE(test::runCli({"batch", "--manifest", q(manifest), "--out", q(out), "--jobs", "2",
                           "--steps", "2"},
                          &err),
             0);
    QVERIFY2(err.contains("3 done, 0 failed"), qPrintable(err));
    const BatchFolder folder(out);
    for (const std::string& n : {std::string("cell A 1"), names[1].substr(0, names[1].size() - 4),
                                 std::string("zelle ü\nzwei")}) {
      for (const char* f : {"lambda.tif", "lambda.low90.tif", "nuclei.csv", "summary.json",
                            "log.txt", "status.json"})
        QVERIFY2(QFile::exists(q(folder.itemDir(n) + "/" + f)), (n + "/" + f).c_str());
      QCOMPARE(folder.status(n).state, ItemState::Done);
      QVERIFY(!QFile::exists(q(folder.partialDir(n))));
    }
    // Nothing reached a shell: no PWNED file anywhere the command could have run.
    for (const QString& where : {tmp.path(), q(data), q(out), QDir::currentPath()})
      QVERIFY(!QFile::exists(where + "/PWNED") && !QFile::exists(where + "/PWNED2"));

    // Resumed: every item is done, nothing runs again.
    const std::string finishedBefore = folder.status("cell A 1").finished;
    QCOMPARE(
        test::runCli({"batch", "--manifest", q(manifest), "--out", q(out), "--steps", "2"}, &err),
        0);
    QVERIFY2(err.contains("3 done already") && err.contains("nothing to run"), qPrintable(err));
    QCOMPARE(folder.status("cell A 1").finished, finishedBefore);
    QCOMPARE(test::runCli({"batch", "status", q(out)}, &err), 0);
    // A task asked for a done item (a resubmitted SLURM array) skips it too.
    QCOMPARE(test::runCli({"batch", "task", q(out), "--index", "0"}, &err), 0);
    QCOMPARE(folder.status("cell A 1").finished, finishedBefore);

    QCOMPARE(test::runCli({"batch", "collect", q(out)}, &err), 0);
    const auto rows = parseCsv(readText(out + "/results.csv"));
    QVERIFY(rows.size() >= 4);  // header + at least one nucleus per item
    QCOMPARE(rows[0][0], std::string("item"));
    QCOMPARE(rows[0][1], std::string("condition"));
    std::set<std::string> items, conditions;
    for (size_t r = 1; r < rows.size(); ++r) {
      items.insert(rows[r][0]);
      conditions.insert(rows[r][1]);
    }
    QVERIFY(items.count("zelle ü\nzwei") && items.count("cell A 1") && items.size() == 3);
    QVERIFY(conditions.count("behandelt ü") && conditions.count("control"));
    const std::string png = readText(out + "/summary.png");
    QVERIFY(png.size() > 1000 && png.substr(1, 3) == "PNG");
    const std::string summary = readText(out + "/summary.json");
    QVERIFY(summary.find("\"behandelt ü\"") != std::string::npos);
    QVERIFY(summary.find("\"items_done\": 3") != std::string::npos);
  }

  // One bad item is reported, the others finish, the exit code says so.
  void failingItemDoesNotStopTheOthers() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    QString err;
    QCOMPARE(test::runCli({"simulate", "--out", q(dir + "/a.tif"), "--truth", q(dir + "/t.tif"),
                           "--size", "64", "--frames", "6"},
                          &err),
             0);
    const std::string manifest = dir + "/m.csv";
    // The second item asks for nucleus 9 of a one-nucleus stack: only infer can tell.
    writeText(manifest, "path,name,nuclei\na.tif,good,\na.tif,bad,9\n");
    const std::string out = dir + "/out";
    QCOMPARE(
        test::runCli({"batch", "--manifest", q(manifest), "--out", q(out), "--steps", "2"}, &err),
        1);
    QVERIFY2(err.contains("1 done, 1 failed") && err.contains("failed: bad"), qPrintable(err));
    const BatchFolder folder(out);
    QCOMPARE(folder.status("good").state, ItemState::Done);
    const ItemStatus bad = folder.status("bad");
    QCOMPARE(bad.state, ItemState::Failed);
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.message.find("nucleus 9") != std::string::npos, bad.message.c_str());
    QCOMPARE(test::runCli({"batch", "status", q(out)}, &err), 1);
    QCOMPARE(test::runCli({"batch", "collect", q(out)}, &err), 0);
    QVERIFY2(err.contains("not included: bad (failed)"), qPrintable(err));

    // A task finds the item locked by another task: skipped with 75, nothing touched.
    {
      ItemLock lock(folder.lockFile("good"));
      QVERIFY(lock.acquired());
      QCOMPARE(folder.status("good").state, ItemState::Running);
      QCOMPARE(test::runCli({"batch", "task", q(out), "--index", "0", "--force"}, &err), 75);
    }
    QCOMPARE(folder.status("good").state, ItemState::Done);
  }

  // Two acquisitions (microscope settings) in one batch: each calibrated from its own
  // time-lapses, every item run on its own acquisition's calibration, conditions compared
  // within each, and a comparison across them said to rest on two calibrations.
  void twoAcquisitionsKeptApart() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    QString err;
    std::string manifest = "path,condition,acquisition\n";
    int seed = 1;
    for (const char* acq : {"A", "B"})
      for (const char* arm : {"control", "treated"}) {
        const std::string name = std::string(acq) + "_" + arm + ".tif";
        // Setting B's marker channel has twice setting A's gain.
        const QString gain = std::string(acq) == "A" ? "density=2,heterochromatin=1.3"
                                                     : "density=2,heterochromatin=2.6";
        QCOMPARE(test::runCli({"simulate", "--counts", "--gain", gain, "--noise", "0.01", "--out",
                               q(dir + "/" + name), "--truth", q(dir + "/t" + name), "--size", "96",
                               "--frames", "15", "--seed", QString::number(seed++),
                               "--lambda-scale", std::string(arm) == "control" ? "0.8" : "1.2"},
                              &err),
                 0);
        manifest += name + "," + arm + "," + acq + "\n";
      }
    writeText(dir + "/m.csv", manifest);
    const std::string out = dir + "/out";
    QCOMPARE(test::runCli({"batch", "--manifest", q(dir + "/m.csv"), "--out", q(out), "--engine",
                           "direct", "--jobs", "2"},
                          &err),
             0);
    const std::string calA = out + "/calibration/acquisition-A.json",
                      calB = out + "/calibration/acquisition-B.json";
    QVERIFY(QFile::exists(q(calA)) && QFile::exists(q(calB)));
    // The gains belong to the setting: B's marker gain per count is about half A's.
    auto gainRatio = [&](const std::string& file) {
      const std::string t = readText(file);
      auto number = [&](const std::string& key) {
        const auto at = t.find("\"value\"", t.find(key));
        return std::stod(t.substr(t.find(':', at) + 1));
      };
      return number("heterochromatin_gain_per_count") / number("density_gain_per_count");
    };
    const double ra = gainRatio(calA), rb = gainRatio(calB);
    qInfo("phi per count, marker / density: A %.3f, B %.3f (true 1.54, 0.77)", ra, rb);
    QVERIFY(std::abs(ra / rb - 2) < 0.3);
    for (const char* acq : {"A", "B"})
      for (const char* arm : {"control", "treated"}) {
        const std::string summary = readText(out + "/items/" + acq + "_" + arm + "/summary.json");
        QVERIFY2(summary.find("acquisition-" + std::string(acq) + ".json") != std::string::npos,
                 acq);
      }
    QCOMPARE(test::runCli({"batch", "collect", q(out)}, &err), 0);
    const std::string results = readText(out + "/results.csv");
    QVERIFY(results.rfind("item,condition,acquisition,input", 0) == 0);
    const std::string summary = readText(out + "/summary.json");
    QVERIFY(summary.find("\"acquisition\": \"A\"") != std::string::npos);
    QVERIFY(summary.find("\"acquisition\": \"B\"") != std::string::npos);
    QVERIFY(summary.find("different acquisitions") != std::string::npos);
    QVERIFY2(err.contains("[A] treated vs control") && err.contains("[B] treated vs control") &&
                 err.contains("[across acquisitions]"),
             qPrintable(err));
  }

  // A bad manifest runs nothing and writes nothing: one line naming the file and the problem.
  void badManifestRunsNothing() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    writeText(dir + "/m.csv", "path,condition\nnot-there.tif,a\n");
    QString err;
    QCOMPARE(
        test::runCli({"batch", "--manifest", q(dir + "/m.csv"), "--out", q(dir + "/out")}, &err),
        3);
    QCOMPARE(err.trimmed().count('\n'), 0);
    QVERIFY2(err.contains("m.csv line 2") && err.contains("not-there.tif"), qPrintable(err));
    QVERIFY(!QFile::exists(q(dir + "/out")));
    writeText(dir + "/m.csv", "path,steps\nm.csv,many\n");
    QCOMPARE(
        test::runCli({"batch", "--manifest", q(dir + "/m.csv"), "--out", q(dir + "/out")}, &err),
        3);
    QVERIFY2(err.contains("--steps expects an integer"), qPrintable(err));
  }
};

QTEST_GUILESS_MAIN(TestBatch)
#include "test_batch.moc"
