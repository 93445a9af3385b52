#include "app/cli/Args.h"

#include <sstream>

namespace mollichrom::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positionals_.push_back(a);
      continue;
    }
    std::string key = a.substr(2), value;
    bool inlineValue = false;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
      inlineValue = true;
    }
    if (valued.count(key)) {
      if (!inlineValue) {
        if (i + 1 >= argv.size()) throw UsageError("option --" + key + " needs a value");
        value = argv[++i];
      }
      values_[key] = value;
    } else if (flags.count(key)) {
      if (inlineValue) throw UsageError("option --" + key + " takes no value");
      flags_.insert(key);
    } else {
      throw UsageError("unknown option --" + key);
    }
  }
}

std::string Args::get(const std::string& key, const std::string& def) const {
  auto it = values_.find(key);
  return it == values_.end() ? def : it->second;
}

namespace {
// Whole-string numeric parse; a trailing unit or typo ("4x") is an error, not a silent 4.
template <typename T>
T parseWhole(const std::string& key, const std::string& text,
             T (*conv)(const std::string&, size_t*), const char* what) {
  try {
    size_t used = 0;
    const T v = conv(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw UsageError("option --" + key + " expects " + what + ", got '" + text + "'");
}
int toInt(const std::string& s, size_t* used) { return std::stoi(s, used); }
double toDouble(const std::string& s, size_t* used) { return std::stod(s, used); }
}  // namespace

int Args::getInt(const std::string& key, int def) const {
  auto it = values_.find(key);
  return it == values_.end() ? def : parseWhole<int>(key, it->second, toInt, "an integer");
}

double Args::getDouble(const std::string& key, double def) const {
  auto it = values_.find(key);
  return it == values_.end() ? def : parseWhole<double>(key, it->second, toDouble, "a number");
}

std::vector<int> Args::getIntList(const std::string& key, const std::vector<int>& def) const {
  auto it = values_.find(key);
  if (it == values_.end()) return def;
  std::vector<int> out;
  std::stringstream ss(it->second);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError("option --" + key + " expects comma-separated integers, got '" + it->second +
                       "'");
    }
  }
  if (out.empty()) throw UsageError("option --" + key + " is empty");
  return out;
}

}  // namespace mollichrom::cli
