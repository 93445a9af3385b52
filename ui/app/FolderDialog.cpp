#include "ui/app/FolderDialog.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>

namespace mollichrom::ui {

NewFolderDialog::NewFolderDialog(QWidget* parent, const QString& title, const QString& proposed)
    : QFileDialog(parent, title) {
  setFileMode(QFileDialog::Directory);
  setOption(QFileDialog::ShowDirsOnly);
  // The widget dialog: accept() below is what lets a typed new name through; a platform dialog
  // would not call it.
  setOption(QFileDialog::DontUseNativeDialog);
  setLabelText(QFileDialog::Accept, tr("Export here"));
  const QFileInfo p(proposed);
  if (!proposed.isEmpty()) {
    setDirectory(p.absolutePath());
    selectFile(p.fileName());
  }
}

void NewFolderDialog::accept() {
  const QStringList chosen = selectedFiles();
  const QString folder = chosen.value(0);
  if (!folder.isEmpty() && !QFileInfo::exists(folder)) {
    if (!QFileInfo(QFileInfo(folder).absolutePath()).isDir() || !QDir().mkpath(folder)) {
      QMessageBox::warning(this, windowTitle(),
                           tr("%1: the folder cannot be created here").arg(folder));
      return;
    }
  }
  QFileDialog::accept();
}

QString chooseOutputFolder(QWidget* parent, const QString& title, const QString& proposed) {
  NewFolderDialog d(parent, title, proposed);
  if (d.exec() != QDialog::Accepted) return {};
  return d.selectedFiles().value(0);
}

}  // namespace mollichrom::ui
