#include "perform/inference_worker.hpp"

#include <exception>

namespace mlstm::rt {

InferenceWorker::InferenceWorker(Continuer continuer, bool threaded)
    : continuer_(std::move(continuer)), threaded_(threaded) {
  if (threaded_) thread_ = std::thread([this] { run(); });
}

InferenceWorker::~InferenceWorker() {
  if (!threaded_) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();  // waits for at most the answer being computed
}

double InferenceWorker::warm_up(std::span<const NoteFeatures> context,
                                const SearchSettings& settings) {
  Continuer continuer;
  {
    std::lock_guard lock(mutex_);
    continuer = continuer_;
  }
  const auto t0 = std::chrono::steady_clock::now();
  continuer(context, settings);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void InferenceWorker::submit(AnswerRequest request) {
  {
    std::lock_guard lock(mutex_);
    if (waiting_) ++counters_.superseded;
    waiting_ = std::move(request);
  }
  if (threaded_) wake_.notify_one();
}

std::optional<Answer> InferenceWorker::take(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  if (!threaded_ && waiting_ && waiting_->id == id) {
    AnswerRequest request = std::move(*waiting_);
    waiting_.reset();
    lock.unlock();
    Answer answer = compute(std::move(request));
    lock.lock();
    ready_ = std::move(answer);
  }
  if (!ready_ || ready_->id != id) return std::nullopt;
  std::optional<Answer> out = std::move(ready_);
  ready_.reset();
  return out;
}

bool InferenceWorker::working_on(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  return computing_ == id || (waiting_ && waiting_->id == id);
}

WorkerCounters InferenceWorker::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void InferenceWorker::set_continuer(Continuer continuer) {
  std::lock_guard lock(mutex_);
  continuer_ = std::move(continuer);
}

Answer InferenceWorker::compute(AnswerRequest request) {
  Continuer continuer;
  {
    std::lock_guard lock(mutex_);
    continuer = continuer_;
  }
  Answer answer;
  answer.id = request.id;
  answer.settings = request.settings;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    answer.notes = continuer(request.context, request.settings);
  } catch (const std::exception& e) {
    answer.error = e.what();
  }
  answer.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  answer.context = std::move(request.context);
  std::lock_guard lock(mutex_);
  ++(answer.error.empty() ? counters_.computed : counters_.failed);
  return answer;
}

void InferenceWorker::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || waiting_.has_value(); });
    if (stopping_) return;
    AnswerRequest request = std::move(*waiting_);
    waiting_.reset();
    computing_ = request.id;
    lock.unlock();
    Answer answer = compute(std::move(request));
    lock.lock();
    computing_ = 0;
    ready_ = std::move(answer);
  }
}

}  // namespace mlstm::rt
