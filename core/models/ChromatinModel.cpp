#include "core/models/ChromatinModel.h"

#include <algorithm>
#include <stdexcept>

namespace mollichrom::models {

torch::Tensor FieldDerivatives::get(int field, const std::string& op) const {
  const auto it = std::find(ops.begin(), ops.end(), op);
  if (it == ops.end()) throw std::out_of_range("derivative '" + op + "' was not computed");
  return data[field][it - ops.begin()];
}

std::vector<std::string> ChromatinModel::operators(bool timeDependent) const {
  std::vector<std::string> ops{"value", "x", "y", "lap", "bilap"};
  if (timeDependent) ops.push_back("t");
  return ops;
}

std::vector<ScalarInfo> ChromatinModel::scalarInfo() const {
  return {{"M", "um^2/s", "mobility"},
          {"gamma_ac", "1/s", "acetylation rate"},
          {"ell", "um", "interface length (fixed)"},
          {"phi_max", "", "maximum volume fraction (fixed)"}};
}

ChromatinModel::Terms ChromatinModel::terms(const FieldDerivatives& d, bool steady) const {
  const double pm = fixed_.phiMax, l2 = fixed_.ell * fixed_.ell;
  const auto c = d.get(0, "value"), h = d.get(1, "value");
  const auto e = c - h;
  // ∇²μ_d = −∇²φ_e + h'(φ_h)∇²φ_h + h''(φ_h)|∇φ_h|² − ℓ²∇⁴φ_d, with φ_d = 2φ_h − φ_c.
  const auto hx = d.get(1, "x"), hy = d.get(1, "y"), hl = d.get(1, "lap");
  const auto lapE = d.get(0, "lap") - hl;
  const auto bilapD = 2 * d.get(1, "bilap") - d.get(0, "bilap");
  const auto h1 = pm * pm - 6 * pm * h + 6 * h * h;
  const auto h2 = -6 * pm + 12 * h;
  Terms t;
  t.L = -lapE + h1 * hl + h2 * (hx * hx + hy * hy) - l2 * bilapD;
  t.a = steady ? torch::zeros_like(c) : 2 * d.get(1, "t") - d.get(0, "t");
  t.e = e;
  t.h = h;
  return t;
}

PdeModel::Affine ChromatinModel::residual(const FieldDerivatives& d, const Scalars& s,
                                          bool steady) const {
  const Terms t = terms(d, steady);
  const auto& M = s.at("M");
  const auto& G = s.at("gamma_ac");
  return {t.a - M * t.L + 2 * G * t.h, -2 * G * t.e, {}, {}};
}

std::map<std::string, torch::Tensor> ChromatinModel::displayFields(const FieldDerivatives& d,
                                                                   const Scalars&) const {
  const double pm = fixed_.phiMax, l2 = fixed_.ell * fixed_.ell;
  const auto c = d.get(0, "value"), h = d.get(1, "value");
  const auto e = c - h, phiD = h - e;
  const auto lapD = 2 * d.get(1, "lap") - d.get(0, "lap");
  std::map<std::string, torch::Tensor> out{
      {"phi_h", h},        {"phi_e", e},
      {"phi_d", phiD},     {"mu_d", -e + h * (pm - h) * (pm - 2 * h) - l2 * lapD},
      {"lap_phi_d", lapD}, {"bilap_phi_d", 2 * d.get(1, "bilap") - d.get(0, "bilap")}};
  if (std::find(d.ops.begin(), d.ops.end(), "t") != d.ops.end())
    out["dt_phi_d"] = 2 * d.get(1, "t") - d.get(0, "t");
  return out;
}

}  // namespace mollichrom::models
