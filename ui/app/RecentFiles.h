#pragma once
// File ▸ Open recent: the last eight files and projects opened (QSettings "recentFiles").
#include <QObject>
#include <QStringList>

#include <functional>

class QMenu;

namespace mollichrom::ui {

class RecentFiles : public QObject {
  Q_OBJECT
 public:
  // `open` is called with the file chosen from `menu`.
  RecentFiles(QMenu* menu, std::function<void(const QString&)> open, QObject* parent);
  void add(const QString& path);  // most recent first
  static QStringList list();

 private:
  void rebuild();
  QMenu* menu_;
  std::function<void(const QString&)> open_;
};

}  // namespace mollichrom::ui
