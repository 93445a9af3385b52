#pragma once
// A partial derivative ∂^α as counts per axis, and linear operators built from them.
// Axis order everywhere in the mollifier code: x, y, t (t only for space-time kernels).
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace mollichrom::mollifier {

struct MultiIndex {
  int x = 0, y = 0, t = 0;
  int order() const { return x + y + t; }
  int operator[](int axis) const { return axis == 0 ? x : axis == 1 ? y : t; }
  bool operator==(const MultiIndex& o) const { return x == o.x && y == o.y && t == o.t; }
  bool operator<(const MultiIndex& o) const {
    return std::array<int, 3>{x, y, t} < std::array<int, 3>{o.x, o.y, o.t};
  }
  std::string name() const;  // "value", "x", "xxyy", "t", ...
};

// Σ c_i ∂^{α_i}: e.g. ∇² = ∂xx + ∂yy, ∇⁴ = ∂xxxx + 2∂xxyy + ∂yyyy.
struct LinearOperator {
  std::string name;
  std::vector<std::pair<MultiIndex, double>> terms;
  int order() const;
};

// Parses an operator name: "value" (or "u"), "lap", "bilap", "grad_sum" (∂x+∂y), "grad_lap"
// ((∂x+∂y)∇²), "grad_lap_x", "grad_lap_y", or a string of
// axis letters ("x", "xy", "xxyy", "t", "xxt"). Throws std::invalid_argument naming the text.
LinearOperator parseOperator(const std::string& name);

}  // namespace mollichrom::mollifier
