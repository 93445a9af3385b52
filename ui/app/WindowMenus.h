#pragma once
// The main window's menus (File, View, Help), built from the window's public operations so the
// window itself stays wiring. Returns the File ▸ Open recent submenu for RecentFiles.
class QMenu;
class QString;

namespace mollichrom::ui {

class ExportController;
class MainWindow;
class SessionReporter;
struct TrainingActions;

// Save (to the project's own file) or Save as (`path` empty: asks, proposing the data's name
// beside it); ".mchrom" is added. False when not saved (canceled or failed, the error shown).
// A stack's file name without its image extension (".ome.tif" counts as one): the default name
// of what is saved from it.
QString stackBaseName(const QString& fileName);

bool saveProjectInteractively(MainWindow& window, SessionReporter& reporter, QString path);

QMenu* buildWindowMenus(MainWindow& window, ExportController& exporter, SessionReporter& reporter,
                        TrainingActions& actions);

}  // namespace mollichrom::ui
