// The analysis session without any window or display (state lives in a QObject that
// tests drive like a user would): open the sample, its preview, a mapping change re-prepared
// without re-reading the file, a canceled load, training with snapshots and a result, a run
// refused by the memory plan, and the result exported.
#include "core/train/Trainer.h"
#include "ui/app/AnalysisSession.h"
#include "ui/app/ExportController.h"

#include "core/export/ResultExport.h"
#include "core/runtime/Runtime.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace mollichrom;
using namespace mollichrom::ui;

namespace {
const QString kSample = QStringLiteral(MOLLICHROM_SOURCE_DIR "/sample_data/chromatin_sample.tif");

bool loadAndPreview(AnalysisSession& s, const QString& path, const DataSettings& settings = {}) {
  QSignalSpy preview(&s, &AnalysisSession::previewFinished);
  return s.load(path, settings, {}) && preview.wait(120000) &&
         preview.first().at(0).toString().isEmpty();
}
}  // namespace

class TestSession : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { initRuntime(); }

  void openPreviewTrainAndExportWithoutAWindow() {
    AnalysisSession s;
    QVERIFY(!s.data());
    QSignalSpy progress(&s, &AnalysisSession::progress);
    QVERIFY(loadAndPreview(s, kSample));
    QVERIFY(progress.count() > 0);  // the preview reports its stage and progress
    const auto d = s.data();
    QCOMPARE(d->fields->frames(), 21);
    QVERIFY(d->hasDirect && d->reread);
    QVERIFY(d->stack);  // small: kept for the next Apply
    // Busy while loading: a second load is refused, not queued.
    DataSettings swapped;
    swapped.prep.channels = {2, 1};
    QSignalSpy loaded(&s, &AnalysisSession::loaded);
    QVERIFY(s.load(kSample, swapped, {}));
    QVERIFY(!s.load(kSample, {}, {}));
    QVERIFY(loaded.wait(60000));
    QVERIFY(!s.data()->reread);  // the mapping changed, not the pixels: the kept stack served
    QCOMPARE(s.data()->settings.prep.channels.density, 2);
    QSignalSpy done(&s, &AnalysisSession::previewFinished);
    QVERIFY(done.wait(60000));

    // Training: snapshots, then a result that currentResult() returns.
    QVERIFY(loadAndPreview(s, kSample));
    TrainingSettings t;
    t.config.steps = 3;
    QSignalSpy snapshots(&s, &AnalysisSession::snapshotReady),
        finished(&s, &AnalysisSession::trainingFinished);
    QVERIFY(s.startTraining(t));
    QVERIFY(s.isTraining() && s.isBusy());
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().at(0).toString(), QString());
    QVERIFY(snapshots.count() >= 1);
    QVERIFY(s.result() && s.result()->steps == 3);
    QCOMPARE(s.currentResult(), s.result());

    // Exported through the controller (no dialogs involved).
    QTemporaryDir dir;
    ExportController exporter(
        &s,
        [&] {
          return exporting::RunDescription{
              "test", kSample.toStdString(), {}, s.data()->settings.prep, t.params, t.config,
              2,      std::nullopt};
        },
        nullptr);
    const QStringList files = exporter.exportAll(dir.path());
    QVERIFY(files.contains(dir.filePath("lambda.tif")) &&
            files.contains(dir.filePath("summary.json")));
  }

  void cancelRefuseAndViewOnly() {
    AnalysisSession s;
    // A canceled load leaves nothing open.
    QSignalSpy canceled(&s, &AnalysisSession::loadCanceled);
    QVERIFY(s.load(kSample, {}, {}));
    s.cancelLoading();
    QVERIFY(canceled.wait(60000));
    QVERIFY(!s.data());
    // Over the memory limit: refused with the reason, nothing started.
    QVERIFY(loadAndPreview(s, kSample));
    s.setMemoryLimitMb(1);
    QSignalSpy refused(&s, &AnalysisSession::trainingRefused);
    QVERIFY(!s.startTraining({}));
    QCOMPARE(refused.count(), 1);
    QVERIFY(refused.first().at(0).toString().contains("memory"));
    QVERIFY(!s.isTraining());
    // A file that is not there: loadFailed names it.
    QSignalSpy failed(&s, &AnalysisSession::loadFailed);
    QVERIFY(s.load(QStringLiteral("/nonexistent/cell.tif"), {}, {}));
    QVERIFY(failed.wait(30000));
    QVERIFY(failed.first().at(1).toString().contains("cell.tif"));
    QCOMPARE(s.path(), kSample);  // the open data stays
  }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
