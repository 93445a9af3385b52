#pragma once
// Helpers shared by the test programs: comparing maps and running the CLI.
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace mollichrom::test {

// Largest |a − b| over two CV_32F maps; infinite when their sizes or NaN patterns differ.
inline double maxAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (int y = 0; y < a.rows; ++y)
    for (int x = 0; x < a.cols; ++x) {
      const float u = a.at<float>(y, x), v = b.at<float>(y, x);
      if (std::isnan(u) != std::isnan(v)) return INFINITY;
      if (!std::isnan(u)) worst = std::max(worst, double(std::abs(u - v)));
    }
  return worst;
}

// Runs mollichrom-cli (MOLLICHROM_CLI) with extra environment variables; returns its exit code
// and, when asked, its stderr.
inline int runCli(const QStringList& args, QString* err = nullptr,
                  const QProcessEnvironment& extraEnv = {}) {
  QProcess p;
  if (!extraEnv.isEmpty()) {
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(extraEnv);
    p.setProcessEnvironment(env);
  }
  p.start(MOLLICHROM_CLI, args);
  p.waitForFinished(300000);
  if (err) *err = QString::fromUtf8(p.readAllStandardError());
  return p.exitCode();
}

}  // namespace mollichrom::test
