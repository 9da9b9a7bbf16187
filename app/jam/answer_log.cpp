#include "jam/answer_log.hpp"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace mlstm::app {
namespace {

nlohmann::json notes_json(const std::vector<NoteFeatures>& notes) {
  nlohmann::json out = nlohmann::json::array();
  for (const NoteFeatures& n : notes) {
    out.push_back(
        {{"pitch", n.pitch}, {"step", n.step}, {"duration", n.duration}, {"velocity", n.velocity}});
  }
  return out;
}

double seconds(std::int64_t frame, int rate) {
  return frame < 0 ? -1.0 : static_cast<double>(frame) / rate;
}

}  // namespace

std::string answer_json(const rt::AnswerRecord& r, int rate) {
  const SearchSettings& s = r.answer.settings;
  nlohmann::json j = {{"index", r.index},
                      {"chained", r.chained},
                      {"phrase_end_s", seconds(r.phrase_end, rate)},
                      {"due_s", seconds(r.gap_end, rate)},
                      {"start_s", seconds(r.start, rate)},
                      {"ready_in_time", r.ready_in_time},
                      {"late", r.late},
                      {"inference_ms", r.answer.seconds * 1000.0},
                      {"played_time_scale", r.time_scale},
                      {"settings",
                       {{"sampling", mlstm::sampling_name(s.sampling)},
                        {"width", s.width},
                        {"temperature", s.temperature},
                        {"sample_timing", s.sample_timing},
                        {"timing_temperature", s.timing_temperature},
                        {"max_cluster", s.max_cluster},
                        {"max_pace", s.max_pace},
                        {"player_pace", s.player_pace},
                        {"pace_ratio", s.pace_ratio},
                        {"recall", s.recall},
                        {"register_keep", s.register_keep},
                        {"player_register", s.player_register},
                        {"time_scale", s.time_scale},
                        {"repetition_penalty", s.repetition_penalty},
                        {"repetition_window", s.repetition_window},
                        {"length", s.length},
                        {"seed", s.seed},
                        {"pitch_classes", s.pitch_classes}}},
                      {"context", notes_json(r.answer.context)},
                      {"notes", notes_json(r.answer.notes)}};
  if (r.beat) {
    j["beat"] = {{"source", r.beat->source},
                 {"bpm", r.beat->bpm},
                 {"phase_s", r.beat->phase / rate},
                 {"bar_s", r.beat->bar >= 0 ? seconds(r.beat->bar, rate) : -1.0}};
  }
  return j.dump();
}

AnswerLog::AnswerLog(const std::filesystem::path& path) : file_(std::fopen(path.c_str(), "w")) {
  if (!file_) {
    throw std::runtime_error("cannot write the answers log " + path.string() + ": " +
                             std::strerror(errno));
  }
}

AnswerLog::~AnswerLog() {
  if (file_) std::fclose(file_);
}

void AnswerLog::write(const rt::AnswerRecord& record, int sample_rate) {
  const std::string line = answer_json(record, sample_rate) + "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace mlstm::app
