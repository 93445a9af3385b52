#pragma once
// `--json FILE` for the benchmarks: the report written atomically, and said on stderr.
#include "app/cli/Args.h"

#include <QJsonObject>

namespace mollichrom::cli {

void writeJsonIfRequested(const Args& args, const QJsonObject& report);

}  // namespace mollichrom::cli
