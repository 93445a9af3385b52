#include "ui/app/RecentFiles.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace mollichrom::ui {

namespace {
constexpr int kMaxRecent = 8;
const QString kKey = QStringLiteral("recentFiles");
}  // namespace

RecentFiles::RecentFiles(QMenu* menu, std::function<void(const QString&)> open, QObject* parent)
    : QObject(parent), menu_(menu), open_(std::move(open)) {
  rebuild();
}

QStringList RecentFiles::list() { return QSettings().value(kKey).toStringList(); }

void RecentFiles::add(const QString& path) {
  QStringList files = list();
  const QString abs = QFileInfo(path).absoluteFilePath();
  files.removeAll(abs);
  files.prepend(abs);
  while (files.size() > kMaxRecent) files.removeLast();
  QSettings().setValue(kKey, files);
  rebuild();
}

void RecentFiles::rebuild() {
  menu_->clear();
  const QStringList files = list();
  for (const QString& f : files)
    menu_->addAction(QFileInfo(f).fileName(), this, [this, f] { open_(f); })->setToolTip(f);
  menu_->setEnabled(!files.isEmpty());
}

}  // namespace mollichrom::ui
