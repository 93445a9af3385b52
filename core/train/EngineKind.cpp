#include "core/train/EngineKind.h"

#include <stdexcept>

namespace mollichrom::train {

std::string engineName(Engine e) {
  switch (e) {
    case Engine::Mollifier:
      return "mollifier";
    case Engine::Autodiff:
      return "autodiff";
    case Engine::Direct:
      return "direct";
  }
  return "mollifier";
}

Engine parseEngine(const std::string& s) {
  for (Engine e : {Engine::Mollifier, Engine::Autodiff, Engine::Direct})
    if (s == engineName(e)) return e;
  throw std::invalid_argument("unknown engine '" + s + "' (mollifier, autodiff, direct)");
}

std::string archName(Arch a) {
  switch (a) {
    case Arch::Cnn:
      return "cnn";
    case Arch::FourierMlp:
      return "fourier-mlp";
    case Arch::Mlp:
      return "mlp";
  }
  return "cnn";
}

Arch parseArch(const std::string& s) {
  for (Arch a : {Arch::Cnn, Arch::FourierMlp, Arch::Mlp})
    if (s == archName(a)) return a;
  throw std::invalid_argument("unknown network '" + s + "' (cnn, fourier-mlp, mlp)");
}

Arch defaultArch(Engine e) { return e == Engine::Autodiff ? Arch::FourierMlp : Arch::Cnn; }

}  // namespace mollichrom::train
