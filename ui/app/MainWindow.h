#pragma once
// The application's main window: four VTK panels around the inference.
#include <QMainWindow>

#include <array>

namespace mollichrom::ui {

class VtkView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  VtkView* panel(int index) const { return panels_.at(static_cast<size_t>(index)); }

 private:
  std::array<VtkView*, 4> panels_{};
};

}  // namespace mollichrom::ui
