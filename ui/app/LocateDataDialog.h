#pragma once
// Asked when a moved project's data is in none of the places tried: "Locate…" opens a file
// dialog. Returns the file chosen, empty to give up.
#include <QString>
#include <QStringList>

class QWidget;

namespace mollichrom::ui {

QString locateDataDialog(QWidget* parent, const QString& project, const QStringList& tried);

}  // namespace mollichrom::ui
