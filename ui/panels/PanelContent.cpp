#include "ui/panels/PanelContent.h"

#include "core/io/Stack.h"
#include "core/prep/FieldData.h"
#include "core/prep/NucleusLabels.h"
#include "core/train/DirectEstimator.h"
#include "core/train/Trainer.h"

#include <QCoreApplication>

#include <cmath>

namespace mollichrom::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("PanelContent", text); }

PanelView image(const cv::Mat& m, const std::string& title) {
  PanelView v;
  v.kind = PanelView::Kind::Image;
  v.image = m;
  v.title = title;
  return v;
}

PanelView message(const QString& text) {
  PanelView v;
  v.message = text;
  return v;
}

size_t frameOf(const PanelInputs& in) {
  return size_t(std::clamp(in.frame, 0, std::max(0, in.fields->frames() - 1)));
}

// The data of the current frame.
PanelView density(const PanelContent& c, const PanelInputs& in) {
  return image(in.fields->density[frameOf(in)], c.title);
}
PanelView hetero(const PanelContent& c, const PanelInputs& in) {
  return image(in.fields->hetero[frameOf(in)], c.title);
}

// A channel of the file as recorded (counts, before any mapping): what the user looks at to
// decide which channel is the density and which the marker. Keys "raw1" … "raw4".
PanelView rawChannel(const PanelContent& c, const PanelInputs& in) {
  const int channel = c.key.mid(3).toInt();
  if (!in.stack)
    return message(
        tr("The raw channels are not kept for a stack this large: crop or bin it in "
           "the Data dock to look at them"));
  const auto& info = in.stack->info();
  if (channel > info.channels)
    return message(tr("This stack has %1 channel(s)").arg(info.channels));
  const int t = std::clamp(in.frame, 0, info.frames - 1);
  cv::Mat m;
  in.stack->plane(t, channel - 1, 0).convertTo(m, CV_32F);
  return image(m, c.title);
}

// The reported λ (Answer.h): the run's result, else what `auto` will report — the direct
// estimate, ready before training.
PanelView lambda(const PanelContent& c, const PanelInputs& in) {
  if (in.result && !in.result->lambda.empty()) return image(in.result->lambda, c.title);
  if (in.direct) return image(in.direct->lambda, c.title);
  return message(tr("Computing the direct estimate …"));
}

PanelView lambdaDirect(const PanelContent& c, const PanelInputs& in) {
  if (in.direct) return image(in.direct->lambda, c.title);
  return message(tr("Computing the direct estimate …"));
}

// The network's λ: live from the snapshots, then the run's.
PanelView lambdaTrained(const PanelContent& c, const PanelInputs& in) {
  const auto* r = in.result;
  if (r && !r->trainedLambda.empty()) return image(r->trainedLambda, c.title);
  if (r && r->answer == train::Answer::Trained && !r->lambda.empty())
    return image(r->lambda, c.title);
  if (in.snapshot && !in.snapshot->lambda.empty()) return image(in.snapshot->lambda, c.title);
  return message(tr("The network's λ appears once training starts"));
}

PanelView lambdaBand(const PanelContent& c, const PanelInputs& in) {
  if (in.result && !in.result->lambdaLow.empty())
    return image(in.result->lambdaHigh - in.result->lambdaLow, c.title);
  if (!in.result && in.direct && !in.direct->lambdaLow.empty())
    return image(in.direct->lambdaHigh - in.direct->lambdaLow, c.title);
  return message(tr("The 90 % band of λ appears with the estimate"));
}

// Each nucleus its number (the Nuclei dock's first column); background blank.
PanelView nuclei(const PanelContent& c, const PanelInputs& in) {
  cv::Mat m;
  prep::labelNuclei(in.fields->mask).labels.convertTo(m, CV_32F);
  m.setTo(std::nanf(""), m == 0);
  return image(m, c.title);
}

// 0 outside, 1 nucleus, 2 analysed region (where λ is estimated).
PanelView mask(const PanelContent&, const PanelInputs& in) {
  cv::Mat m;
  in.fields->mask.convertTo(m, CV_32F, 1.0 / 255);
  if (in.direct && !in.direct->region.empty()) {
    cv::Mat r;
    in.direct->region.convertTo(r, CV_32F, 1.0 / 255);
    m += r;
  }
  return image(m, "mask (1) / analysed (2)");
}

PanelView losses(const PanelContent&, const PanelInputs& in) {
  const std::vector<train::LossRecord>* l = nullptr;
  if (in.result && !in.result->losses.empty())
    l = &in.result->losses;
  else if (in.snapshot && !in.snapshot->losses.empty())
    l = &in.snapshot->losses;
  if (!l) return message(tr("Loss curves appear once training has started"));
  PanelView v;
  v.kind = PanelView::Kind::Losses;
  v.losses = l;
  return v;
}

// A field of the network (the snapshot's key); before training the measured φ of the frame
// where there is one.
PanelView networkField(const PanelContent& c, const PanelInputs& in) {
  if (in.snapshot) {
    const auto it = in.snapshot->fields.find(c.key.toStdString());
    if (it != in.snapshot->fields.end()) return image(it->second, c.title);
  }
  const auto& f = *in.fields;
  const size_t t = frameOf(in);
  if (c.key == "phi_h") return image(f.hetero[t], "φ_h (data)");
  if (c.key == "phi_e") return image(f.density[t] - f.hetero[t], "φ_e (data)");
  if (c.key == "phi_d") return image(2 * f.hetero[t] - f.density[t], "φ_d (data)");
  return message(tr("%1 comes from the network: it appears once training starts")
                     .arg(QString::fromUtf8(c.title)));
}

}  // namespace

