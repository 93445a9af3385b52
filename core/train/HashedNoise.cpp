#include "core/train/HashedNoise.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <vector>

namespace mollichrom::train {

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// One standard normal from a 64-bit hash (Box–Muller on its two 32-bit halves).
double normalFrom(std::uint64_t h) {
  const double u1 = ((h >> 32) + 0.5) / 4294967296.0,
               u2 = ((h & 0xFFFFFFFFull) + 0.5) / 4294967296.0;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

template <typename T>
void addNoise(T* p, int64_t F, int64_t Tn, int64_t h, int64_t w, const cv::Rect& src, int H, int W,
              std::uint64_t seed, const double* sigmaPerField) {
  at::parallel_for(0, F * Tn, 1, [&](int64_t b, int64_t e) {
    for (int64_t ft = b; ft < e; ++ft) {
      T* plane = p + ft * h * w;
      const double sigma = sigmaPerField[ft / Tn];
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          const std::uint64_t index = (std::uint64_t(ft) * H + (src.y + y)) * W + (src.x + x);
          plane[y * w + x] += static_cast<T>(sigma * normalFrom(splitmix(index ^ splitmix(seed))));
        }
    }
  });
}

}  // namespace

void addHashedNoise(torch::Tensor& window, const cv::Rect& source, int imageHeight, int imageWidth,
                    std::uint64_t seed, double sigma) {
  const std::vector<double> s(static_cast<size_t>(window.size(0)), sigma);
  const int64_t F = window.size(0), T = window.size(1), h = window.size(2), w = window.size(3);
  if (window.scalar_type() == torch::kFloat64)
    addNoise(window.data_ptr<double>(), F, T, h, w, source, imageHeight, imageWidth, seed,
             s.data());
  else
    addNoise(window.data_ptr<float>(), F, T, h, w, source, imageHeight, imageWidth, seed, s.data());
}

void addHashedNoise(torch::Tensor& window, const cv::Rect& source, int imageHeight, int imageWidth,
                    std::uint64_t seed, const std::array<double, 2>& sigma) {
  const int64_t F = window.size(0), T = window.size(1), h = window.size(2), w = window.size(3);
  TORCH_CHECK(F == 2, "per-field noise needs 2 fields");
  if (window.scalar_type() == torch::kFloat64)
    addNoise(window.data_ptr<double>(), F, T, h, w, source, imageHeight, imageWidth, seed,
             sigma.data());
  else
    addNoise(window.data_ptr<float>(), F, T, h, w, source, imageHeight, imageWidth, seed,
             sigma.data());
}

}  // namespace mollichrom::train
