#include "core/runtime/Versions.h"

#include "core/runtime/Runtime.h"

#include <tiffio.h>
#include <torch/version.h>
#include <QtGlobal>
#include <opencv2/core/utility.hpp>
#include <opencv2/core/version.hpp>

#include <sstream>

#ifndef MOLLICHROM_VERSION
#define MOLLICHROM_VERSION "unknown"
#endif
#ifndef MOLLICHROM_VTK_VERSION
#define MOLLICHROM_VTK_VERSION "unknown"
#endif

namespace mollichrom {

std::string mollichromVersion() { return MOLLICHROM_VERSION; }

std::vector<std::pair<std::string, std::string>> libraryVersions(const std::string& vtkRuntime) {
  std::string tiff = TIFFGetVersion();
  // "LIBTIFF, Version 4.5.0\nCopyright ..." -> "4.5.0"
  if (auto p = tiff.find("Version "); p != std::string::npos) {
    tiff = tiff.substr(p + 8);
    tiff = tiff.substr(0, tiff.find_first_of("\r\n"));
  }
  const BlasInfo blas = initRuntime().blas;
  std::string blasText = blas.name;
  if (!blas.config.empty()) blasText += " [" + blas.config + "]";
  if (!blas.library.empty()) blasText += " " + blas.library;
  return {
      {"Qt", qVersion()},
      {"VTK", vtkRuntime.empty() ? std::string(MOLLICHROM_VTK_VERSION) + " (build)" : vtkRuntime},
      {"LibTorch", TORCH_VERSION},
      {"OpenCV", cv::getVersionString()},
      {"libtiff", tiff},
      {"BLAS", blasText},
  };
}

std::string versionReport(const std::string& program, const std::string& vtkRuntime) {
  std::ostringstream out;
  out << program << " " << mollichromVersion() << "\n";
  for (const auto& [lib, ver] : libraryVersions(vtkRuntime))
    out << "  " << lib << ": " << ver << "\n";
  out << "  threads: " << initRuntime().threads << " (" << initRuntime().threadsSource << ")\n";
  return out.str();
}

}  // namespace mollichrom
