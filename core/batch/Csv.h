#pragma once
// CSV as spreadsheets write it (RFC 4180): fields with commas, quotes or line breaks are quoted,
// a quote inside doubled. Batch manifests and tables carry file names, which are data: any
// character but NUL must survive a round trip.
#include <string>
#include <vector>

namespace mollichrom::batch {

using CsvRow = std::vector<std::string>;

// Parses `text` (a UTF-8 BOM and \r\n line ends are accepted). Blank lines are skipped.
// Throws std::invalid_argument naming the line of an unterminated quote.
std::vector<CsvRow> parseCsv(const std::string& text);
// One field, quoted when it needs it.
std::string csvField(const std::string& s);
// One line (with "\n").
std::string csvLine(const CsvRow& row);

}  // namespace mollichrom::batch
