#pragma once
// Versions of Mollichrom and of every library it was built with, for --version and summaries.
#include <string>
#include <utility>
#include <vector>

namespace mollichrom {

std::string mollichromVersion();

// (library, version) pairs: Qt, VTK, LibTorch, OpenCV, libtiff, BLAS.
// `vtkRuntime` lets the GUI report the VTK it actually loaded; the CLI, which links no VTK,
// reports the version the project was built against.
std::vector<std::pair<std::string, std::string>> libraryVersions(
    const std::string& vtkRuntime = {});

// Multi-line text for `--version`.
std::string versionReport(const std::string& program, const std::string& vtkRuntime = {});

}  // namespace mollichrom
