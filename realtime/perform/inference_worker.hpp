#pragma once
// The thread that owns the model. The performer hands it requests (a context and the settings to
// continue it with); a newer request replaces one still waiting, so the worker always works on
// the latest context. The answer waits in a slot until the performer takes it.
//
// The model itself is behind `Continuer` (the app wires ContinuationEngine in; tests a stand-in),
// so realtime/ does not depend on LibTorch. Nothing here runs on the audio thread; the performer
// only ever tries a lock it may have to wait a few microseconds for, never the computation.
//
// Offline (threaded = false) the worker computes a request when its answer is first asked for,
// on the caller's thread: the jam is then deterministic and as fast as the machine allows, and
// speculative requests that a newer one replaced are never computed.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "decode/search_settings.hpp"
#include "midi/note_features.hpp"

namespace mlstm::rt {

using Continuer = std::function<std::vector<NoteFeatures>(std::span<const NoteFeatures> context,
                                                          const SearchSettings& settings)>;

struct AnswerRequest {
  std::uint64_t id = 0;
  std::vector<NoteFeatures> context;
  SearchSettings settings;
};

struct Answer {
  std::uint64_t id = 0;
  std::vector<NoteFeatures> context;
  SearchSettings settings;
  std::vector<NoteFeatures> notes;  // empty when it failed
  std::string error;                // why it failed (one line)
  double seconds = 0;               // the computation's time
};

struct WorkerCounters {
  std::uint64_t computed = 0, superseded = 0, failed = 0;
};

class InferenceWorker {
 public:
  InferenceWorker(Continuer continuer, bool threaded);
  ~InferenceWorker();
  InferenceWorker(const InferenceWorker&) = delete;
  InferenceWorker& operator=(const InferenceWorker&) = delete;

  // Runs one continuation now, on this thread, so the first real one does not pay for the
  // model's lazy start. Returns its time in seconds. Throws what the continuer throws.
  double warm_up(std::span<const NoteFeatures> context, const SearchSettings& settings);

  // Queues a request; one still waiting is dropped (counted as superseded).
  void submit(AnswerRequest request);
  // The answer to request `id` once computed (offline: computed now), else nothing. An answer is
  // taken once.
  std::optional<Answer> take(std::uint64_t id);
  // Whether request `id` is waiting or being computed.
  bool working_on(std::uint64_t id) const;

  // Another model from now on (a checkpoint loaded while the jam runs): the answer being computed
  // finishes with the old one.
  void set_continuer(Continuer continuer);

  WorkerCounters counters() const;
  bool threaded() const { return threaded_; }

 private:
  void run();
  Answer compute(AnswerRequest request);

  Continuer continuer_;
  const bool threaded_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<AnswerRequest> waiting_;
  std::uint64_t computing_ = 0;  // id being computed, 0 when idle
  std::optional<Answer> ready_;
  WorkerCounters counters_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mlstm::rt
