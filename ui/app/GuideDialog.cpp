#include "ui/app/GuideDialog.h"

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace mollichrom::ui {

GuideDialog::GuideDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("guideDialog"));
  setWindowTitle(tr("Mollichrom guide"));
  auto* layout = new QVBoxLayout(this);
  browser_ = new QTextBrowser(this);
  browser_->setObjectName(QStringLiteral("guideText"));
  browser_->setOpenExternalLinks(true);
  browser_->setSource(QUrl(QStringLiteral("qrc:/guide/guide.html")));
  layout->addWidget(browser_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(640, 720);
}

}  // namespace mollichrom::ui
