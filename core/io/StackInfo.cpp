#include "core/io/StackInfo.h"

namespace mollichrom::io {

std::string stackFormatName(StackFormat f) {
  switch (f) {
    case StackFormat::PlainTiff:
      return "tiff";
    case StackFormat::ImageJ:
      return "imagej";
    case StackFormat::OmeTiff:
      return "ome-tiff";
    case StackFormat::ImageFolder:
      return "folder";
  }
  return "tiff";
}

std::string StackInfo::axes() const {
  std::string a;
  if (frames > 1) a += 'T';
  if (channels > 1) a += 'C';
  if (slices > 1) a += 'Z';
  return a + "YX";
}

}  // namespace mollichrom::io
