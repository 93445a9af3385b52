#pragma once
// Choosing a folder to write into, where a new name is as good as an existing folder: Qt's
// folder dialog answers a typed new name with "Directory not found", so a user exporting into
// "results_today" had to make the folder elsewhere first. This one creates it on accept.
#include <QFileDialog>

namespace mollichrom::ui {

class NewFolderDialog : public QFileDialog {
  Q_OBJECT
 public:
  // `proposed`: the folder suggested (it need not exist; its parent is shown).
  NewFolderDialog(QWidget* parent, const QString& title, const QString& proposed);
  void accept() override;
};

// The folder chosen (created when new), empty when canceled.
QString chooseOutputFolder(QWidget* parent, const QString& title, const QString& proposed);

}  // namespace mollichrom::ui
