#pragma once
// mollichrom-cli exit codes (documented in --help and the README).
namespace mollichrom::cli {
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;   // unexpected error (a bug, or the machine: disk full...)
constexpr int kExitUsage = 2;     // bad command line
constexpr int kExitBadInput = 3;  // input file missing, unreadable or malformed
constexpr int kExitDiverged = 4;  // training diverged
constexpr int kExitNoMemory = 5;  // refused by the memory plan, or an allocation failed
// Another run holds the output (or the batch item): nothing was done; try again later.
constexpr int kExitBusy = 75;  // EX_TEMPFAIL
constexpr int kExitInterrupted = 130;
}  // namespace mollichrom::cli
