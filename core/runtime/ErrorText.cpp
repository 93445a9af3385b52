#include "core/runtime/ErrorText.h"

#include <c10/util/Exception.h>
#include <opencv2/core.hpp>

#include <cstdio>
#include <new>
#include <regex>

namespace mollichrom {

namespace {

std::string firstLine(std::string s) {
  // LibTorch appends "Exception raised from ... (most recent call first):" and frames.
  for (const char* marker : {"Exception raised from", "\nframe #"}) {
    const auto p = s.find(marker);
    if (p != std::string::npos) s.erase(p);
  }
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string gigabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  return buf;
}

std::string outOfMemoryText(const std::string& libraryText) {
  std::string text = "out of memory";
  std::smatch m;
  static const std::regex tried("allocate ([0-9]+) bytes");
  if (std::regex_search(libraryText, m, tried))
    text += ": an allocation of " + gigabytes(std::stod(m[1])) + " failed";
  return text +
         " (close other programs, or use a frame range, binning, a crop or a smaller --tile)";
}

}  // namespace

std::string userMessage(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e))
    return firstLine(c->what_without_backtrace());
  if (const auto* c = dynamic_cast<const cv::Exception*>(&e)) return firstLine(c->err);
  return firstLine(e.what());
}

void rethrowForUser() {
  try {
    throw;
  } catch (const util::ComputeError&) {
    throw;
  } catch (const c10::Error& e) {
    const std::string text = e.what_without_backtrace();
    if (text.find("can't allocate memory") != std::string::npos ||
        text.find("out of memory") != std::string::npos)
      throw util::OutOfMemoryError(outOfMemoryText(text));
    throw util::ComputeError(firstLine(text));
  } catch (const cv::Exception& e) {
    if (e.code == cv::Error::StsNoMem) throw util::OutOfMemoryError(outOfMemoryText(e.err));
    throw util::ComputeError(firstLine(e.err));
  } catch (const std::bad_alloc&) {
    throw util::OutOfMemoryError(outOfMemoryText(""));
  }
}

}  // namespace mollichrom
