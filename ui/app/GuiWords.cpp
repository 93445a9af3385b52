#include "ui/app/GuiWords.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <utility>
#include <vector>

namespace mollichrom::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("GuiWords", text); }

// Longest phrases first: a flag inside a longer phrase is replaced with the phrase; the
// symbols last, once no flag phrase that contains one is left.
const std::vector<std::pair<QRegularExpression, QString>>& rules() {
  static const std::vector<std::pair<QRegularExpression, QString>> r{
      {QRegularExpression(QStringLiteral(
           R"(Check --channels and the intensity calibration \(--offset, --hetero-share\))")),
       tr("Check Channels → fields and Intensity → volume fraction (offsets, share φ_h/φ_c) in "
          "the Data dock")},
      {QRegularExpression(QStringLiteral(R"(\(check --channels and --offset\))")),
       tr("(check Channels → fields and the offsets in the Data dock)")},
      {QRegularExpression(QStringLiteral(R"(check --channels density=N,heterochromatin=N)")),
       tr("check Channels → fields in the Data dock")},
      {QRegularExpression(QStringLiteral(R"(\(--channels density=N,heterochromatin=N\))")),
       tr("(Data dock ▸ Channels → fields)")},
      {QRegularExpression(QStringLiteral(R"(open it with --slices-are-time \(GUI: Data dock\))")),
       tr("tick “Slices are time points” in the Data dock")},
      {QRegularExpression(QStringLiteral(R"(\(--set M=\.\.\.,gamma_ac=\.\.\.\))")),
       tr("(M and Γ_ac in the Training dock)")},
      {QRegularExpression(QStringLiteral(R"(give them with --set or a time-lapse's calibration)")),
       tr("give them in the Training dock, or apply a time-lapse's calibration in the Data dock")},
      {QRegularExpression(QStringLiteral(R"(set --pixel-size)")),
       tr("set the pixel size (Data dock ▸ Dataset properties…)")},
      {QRegularExpression(QStringLiteral(R"(set --frame-interval)")),
       tr("set the frame interval (Data dock ▸ Dataset properties…)")},
      {QRegularExpression(QStringLiteral(R"(use --bleach)")),
       tr("tick Bleach correction in the Data dock")},
      {QRegularExpression(QStringLiteral(R"(use --drift)")),
       tr("tick Drift correction in the Data dock")},
      {QRegularExpression(QStringLiteral(R"(give them with --offset)")),
       tr("give them in the Data dock (Intensity → volume fraction: offsets)")},
      {QRegularExpression(QStringLiteral(R"( \(--memory-limit\))")),
       tr(" (Training dock ▸ Memory limit)")},
      {QRegularExpression(QStringLiteral(R"(raise --memory-limit)")),
       tr("raise the memory limit (Training dock)")},
      {QRegularExpression(QStringLiteral(R"(--bin (\d+))")), tr("binning \\1 (Data dock)")},
      {QRegularExpression(QStringLiteral(R"(--crop (\d+),(\d+),(\d+),(\d+))")),
       tr("a crop of \\3 × \\4 px at \\1, \\2 (Data dock)")},
      {QRegularExpression(QStringLiteral(R"(, a crop or a smaller --tile)")),
       tr(" or a crop (Data dock)")},
      // Then symbols and units as the window writes them; names inside file paths stay.
      {QRegularExpression(QStringLiteral(R"(\bum\^2/s\b)")), QStringLiteral("µm²/s")},
      {QRegularExpression(QStringLiteral(R"(\bum\^2\b)")), QStringLiteral("µm²")},
      {QRegularExpression(QStringLiteral(R"((?<=\d )um\b)")), QStringLiteral("µm")},
      {QRegularExpression(QStringLiteral(R"((?<![\w.])gamma_(ac|me)(?![\w.]))")),
       QStringLiteral("Γ_\\1")},
      {QRegularExpression(QStringLiteral(R"((?<![\w.])dphi_d/dt(?![\w.]))")),
       QStringLiteral("∂φ_d/∂t")},
      {QRegularExpression(QStringLiteral(R"((?<![\w.])phi_(c|h|e|d|max)(?![\w.]))")),
       QStringLiteral("φ_\\1")},
      {QRegularExpression(QStringLiteral(R"((?<![\w.])mu_d(?![\w.]))")), QStringLiteral("μ_d")},
      {QRegularExpression(QStringLiteral(R"((?<![\w/.-])lambda(?![\w.]))")), QStringLiteral("λ")},
  };
  return r;
}

}  // namespace

QString guiWords(const QString& engineText) {
  QString t = engineText;
  for (const auto& [re, words] : rules()) t.replace(re, words);
  // "--frames 1-N" counts from 1; the Data dock's frame boxes count from 0.
  static const QRegularExpression frames(QStringLiteral(R"(--frames (\d+)-(\d+))"));
  for (auto m = frames.match(t); m.hasMatch(); m = frames.match(t)) {
    const QString words = tr("frames %1–%2 (Data dock)")
                              .arg(m.captured(1).toInt() - 1)
                              .arg(m.captured(2).toInt() - 1);
    t.replace(m.capturedStart(), m.capturedLength(), words);
  }
  return t;
}

}  // namespace mollichrom::ui
