#include "ui/docks/TrainingDock.h"

#include "core/train/MemoryPlan.h"

#include "ui/docks/WheelGuard.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace mollichrom::ui {

namespace {
QDoubleSpinBox* positiveBox(QWidget* parent, double max, int decimals, const QString& suffix) {
  auto* b = new QDoubleSpinBox(parent);
  b->setRange(std::pow(10.0, -decimals), max);
  b->setDecimals(decimals);
  b->setSuffix(suffix);
  b->setKeyboardTracking(false);
  return b;
}
}  // namespace

TrainingDock::TrainingDock(QAction* start, QAction* pause, QAction* stop, QWidget* parent)
    : QDockWidget(tr("Model & training"), parent) {
  setObjectName(QStringLiteral("trainingDock"));
  auto* body = new QWidget;
  auto* layout = new QVBoxLayout(body);

  auto* buttons = new QHBoxLayout;
  for (QAction* a : {start, pause, stop}) {
    auto* b = new QToolButton(body);
    b->setDefaultAction(a);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    buttons->addWidget(b);
  }
  layout->addLayout(buttons);

  auto* run = new QGroupBox(tr("Training"), body);
  auto* rf = new QFormLayout(run);
  rf->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow dock: label above field
  preset_ = new QComboBox(run);
  preset_->setObjectName(QStringLiteral("preset"));
  preset_->addItem(tr("Preview"), "preview");
  preset_->addItem(tr("Balanced"), "balanced");
  preset_->addItem(tr("Accurate"), "accurate");
  preset_->addItem(tr("Custom"), "custom");
  preset_->setToolTip(
      tr("Preview: 10 steps, a quick look. Balanced: 20 steps. Accurate: 20 steps with a wider "
         "mollifier (10 px), smoother 4th derivatives (README has the measured accuracy)."));
  engine_ = new QComboBox(run);
  engine_->setObjectName(QStringLiteral("engine"));
  const auto engineItem = [this](const QString& label, train::Engine e) {
    engine_->addItem(label, QString::fromStdString(train::engineName(e)));
  };
  engineItem(tr("Mollifier layer"), train::Engine::Mollifier);
  engineItem(tr("Autodiff (baseline)"), train::Engine::Autodiff);
  engineItem(tr("Direct (no network)"), train::Engine::Direct);
  engine_->setToolTip(
      tr("How the PDE's derivatives are taken: the mollifier layer (analytic kernel "
         "derivatives, fast and stable to 4th order), autodiff through a coordinate "
         "network (the paper's baseline, slower), or no network at all"));
  arch_ = new QComboBox(run);
  arch_->setObjectName(QStringLiteral("arch"));
  arch_->addItem(tr("Residual CNN"), QString::fromStdString(train::archName(train::Arch::Cnn)));
  arch_->addItem(tr("Fourier MLP"),
                 QString::fromStdString(train::archName(train::Arch::FourierMlp)));
  arch_->addItem(tr("Plain MLP (tanh)"), QString::fromStdString(train::archName(train::Arch::Mlp)));
  arch_->setToolTip(
      tr("The network that represents the fields: a residual CNN on the pixel grid, "
         "a Fourier-feature MLP of (x, y, t), or the plain tanh MLP of physics-informed "
         "networks"));
  steps_ = new QSpinBox(run);
  steps_->setObjectName(QStringLiteral("steps"));
  steps_->setRange(0, 100000);
  steps_->setSpecialValueText(tr("default (%1)").arg(train::kDefaultSteps));
  steps_->setToolTip(
      tr("Training steps (Adam); more is not always better — see the README's preset table"));
  budget_ = new QDoubleSpinBox(run);
  budget_->setObjectName(QStringLiteral("timeBudget"));
  budget_->setRange(0, 86400);
  budget_->setSuffix(QStringLiteral(" s"));
  budget_->setSpecialValueText(tr("none"));
  budget_->setToolTip(tr("Stop after this many seconds (pauses do not count), whatever the steps"));
  seed_ = new QSpinBox(run);
  seed_->setObjectName(QStringLiteral("seed"));
  seed_->setRange(0, 1 << 30);
  seed_->setToolTip(
      tr("Random seed of the network's start and sampling: the same seed repeats a run"));
  threads_ = new QSpinBox(run);
  threads_->setObjectName(QStringLiteral("threads"));
  threads_->setRange(0, 1024);
  threads_->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
  threads_->setToolTip(tr("CPU threads for training (the GUI keeps responding either way)"));
  kernel_ = new QSpinBox(run);
  kernel_->setObjectName(QStringLiteral("kernel"));
  kernel_->setRange(3, 24);
  kernel_->setSuffix(QStringLiteral(" px"));
  kernel_->setToolTip(
      tr("Half-width of the mollifier kernel: wider smooths noise, narrower keeps detail"));
  lbfgs_ = new QCheckBox(tr("L-BFGS finish on λ and scalars"), run);
  lbfgs_->setToolTip(
      tr("After training, polish λ, M and Γ_ac with L-BFGS on fixed fields (measured: "
         "it can drive M towards 0, so no preset uses it)"));
  rf->addRow(tr("Preset"), preset_);
  rf->addRow(tr("Derivatives"), engine_);
  rf->addRow(tr("Network"), arch_);
  rf->addRow(tr("Steps"), steps_);
  rf->addRow(tr("Mollifier half-width"), kernel_);
  rf->addRow(tr("Time budget"), budget_);
  rf->addRow(tr("Seed"), seed_);
  rf->addRow(tr("Threads"), threads_);
  // The memory plan's limit, a user setting kept across sessions (what `--memory-limit` sets for
  // one run): a run that would exceed it is refused with what fits.
  memoryLimit_ = new QDoubleSpinBox(run);
  memoryLimit_->setObjectName(QStringLiteral("memoryLimit"));
  memoryLimit_->setRange(0, 4096);
  memoryLimit_->setDecimals(1);
  memoryLimit_->setSuffix(QStringLiteral(" GB"));
  memoryLimit_->setSpecialValueText(
      tr("automatic (%1 GB)").arg(train::defaultRunMemoryLimitMb() / 1024, 0, 'f', 1));
  memoryLimit_->setToolTip(
      tr("Training that would need more memory than this is refused, with "
         "the crops, frame ranges and binning that fit"));
  memoryLimit_->setValue(QSettings().value(kMemoryLimitSetting, 0.0).toDouble() / 1024);
  connect(memoryLimit_, &QDoubleSpinBox::valueChanged, this,
          [](double gb) { QSettings().setValue(kMemoryLimitSetting, gb * 1024); });
  rf->addRow(tr("Memory limit"), memoryLimit_);
  rf->addRow(lbfgs_);
  layout->addWidget(run);

  auto* model = new QGroupBox(tr("Model constants"), body);
  auto* mf = new QFormLayout(model);
  mf->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow dock: label above field
  m_ = positiveBox(model, 1e3, 4, QStringLiteral(" µm²/s"));
  gamma_ = positiveBox(model, 1e3, 4, QStringLiteral(" 1/s"));
  ell_ = positiveBox(model, 10, 4, QStringLiteral(" µm"));
  phiMax_ = positiveBox(model, 1, 3, QString());
  m_->setObjectName(QStringLiteral("M"));
  m_->setToolTip(tr("Mobility M (µm²/s): how fast density differences relax by diffusion"));
  gamma_->setToolTip(tr("Acetylation rate Γ_ac (1/s): the time scale of the reactions"));
  ell_->setToolTip(
      tr("Interface width ℓ (µm) of the model's free energy: the width of the "
         "boundary between hetero- and euchromatin"));
  phiMax_->setToolTip(
      tr("φ_max: the largest chromatin volume fraction the model allows (packing limit)"));
  gamma_->setObjectName(QStringLiteral("gammaAc"));
  freeM_ = new QCheckBox(tr("infer"), model);
  freeGamma_ = new QCheckBox(tr("infer"), model);
  freeM_->setObjectName(QStringLiteral("freeM"));
  freeGamma_->setObjectName(QStringLiteral("freeGamma"));
  freeM_->setToolTip(
      tr("Infer M from the time series (needs ≥ 3 frames); the value is the fallback"));
  freeGamma_->setToolTip(
      tr("Infer Γ_ac from the time series (needs ≥ 3 frames); the value is the fallback"));
  auto row = [model](QWidget* a, QWidget* b) {
    auto* h = new QHBoxLayout;
    h->addWidget(a, 1);
    h->addWidget(b);
    return h;
  };
  mf->addRow(tr("Mobility M"), row(m_, freeM_));
  mf->addRow(tr("Acetylation Γ_ac"), row(gamma_, freeGamma_));
  mf->addRow(tr("Interface width ℓ"), ell_);
  mf->addRow(tr("φ_max"), phiMax_);
  // The steady-state snapshot (one frame) needs the ratio; say which numbers it is.
  steadyNote_ = new QLabel(
      tr("One frame (steady-state snapshot): ∂φ/∂t = 0, so λ depends only on the ratio "
         "M/Γ_ac — set both so their ratio is right; they cannot be inferred from one frame."),
      model);
  steadyNote_->setWordWrap(true);
  steadyNote_->setObjectName(QStringLiteral("steadyNote"));
  steadyNote_->setVisible(false);  // shown for a single frame (setSteadyState)
  mf->addRow(steadyNote_);
  layout->addWidget(model);
  layout->addStretch(1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(body);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // wrap, never clip sideways
  setWidget(scroll);
  guardWheel(body);

  TrainingSettings defaults;
  applyPreset("balanced", defaults);
  setSettings(defaults);
  connect(preset_, &QComboBox::currentIndexChanged, this, &TrainingDock::presetChosen);
  connect(steps_, &QSpinBox::valueChanged, this, &TrainingDock::markCustom);
  connect(lbfgs_, &QCheckBox::toggled, this, &TrainingDock::markCustom);
  connect(kernel_, &QSpinBox::valueChanged, this, &TrainingDock::markCustom);
  connect(engine_, &QComboBox::currentIndexChanged, this, [this] {
    // The autodiff baseline differentiates a coordinate network; the CNN has no coordinates.
    const auto engine = train::parseEngine(engine_->currentData().toString().toStdString());
    if (engine == train::Engine::Autodiff &&
        arch_->currentData().toString() ==
            QString::fromStdString(train::archName(train::Arch::Cnn)))
      arch_->setCurrentIndex(
          arch_->findData(QString::fromStdString(train::archName(train::defaultArch(engine)))));
  });
}

void TrainingDock::presetChosen() {
  const std::string name = preset_->currentData().toString().toStdString();
  if (name == "custom") return;
  TrainingSettings s = settings();
  applyPreset(name, s);
  applyingPreset_ = true;
  setSettings(s);
  applyingPreset_ = false;
}

void TrainingDock::markCustom() {
  if (applyingPreset_) return;
  const QSignalBlocker block(preset_);
  preset_->setCurrentIndex(preset_->findData("custom"));
}

void TrainingDock::setPreset(const QString& name) {
  const int i = preset_->findData(name);
  if (i >= 0) preset_->setCurrentIndex(i);
}

void TrainingDock::setTrainingLength(int steps, double timeBudgetSeconds) {
  if (steps > 0) steps_->setValue(steps);
  if (timeBudgetSeconds > 0) budget_->setValue(timeBudgetSeconds);
}

TrainingSettings TrainingDock::settings() const {
  TrainingSettings s = hidden_;
  s.preset = preset_->currentData().toString().toStdString();
  s.config.engine = train::parseEngine(engine_->currentData().toString().toStdString());
  s.config.arch = train::parseArch(arch_->currentData().toString().toStdString());
  s.config.steps = steps_->value();
  s.config.timeBudget = budget_->value();
  s.config.seed = static_cast<std::uint64_t>(seed_->value());
  s.config.lbfgsFinish = lbfgs_->isChecked();
  s.config.mollifier.halfWidthXY = kernel_->value();
  s.threads = threads_->value();
  auto& v = s.params.values;
  v.M = m_->value();
  v.gammaAc = gamma_->value();
  v.ell = ell_->value();
  v.phiMax = phiMax_->value();
  s.params.fixM = !(steady_ ? freeMWanted_ : freeM_->isChecked());
  s.params.fixGamma = !(steady_ ? freeGammaWanted_ : freeGamma_->isChecked());
  return s;
}

void TrainingDock::setSettings(const TrainingSettings& s) {
  hidden_ = s;
  const bool wasApplying = applyingPreset_;
  applyingPreset_ = true;  // programmatic changes are not "custom"
  {
    const QSignalBlocker block(preset_);
    const int i = preset_->findData(QString::fromStdString(s.preset));
    preset_->setCurrentIndex(i >= 0 ? i : preset_->findData("custom"));
  }
  engine_->setCurrentIndex(
      std::max(0, engine_->findData(QString::fromStdString(train::engineName(s.config.engine)))));
  arch_->setCurrentIndex(
      std::max(0, arch_->findData(QString::fromStdString(train::archName(s.config.arch)))));
  steps_->setValue(s.config.steps);
  budget_->setValue(s.config.timeBudget);
  seed_->setValue(static_cast<int>(s.config.seed));
  lbfgs_->setChecked(s.config.lbfgsFinish);
  kernel_->setValue(s.config.mollifier.halfWidthXY);
  threads_->setValue(s.threads);
  m_->setValue(s.params.values.M);
  gamma_->setValue(s.params.values.gammaAc);
  ell_->setValue(s.params.values.ell);
  phiMax_->setValue(s.params.values.phiMax);
  freeM_->setChecked(!s.params.fixM && !steady_);
  freeGamma_->setChecked(!s.params.fixGamma && !steady_);
  freeMWanted_ = !s.params.fixM;
  freeGammaWanted_ = !s.params.fixGamma;
  applyingPreset_ = wasApplying;
}

void TrainingDock::setSteadyState(bool steady) {
  steadyNote_->setVisible(steady);
  // One frame cannot give M or Γ_ac: the "infer" boxes show unticked and locked, so the window
  // never suggests it; the user's choice is kept and comes back with a time-lapse.
  if (steady && !steady_) {
    freeMWanted_ = freeM_->isChecked();
    freeGammaWanted_ = freeGamma_->isChecked();
  }
  for (QCheckBox* box : {freeM_, freeGamma_}) {
    const QSignalBlocker block(box);
    box->setChecked(steady ? false : box == freeM_ ? freeMWanted_ : freeGammaWanted_);
    box->setEnabled(!steady);
  }
  if (!steady && steady_) {
    freeM_->setChecked(freeMWanted_);
    freeGamma_->setChecked(freeGammaWanted_);
  }
  steady_ = steady;
}

}  // namespace mollichrom::ui
