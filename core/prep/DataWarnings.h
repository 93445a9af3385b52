#pragma once
// Checks of a prepared stack before any inference: each finding is a warning with
// what to do, shown in the GUI's banner and Log, on the CLI's stderr and in the summary JSON.
// A warning never stops a run; it says why a result may not be trusted.
#include <string>
#include <vector>

namespace mollichrom::io {
struct StackInfo;
}

namespace mollichrom::prep {

struct DataWarning {
  std::string code;     // stable identifier, e.g. "swapped-channels"
  std::string message;  // one sentence: what was found and what to do
};

// Raw facts gathered while preparing (before any mapping).
struct RawFacts {
  double saturatedShare[2] = {0, 0};  // of the nuclear pixels at the sample type's maximum
  double nuclearSignal[2] = {0, 0};   // mean offset-free nuclear signal (counts mode only)
  bool countsMode = false;
};

struct FieldData;
struct PrepOptions;

// The checks, on the prepared fields and what was gathered while preparing them.
std::vector<DataWarning> checkData(const io::StackInfo& info, const FieldData& fields,
                                   const PrepOptions& options, const RawFacts& raw);

// The warnings as the CLI prints them: "warning: MESSAGE" lines.
std::string warningLines(const std::vector<DataWarning>& warnings);

}  // namespace mollichrom::prep
