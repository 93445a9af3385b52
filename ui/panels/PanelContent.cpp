#include "ui/panels/PanelContent.h"

namespace mollichrom::ui {

const std::vector<PanelContent>& panelContents() {
  // Derivatives and the residual are signed: a diverging map shows where they change sign.
  static const std::vector<PanelContent> all{
      {"density", QStringLiteral("Density φ_c (frame)"), "density φ_c", "grey", true},
      {"hetero", QStringLiteral("Heterochromatin φ_h (frame)"), "heterochromatin φ_h", "grey", true},
      {"lambda", QStringLiteral("λ = Γ_me/Γ_ac"), "λ = Γ_me/Γ_ac", "viridis", false},
      {"lambda_trained", QStringLiteral("λ network (live)"), "λ of the network", "viridis", false},
      {"lambda_direct", QStringLiteral("λ direct estimate"), "λ direct estimate", "viridis", false},
      {"lambda_band", QStringLiteral("λ uncertainty (90 % band width)"), "λ: 90 % band width", "magma", false},
      {"nuclei", QStringLiteral("Nuclei (numbers as in the Nuclei dock)"), "nucleus number", "viridis", false},
      {"phi_h", QStringLiteral("φ_h (network)"), "φ_h", "viridis", false},
      {"phi_e", QStringLiteral("φ_e (network)"), "φ_e", "viridis", false},
      {"phi_d", QStringLiteral("φ_d = φ_h − φ_e"), "φ_d", "coolwarm", false},
      {"mu_d", QStringLiteral("μ_d"), "μ_d", "coolwarm", false},
      {"dt_phi_d", QStringLiteral("∂t φ_d"), "∂t φ_d [1/s]", "coolwarm", false},
      {"lap_phi_d", QStringLiteral("∇² φ_d"), "∇² φ_d [1/µm²]", "coolwarm", false},
      {"bilap_phi_d", QStringLiteral("∇⁴ φ_d"), "∇⁴ φ_d [1/µm⁴]", "coolwarm", false},
      {"residual", QStringLiteral("PDE residual"), "residual [1/s]", "coolwarm", false},
      {"mask", QStringLiteral("Nucleus mask / analysed region"), "mask", "grey", false},
      {"losses", QStringLiteral("Loss curves"), "", "", false},
  };
  return all;
}

const PanelContent* findPanelContent(const QString& key) {
  for (const auto& c : panelContents())
    if (c.key == key) return &c;
  return nullptr;
}

}  // namespace mollichrom::ui
