#include "core/mollifier/MultiIndex.h"

#include <stdexcept>

namespace mollichrom::mollifier {

std::string MultiIndex::name() const {
  if (order() == 0) return "value";
  return std::string(x, 'x') + std::string(y, 'y') + std::string(t, 't');
}

int LinearOperator::order() const {
  int o = 0;
  for (const auto& [alpha, c] : terms)
    if (c != 0.0 && alpha.order() > o) o = alpha.order();
  return o;
}

LinearOperator parseOperator(const std::string& name) {
  LinearOperator op{name, {}};
  if (name == "value" || name == "u") {
    op.terms = {{{0, 0, 0}, 1.0}};
  } else if (name == "lap") {
    op.terms = {{{2, 0, 0}, 1.0}, {{0, 2, 0}, 1.0}};
  } else if (name == "bilap") {
    op.terms = {{{4, 0, 0}, 1.0}, {{2, 2, 0}, 2.0}, {{0, 4, 0}, 1.0}};
  } else if (name == "grad_sum") {
    op.terms = {{{1, 0, 0}, 1.0}, {{0, 1, 0}, 1.0}};
  } else if (name == "grad_lap") {  // (∂x + ∂y)∇²
    op.terms = {{{3, 0, 0}, 1.0}, {{1, 2, 0}, 1.0}, {{2, 1, 0}, 1.0}, {{0, 3, 0}, 1.0}};
  } else if (name == "grad_lap_x") {
    op.terms = {{{3, 0, 0}, 1.0}, {{1, 2, 0}, 1.0}};
  } else if (name == "grad_lap_y") {
    op.terms = {{{2, 1, 0}, 1.0}, {{0, 3, 0}, 1.0}};
  } else {
    MultiIndex a;
    for (char c : name) {
      if (c == 'x')
        ++a.x;
      else if (c == 'y')
        ++a.y;
      else if (c == 't')
        ++a.t;
      else
        throw std::invalid_argument(
            "unknown derivative operator '" + name +
            "' (use value, lap, bilap, grad_sum, grad_lap, grad_lap_x, grad_lap_y, or "
            "letters x, y, t such as 'xxyy')");
    }
    if (name.empty()) throw std::invalid_argument("empty derivative operator name");
    op.terms = {{a, 1.0}};
  }
  return op;
}

}  // namespace mollichrom::mollifier
