#pragma once
// The answers of a jam as JSON lines (--answers-log): for each, when the phrase ended and the
// answer started, whether the speculative answer was ready, the inference time, the settings, the
// context the model read and the notes it gave. Tests recompute an answer from it; people see why
// an answer came late.

#include <cstdio>
#include <filesystem>
#include <string>

#include "perform/performer.hpp"

namespace mlstm::app {

std::string answer_json(const rt::AnswerRecord& record, int sample_rate);

// Appends one line per answer, flushed at once (a killed jam keeps what it logged).
class AnswerLog {
 public:
  explicit AnswerLog(const std::filesystem::path& path);
  ~AnswerLog();
  AnswerLog(const AnswerLog&) = delete;
  AnswerLog& operator=(const AnswerLog&) = delete;
  void write(const rt::AnswerRecord& record, int sample_rate);

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace mlstm::app
