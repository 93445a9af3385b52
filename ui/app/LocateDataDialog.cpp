#include "ui/app/LocateDataDialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

namespace mollichrom::ui {

QString locateDataDialog(QWidget* parent, const QString& project, const QStringList& tried) {
  QMessageBox box(QMessageBox::Question, QObject::tr("Data not found"),
                  QObject::tr("The data of %1 was not found.").arg(QFileInfo(project).fileName()),
                  QMessageBox::Cancel, parent);
  box.setInformativeText(QObject::tr("Looked in:\n%1").arg(tried.join(QLatin1Char('\n'))));
  QPushButton* locate = box.addButton(QObject::tr("Locate…"), QMessageBox::AcceptRole);
  box.exec();
  if (box.clickedButton() != locate) return {};
  return QFileDialog::getOpenFileName(
      parent, QObject::tr("Locate %1").arg(QFileInfo(tried.value(0)).fileName()),
      QFileInfo(project).absolutePath(),
      QObject::tr("Stacks (*.tif *.tiff *.ome.tif *.png);;All files (*)"));
}

}  // namespace mollichrom::ui
