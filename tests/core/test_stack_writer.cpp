// Writing: TIFF round trips keep values and calibration, other readers (tifffile, as Fiji
// does) see ImageJ calibration, CSV/PNG map exports have the promised content, failed writes
// leave nothing behind, and `mollichrom-cli info` reports what it promises.
#include "core/io/MapExport.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/util/AtomicFile.h"
#include "tests/core/FixtureValues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using namespace mollichrom;
using namespace mollichrom::io;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Stack makeStack(int C, int Z, int T, int depth, double scale, double offset) {
  StackInfo info;
  info.width = 24;
  info.height = 16;
  info.channels = C;
  info.slices = Z;
  info.frames = T;
  info.pixelType = pixelTypeFromCvDepth(depth);
  info.calibration.pixelX = info.calibration.pixelY = 0.104;
  info.calibration.zStep = 0.3;
  info.calibration.frameInterval = 0.05;
  std::vector<cv::Mat> planes;
  for (int t = 0; t < T; ++t)
    for (int z = 0; z < Z; ++z)
      for (int c = 0; c < C; ++c) {
        cv::Mat m(16, 24, CV_64F);
        for (int y = 0; y < 16; ++y)
          for (int x = 0; x < 24; ++x)
            m.at<double>(y, x) = test::fixtureValue(t, c, z, y, x) * scale + offset;
        cv::Mat d;
        m.convertTo(d, depth);
        planes.push_back(d);
      }
  return Stack(info, planes);
}

bool samePlanes(const Stack& a, const Stack& b) {
  if (a.planes().size() != b.planes().size()) return false;
  for (size_t i = 0; i < a.planes().size(); ++i) {
    cv::Mat x, y;
    a.planes()[i].convertTo(x, CV_64F);
    b.planes()[i].convertTo(y, CV_64F);
    for (int r = 0; r < x.rows; ++r)
      for (int c = 0; c < x.cols; ++c) {
        const double u = x.at<double>(r, c), v = y.at<double>(r, c);
        if (u != v && !(std::isnan(u) && std::isnan(v))) return false;
      }
  }
  return true;
}

QJsonObject runInfoJson(const QStringList& args, int* exitCode = nullptr, QString* err = nullptr) {
  QProcess p;
  p.start(MOLLICHROM_CLI, QStringList{"info"} + args);
  p.waitForFinished(60000);
  if (exitCode) *exitCode = p.exitCode();
  if (err) *err = QString::fromUtf8(p.readAllStandardError());
  return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

}  // namespace

