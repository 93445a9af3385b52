// Writes the base TIFF/PNG fixtures of tests/data/io with Mollichrom's own writer (and a few
// hand-made malformed files). tests/data/make_fixtures.sh derives the other variants from these
// with libtiff's tiffcp/tiffset. Pixel values follow fixtureValue() (tests/core/FixtureValues.h),
// so the reader tests can check every pixel.
#include "core/io/OmeMetadata.h"
#include "core/io/TiffWriter.h"
#include "tests/core/FixtureValues.h"

#include <opencv2/imgcodecs.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

using namespace mollichrom;
using mollichrom::test::fixtureValue;

namespace {

std::string dir;

// planes in (t, z, c) order, c fastest, for a C x Z x T stack of `depth`.
std::vector<cv::Mat> planes(int C, int Z, int T, int depth, double offset = 0, double scale = 1,
                            int w = test::kFixtureWidth, int h = test::kFixtureHeight) {
  std::vector<cv::Mat> out;
  for (int t = 0; t < T; ++t)
    for (int z = 0; z < Z; ++z)
      for (int c = 0; c < C; ++c) {
        cv::Mat m(h, w, CV_64F);
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x)
            m.at<double>(y, x) = fixtureValue(t, c, z, y, x) * scale + offset;
        cv::Mat d;
        m.convertTo(d, depth);
        out.push_back(d);
      }
  return out;
}

io::TiffWriteOptions shape(int C, int Z, int T) {
  io::TiffWriteOptions o;
  o.channels = C;
  o.slices = Z;
  o.frames = T;
  return o;
}

void write(const std::string& name, const std::vector<cv::Mat>& p, const io::TiffWriteOptions& o) {
  io::writeTiff(dir + "/" + name, p, o);
  std::cout << "  " << name << "\n";
}

void writeBytes(const std::string& name, const std::string& bytes) {
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  std::cout << "  " << name << "\n";
}

