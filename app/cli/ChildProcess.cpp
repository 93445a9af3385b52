#include "app/cli/ChildProcess.h"

#include <array>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace mollichrom::cli {

std::string runCapture(const std::string& command, const std::string& what) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("could not start " + what);
  std::string out;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe.get())) out += buf.data();
  const int status = pclose(pipe.release());
  if (status != 0) throw std::runtime_error(what + " failed with status " + std::to_string(status));
  return out;
}

}  // namespace mollichrom::cli
