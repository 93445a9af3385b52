#include "ui/docks/NucleiDock.h"

#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace mollichrom::ui {

namespace {

QString number(double v, int decimals) {
  return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
}

// λ and its band in significant digits: fixed decimals showed a λ of 2e-5 as "0.000 ± 0.000",
// a certainty the data never gave, and a mis-mapped 2130.667 wider than its column.
QString significant(double v) {
  return std::isfinite(v) ? QString::number(v, 'g', 3) : QStringLiteral("—");
}

}  // namespace

NucleiDock::NucleiDock(QWidget* parent) : QDockWidget(tr("Nuclei"), parent) {
  setObjectName("NucleiDock");
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  layout->setContentsMargins(4, 4, 4, 4);
  empty_ = new QLabel(tr("Every nucleus of the field gets a row here once λ is computed."), w);
  empty_->setWordWrap(true);
  table_ = new QTableWidget(0, 10, w);
  table_->setHorizontalHeaderLabels({tr("#"), tr("x (µm)"), tr("y (µm)"), tr("area (µm²)"),
                                     tr("λ median"), tr("λ IQR"), tr("90 % band"), tr("finite"),
                                     tr("fit"), tr("flags")});
  table_->verticalHeader()->setVisible(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  layout->addWidget(empty_);
  layout->addWidget(table_);
  setWidget(w);
  connect(table_, &QTableWidget::itemSelectionChanged, this,
          [this] { Q_EMIT nucleusSelected(selectedLabel()); });
}

void NucleiDock::setRows(const std::vector<exporting::NucleusRow>& rows) {
  rows_ = rows;
  const QSignalBlocker block(table_);
  table_->clearSelection();
  table_->setRowCount(static_cast<int>(rows.size()));
  for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
    const auto& r = rows[static_cast<size_t>(i)];
    QStringList flags;
    if (r.touchesBorder) flags << tr("cut by border");
    if (r.split) flags << tr("split");
    const QStringList cells{
        QString::number(r.label),
        number(r.centroidXUm, 2),
        number(r.centroidYUm, 2),
        number(r.areaUm2, 1),
        significant(r.median),
        significant(r.q25) + QStringLiteral("–") + significant(r.q75),
        r.bandWidth >= 0 ? QStringLiteral("±") + significant(r.bandWidth / 2) : QStringLiteral("—"),
        QString::number(100 * r.finiteShare, 'f', 0) + " %",
        r.fit.empty() ? QStringLiteral("—") : QString::fromStdString(r.fit),
        flags.join(", ")};
    for (int c = 0; c < cells.size(); ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
  }
  empty_->setVisible(rows.empty());
}

void NucleiDock::selectLabel(int label) {
  for (int i = 0; i < static_cast<int>(rows_.size()); ++i)
    if (rows_[static_cast<size_t>(i)].label == label) {
      table_->selectRow(i);
      table_->scrollToItem(table_->item(i, 0));
      return;
    }
  table_->clearSelection();
}

int NucleiDock::selectedLabel() const {
  const auto sel = table_->selectionModel()->selectedRows();
  if (sel.isEmpty()) return 0;
  const int row = sel.first().row();
  return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[static_cast<size_t>(row)].label
                                                          : 0;
}

QString NucleiDock::describe(const exporting::NucleusRow& r) {
  QString s = tr("Nucleus %1 at (%2, %3) µm, %4 µm²: λ median %5 (IQR %6–%7)")
                  .arg(r.label)
                  .arg(r.centroidXUm, 0, 'f', 2)
                  .arg(r.centroidYUm, 0, 'f', 2)
                  .arg(r.areaUm2, 0, 'f', 1)
                  .arg(significant(r.median), significant(r.q25), significant(r.q75));
  if (r.bandWidth >= 0) s += tr(", 90 % band ±%1").arg(significant(r.bandWidth / 2));
  if (!r.fit.empty()) s += tr(", fit %1").arg(QString::fromStdString(r.fit));
  if (r.touchesBorder) s += tr(" — cut by the image border: part of a nucleus");
  return s;
}

}  // namespace mollichrom::ui
