#include "core/io/OmeMetadata.h"

#include "core/io/Calibration.h"

#include <QString>
#include <QXmlStreamReader>

#include <set>
#include <sstream>
#include <stdexcept>

namespace mollichrom::io {

namespace {

std::optional<double> attrDouble(const QXmlStreamAttributes& a, const char* name) {
  if (!a.hasAttribute(QLatin1String(name))) return std::nullopt;
  bool ok = false;
  const double v = a.value(QLatin1String(name)).toDouble(&ok);
  if (!ok || !(v > 0) || !std::isfinite(v)) return std::nullopt;
  return v;
}

int attrInt(const QXmlStreamAttributes& a, const char* name, int def) {
  if (!a.hasAttribute(QLatin1String(name))) return def;
  bool ok = false;
  const long long v = a.value(QLatin1String(name)).toLongLong(&ok);
  if (!ok || v < 1 || v > 1'000'000'000)
    throw std::invalid_argument(std::string("OME-XML: invalid ") + name + " '" +
                                a.value(QLatin1String(name)).toString().toStdString() + "'");
  return static_cast<int>(v);
}

}  // namespace

std::optional<OmeMetadata> parseOmeXml(const std::string& description) {
  // Cheap test first: OME-XML starts with an XML declaration or <OME and mentions the schema.
  if (description.find("<OME") == std::string::npos) return std::nullopt;
  OmeMetadata m;
  QXmlStreamReader xml(
      QString::fromUtf8(description.data(), static_cast<qsizetype>(description.size())));
  bool inFirstImage = false, pixelsSeen = false;
  int images = 0;
  std::ostringstream warn;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement()) {
      const auto name = xml.name();
      if (name == QLatin1String("Image")) {
        ++images;
        inFirstImage = images == 1;
      } else if (name == QLatin1String("Pixels") && inFirstImage) {
        pixelsSeen = true;
        const auto a = xml.attributes();
        m.dimensionOrder = a.value(QLatin1String("DimensionOrder")).toString().toStdString();
        m.sizeX = attrInt(a, "SizeX", 0);
        m.sizeY = attrInt(a, "SizeY", 0);
        m.sizeC = attrInt(a, "SizeC", 1);
        m.sizeZ = attrInt(a, "SizeZ", 1);
        m.sizeT = attrInt(a, "SizeT", 1);
        m.type = a.value(QLatin1String("Type")).toString().toStdString();
        auto length = [&](const char* value, const char* unitAttr) -> std::optional<double> {
          const auto v = attrDouble(a, value);
          if (!v) return std::nullopt;
          // OME's default length unit is µm.
          const std::string unit = a.hasAttribute(QLatin1String(unitAttr))
                                       ? a.value(QLatin1String(unitAttr)).toString().toStdString()
                                       : "um";
          const auto f = lengthUnitToMicrons(unit);
          if (!f) {
            warn << value << " has unknown unit '" << unit << "'; ";
            return std::nullopt;
          }
          return *v * *f;
        };
        m.physicalSizeX = length("PhysicalSizeX", "PhysicalSizeXUnit");
        m.physicalSizeY = length("PhysicalSizeY", "PhysicalSizeYUnit");
        m.physicalSizeZ = length("PhysicalSizeZ", "PhysicalSizeZUnit");
        if (const auto ti = attrDouble(a, "TimeIncrement")) {
          const std::string unit =
              a.hasAttribute(QLatin1String("TimeIncrementUnit"))
                  ? a.value(QLatin1String("TimeIncrementUnit")).toString().toStdString()
                  : "s";
          if (const auto f = timeUnitToSeconds(unit))
            m.timeIncrement = *ti * *f;
          else
            warn << "TimeIncrement has unknown unit '" << unit << "'; ";
        }
      } else if (name == QLatin1String("Channel") && inFirstImage && pixelsSeen) {
        m.samplesPerPixel =
            std::max(m.samplesPerPixel, attrInt(xml.attributes(), "SamplesPerPixel", 1));
      }
    }
  }
  if (xml.hasError())
    throw std::invalid_argument("OME-XML is malformed: " + xml.errorString().toStdString() +
                                " (line " + std::to_string(xml.lineNumber()) + ")");
  if (!pixelsSeen) throw std::invalid_argument("OME-XML has no <Pixels> element");
  const std::string& d = m.dimensionOrder;
  if (d.size() != 5 || d.compare(0, 2, "XY") != 0 ||
      std::set<char>(d.begin() + 2, d.end()) != std::set<char>{'C', 'T', 'Z'})
    throw std::invalid_argument("OME-XML DimensionOrder '" + d +
                                "' is not one of XYZCT, XYCZT, ...");
  if (m.sizeX < 1 || m.sizeY < 1) throw std::invalid_argument("OME-XML lacks SizeX/SizeY");
  if (m.samplesPerPixel > 1 && m.sizeC % m.samplesPerPixel != 0)
    throw std::invalid_argument("OME-XML SizeC is not a multiple of SamplesPerPixel");
  m.imageCount = images;
  if (images > 1) warn << "the file holds " << images << " series; the first is opened; ";
  m.warning = warn.str();
  return m;
}

int omePlaneIndex(const OmeMetadata& m, int c, int z, int t) {
  const int planesC = m.sizeC / std::max(1, m.samplesPerPixel);
  int index = 0, stride = 1;
  for (size_t i = 2; i < 5; ++i) {
    const char d = m.dimensionOrder[i];
    const int pos = d == 'C' ? c : d == 'Z' ? z : t;
    const int size = d == 'C' ? planesC : d == 'Z' ? m.sizeZ : m.sizeT;
    index += pos * stride;
    stride *= size;
  }
  return index;
}

std::string formatOmeXml(const OmeMetadata& m) {
  std::ostringstream o;
  o.precision(12);
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">"
    << "<Image ID=\"Image:0\" Name=\"mollichrom\"><Pixels ID=\"Pixels:0\" DimensionOrder=\""
    << m.dimensionOrder << "\" Type=\"" << (m.type.empty() ? "uint16" : m.type) << "\" SizeX=\""
    << m.sizeX << "\" SizeY=\"" << m.sizeY << "\" SizeC=\"" << m.sizeC << "\" SizeZ=\"" << m.sizeZ
    << "\" SizeT=\"" << m.sizeT << "\"";
  if (m.physicalSizeX)
    o << " PhysicalSizeX=\"" << *m.physicalSizeX << "\" PhysicalSizeXUnit=\"µm\"";
  if (m.physicalSizeY)
    o << " PhysicalSizeY=\"" << *m.physicalSizeY << "\" PhysicalSizeYUnit=\"µm\"";
  if (m.physicalSizeZ)
    o << " PhysicalSizeZ=\"" << *m.physicalSizeZ << "\" PhysicalSizeZUnit=\"µm\"";
  if (m.timeIncrement) o << " TimeIncrement=\"" << *m.timeIncrement << "\" TimeIncrementUnit=\"s\"";
  o << ">";
  const int planesC = m.sizeC / std::max(1, m.samplesPerPixel);
  for (int c = 0; c < planesC; ++c)
    o << "<Channel ID=\"Channel:0:" << c << "\" SamplesPerPixel=\"" << m.samplesPerPixel << "\"/>";
  o << "<TiffData/></Pixels></Image></OME>";
  return o.str();
}

}  // namespace mollichrom::io
