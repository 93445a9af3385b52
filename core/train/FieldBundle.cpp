#include "core/train/FieldBundle.h"

#include "core/train/HashedNoise.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace mollichrom::train {

FieldBundle FieldBundle::from(const prep::FieldData& data) {
  // Test hook: a real LibTorch allocation of this many GB, to exercise the out-of-memory path
  // end to end (tests/core/test_scale.cpp); never set in normal use.
  if (const char* gb = std::getenv("MOLLICHROM_TEST_ALLOCATE_GB"))
    (void)torch::empty({static_cast<int64_t>(std::atof(gb) * 1e9)}, torch::kUInt8);
  FieldBundle b;
  b.frames = data.frames();
  b.height = data.height();
  b.width = data.width();
  b.dx = data.dx;
  b.dy = data.dy;
  b.dt = data.dt;
  b.mask = data.mask;
  b.fields = torch::empty({2, b.frames, b.height, b.width}, torch::kFloat32);
  const int64_t plane = int64_t(b.height) * b.width;
  float* dst = b.fields.data_ptr<float>();
  for (int f = 0; f < 2; ++f)
    for (int t = 0; t < b.frames; ++t) {
      const cv::Mat& src = (f == 0 ? data.density : data.hetero)[static_cast<size_t>(t)];
      cv::Mat m;
      src.convertTo(m, CV_32F);
      if (!m.isContinuous()) m = m.clone();
      std::memcpy(dst + (int64_t(f) * b.frames + t) * plane, m.ptr<float>(),
                  static_cast<size_t>(plane) * sizeof(float));
    }
  b.noiseSigma = data.noiseSigma > 0 ? data.noiseSigma : estimateNoiseLevel(data);
  // Each channel's own σ for synthetic noise: on camera counts the two channels collect
  // different photon numbers (the marker's φ is lower), so one σ mis-states both.
  if (data.noiseSigma > 0)
    b.fieldNoise = {data.noiseSigma, data.noiseSigma};
  else
    b.fieldNoise = estimateNoiseLevels(data);
  return b;
}

namespace {

// The part of `r` inside the image (optionally with noise added), then the rest mirrored about
// the image edge (even extension).
torch::Tensor cut(const FieldBundle& b, const cv::Rect& r, torch::ScalarType dtype,
                  std::uint64_t noiseSeed, std::array<double, 2> noiseSigma) {
  using torch::indexing::Slice;
  const cv::Rect in = r & cv::Rect(0, 0, b.width, b.height);
  auto w =
      b.fields
          .index({Slice(), Slice(), Slice(in.y, in.y + in.height), Slice(in.x, in.x + in.width)})
          .to(dtype, /*non_blocking=*/false, /*copy=*/true);
  if (noiseSigma[0] > 0 || noiseSigma[1] > 0) {
    w = w.contiguous();
    addHashedNoise(w, in, b.height, b.width, noiseSeed, noiseSigma);
  }
  const int64_t left = in.x - r.x, top = in.y - r.y, right = r.x + r.width - (in.x + in.width),
                bottom = r.y + r.height - (in.y + in.height);
  if (left || top || right || bottom) {
    namespace F = torch::nn::functional;
    w = F::pad(w, F::PadFuncOptions({left, right, top, bottom}).mode(torch::kReflect));
  }
  return w.contiguous();
}

}  // namespace

torch::Tensor FieldBundle::window(const cv::Rect& r, torch::ScalarType dtype) const {
  return cut(*this, r, dtype, 0, {0, 0});
}

torch::Tensor FieldBundle::noisyWindow(const cv::Rect& r, torch::ScalarType dtype,
                                       std::uint64_t noiseSeed) const {
  return cut(*this, r, dtype, noiseSeed, fieldNoise);
}

namespace {

// Robust σ of the planes' noise inside the nucleus (the samples are appended to `v`).
void noiseSamples(const std::vector<cv::Mat>& planes, const cv::Mat& mask, int stride,
                  std::vector<float>& v) {
  const int T = static_cast<int>(planes.size());
  if (T >= 3) {
    // Noise is independent from frame to frame while the signal changes smoothly, so the
    // temporal second difference I(t+1) − 2I(t) + I(t−1) is almost pure noise with σ·√6.
    for (int t = 1; t + 1 < T; t += stride) {
      const cv::Mat d2 = planes[t + 1] - 2 * planes[t] + planes[t - 1];
      for (int y = 0; y < d2.rows; ++y)
        for (int x = 0; x < d2.cols; ++x)
          if (mask.at<std::uint8_t>(y, x))
            v.push_back(std::abs(d2.at<float>(y, x)) / std::sqrt(6.f));
    }
  } else {
    // Immerkær's operator (1996), the product of the second differences in x and y: a 4th-
    // order difference that leaves texture at the scale of a few pixels almost untouched
    // (the Laplacian, 2nd order, took it for noise: σ came out 1.35× high on a textured
    // snapshot, and the direct estimate's error model with it). Noise gain 6.
    const cv::Mat n = (cv::Mat_<float>(3, 3) << 1, -2, 1, -2, 4, -2, 1, -2, 1);
    for (size_t t = 0; t < planes.size(); t += static_cast<size_t>(stride)) {
      cv::Mat d;
      cv::filter2D(planes[t], d, CV_32F, n);
      for (int y = 2; y < d.rows - 2; ++y)
        for (int x = 2; x < d.cols - 2; ++x)
          if (mask.at<std::uint8_t>(y, x)) v.push_back(std::abs(d.at<float>(y, x)) / 6.f);
    }
  }
}

double medianSigma(std::vector<float>& v) {
  if (v.empty()) return 1e-3;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return std::max(1e-5, v[v.size() / 2] / 0.6745);
}

int strideFor(const prep::FieldData& data) {
  // At most ~2 M samples are kept (frames spread evenly): the median needs no more.
  const int T = data.frames();
  const int64_t perFrame = std::max(1, cv::countNonZero(data.mask));
  const int framesUsed = T >= 3 ? T - 2 : T;
  return static_cast<int>(std::max<int64_t>(1, 2 * framesUsed * perFrame / 2'000'000));
}

}  // namespace

double estimateNoiseLevel(const prep::FieldData& data) {
  std::vector<float> v;
  const int stride = strideFor(data);
  noiseSamples(data.density, data.mask, stride, v);
  noiseSamples(data.hetero, data.mask, stride, v);
  return medianSigma(v);
}

std::array<double, 2> estimateNoiseLevels(const prep::FieldData& data) {
  const int stride = strideFor(data);
  std::array<double, 2> out{};
  int k = 0;
  for (const auto* planes : {&data.density, &data.hetero}) {
    std::vector<float> v;
    noiseSamples(*planes, data.mask, stride, v);
    out[size_t(k++)] = medianSigma(v);
  }
  return out;
}

}  // namespace mollichrom::train
