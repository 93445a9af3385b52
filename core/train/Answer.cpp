#include "core/train/Answer.h"

#include <stdexcept>

namespace mollichrom::train {

Answer parseAnswer(const std::string& text) {
  if (text == "auto") return Answer::Auto;
  if (text == "direct") return Answer::Direct;
  if (text == "trained") return Answer::Trained;
  if (text == "solve") return Answer::Solve;
  throw std::invalid_argument("the answer must be auto, direct, trained or solve (got '" + text +
                              "')");
}

std::string answerName(Answer a) {
  switch (a) {
    case Answer::Auto:
      return "auto";
    case Answer::Direct:
      return "direct";
    case Answer::Trained:
      return "trained";
    case Answer::Solve:
      return "solve";
  }
  return "auto";
}

Answer resolveAnswer(Answer a) { return a == Answer::Auto ? Answer::Direct : a; }

}  // namespace mollichrom::train
