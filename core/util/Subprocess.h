#pragma once
// Child processes started from an argument vector — never through a shell — so a file name
// with spaces, quotes, `$(...)`, `;` or a line break reaches the child exactly as it is
//. Batch workers, the SLURM task runner and `sbatch`/`squeue` calls go through here.
#include <sys/types.h>

#include <string>
#include <vector>

namespace mollichrom::util {

struct SpawnOptions {
  std::string output;   // file that receives stdout and stderr (appended); empty: inherited
  std::string workDir;  // the child's working directory; empty: ours
};

// Starts argv[0] (a path, or a name looked up in PATH). Throws std::runtime_error naming the
// program when it cannot be started.
pid_t spawnProcess(const std::vector<std::string>& argv, const SpawnOptions& options = {});
// Waits for `pid`; its exit code, or 128 + the signal that ended it.
int waitProcess(pid_t pid);
// Waits for any child; false when there is none. Retries on EINTR unless `interruptible`.
bool waitAnyProcess(pid_t* pid, int* exitCode, bool interruptible = false);
// Runs argv to its end and returns its stdout; `exitCode` receives its exit code. stderr is
// appended to `errorText` when given.
std::string runCapturing(const std::vector<std::string>& argv, int* exitCode,
                         std::string* errorText = nullptr, const std::string& workDir = {});
// The full path of `program` in PATH; empty when not found.
std::string findProgram(const std::string& program);
// The path of the running executable (/proc/self/exe; "mollichrom-cli", found in PATH, if
// that cannot be read).
std::string selfExecutable();
// POSIX shell single quoting, for the few places a command line is shown or written for a
// shell (the sbatch script's executable, the hint to submit it, the benchmarks' child commands).
std::string shellQuote(const std::string& s);

}  // namespace mollichrom::util
