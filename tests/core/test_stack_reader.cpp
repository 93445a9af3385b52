// Stack reading: every committed fixture (tests/data/io, made by tests/data/make_fixtures.sh)
// is opened and checked for size, type, axes, calibration and every pixel value; every
// malformed fixture must give a StackError that names the file and the problem.
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/util/Feedback.h"
#include "tests/core/FixtureValues.h"

#include <QProcess>
#include <QtTest>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <random>

using namespace mollichrom;
using namespace mollichrom::io;
using mollichrom::test::fixtureValue;

namespace {

std::string fixture(const std::string& name) {
  return std::string(MOLLICHROM_TEST_DATA) + "/io/" + name;
}

struct Expect {
  int channels, slices, frames;
  PixelType type;
  std::string axes;
  StackFormat format;
  double offset = 0, scale = 1;
};

// Compares every pixel of the loaded stack with fixtureValue().
void checkPixels(const Stack& s, const Expect& e, const std::string& file) {
  const StackInfo& i = s.info();
  for (int t = 0; t < i.frames; ++t)
    for (int z = 0; z < i.slices; ++z)
      for (int c = 0; c < i.channels; ++c) {
        cv::Mat d;
        s.plane(t, c, z).convertTo(d, CV_64F);
        for (int y = 0; y < d.rows; ++y)
          for (int x = 0; x < d.cols; ++x) {
            const double want = fixtureValue(t, c, z, y, x) * e.scale + e.offset;
            if (d.at<double>(y, x) != want)
              QFAIL(qPrintable(QString("%1: pixel (t=%2 c=%3 z=%4 y=%5 x=%6) is %7, expected %8")
                                   .arg(QString::fromStdString(file))
                                   .arg(t)
                                   .arg(c)
                                   .arg(z)
                                   .arg(y)
                                   .arg(x)
                                   .arg(d.at<double>(y, x), 0, 'g', 12)
                                   .arg(want, 0, 'g', 12)));
          }
      }
}

// Expects a StackError whose message names `file` and contains `needle`.
void expectError(const std::string& file, const std::string& needle, const OpenOptions& o = {}) {
  try {
    auto src = openStack(file, o);
    src->load();
    QFAIL(qPrintable(QString::fromStdString(file + ": opened without error")));
  } catch (const StackError& e) {
    const std::string msg = e.what();
    QVERIFY2(msg.find(file) != std::string::npos, msg.c_str());
    QVERIFY2(msg.find(needle) != std::string::npos, (msg + "  [expected: " + needle + "]").c_str());
    QVERIFY2(msg.find('\n') == std::string::npos, msg.c_str());
  }
}

}  // namespace

