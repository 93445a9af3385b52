#include "app/cli/BatchCalibration.h"

#include "app/cli/Args.h"
#include "app/cli/BatchShared.h"
#include "app/cli/InferOptions.h"
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/train/Calibrate.h"
#include "core/util/AtomicFile.h"
#include "core/util/TextFile.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

namespace fs = std::filesystem;

namespace mollichrom::cli {

namespace {

bool hasOption(const batch::BatchItem& item, const std::string& name) {
  for (const auto& o : item.options)
    if (o.first == name) return true;
  return false;
}

std::string profilesDir(const batch::BatchFolder& f) { return f.dir() + "/calibration/profiles"; }

// What a stack's profile file says: a profile, or why the stack takes no part.
struct ProfileFile {
  bool exists = false, usable = false;
  std::string skip;
  train::StackProfile profile;
};

ProfileFile readProfile(const std::string& path) {
  ProfileFile out;
  const auto text = util::readTextFile(path);
  if (!text) return out;
  out.exists = true;
  const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(*text)).object();
  if (o.contains("skip")) {
    out.skip = o.value("skip").toString().toStdString();
    return out;
  }
  try {
    out.profile = train::parseStackProfileJson(*text, path);
    out.usable = true;
  } catch (const std::exception& e) {
    out.exists = false;  // damaged: redo it
  }
  return out;
}

// Profiles one item's stack as its infer would prepare it; a stack that cannot take part (a
// snapshot, fractions, unreadable) is recorded with the reason.
void profileItem(const batch::BatchItem& item, const std::string& path, std::ostream& log) {
  std::string skip;
  std::string json;
  try {
    std::vector<std::string> argv{item.path};
    for (const auto& [name, value] : item.options)
      argv.push_back(itemOptionNames().flags.count(name) ? "--" + name : "--" + name + "=" + value);
    const InferOptions o = parseInferOptions(inferArgs(argv));
    const prep::FieldData f = loadPrepared(item.path, o);
    if (!f.counts.used)
      skip = "volume fractions, not camera counts";
    else if (f.frames() < 3)
      skip = "a snapshot (no dynamics)";
    else if (o.calibration.shareGiven)
      skip = "its share is given (--hetero-share)";
    else {
      train::StackProfile p = train::profileOfStack(f, o.choice.values, o.calibration.profile);
      p.name = item.path;
      json = train::stackProfileJson(p);
    }
  } catch (const std::exception& e) {
    skip = std::string("not usable: ") + e.what();
  }
  if (!skip.empty()) {
    json =
        QJsonDocument(QJsonObject{{"skip", QString::fromStdString(skip)}}).toJson().toStdString();
    log << "calibration: " << shownName(item.name) << " takes no part: " << skip << "\n";
  } else {
    log << "calibration: profiled " << shownName(item.name) << "\n";
  }
  util::writeFileAtomically(path, json);
}

}  // namespace

std::string acquisitionFileName(const std::string& acquisition) {
  if (acquisition.empty()) return "acquisition";
  std::string out;
  for (unsigned char c : acquisition)
    out += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? char(c) : '_';
  if (out.front() == '.') out.front() = '_';
  return "acquisition-" + out;
}

std::string ensureAcquisitionCalibration(const batch::BatchFolder& folder,
                                         const std::vector<batch::BatchItem>& items, size_t index,
                                         std::ostream& log) {
  const batch::BatchItem& me = items[index];
  if (hasOption(me, "calibration")) return {};
  // The acquisition's items that could be profiled (not carrying their own calibration).
  std::vector<size_t> group;
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].acquisition == me.acquisition && !hasOption(items[i], "calibration"))
      group.push_back(i);
  fs::create_directories(profilesDir(folder));
  // Profile every stack of the acquisition: ours first, then any another task is not doing.
  std::rotate(group.begin(), std::find(group.begin(), group.end(), index), group.end());
  std::vector<size_t> waiting;
  for (size_t i : group) {
    const std::string file = profilesDir(folder) + "/" + items[i].name + ".json";
    if (readProfile(file).exists) continue;
    batch::ItemLock lock(profilesDir(folder) + "/." + items[i].name + ".lock");
    if (!lock.acquired()) {
      waiting.push_back(i);
      continue;
    }
    if (!readProfile(file).exists) profileItem(items[i], file, log);
  }
  for (size_t i : waiting) {
    // Another task profiles it: wait for its lock to be released (or take over if it died).
    for (;;) {
      batch::ItemLock lock(profilesDir(folder) + "/." + items[i].name + ".lock");
      const std::string file = profilesDir(folder) + "/" + items[i].name + ".json";
      if (lock.acquired()) {
        if (!readProfile(file).exists) profileItem(items[i], file, log);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  // Pool them, under the acquisition's lock; reuse a file pooled from the same stacks.
  std::vector<train::StackProfile> profiles;
  std::vector<std::string> conditions;
  std::map<std::string, int> conditionIndex;
  std::set<std::string> paths;  // a stack listed twice (two items) counts once
  for (size_t i : group) {
    ProfileFile p = readProfile(profilesDir(folder) + "/" + items[i].name + ".json");
    if (!p.usable || !paths.insert(p.profile.name).second) continue;
    const std::string& c = items[i].condition;
    if (!conditionIndex.count(c)) {
      conditionIndex[c] = int(conditions.size());
      conditions.push_back(c);
    }
    p.profile.group = conditionIndex[c];
    profiles.push_back(std::move(p.profile));
  }
  if (profiles.empty()) {
    log << "calibration: the acquisition has no time-lapse of camera counts: each item keeps "
           "its own\n";
    return {};
  }
  const std::string name = acquisitionFileName(me.acquisition);
  const std::string file = folder.dir() + "/calibration/" + name + ".json";
  std::set<std::string> wanted;
  for (const auto& p : profiles) wanted.insert(p.name);
  for (;;) {
    batch::ItemLock lock(folder.dir() + "/calibration/." + name + ".lock");
    if (!lock.acquired()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    try {
      const auto existing = prep::readCalibrationFile(file);
      if (std::set<std::string>(existing.stacks.begin(), existing.stacks.end()) == wanted)
        return file;
    } catch (const std::exception&) {
      // absent or damaged: pool again
    }
    // Model scalars and the stated density fraction as the acquisition's items are prepared.
    std::vector<std::string> argv{me.path};
    for (const auto& [n, v] : me.options)
      argv.push_back(itemOptionNames().flags.count(n) ? "--" + n : "--" + n + "=" + v);
    const InferOptions o = parseInferOptions(inferArgs(argv));
    prep::AcquisitionCalibration c = train::poolCalibration(profiles, conditions, o.choice.values,
                                                            o.po.counts.chromatinFraction);
    c.acquisition = me.acquisition;
    prep::writeCalibrationFile(file, c);
    log << "calibration: " << name << " pooled from " << profiles.size() << " time-lapse(s): share "
        << c.share.describe() << "\n";
    return file;
  }
}

}  // namespace mollichrom::cli
