#include "jam/answer_log.hpp"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "decode/search_knobs.hpp"

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

// The answer's search as it ran: every knob of the search under its name from the knob table
// (decode/search_knobs.hpp), so `compose --<name> <value>` repeats it, and what the jam set for
// this answer alone: the pace and register it heard, its time scale and the scale lock's pitches.
nlohmann::json settings_json(const SearchSettings& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const SearchKnob& k : search_knobs()) {
    if (k.whole) {
      j[k.id] = static_cast<long long>(k.get(s));
    } else {
      j[k.id] = k.get(s);
    }
  }
  j["sampling"] = sampling_name(s.sampling);
  j["timing"] = s.sample_timing ? "sample" : "search";
  j["length"] = s.length;
  j["seed"] = s.seed;
  j["player_pace"] = s.player_pace;
  j["player_register"] = s.player_register;
  j["time_scale"] = s.time_scale;
  j["pitch_classes"] = s.pitch_classes;
  return j;
}

double seconds(std::int64_t frame, int rate) {
  return frame < 0 ? -1.0 : static_cast<double>(frame) / rate;
}

}  // namespace

std::string answer_json(const rt::AnswerRecord& r, int rate) {
  nlohmann::json j = {{"index", r.index},
                      {"chained", r.chained},
                      {"phrase_end_s", seconds(r.phrase_end, rate)},
                      {"due_s", seconds(r.gap_end, rate)},
                      {"start_s", seconds(r.start, rate)},
                      {"ready_in_time", r.ready_in_time},
                      {"late", r.late},
                      {"inference_ms", r.answer.seconds * 1000.0},
                      {"played_time_scale", r.time_scale},
                      {"grid", r.grid},
                      {"settings", settings_json(r.answer.settings)},
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
