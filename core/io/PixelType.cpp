#include "core/io/PixelType.h"

#include <opencv2/core.hpp>

#include <stdexcept>

namespace mollichrom::io {

std::string pixelTypeName(PixelType t) {
  switch (t) {
    case PixelType::UInt8:
      return "uint8";
    case PixelType::UInt16:
      return "uint16";
    case PixelType::Int16:
      return "int16";
    case PixelType::UInt32:
      return "uint32";
    case PixelType::Int32:
      return "int32";
    case PixelType::Float32:
      return "float32";
  }
  return "unknown";
}

int pixelTypeBytes(PixelType t) {
  switch (t) {
    case PixelType::UInt8:
      return 1;
    case PixelType::UInt16:
    case PixelType::Int16:
      return 2;
    default:
      return 4;
  }
}

int pixelTypeCvDepth(PixelType t) {
  switch (t) {
    case PixelType::UInt8:
      return CV_8U;
    case PixelType::UInt16:
      return CV_16U;
    case PixelType::Int16:
      return CV_16S;
    case PixelType::UInt32:
      return CV_64F;
    case PixelType::Int32:
      return CV_32S;
    case PixelType::Float32:
      return CV_32F;
  }
  return CV_32F;
}

PixelType pixelTypeFromCvDepth(int depth) {
  switch (depth) {
    case CV_8U:
      return PixelType::UInt8;
    case CV_16U:
      return PixelType::UInt16;
    case CV_16S:
      return PixelType::Int16;
    case CV_32S:
      return PixelType::Int32;
    case CV_32F:
      return PixelType::Float32;
    default:
      throw std::invalid_argument("unsupported OpenCV depth " + std::to_string(depth));
  }
}

}  // namespace mollichrom::io
