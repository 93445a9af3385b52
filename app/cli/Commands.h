#pragma once
// The CLI's one command table: name, one-line summary, run function. `--help` lists
// it, main dispatches through it, and a test checks that every command's own `--help` works —
// a command cannot exist without being listed.
#include <string>
#include <vector>

namespace mollichrom::cli {

struct Command {
  std::string name;                                  // one or two words: "infer", "bench io"
  std::string summary;                               // one line for `mollichrom-cli --help`
  int (*run)(const std::vector<std::string>& args);  // the arguments after the name
  bool listed = true;  // internal child processes of the benchmarks are not listed
};

const std::vector<Command>& commands();
// The command `args` starts with (the longest name that matches); `words` receives how many
// words its name took. Null when none matches.
const Command* findCommand(const std::vector<std::string>& args, size_t* words);
// The commands whose name starts with `group` + " " (e.g. "bench"), for a group's help.
std::vector<const Command*> commandsIn(const std::string& group);
// `mollichrom-cli --help`, generated from the table.
std::string usage();

}  // namespace mollichrom::cli
