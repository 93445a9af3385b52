#pragma once
// Help ▸ Guide: a short illustrated page inside the application (what λ, M and Γ_ac mean, the
// workflow, the panels, how to read the fit quality), compiled in from resources/guide/.
#include <QDialog>

class QTextBrowser;

namespace mollichrom::ui {

class GuideDialog : public QDialog {
  Q_OBJECT
 public:
  explicit GuideDialog(QWidget* parent = nullptr);
  QTextBrowser* browser() const { return browser_; }

 private:
  QTextBrowser* browser_ = nullptr;
};

}  // namespace mollichrom::ui
