#pragma once
// How a run takes its derivatives and which network represents the fields: enums with parse
// and name functions, so flags, projects and the GUI's choices meet in one place instead of
// strings compared across the code.
#include <string>
#include <vector>

namespace mollichrom::train {

// mollifier: the network's output convolved with analytic kernel derivatives (the method);
// autodiff: recursive automatic differentiation of a coordinate network (the paper's
// baseline); direct: no network, per-pixel least squares on the mollified data.
enum class Engine { Mollifier, Autodiff, Direct };
// cnn: a residual CNN on the pixel grid; fourier-mlp: a Fourier-feature MLP of (x, y, t); mlp:
// the plain tanh MLP of physics-informed networks (the paper's third architecture).
enum class Arch { Cnn, FourierMlp, Mlp };

std::string engineName(Engine e);          // "mollifier", "autodiff", "direct"
Engine parseEngine(const std::string& s);  // throws std::invalid_argument naming the choices
std::string archName(Arch a);              // "cnn", "fourier-mlp", "mlp"
Arch parseArch(const std::string& s);      // throws std::invalid_argument naming the choices
// autodiff needs coordinates to differentiate: its network, and the default for the others.
Arch defaultArch(Engine e);

}  // namespace mollichrom::train
