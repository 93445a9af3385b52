#include "core/batch/Csv.h"

#include <stdexcept>

namespace mollichrom::batch {

std::vector<CsvRow> parseCsv(const std::string& input) {
  std::string_view text(input);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // Excel's UTF-8 BOM
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted = false, fieldStarted = false;
  int line = 1, quoteLine = 0;
  const auto endRow = [&] {
    if (fieldStarted || !row.empty()) {
      row.push_back(field);
      rows.push_back(std::move(row));
    }
    row = {};
    field.clear();
    fieldStarted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = fieldStarted = true;
      quoteLine = line;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      fieldStarted = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      endRow();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted)
    throw std::invalid_argument("line " + std::to_string(quoteLine) +
                                ": a quoted field is not closed");
  endRow();
  return rows;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos && (s.empty() || s.front() != ' ')) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csvLine(const CsvRow& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    out += csvField(row[i]);
  }
  return out + '\n';
}

}  // namespace mollichrom::batch
