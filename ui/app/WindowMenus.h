#pragma once
// The main window's menus (File, View, Help), built from the window's public operations so the
// window itself stays wiring. Returns the File ▸ Open recent submenu for RecentFiles.
class QMenu;

namespace mollichrom::ui {

class ExportController;
class MainWindow;
class SessionReporter;
struct TrainingActions;

QMenu* buildWindowMenus(MainWindow& window, ExportController& exporter, SessionReporter& reporter,
                        TrainingActions& actions);

}  // namespace mollichrom::ui
