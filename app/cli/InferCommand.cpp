#include "app/cli/InferCommand.h"

#include "app/cli/Args.h"
#include "app/cli/ExitCodes.h"
#include "core/io/StackError.h"
#include "core/io/StackReader.h"
#include "core/io/TiffWriter.h"
#include "core/runtime/Runtime.h"
#include "core/train/DirectEstimator.h"
#include "core/train/Metrics.h"

#include <chrono>
#include <iostream>

namespace mollichrom::cli {

int runInfer(const std::vector<std::string>& argv) {
  Args args(argv, {"out", "channels", "normalize", "mask", "set", "engine", "truth", "kernel", "kernel-t", "family"},
            {"help"});
  const std::string input = args.positionals().at(0);
  initRuntime();
  auto src = io::openStack(input);
  const io::Stack stack = src->load();
  prep::PrepOptions po;
  if (args.has("channels")) po.channels = prep::parseChannelMap(args.get("channels"));
  po.normalize = prep::parseNormalize(args.get("normalize", "auto"));
  po.mask = args.get("mask", "auto");
  const prep::FieldData data = prep::prepare(stack, po);
  models::ParameterChoice choice;
  models::applyParameterSettings(args.get("set"), choice);
  train::MollifierSettings ms;
  ms.halfWidthXY = args.getInt("kernel", ms.halfWidthXY);
  ms.halfWidthT = args.getInt("kernel-t", ms.halfWidthT);
  if (args.has("family")) ms.family = mollifier::parseFamily(args.get("family"));
  const auto t0 = std::chrono::steady_clock::now();
  const train::DirectEstimate d = train::estimateDirect(data, choice, ms);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "direct: M " << d.M << " gamma_ac " << d.gammaAc << " residual " << d.residualRms << " (" << secs
            << " s)\n";
  if (args.has("truth")) {
    auto tr = io::openStack(args.get("truth"));
    cv::Mat truth = tr->plane(0, 0, 0);
    cv::Mat meanDensity = cv::Mat::zeros(truth.size(), CV_32F);
    for (const auto& p : data.density) meanDensity += p;
    meanDensity /= data.frames();
    const auto acc = train::compareMaps(d.lambda, truth, train::evaluationMask(meanDensity));
    std::cerr << "accuracy: pearson " << acc.pearson << " relL2 " << acc.relativeL2 << " finite " << acc.finiteFraction
              << " pixels " << acc.pixels << "\n";
  }
  io::Calibration cal = stack.info().calibration;
  io::writeMapTiff(args.get("out"), d.lambda, cal);
  return kExitOk;
}

}  // namespace mollichrom::cli
