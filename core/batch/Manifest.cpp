#include "core/batch/Manifest.h"

#include "core/batch/Csv.h"
#include "core/util/AtomicFile.h"
#include "core/util/TextFile.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace mollichrom::batch {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && lower(s.substr(s.size() - tail.size())) == tail;
}

// A flag column: yes/true/1/x set it; no/false/0 or empty leave it unset.
bool flagValue(const std::string& v, const std::string& where) {
  const std::string l = lower(v);
  if (l == "1" || l == "yes" || l == "true" || l == "x" || l == "on") return true;
  if (l.empty() || l == "0" || l == "no" || l == "false" || l == "off") return false;
  throw BatchInputError(where + ": '" + v + "' is not yes or no");
}

void setOption(Options& options, const std::string& name, const std::string& value) {
  for (auto& o : options)
    if (o.first == name) {
      o.second = value;
      return;
    }
  options.emplace_back(name, value);
}

void removeOption(Options& options, const std::string& name) {
  options.erase(std::remove_if(options.begin(), options.end(),
                               [&](const auto& o) { return o.first == name; }),
                options.end());
}

std::string readText(const std::string& file) {
  auto text = util::readTextFile(file);
  if (!text) throw BatchInputError(file + ": cannot be read");
  return std::move(*text);
}

// Every input exists and is a file; every name is unique and usable as a folder name.
void checkItems(const std::vector<BatchItem>& items, const std::vector<std::string>& where) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const BatchItem& it = items[i];
    std::error_code ec;
    if (!fs::exists(it.path, ec))
      throw BatchInputError(where[i] + ": file '" + it.path + "' not found");
    if (fs::is_directory(it.path, ec))
      throw BatchInputError(where[i] + ": '" + it.path + "' is a folder, not a stack");
    if (it.name.empty() || it.name == "." || it.name == ".." ||
        it.name.find('/') != std::string::npos || it.name.front() == '.')
      throw BatchInputError(where[i] + ": '" + it.name +
                            "' cannot be an output folder name (empty, '/', or a leading '.')");
    const auto [pos, fresh] = seen.emplace(it.name, i);
    if (!fresh)
      throw BatchInputError(where[i] + ": duplicate output name '" + it.name + "' (also " +
                            where[pos->second] + "); give each item a distinct 'name'");
  }
  if (items.empty()) throw BatchInputError("no items to analyse");
}

std::vector<BatchItem> parseTable(const std::string& file, const OptionNames& allowed,
                                  const Options& common) {
  const std::vector<CsvRow> rows = [&] {
    try {
      return parseCsv(readText(file));
    } catch (const std::invalid_argument& e) {
      throw BatchInputError(file + ": " + e.what());
    }
  }();
  if (rows.empty()) throw BatchInputError(file + ": empty (expected a header: path,condition,…)");
  const CsvRow& header = rows.front();
  std::vector<std::string> columns;
  for (const std::string& raw : header) {
    std::string c = raw;
    c.erase(0, c.find_first_not_of(" \t"));
    c.erase(c.find_last_not_of(" \t") + 1);
    if (c.rfind("--", 0) == 0) c.erase(0, 2);  // "--pixel-size" works too
    if (!reservedColumns().count(c) && !allowed.known(c))
      throw BatchInputError(file + " line 1: unknown column '" + raw +
                            "' (path, condition, name, acquisition, or an infer option such as "
                            "pixel-size)");
    if (std::count(columns.begin(), columns.end(), c))
      throw BatchInputError(file + " line 1: column '" + c + "' appears twice");
    columns.push_back(c);
  }
  if (!std::count(columns.begin(), columns.end(), "path"))
    throw BatchInputError(file + " line 1: no 'path' column");
  const fs::path base = fs::absolute(fs::path(file)).parent_path();
  std::vector<BatchItem> items;
  std::vector<std::string> where;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const std::string at = file + " line " + std::to_string(r + 1);
    if (row.size() > columns.size())
      throw BatchInputError(at + ": " + std::to_string(row.size()) + " fields but " +
                            std::to_string(columns.size()) + " columns");
    BatchItem item;
    item.options = common;
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string value = c < row.size() ? row[c] : std::string();
      const std::string& col = columns[c];
      if (col == "path") {
        if (value.empty()) throw BatchInputError(at + ": empty path");
        fs::path p(value);
        item.path = (p.is_absolute() ? p : base / p).lexically_normal().string();
      } else if (col == "condition") {
        item.condition = value;
      } else if (col == "name") {
        item.name = value;
      } else if (col == "acquisition") {
        item.acquisition = value;
      } else if (allowed.flags.count(col)) {
        flagValue(value, at + " column " + col) ? setOption(item.options, col, "")
                                                : removeOption(item.options, col);
      } else if (!value.empty()) {
        setOption(item.options, col, value);
      }
    }
    if (item.name.empty()) item.name = itemNameOf(item.path);
    items.push_back(std::move(item));
    where.push_back(at);
  }
  checkItems(items, where);
  return items;
}

}  // namespace

std::string itemNameOf(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  for (const char* ext : {".ome.tiff", ".ome.tif", ".tiff", ".tif", ".png"})
    if (endsWith(name, ext) && name.size() > std::strlen(ext)) {
      name.resize(name.size() - std::strlen(ext));
      break;
    }
  return name;
}

std::vector<BatchItem> readManifest(const std::string& file, const OptionNames& allowed,
                                    const Options& common) {
  return parseTable(file, allowed, common);
}

std::vector<BatchItem> itemsFromInputs(const std::vector<std::string>& inputs,
                                       const std::string& condition, const Options& common) {
  std::vector<BatchItem> items;
  std::vector<std::string> where;
  for (const std::string& in : inputs) {
    items.push_back(
        {itemNameOf(in), fs::absolute(in).lexically_normal().string(), condition, common, ""});
    where.push_back("input '" + in + "'");
  }
  checkItems(items, where);
  return items;
}

std::string batchTableCsv(const std::vector<BatchItem>& items) {
  std::vector<std::string> optionColumns;
  for (const auto& it : items)
    for (const auto& o : it.options)
      if (!std::count(optionColumns.begin(), optionColumns.end(), o.first))
        optionColumns.push_back(o.first);
  CsvRow header{"name", "path", "condition", "acquisition"};
  header.insert(header.end(), optionColumns.begin(), optionColumns.end());
  std::string out = csvLine(header);
  for (const auto& it : items) {
    CsvRow row{it.name, it.path, it.condition, it.acquisition};
    for (const auto& col : optionColumns) {
      std::string value;
      for (const auto& o : it.options)
        if (o.first == col) value = o.second.empty() ? "yes" : o.second;
      row.push_back(value);
    }
    out += csvLine(row);
  }
  return out;
}

std::vector<BatchItem> readBatchTable(const std::string& file, const OptionNames& allowed) {
  return parseTable(file, allowed, {});
}

}  // namespace mollichrom::batch
