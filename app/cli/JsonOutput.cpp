#include "app/cli/JsonOutput.h"

#include "core/util/AtomicFile.h"

#include <QJsonDocument>

#include <iostream>

namespace mollichrom::cli {

void writeJsonIfRequested(const Args& args, const QJsonObject& report) {
  if (!args.has("json")) return;
  util::writeFileAtomically(args.get("json"),
                            QJsonDocument(report).toJson(QJsonDocument::Indented).toStdString());
  std::cerr << "wrote " << args.get("json") << "\n";
}

}  // namespace mollichrom::cli
