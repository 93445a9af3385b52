#pragma once
// `.mchrom` projects: a JSON file holding the data path (relative to the project, so a
// project folder can move), the data and training settings, where the results are (a
// `<name>_results/` folder beside it, written by exporting::exportAll) and the view state.
// Qt Core only, so it is tested without a display. Saving is atomic.
#include "ui/app/Settings.h"

#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <utility>
#include <vector>

namespace mollichrom::ui {

struct PanelState {
  QString content;                                 // PanelContent key, e.g. "lambda"
  QString colourMap;                               // grey | viridis | magma | coolwarm
  std::optional<std::pair<double, double>> range;  // nullopt: automatic contrast
};

struct ViewState {
  int frame = 0;
  std::array<PanelState, 4> panels;
  std::vector<double> camera;  // focal point (3), position (3), parallel scale; empty: fit
};

struct ProjectState {
  QString dataPath;  // absolute while in memory; loadProject: the first candidate that exists
  QStringList dataCandidates;  // loadProject: where it looked (relative, absolute, beside it)
  bool dataFound() const;
  DataSettings data;
  TrainingSettings training;
  QString resultsDir;  // absolute; empty when there are no results
  ViewState view;
};

// Writes `path` atomically; data and result paths are stored relative to its folder.
// Throws io::StackError naming the file when it cannot be written.
void saveProject(const QString& path, const ProjectState& state);
// Throws io::StackError naming the file and the problem (unreadable, not JSON, not a
// Mollichrom project, newer format).
ProjectState loadProject(const QString& path);

// Whether two data settings prepare the same fields (compared as a project stores them).
bool sameData(const DataSettings& a, const DataSettings& b);
// Whether two load options read the same pixels from the file (crop, frames, binning).
bool sameLoad(const io::LoadOptions& a, const io::LoadOptions& b);

// The results folder that belongs to a project file: "<dir>/<stem>_results".
QString resultsDirFor(const QString& projectPath);

}  // namespace mollichrom::ui
