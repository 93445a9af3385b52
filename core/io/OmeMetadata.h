#pragma once
// The parts of OME-XML (in an OME-TIFF's first ImageDescription) that place pages and
// calibrate them. Only the first <Image> is read: multi-series files open their first series.
#include <optional>
#include <string>

namespace mollichrom::io {

struct OmeMetadata {
  std::string dimensionOrder = "XYZCT";  // after XY, the first letter varies fastest
  int sizeX = 0, sizeY = 0, sizeC = 1, sizeZ = 1, sizeT = 1;
  int samplesPerPixel = 1;  // from <Channel SamplesPerPixel>, 1 if absent
  std::string type;         // "uint16", "float", ...
  std::optional<double> physicalSizeX, physicalSizeY, physicalSizeZ;  // µm
  std::optional<double> timeIncrement;                                // s
  int imageCount = 1;                                                 // number of <Image> elements
  std::string warning;  // e.g. unknown units, other series ignored
};

// nullopt when `description` is not OME-XML. Throws std::invalid_argument (message without
// the file name) when it is OME-XML but malformed or inconsistent.
std::optional<OmeMetadata> parseOmeXml(const std::string& description);

// Position of plane (c, z, t) among the IFDs, per DimensionOrder (planes = sizeC/samples).
int omePlaneIndex(const OmeMetadata& m, int c, int z, int t);

// A minimal OME-XML document (used by tests and fixture generation).
std::string formatOmeXml(const OmeMetadata& m);

}  // namespace mollichrom::io
