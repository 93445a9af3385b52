#pragma once
// The sample types Mollichrom reads and writes, with their names as the CLI and JSON print
// them. OpenCV has no unsigned 32-bit depth, so uint32 planes are held as CV_64F (exact).
#include <string>

namespace mollichrom::io {

enum class PixelType { UInt8, UInt16, Int16, UInt32, Int32, Float32 };

std::string pixelTypeName(PixelType t);  // "uint8", "uint16", "int16", "uint32", "int32", "float32"
int pixelTypeBytes(PixelType t);         // bytes per sample in the file
int pixelTypeCvDepth(PixelType t);       // CV_8U ... CV_32F (CV_64F for uint32)
// Inverse of pixelTypeCvDepth for the depths that map one-to-one; throws otherwise.
PixelType pixelTypeFromCvDepth(int depth);

}  // namespace mollichrom::io