// A classic little-endian ImageJ-style TIFF laid out as ImageJ writes it (header, IFD, then the
// pixels of all 4 frames contiguously) and cut in the middle of the third frame: the metadata is
// intact, the pixel data is not. libtiff's writer puts IFDs after the data, hence by hand.
std::string truncatedImageJFile() {
  const int w = test::kFixtureWidth, h = test::kFixtureHeight, frames = 4;
  const std::string desc = "ImageJ=1.54f\nimages=4\nframes=4\n";
  std::string b("II*\0", 4);
  auto u16 = [&](unsigned v) {
    b += char(v & 0xff);
    b += char(v >> 8);
  };
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b += char((v >> (8 * i)) & 0xff);
  };
  const std::uint32_t entries = 9, ifd = 8, descOff = ifd + 2 + entries * 12 + 4;
  const std::uint32_t dataOff = descOff + static_cast<std::uint32_t>(desc.size()) + 1;
  u32(ifd);
  u16(entries);
  auto entry = [&](unsigned tag, unsigned type, std::uint32_t count, std::uint32_t value) {
    u16(tag);
    u16(type);
    u32(count);
    u32(value);
  };
  entry(254, 4, 1, 0);                                                  // NewSubfileType
  entry(256, 4, 1, w);                                                  // ImageWidth
  entry(257, 4, 1, h);                                                  // ImageLength
  entry(258, 3, 1, 16);                                                 // BitsPerSample
  entry(262, 3, 1, 1);                                                  // Photometric: min-is-black
  entry(270, 2, static_cast<std::uint32_t>(desc.size()) + 1, descOff);  // ImageDescription
  entry(273, 4, 1, dataOff);                                            // StripOffsets
  entry(278, 4, 1, h);                                                  // RowsPerStrip
  entry(279, 4, 1, w * h * 2);  // StripByteCounts (first plane, as ImageJ writes)
  u32(0);                       // no next IFD
  b += desc;
  b += '\0';
  for (int t = 0; t < frames; ++t)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) u16(static_cast<unsigned>(fixtureValue(t, 0, 0, y, x)));
  b.resize(dataOff + static_cast<size_t>(w * h * 2) * 5 / 2);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fixtures OUTDIR\n";
    return 2;
  }
  dir = argv[1];
  std::cout << "make_fixtures: writing to " << dir << "\n";

  // Plain multi-page files, no metadata.
  {
    auto o = shape(1, 1, 3);
    o.imagejMetadata = false;
    write("u8_plain_3pages.tif", planes(1, 1, 3, CV_8U), o);
  }
  {
    auto o = shape(1, 1, 2);
    o.imagejMetadata = false;
    write("u16_plain_2pages.tif", planes(1, 1, 2, CV_16U), o);
  }
  {
    auto o = shape(1, 1, 1);
    o.imagejMetadata = false;
    write("u8_other_size.tif", planes(1, 1, 1, CV_8U, 0, 1, 20, 20), o);
  }
  // uint32 beyond 2^31 (OpenCV has no unsigned 32-bit type: written from CV_32S bits).
  {
    auto p = planes(1, 1, 2, CV_64F, 3.0e9);
    std::vector<cv::Mat> bits;
    for (auto& m : p) {
      cv::Mat u(m.rows, m.cols, CV_32S);
      for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
          const auto v = static_cast<std::uint32_t>(m.at<double>(y, x));
          std::memcpy(&u.at<int>(y, x), &v, 4);
        }
      bits.push_back(u);
    }
    auto o = shape(1, 1, 2);
    o.imagejMetadata = false;
    o.sampleFormat = 1;  // SAMPLEFORMAT_UINT: the CV_32S planes hold uint32 bits
    write("u32_plain.tif", bits, o);
  }
  {
    auto o = shape(1, 1, 2);
    o.imagejMetadata = false;
    write("i32_plain.tif", planes(1, 1, 2, CV_32S, -60), o);
  }

  // ImageJ hyperstacks.
  {
    auto o = shape(2, 3, 4);
    o.calibration.pixelX = o.calibration.pixelY = 0.104;
    o.calibration.zStep = 0.5;
    o.calibration.frameInterval = 2.5;
    write("u16_imagej_tczyx.tif", planes(2, 3, 4, CV_16U), o);
    o.bigEndian = true;
    write("u16_imagej_bigendian.tif", planes(2, 3, 4, CV_16U), o);
  }
  {
    auto o = shape(1, 1, 2);
    o.calibration.pixelX = 0.2;
    o.calibration.pixelY = 0.25;
    write("i16_imagej_aniso.tif", planes(1, 1, 2, CV_16S, -60), o);
  }
  {
    auto o = shape(2, 1, 5);
    o.calibration.pixelX = o.calibration.pixelY = 0.104;
    o.calibration.frameInterval = 0.05;
    write("f32_imagej_2ch.tif", planes(2, 1, 5, CV_32F, -5, 0.25), o);
    o.bigTiff = true;
    write("f32_imagej_bigtiff.tif", planes(2, 1, 5, CV_32F, -5, 0.25), o);
  }
  {
    auto o = shape(1, 1, 6);
    o.imagejContiguous = true;
    o.calibration.pixelX = o.calibration.pixelY = 0.5;
    write("u16_imagej_contiguous.tif", planes(1, 1, 6, CV_16U), o);
  }
  // Samples per pixel: RGB interleaved, 2 and 4 samples planar.
  {
    auto o = shape(3, 1, 2);
    o.samplesPerPixel = 3;
    o.imagejMetadata = false;
    write("rgb_u8.tif", planes(3, 1, 2, CV_8U), o);
  }
  {
    auto o = shape(2, 1, 1);
    o.samplesPerPixel = 2;
    o.imagejMetadata = false;
    write("u16_2samples.tif", planes(2, 1, 1, CV_16U), o);
  }
  {
    auto o = shape(4, 1, 1);
    o.samplesPerPixel = 4;
    o.planarSeparate = true;
    o.imagejMetadata = false;
    write("u16_4samples_planar.tif", planes(4, 1, 1, CV_16U), o);
  }

  // OME-TIFF: planes stored in the declared DimensionOrder; physical sizes in nm, time in ms.
  for (const std::string order : {"XYCZT", "XYTZC"}) {
    const int C = 2, Z = 2, T = 3;
    io::OmeMetadata m;
    m.dimensionOrder = order;
    m.sizeX = test::kFixtureWidth;
    m.sizeY = test::kFixtureHeight;
    m.sizeC = C;
    m.sizeZ = Z;
    m.sizeT = T;
    m.type = "uint16";
    std::string xml = io::formatOmeXml(m);
    // Units other than µm, to check the conversion: 104 nm, 0.75 µm, 500 ms.
    const std::string attrs = "\" SizeT=\"" + std::to_string(T) + "\"";
    xml.replace(xml.find(attrs), attrs.size(),
                attrs +
                    " PhysicalSizeX=\"104\" PhysicalSizeXUnit=\"nm\" PhysicalSizeY=\"104\" "
                    "PhysicalSizeYUnit=\"nm\""
                    " PhysicalSizeZ=\"0.75\" TimeIncrement=\"500\" TimeIncrementUnit=\"ms\"");
    auto all = planes(C, Z, T, CV_16U);  // canonical (t, z, c) order
    std::vector<cv::Mat> ordered(all.size());
    for (int t = 0; t < T; ++t)
      for (int z = 0; z < Z; ++z)
        for (int c = 0; c < C; ++c)
          ordered[static_cast<size_t>(io::omePlaneIndex(m, c, z, t))] =
              all[static_cast<size_t>((t * Z + z) * C + c)];
    io::TiffWriteOptions o = shape(C, Z, T);
    o.description = xml;
    o.imagejMetadata = false;
    write("ome_" + order + ".ome.tif", ordered, o);
  }

  // Folders of single images (natural sort: frame_10 after frame_2).
  ::mkdir((dir + "/series").c_str(), 0755);
  ::mkdir((dir + "/png_series").c_str(), 0755);
  ::mkdir((dir + "/bad_series").c_str(), 0755);
  for (int t = 0; t < 11; ++t) {
    auto o = shape(1, 1, 1);
    o.calibration.pixelX = o.calibration.pixelY = 0.25;
    auto p = planes(1, 1, t + 1, CV_16U);
    write("series/frame_" + std::to_string(t + 1) + ".tif", {p.back()}, o);
  }
  for (int t = 0; t < 3; ++t) {
    auto p = planes(3, 1, t + 1, CV_8U);
    cv::Mat bgr;
    cv::merge(std::vector<cv::Mat>{p[3 * t + 2], p[3 * t + 1], p[3 * t]},
              bgr);  // file order R, G, B
    cv::imwrite(dir + "/png_series/img_" + std::to_string(t + 1) + ".png", bgr);
    std::cout << "  png_series/img_" << t + 1 << ".png\n";
  }
  {
    auto o = shape(1, 1, 1);
    write("bad_series/a_1.tif", planes(1, 1, 1, CV_16U), o);
    write("bad_series/a_2.tif", planes(1, 1, 1, CV_16U, 0, 1, 20, 20), o);
  }
  {
    auto p = planes(1, 1, 1, CV_16U);
    std::vector<std::uint8_t> png;
    cv::imencode(".png", p[0], png);  // a 16-bit PNG with a .tif name
    writeBytes("png_named.tif", std::string(png.begin(), png.end()));
  }

  // Unsupported or inconsistent content.
  {
    auto o = shape(1, 1, 1);
    o.imagejMetadata = false;
    write("f64_plain.tif", planes(1, 1, 1, CV_64F), o);
    o.sampleFormat = 6;  // SAMPLEFORMAT_COMPLEXIEEEFP: 64-bit complex (2 x float32)
    write("bad_complex.tif", planes(1, 1, 1, CV_64F), o);
  }
  writeBytes("bad_truncated.tif", truncatedImageJFile());
  {
    auto o = shape(1, 1, 3);
    o.compression = io::TiffCompression::LZW;
    o.description = "ImageJ=1.54f\nimages=50\nframes=50\n";
    write("bad_imagej_count.tif", planes(1, 1, 3, CV_16U), o);
  }
  {
    auto o = shape(1, 1, 1);
    o.description =
        "<?xml version=\"1.0\"?><OME "
        "xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image><Pixels "
        "DimensionOrder=\"XYZCT\" SizeX=\"24\"";
    write("bad_ome_malformed.ome.tif", planes(1, 1, 1, CV_16U), o);
  }
  std::mt19937 rng(20261127);
  std::string noise(4096, '\0');
  for (char& ch : noise) ch = static_cast<char>(rng() & 0xff);
  writeBytes("bad_random.tif", noise);
  writeBytes("bad_random_tiff_header.tif", std::string("II*\0", 4) + noise);
  writeBytes("bad_text.tif", "this is not an image, only a text file with a .tif name\n");
  return 0;
}
