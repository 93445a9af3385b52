#pragma once
// Errors as a user reads them: one line, no backtrace. LibTorch's exceptions carry a backtrace
// in what() (40 lines of C++ frames); these helpers keep its first line and turn allocation
// failures into util::OutOfMemoryError, so the CLI and the GUI can show "FILE: problem".
#include "core/util/Errors.h"

#include <exception>
#include <string>

namespace mollichrom {

// The exception's message without backtrace, on one line.
std::string userMessage(const std::exception& e);

// Inside a catch block: rethrows LibTorch errors as util::ComputeError, allocation failures
// (LibTorch's or std::bad_alloc) as util::OutOfMemoryError, anything else unchanged.
[[noreturn]] void rethrowForUser();

// Runs f, translating as rethrowForUser() does.
template <typename F>
auto translatingErrors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    rethrowForUser();
  }
}

}  // namespace mollichrom