class TestStackWriter : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string path(const char* name) { return tmp_.filePath(name).toStdString(); }

 private Q_SLOTS:
  void roundTripKeepsValuesAndCalibration_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("compression");
    QTest::newRow("float32") << int(CV_32F) << int(TiffCompression::None);
    QTest::newRow("float32-deflate") << int(CV_32F) << int(TiffCompression::Deflate);
    QTest::newRow("uint16-lzw") << int(CV_16U) << int(TiffCompression::LZW);
    QTest::newRow("int16-packbits") << int(CV_16S) << int(TiffCompression::PackBits);
    QTest::newRow("uint8") << int(CV_8U) << int(TiffCompression::None);
    QTest::newRow("int32") << int(CV_32S) << int(TiffCompression::None);
  }
  void roundTripKeepsValuesAndCalibration() {
    QFETCH(int, depth);
    QFETCH(int, compression);
    const double scale = depth == CV_32F ? 0.37 : 1,
                 offset = (depth == CV_16S || depth == CV_32S) ? -50 : 0;
    const Stack s = makeStack(2, 3, 4, depth, scale, offset);
    const std::string file = path("roundtrip.tif");
    writeStackTiff(file, s, TiffCompression(compression));
    auto back = openStack(file);
    const StackInfo& i = back->info();
    QCOMPARE(i.channels, 2);
    QCOMPARE(i.slices, 3);
    QCOMPARE(i.frames, 4);
    QCOMPARE(int(i.pixelType), int(s.info().pixelType));
    QCOMPARE(*i.calibration.pixelX, 0.104);
    QCOMPARE(*i.calibration.zStep, 0.3);
    QCOMPARE(*i.calibration.frameInterval, 0.05);
    QVERIFY(samePlanes(s, back->load()));
  }

  void mapTiffKeepsNaN() {
    cv::Mat map(10, 12, CV_32F, cv::Scalar(0.5f));
    map.at<float>(2, 3) = std::numeric_limits<float>::quiet_NaN();
    map.at<float>(7, 11) = 3.25f;
    Calibration cal;
    cal.pixelX = cal.pixelY = 0.13;
    const std::string file = path("lambda.tif");
    writeMapTiff(file, map, cal);
    auto back = openStack(file);
    QCOMPARE(int(back->info().pixelType), int(PixelType::Float32));
    QCOMPARE(*back->info().calibration.pixelX, 0.13);
    const cv::Mat p = back->plane(0, 0);
    QVERIFY(std::isnan(p.at<float>(2, 3)));
    QCOMPARE(p.at<float>(7, 11), 3.25f);
    QCOMPARE(p.at<float>(0, 0), 0.5f);
    // The display range written for Fiji skips NaN.
    QVERIFY(readAll(file).find("min=0.5\nmax=3.25\n") != std::string::npos);
  }

  void tifffileReadsImageJCalibration() {
    // tifffile reads ImageJ hyperstacks the way Fiji does (description + resolution tags).
    const Stack s = makeStack(2, 1, 5, CV_32F, 0.25, -5);
    const std::string file = path("for_tifffile.tif");
    writeStackTiff(file, s);
    const QString script =
        "import json, sys, tifffile\n"
        "with tifffile.TiffFile(sys.argv[1]) as t:\n"
        "    s = t.series[0]; a = s.asarray(); ij = t.imagej_metadata\n"
        "    xr = t.pages[0].tags['XResolution'].value\n"
        "    print(json.dumps({'imagej': t.is_imagej, 'axes': s.axes, 'shape': list(a.shape), "
        "'dtype': str(a.dtype),\n"
        "        'pixel': xr[1] / xr[0], 'unit': ij.get('unit'), 'finterval': "
        "ij.get('finterval'),\n"
        "        'v': float(a[3, 1, 5, 7]), 'sum': float(a.sum())}))\n";
    QProcess py;
    py.start("/usr/bin/python3", {"-c", script, QString::fromStdString(file)});
    QVERIFY(py.waitForFinished(60000));
    QVERIFY2(py.exitCode() == 0,
             qPrintable("python3 + tifffile (Debian python3-tifffile, installed by "
                        "scripts/install-deps.sh) failed: " +
                        py.readAllStandardError()));
    const QJsonObject o = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
    QVERIFY(o["imagej"].toBool());
    QCOMPARE(o["axes"].toString(), QString("TCYX"));
    QCOMPARE(o["shape"].toArray(), (QJsonArray{5, 2, 16, 24}));
    QCOMPARE(o["dtype"].toString(), QString("float32"));
    QVERIFY(std::abs(o["pixel"].toDouble() - 0.104) < 1e-6);
    QCOMPARE(o["unit"].toString(), QString("micron"));
    QCOMPARE(o["finterval"].toDouble(), 0.05);
    QCOMPARE(o["v"].toDouble(), test::fixtureValue(3, 1, 0, 5, 7) * 0.25 - 5);
    double sum = 0;
    for (const cv::Mat& p : s.planes()) sum += cv::sum(p)[0];
    QVERIFY(std::abs(o["sum"].toDouble() - sum) < 1e-3);
  }

  void failedWriteLeavesTargetAndNoTemporaries() {
    const std::string file = path("keep.tif");
    util::writeFileAtomically(file, "previous version");
    TiffWriteOptions bad;
    bad.frames = 3;  // but only one plane given
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             writeTiff(file, {cv::Mat(4, 4, CV_32F, cv::Scalar(1))}, bad));
    QCOMPARE(readAll(file), std::string("previous version"));
    {
      util::AtomicFileTarget target(file);
      std::ofstream(target.tempPath()) << "half written";
      // destroyed without commit(): an interrupted export
    }
    QCOMPARE(readAll(file), std::string("previous version"));
    QCOMPARE(QDir(tmp_.path()).entryList({"keep.tif*"}, QDir::Files).size(), 1);
    try {
      writeMapTiff(path("no/such/folder/map.tif"), cv::Mat(4, 4, CV_32F), {});
      QFAIL("wrote into a missing folder");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("no/such/folder/map.tif") != std::string::npos, e.what());
    }
  }

  void csvHasCalibratedCoordinates() {
    cv::Mat map = (cv::Mat_<float>(2, 3) << 1.5f, 2.f, std::numeric_limits<float>::quiet_NaN(), 4.f,
                   5.f, 6.25f);
    Calibration cal;
    cal.pixelX = 0.5;
    cal.pixelY = 0.25;
    const std::string file = path("lambda.csv");
    writeMapCsv(file, map, cal, "lambda");
    QCOMPARE(
        readAll(file),
        std::string(
            "x_um,y_um,lambda\n0,0,1.5\n0.5,0,2\n1,0,NaN\n0,0.25,4\n0.5,0.25,5\n1,0.25,6.25\n"));
  }

  void pngHasColourBarScaleBarAndTransparentNaN() {
    cv::Mat map(40, 60, CV_32F);
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 60; ++x) map.at<float>(y, x) = float(x) / 59.f;
    map(cv::Rect(0, 0, 10, 10)).setTo(std::numeric_limits<float>::quiet_NaN());
    Calibration cal;
    cal.pixelX = cal.pixelY = 0.1;  // 6 µm wide: scale bar 1 µm
    QCOMPARE(niceScaleBarLength(6.0), 1.0);
    QCOMPARE(niceScaleBarLength(60.0), 10.0);
    QCOMPARE(niceScaleBarLength(13.0), 2.0);
    MapFigureOptions o;
    o.min = 0;
    o.max = 1;
    o.title = "lambda";
    const std::string file = path("lambda.png");
    writeMapPng(file, map, cal, o);
    const cv::Mat img = cv::imread(file, cv::IMREAD_UNCHANGED);
    QCOMPARE(img.channels(), 4);
    const int scale = (384 + 59) / 60;                       // the map is enlarged to >= 384 px: 7x
    const int mx = 16, my = 28;                              // margin, title height
    QCOMPARE(int(img.at<cv::Vec4b>(my + 2, mx + 2)[3]), 0);  // NaN: transparent
    const cv::Vec4b left = img.at<cv::Vec4b>(my + 20 * scale, mx + 12 * scale);
    const cv::Vec4b right = img.at<cv::Vec4b>(my + 20 * scale, mx + 58 * scale);
    QCOMPARE(int(left[3]), 255);
    // viridis: low end dark purple-blue, high end yellow (BGR order).
    QVERIFY(right[1] > 200 && right[2] > 200 && right[0] < 100);
    QVERIFY(left[2] < 100);
    // Colour bar to the right of the map: yellow at the top, dark at the bottom.
    const int barX = mx + 60 * scale + 16 + 11, mh = 40 * scale;
    const cv::Vec4b top = img.at<cv::Vec4b>(my + 3, barX),
                    bottom = img.at<cv::Vec4b>(my + mh - 3, barX);
    QVERIFY(top[1] > 200 && top[2] > 200);
    QVERIFY(bottom[1] < 60);
    // Scale bar: 1 µm = 10 px of data = 70 screen px of white, 14 px above the map's bottom.
    const int sbY = my + mh - 14 + 2;
    int white = 0;
    for (int x = 0; x < img.cols; ++x) {
      const cv::Vec4b p = img.at<cv::Vec4b>(sbY, x);
      if (p[0] == 255 && p[1] == 255 && p[2] == 255 && x >= mx && x < mx + 60 * scale) ++white;
    }
    QCOMPARE(white, 10 * scale);
  }

  void cliInfoJson() {
    const QString file = QString(MOLLICHROM_TEST_DATA) + "/io/u16_imagej_tczyx.tif";
    int code = -1;
    const QJsonObject o = runInfoJson({file, "--json", "--stats"}, &code);
    QCOMPARE(code, 0);
    QCOMPARE(o["width"].toInt(), 24);
    QCOMPARE(o["height"].toInt(), 16);
    QCOMPARE(o["channels"].toInt(), 2);
    QCOMPARE(o["slices"].toInt(), 3);
    QCOMPARE(o["frames"].toInt(), 4);
    QCOMPARE(o["dtype"].toString(), QString("uint16"));
    QCOMPARE(o["axes"].toString(), QString("TCZYX"));
    QCOMPARE(o["pixel_size_um"].toDouble(), 0.104);
    QCOMPARE(o["frame_interval_s"].toDouble(), 2.5);
    QCOMPARE(o["calibration_source"].toString(), QString("imagej"));
    QCOMPARE(o["bytes"].toDouble(), 24.0 * 16 * 24 * 2);
    const QJsonArray stats = o["stats"].toArray();
    QCOMPARE(stats.size(), 2);
    // Channel 2 (c = 1): min at t=z=x=y=0, max at the far corner of the last plane.
    const QJsonObject c2 = stats[1].toObject();
    QCOMPARE(c2["channel"].toInt(), 2);
    QCOMPARE(c2["min"].toDouble(), test::fixtureValue(0, 1, 0, 0, 0));
    QCOMPARE(c2["max"].toDouble(), test::fixtureValue(3, 1, 2, 15, 23));
    double sum = 0;
    for (int t = 0; t < 4; ++t)
      for (int z = 0; z < 3; ++z)
        for (int y = 0; y < 16; ++y)
          for (int x = 0; x < 24; ++x) sum += test::fixtureValue(t, 1, z, y, x);
    QVERIFY(std::abs(c2["mean"].toDouble() - sum / (4 * 3 * 16 * 24)) < 1e-9);
    // Anisotropic pixels come as [x, y]; unknown calibration as null.
    const QJsonObject a =
        runInfoJson({QString(MOLLICHROM_TEST_DATA) + "/io/i16_imagej_aniso.tif", "--json"});
    QCOMPARE(a["pixel_size_um"].toArray(), (QJsonArray{0.2, 0.25}));
    const QJsonObject u =
        runInfoJson({QString(MOLLICHROM_TEST_DATA) + "/io/u8_plain_3pages.tif", "--json"});
    QVERIFY(u["pixel_size_um"].isNull());
    QCOMPARE(u["calibration_source"].toString(), QString("default"));
  }

  void cliInfoBadInputExit3() {
    for (const char* f : {"bad_truncated.tif", "bad_random.tif", "does_not_exist.tif"}) {
      int code = -1;
      QString err;
      runInfoJson({QString(MOLLICHROM_TEST_DATA) + "/io/" + f, "--json"}, &code, &err);
      QCOMPARE(code, 3);
      QVERIFY2(err.contains(f), qPrintable(err));
      QCOMPARE(err.trimmed().count('\n'), 0);  // one line
    }
    int code = -1;
    runInfoJson({}, &code);
    QCOMPARE(code, 2);
    runInfoJson({"x.tif", "--pages-as", "depth"}, &code);
    QCOMPARE(code, 2);
  }
};

QTEST_GUILESS_MAIN(TestStackWriter)
#include "test_stack_writer.moc"
