#include "app/cli/BatchShared.h"

#include "app/cli/InferOptions.h"

#include <unistd.h>

#include <QDateTime>

#include <cmath>
#include <sstream>

namespace mollichrom::cli {

const std::set<std::string>& batchOwnedOptions() {
  static const std::set<std::string> names{"out",        "json",   "table", "losses",
                                           "checkpoint", "resume", "quiet", "help"};
  return names;
}

const batch::OptionNames& itemOptionNames() {
  static const batch::OptionNames names = [] {
    batch::OptionNames n;
    for (const auto& v : inferValuedOptions())
      if (!batchOwnedOptions().count(v)) n.valued.insert(v);
    for (const auto& f : inferFlagOptions())
      if (!batchOwnedOptions().count(f)) n.flags.insert(f);
    return n;
  }();
  return names;
}

std::vector<std::string> inferArgvOf(const batch::BatchItem& item, const std::string& outDir) {
  std::vector<std::string> argv{"infer",    item.path,
                                "--out",    outDir + "/lambda.tif",
                                "--table",  outDir + "/nuclei.csv",
                                "--json",   outDir + "/summary.json",
                                "--losses", outDir + "/losses.csv"};
  for (const auto& [name, value] : item.options) {
    // --name=value: a value starting with '-' is never taken for an option.
    argv.push_back(itemOptionNames().flags.count(name) ? "--" + name : "--" + name + "=" + value);
  }
  return argv;
}

std::string hostName() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string nowIso() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString(); }

// The log's most telling line: the last one naming an error, else the last non-empty one
// (progress bars rewrite their line with '\r': only the text after the last one counts).
std::string lastErrorLine(const std::string& log) {
  std::vector<std::string> lines;
  std::stringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (const auto cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (it->find("error") != std::string::npos || it->find("Error") != std::string::npos)
      return *it;
  return lines.empty() ? std::string() : lines.back();
}

std::string shownName(const std::string& name) {
  std::string out;
  for (char c : name)
    out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : std::string(1, c);
  return out;
}

std::string durationText(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  return std::to_string(s / 3600) + " h " + std::to_string((s % 3600) / 60) + " min";
}

}  // namespace mollichrom::cli
