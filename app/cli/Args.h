#pragma once
// Minimal option parsing for mollichrom-cli sub-commands: --key VALUE, --key=VALUE, --flag,
// and positionals. Unknown options are usage errors that name the option.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace mollichrom::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `valued`: options that take a value; `flags`: options that don't.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
       const std::set<std::string>& flags);

  bool has(const std::string& key) const { return values_.count(key) || flags_.count(key); }
  std::string get(const std::string& key, const std::string& def = {}) const;
  int getInt(const std::string& key, int def) const;
  double getDouble(const std::string& key, double def) const;
  std::vector<int> getIntList(const std::string& key, const std::vector<int>& def) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positionals_;
};

}  // namespace mollichrom::cli