const std::vector<PanelContent>& panelContents() {
  // Derivatives and the residual are signed: a diverging map shows where they change sign.
  // Columns: key, selector label, title, colour map, per frame, live while training, provider.
  static const std::vector<PanelContent> all{
      {"density", QStringLiteral("Density φ_c (frame)"), "density φ_c", "grey", true, false,
       density},
      {"hetero", QStringLiteral("Heterochromatin φ_h (frame)"), "heterochromatin φ_h", "grey", true,
       false, hetero},
      {"raw1", QStringLiteral("Raw channel 1 (frame)"), "channel 1 as recorded", "grey", true,
       false, rawChannel},
      {"raw2", QStringLiteral("Raw channel 2 (frame)"), "channel 2 as recorded", "grey", true,
       false, rawChannel},
      {"raw3", QStringLiteral("Raw channel 3 (frame)"), "channel 3 as recorded", "grey", true,
       false, rawChannel},
      {"raw4", QStringLiteral("Raw channel 4 (frame)"), "channel 4 as recorded", "grey", true,
       false, rawChannel},
      {"lambda", QStringLiteral("λ = Γ_me/Γ_ac"), "λ = Γ_me/Γ_ac", "viridis", false, false, lambda},
      {"lambda_trained", QStringLiteral("λ network (live)"), "λ of the network", "viridis", false,
       true, lambdaTrained},
      {"lambda_direct", QStringLiteral("λ direct estimate"), "λ direct estimate", "viridis", false,
       false, lambdaDirect},
      {"lambda_band", QStringLiteral("λ 90 % band width"), "λ: 90 % band width", "magma", false,
       true, lambdaBand},
      {"nuclei", QStringLiteral("Nuclei (numbered)"), "nucleus number", "viridis", false, false,
       nuclei},
      {"phi_h", QStringLiteral("φ_h (network)"), "φ_h", "viridis", false, true, networkField},
      {"phi_e", QStringLiteral("φ_e (network)"), "φ_e", "viridis", false, true, networkField},
      {"phi_d", QStringLiteral("φ_d = φ_h − φ_e"), "φ_d", "coolwarm", false, true, networkField},
      {"mu_d", QStringLiteral("μ_d"), "μ_d", "coolwarm", false, true, networkField},
      {"dt_phi_d", QStringLiteral("∂t φ_d"), "∂t φ_d [1/s]", "coolwarm", false, true, networkField},
      {"lap_phi_d", QStringLiteral("∇² φ_d"), "∇² φ_d [1/µm²]", "coolwarm", false, true,
       networkField},
      {"bilap_phi_d", QStringLiteral("∇⁴ φ_d"), "∇⁴ φ_d [1/µm⁴]", "coolwarm", false, true,
       networkField},
      {"residual", QStringLiteral("PDE residual"), "residual [1/s]", "coolwarm", false, true,
       networkField},
      {"mask", QStringLiteral("Nucleus mask / analysed region"), "mask", "grey", false, false,
       mask},
      {"losses", QStringLiteral("Loss curves"), "", "", false, true, losses},
  };
  return all;
}

const PanelContent* findPanelContent(const QString& key) {
  for (const auto& c : panelContents())
    if (c.key == key) return &c;
  return nullptr;
}

QString panelContentHelp(const QString& key) {
  static const std::vector<std::pair<const char*, const char*>> help{
      {"lambda",
       "λ = Γ_me/Γ_ac: the methylation rate over the acetylation rate at each point "
       "(the answer)"},
      {"lambda_band",
       "Width of the 90 % band of λ at each point: where it is wide, λ is uncertain"},
      {"phi_h", "φ_h: heterochromatin volume fraction (the marker channel, mapped)"},
      {"phi_e", "φ_e = φ_c − φ_h: euchromatin volume fraction"},
      {"phi_d", "φ_d = φ_h − φ_e: the difference whose evolution the model describes"},
      {"mu_d",
       "μ_d: the chemical potential of φ_d (how strongly the mixture pushes φ_d to change)"},
      {"dt_phi_d", "∂t φ_d: how fast φ_d changes in time"},
      {"lap_phi_d", "∇² φ_d: the Laplacian (second space derivative) of φ_d"},
      {"bilap_phi_d", "∇⁴ φ_d: the fourth space derivative of φ_d (the model's highest order)"},
      {"residual", "What the model leaves unexplained: ∂t φ_d minus the model's right-hand side"},
      {"raw1", "Channel 1 of the file as recorded, before any mapping"},
      {"raw2", "Channel 2 of the file as recorded, before any mapping"},
      {"raw3", "Channel 3 of the file as recorded, before any mapping"},
      {"raw4", "Channel 4 of the file as recorded, before any mapping"},
  };
  for (const auto& [k, text] : help)
    if (key == QLatin1String(k)) return tr(text);
  return {};
}

}  // namespace mollichrom::ui
