#pragma once
// The "Nuclei" dock: one row per nucleus of the field (NucleusTable) — label, centroid, area,
// λ statistics, band width, flags. Selecting a row (or clicking a nucleus in an image panel)
// emits the label, so the window can say where it is and what it holds.
#include "core/export/NucleusTable.h"

#include <QDockWidget>

#include <vector>

class QTableWidget;
class QLabel;

namespace mollichrom::ui {

class NucleiDock : public QDockWidget {
  Q_OBJECT
 public:
  explicit NucleiDock(QWidget* parent = nullptr);
  void setRows(const std::vector<exporting::NucleusRow>& rows);
  const std::vector<exporting::NucleusRow>& rows() const { return rows_; }
  // Selects the row of `label` (0 clears the selection); emits nucleusSelected when it changes.
  void selectLabel(int label);
  int selectedLabel() const;
  QTableWidget* table() const { return table_; }
  // One line describing a row (status bar, log).
  static QString describe(const exporting::NucleusRow& row);

 Q_SIGNALS:
  void nucleusSelected(int label);

 private:
  QTableWidget* table_ = nullptr;
  QLabel* empty_ = nullptr;
  std::vector<exporting::NucleusRow> rows_;
};

}  // namespace mollichrom::ui
