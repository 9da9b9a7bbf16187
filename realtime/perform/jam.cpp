#include "perform/jam.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "perform/jam_preset.hpp"

namespace mlstm::rt {

Jam::Jam(Continuer continuer, const JamSettings& settings, bool live)
    : knobs_(settings), worker_(std::move(continuer), live) {}

Jam::~Jam() {
  stop();
}

double Jam::warm_up(int context_notes) {
  // A plain scale as the context: any notes do.
  std::vector<NoteFeatures> scale;
  for (int i = 0; i < context_notes; ++i) scale.push_back({60 + i % 12, 0.25, 0.2, 80});
  return worker_.warm_up(scale, knobs_.load().search);
}

void Jam::attach(AudioEngine& engine, const PerformerOptions& options) {
  if (performer_) throw std::logic_error("the jam is attached to an audio engine already");
  performer_ = std::make_unique<Performer>(engine, player_input_, worker_, knobs_, options);
  performer_->set_control_keys(&control_keys_);
}

void Jam::add_player_source(InputRouter::ListenerQueue& queue) {
  performer().add_player_source(queue);
}

void Jam::start(std::function<std::int64_t()> now) {
  if (!performer_) throw std::logic_error("attach the jam to an audio engine before starting it");
  if (running_.exchange(true)) return;
  control_ = std::thread([this, now = std::move(now)] {
    while (running_.load()) {
      performer_->tick(now());
      // The performer's time step: an answer is queued within this of being due.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
}

void Jam::stop() {
  running_ = false;
  if (control_.joinable()) control_.join();
}

nlohmann::json Jam::report() const {
  const PerformerCounters& c = performer().counters();
  const WorkerCounters w = worker_.counters();
  double total_ms = 0, max_ms = 0;
  for (const auto& a : performer().answers()) {
    total_ms += a.answer.seconds * 1000.0;
    max_ms = std::max(max_ms, a.answer.seconds * 1000.0);
  }
  const auto n = performer().answers().size();
  const auto key = performer().key();
  return {{"answers", c.answers.load()},
          {"answers_late", c.late.load()},
          {"answers_ready_in_time", c.ready_in_time.load()},
          {"answers_failed", c.failed.load()},
          {"yields", c.yields.load()},
          {"requests", c.requests.load()},
          {"requests_superseded", w.superseded},
          {"model_events_dropped", c.dropped_events.load()},
          {"continuous_stopped_unplayable", c.unchained.load()},
          {"model_notes_over_rate_bound", c.rate_limited_notes.load()},
          {"inference_mean_ms", n ? total_ms / static_cast<double>(n) : 0.0},
          {"inference_max_ms", max_ms},
          {"key", key ? key->name() : ""},
          {"settings", knob_texts(knobs_.load())}};
}

std::string Jam::summary() const {
  const PerformerCounters& c = performer().counters();
  char line[256];
  std::snprintf(line, sizeof line,
                "%llu answers (%llu ready when the phrase ended, %llu late, %llu failed), %llu "
                "yielded to the player",
                static_cast<unsigned long long>(c.answers.load()),
                static_cast<unsigned long long>(c.ready_in_time.load()),
                static_cast<unsigned long long>(c.late.load()),
                static_cast<unsigned long long>(c.failed.load()),
                static_cast<unsigned long long>(c.yields.load()));
  return line;
}

}  // namespace mlstm::rt