class TestStackReader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void readsFixture_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("slices");
    QTest::addColumn<int>("frames");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("axes");
    QTest::addColumn<int>("format");
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("scale");
    auto row = [](const char* f, int c, int z, int t, PixelType ty, const char* axes,
                  StackFormat fmt, double off = 0, double sc = 1) {
      QTest::newRow(f) << QString(f) << c << z << t << int(ty) << QString(axes) << int(fmt) << off
                       << sc;
    };
    using P = PixelType;
    using F = StackFormat;
    row("u8_plain_3pages.tif", 1, 1, 3, P::UInt8, "TYX", F::PlainTiff);
    row("u16_plain_2pages.tif", 1, 1, 2, P::UInt16, "TYX", F::PlainTiff);
    row("u32_plain.tif", 1, 1, 2, P::UInt32, "TYX", F::PlainTiff, 3.0e9);
    row("i32_plain.tif", 1, 1, 2, P::Int32, "TYX", F::PlainTiff, -60);
    row("i16_imagej_aniso.tif", 1, 1, 2, P::Int16, "TYX", F::ImageJ, -60);
    for (const char* f :
         {"u16_imagej_tczyx.tif", "u16_imagej_bigendian.tif", "u16_tiffcp_bigendian.tif",
          "u16_lzw.tif", "u16_lzw_predictor.tif", "u16_deflate.tif", "u16_packbits.tif",
          "u16_strips3.tif", "u16_strips3_lzw.tif"})
      row(f, 2, 3, 4, P::UInt16, "TCZYX", F::ImageJ);
    for (const char* f : {"f32_imagej_2ch.tif", "f32_imagej_bigtiff.tif", "f32_tiffcp_bigtiff.tif",
                          "f32_tiled.tif", "f32_tiled_deflate_be.tif"})
      row(f, 2, 1, 5, P::Float32, "TCYX", F::ImageJ, -5, 0.25);
    row("u16_imagej_contiguous.tif", 1, 1, 6, P::UInt16, "TYX", F::ImageJ);
    for (const char* f : {"rgb_u8.tif", "rgb_planar.tif", "rgb_tiled_lzw.tif"})
      row(f, 3, 1, 2, P::UInt8, "TCYX", F::PlainTiff);
    row("u16_2samples.tif", 2, 1, 1, P::UInt16, "CYX", F::PlainTiff);
    row("u16_4samples_planar.tif", 4, 1, 1, P::UInt16, "CYX", F::PlainTiff);
    row("ome_XYCZT.ome.tif", 2, 2, 3, P::UInt16, "TCZYX", F::OmeTiff);
    row("ome_XYTZC.ome.tif", 2, 2, 3, P::UInt16, "TCZYX", F::OmeTiff);
    row("series", 1, 1, 11, P::UInt16, "TYX", F::ImageFolder);
    row("png_series", 3, 1, 3, P::UInt8, "TCYX", F::ImageFolder);
    row("png_named.tif", 1, 1, 1, P::UInt16, "YX", F::ImageFolder);
  }

  void readsFixture() {
    QFETCH(QString, file);
    QFETCH(int, channels);
    QFETCH(int, slices);
    QFETCH(int, frames);
    QFETCH(int, type);
    QFETCH(QString, axes);
    QFETCH(int, format);
    QFETCH(double, offset);
    QFETCH(double, scale);
    const std::string path = fixture(file.toStdString());
    auto src = openStack(path);
    const StackInfo& i = src->info();
    QCOMPARE(i.width, test::kFixtureWidth);
    QCOMPARE(i.height, test::kFixtureHeight);
    QCOMPARE(i.channels, channels);
    QCOMPARE(i.slices, slices);
    QCOMPARE(i.frames, frames);
    QCOMPARE(int(i.pixelType), type);
    QCOMPARE(QString::fromStdString(i.axes()), axes);
    QCOMPARE(int(i.format), format);
    const Expect e{
        channels, slices, frames, PixelType(type), axes.toStdString(), StackFormat(format),
        offset,   scale};
    checkPixels(src->load(), e, path);
    // Random access through the cache gives the same planes, in any order.
    const int t = frames - 1, c = channels - 1, z = slices - 1;
    cv::Mat p;
    src->plane(t, c, z).convertTo(p, CV_64F);
    QCOMPARE(p.at<double>(5, 7), fixtureValue(t, c, z, 5, 7) * scale + offset);
    src->plane(0, 0, 0).convertTo(p, CV_64F);
    QCOMPARE(p.at<double>(15, 23), fixtureValue(0, 0, 0, 15, 23) * scale + offset);
  }

  void imagejCalibration() {
    auto src = openStack(fixture("u16_imagej_tczyx.tif"));
    const Calibration& c = src->info().calibration;
    QCOMPARE(*c.pixelX, 0.104);
    QCOMPARE(*c.pixelY, 0.104);
    QCOMPARE(*c.zStep, 0.5);
    QCOMPARE(*c.frameInterval, 2.5);
    QCOMPARE(int(c.pixelSource), int(CalibrationSource::ImageJ));
    QCOMPARE(int(c.zSource), int(CalibrationSource::ImageJ));
    QCOMPARE(int(c.timeSource), int(CalibrationSource::ImageJ));
    // Compression, tiling, byte order and BigTIFF keep the calibration.
    for (const char* f : {"u16_lzw.tif", "u16_tiffcp_bigendian.tif"})
      QCOMPARE(*openStack(fixture(f))->info().calibration.pixelX, 0.104);
    for (const char* f : {"f32_tiled_deflate_be.tif", "f32_tiffcp_bigtiff.tif"}) {
      auto s = openStack(fixture(f));
      QCOMPARE(*s->info().calibration.frameInterval, 0.05);
      QCOMPARE(*s->info().calibration.pixelX, 0.104);
    }
    QVERIFY(openStack(fixture("f32_imagej_bigtiff.tif"))->info().bigTiff);
    auto aniso = openStack(fixture("i16_imagej_aniso.tif"));
    QCOMPARE(*aniso->info().calibration.pixelX, 0.2);
    QCOMPARE(*aniso->info().calibration.pixelY, 0.25);
    QCOMPARE(*openStack(fixture("series"))->info().calibration.pixelX, 0.25);
  }

  void omeCalibrationConvertsUnits() {
    auto src = openStack(fixture("ome_XYTZC.ome.tif"));
    const Calibration& c = src->info().calibration;
    QVERIFY(std::abs(*c.pixelX - 0.104) < 1e-12);  // 104 nm
    QVERIFY(std::abs(*c.zStep - 0.75) < 1e-12);
    QVERIFY(std::abs(*c.frameInterval - 0.5) < 1e-12);  // 500 ms
    QCOMPARE(int(c.pixelSource), int(CalibrationSource::OME));
  }

  void uncalibratedIsUnknown() {
    auto src = openStack(fixture("u8_plain_3pages.tif"));
    QVERIFY(!src->info().calibration.pixelX);
    QVERIFY(!src->info().calibration.frameInterval);
    QCOMPARE(int(src->info().calibration.pixelSource), int(CalibrationSource::Default));
    QVERIFY(src->info().note.find("time frames") != std::string::npos);
  }

  void plainPagesOverride() {
    OpenOptions o;
    o.plainPagesAs = PageAxis::Slices;
    auto z = openStack(fixture("u8_plain_3pages.tif"), o);
    QCOMPARE(z->info().slices, 3);
    QCOMPARE(z->info().frames, 1);
    QCOMPARE(QString::fromStdString(z->info().axes()), QString("ZYX"));
    cv::Mat p;
    z->plane(0, 0, 2).convertTo(p, CV_64F);
    QCOMPARE(p.at<double>(0, 0), fixtureValue(2, 0, 0, 0, 0));  // page 3
    o.plainPagesAs = PageAxis::Channels;
    QCOMPARE(openStack(fixture("u8_plain_3pages.tif"), o)->info().channels, 3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parsePageAxis("depth"));
  }

  void loadsCropRangeAndBinning() {
    auto src = openStack(fixture("u16_imagej_tczyx.tif"));
    LoadOptions o;
    o.crop = cv::Rect(4, 2, 16, 12);
    o.firstFrame = 1;
    o.lastFrame = 2;
    Stack s = src->load(o);
    QCOMPARE(s.info().width, 16);
    QCOMPARE(s.info().height, 12);
    QCOMPARE(s.info().frames, 2);
    QCOMPARE(int(s.plane(0, 1, 2).at<std::uint16_t>(0, 0)), int(fixtureValue(1, 1, 2, 2, 4)));
    QCOMPARE(int(s.plane(1, 0, 0).at<std::uint16_t>(11, 15)), int(fixtureValue(2, 0, 0, 13, 19)));
    o.binning = 2;
    Stack b = src->load(o);
    QCOMPARE(b.info().width, 8);
    QCOMPARE(b.info().height, 6);
    QCOMPARE(*b.info().calibration.pixelX, 0.208);
    // Mean of the 2x2 block at (y 2..3, x 4..5), rounded as OpenCV rounds (half to even).
    const double block = (fixtureValue(1, 0, 0, 2, 4) + fixtureValue(1, 0, 0, 2, 5) +
                          fixtureValue(1, 0, 0, 3, 4) + fixtureValue(1, 0, 0, 3, 5)) /
                         4.0;
    QCOMPARE(int(b.plane(0, 0, 0).at<std::uint16_t>(0, 0)), cvRound(block));
    QCOMPARE(src->estimateBytes(o), std::uint64_t(8 * 6 * 2 * 3 * 2 * 2));
  }

  void badLoadOptionsNameTheProblem() {
    auto src = openStack(fixture("u16_imagej_tczyx.tif"));
    LoadOptions o;
    o.firstFrame = 3;
    o.lastFrame = 9;
    QVERIFY_THROWS_EXCEPTION(StackError, src->load(o));
    o = {};
    o.crop = cv::Rect(20, 0, 10, 10);
    try {
      src->load(o);
      QFAIL("crop outside accepted");
    } catch (const StackError& e) {
      QVERIFY(std::string(e.what()).find("outside") != std::string::npos);
    }
    o = {};
    o.binning = 0;
    QVERIFY_THROWS_EXCEPTION(StackError, src->load(o));
  }

  void memoryLimitOffersAlternatives() {
    auto src = openStack(fixture("u16_imagej_tczyx.tif"));
    LoadOptions o;
    o.memoryLimit = 10'000;  // the stack needs 24*16*24*2 = 18432 bytes
    try {
      src->load(o);
      QFAIL("loaded over the memory limit");
    } catch (const StackTooLargeError& e) {
      const std::string msg = e.what();
      QCOMPARE(e.neededBytes(), std::uint64_t(18432));
      QCOMPARE(e.limitBytes(), std::uint64_t(10000));
      for (const char* word :
           {"memory limit", "frame range", "crop", "bin 2x2", "u16_imagej_tczyx.tif"})
        QVERIFY2(msg.find(word) != std::string::npos, msg.c_str());
    }
    o.binning = 2;  // the offered alternative fits
    QCOMPARE(src->load(o).info().width, 12);
    QVERIFY(defaultMemoryLimit() > (std::uint64_t(256) << 20));
  }

  void cacheIsBounded() {
    OpenOptions o;
    o.cacheBytes = 3 * 24 * 16 * 2;  // three uint16 planes
    auto src = openStack(fixture("u16_imagej_tczyx.tif"), o);
    for (int t = 0; t < 4; ++t)
      for (int c = 0; c < 2; ++c) {
        cv::Mat p = src->plane(t, c, 1);
        QCOMPARE(int(p.at<std::uint16_t>(3, 3)), int(fixtureValue(t, c, 1, 3, 3)));
      }
    // Evicted and re-decoded planes are still right.
    QCOMPARE(int(src->plane(0, 0, 1).at<std::uint16_t>(3, 3)), int(fixtureValue(0, 0, 1, 3, 3)));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, src->plane(4, 0, 0));
  }

  void loadReportsProgressAndCancels() {
    auto src = openStack(fixture("u16_imagej_tczyx.tif"));
    util::Feedback fb;
    int calls = 0;
    double last = 0;
    bool monotonic = true;
    fb.setObserver([&](double f, const std::string&) {
      ++calls;
      monotonic = monotonic && f >= last;
      last = f;
    });
    src->load({}, &fb);
    QVERIFY(calls >= 1);
    QVERIFY(monotonic);
    QCOMPARE(last, 1.0);
    // The decode path (compressed pages) reports once per plane.
    calls = 0;
    last = 0;
    openStack(fixture("u16_lzw.tif"))->load({}, &fb);
    QCOMPARE(calls, 24);
    QCOMPARE(last, 1.0);
    util::Feedback canceled;
    canceled.cancel();
    QVERIFY_THROWS_EXCEPTION(util::Canceled, src->load({}, &canceled));
  }

  void rejectsBadInput_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("problem");
    auto row = [](const char* f, const char* p) { QTest::newRow(f) << QString(f) << QString(p); };
    row("bad_empty.tif", "the file is empty");
    row("bad_header_only.tif", "truncated");
    row("bad_truncated.tif", "truncated");
    row("bad_truncated_ifd.tif", "truncated after page 15");
    row("bad_random.tif", "not a TIFF file");
    row("bad_random_tiff_header.tif", "truncated or corrupt");
    row("bad_text.tif", "not a TIFF file");
    row("bad_corrupt_ifd.tif", "not a readable TIFF");
    row("bad_mixed_sizes.tif", "page 4 is 20x20");
    row("bad_mixed_types.tif", "page 4 is 24x16, 16-bit");
    row("bad_absurd_size.tif", "implausible image size 1000000 x 1000000");
    row("bad_complex.tif", "complex samples are not supported");
    row("f64_plain.tif", "64-bit samples are not supported");
    row("bad_imagej_count.tif", "declares 50 images but the file holds 3 pages");
    row("bad_ome_malformed.ome.tif", "OME-XML is malformed");
    row("bad_series", "the images of a series must match");
    row("does_not_exist.tif", "no such file");
  }

  void rejectsBadInput() {
    QFETCH(QString, file);
    QFETCH(QString, problem);
    const std::string path = fixture(file.toStdString());
    if (file == "bad_series") {
      // The error names the offending image inside the folder.
      try {
        openStack(path);
        QFAIL("opened");
      } catch (const StackError& e) {
        QVERIFY2(std::string(e.what()).find("a_2.tif") != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find(problem.toStdString()) != std::string::npos, e.what());
      }
      return;
    }
    expectError(path, problem.toStdString());
  }

  void rejectsFromMemoryWithoutCrashing() {
    // The fuzzer's entry point: the same checks on bytes in memory.
    std::ifstream in(fixture("bad_corrupt_ifd.tif"), std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    QVERIFY_THROWS_EXCEPTION(StackError, openStackFromMemory(bytes, "mem.tif"));
    std::ifstream good(fixture("u16_lzw.tif"), std::ios::binary);
    std::vector<std::uint8_t> g((std::istreambuf_iterator<char>(good)), {});
    auto src = openStackFromMemory(g, "mem.tif");
    QCOMPARE(int(src->plane(3, 1, 2).at<std::uint16_t>(4, 4)), int(fixtureValue(3, 1, 2, 4, 4)));
  }

  void survivesMutatedFiles() {
    // A deterministic mini-fuzz on top of the libFuzzer runs (scripts/fuzz.sh): byte flips and
    // truncations of real fixtures, plus any reproducer committed under tests/data/io/fuzz.
    // Each must open and decode, or raise StackError; anything else fails (or crashes) the test.
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> inputs;
    auto readFile = [](const std::string& f) {
      std::ifstream in(f, std::ios::binary);
      return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), {});
    };
    std::mt19937 rng(7);
    for (const char* f :
         {"u16_lzw.tif", "f32_tiled_deflate_be.tif", "ome_XYTZC.ome.tif", "rgb_planar.tif",
          "u16_imagej_contiguous.tif", "f32_imagej_bigtiff.tif"}) {
      const auto base = readFile(fixture(f));
      for (int k = 0; k < 300; ++k) {
        auto m = base;
        const int flips = 1 + int(rng() % 4);
        for (int i = 0; i < flips; ++i) m[rng() % m.size()] = std::uint8_t(rng());
        if (k % 5 == 0) m.resize(rng() % m.size());
        inputs.emplace_back(std::string(f) + " mutation " + std::to_string(k), m);
      }
    }
    const QDir repro(QString::fromStdString(fixture("fuzz")));
    for (const QString& f : repro.entryList(QDir::Files))
      inputs.emplace_back(f.toStdString(), readFile(repro.filePath(f).toStdString()));
    int opened = 0, rejected = 0;
    for (auto& [name, bytes] : inputs) {
      try {
        OpenOptions o;
        o.maxPlaneBytes = 64u << 20;
        auto src = openStackFromMemory(bytes, name, o);
        for (int t = 0; t < std::min(src->info().frames, 3); ++t) src->plane(t, 0, 0);
        ++opened;
      } catch (const StackError&) {
        ++rejected;
      }
    }
    qInfo("%d mutated inputs: %d opened, %d rejected with StackError", int(inputs.size()), opened,
          rejected);
    QVERIFY(opened > 0 && rejected > 0);
  }

  void emptyFolderAndUnreadableFile() {
    QTemporaryDir dir;
    expectError(dir.path().toStdString(), "holds no readable");
    const std::string locked = dir.filePath("locked.tif").toStdString();
    QFile::copy(QString::fromStdString(fixture("u8_plain_3pages.tif")),
                QString::fromStdString(locked));
    QFile::setPermissions(QString::fromStdString(locked), QFileDevice::Permissions());
    if (::geteuid() != 0) {
      expectError(locked, "permission denied");
      return;
    }
    // Root reads any file: run the CLI as root without the capabilities that override file
    // permissions (setpriv). Not as another user: the build folder of a clone in a private
    // home or a `mktemp -d` folder is not reachable by them.
    QProcess p;
    p.start("setpriv", {"--bounding-set", "-dac_override,-dac_read_search", "--", MOLLICHROM_CLI,
                        "info", QString::fromStdString(locked)});
    QVERIFY(p.waitForFinished(30000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(p.exitCode() == 3, qPrintable(err));
    QVERIFY2(err.contains("permission denied") && err.contains("locked.tif"), qPrintable(err));
  }
};

QTEST_GUILESS_MAIN(TestStackReader)
#include "test_stack_reader.moc"
