#pragma once
// The engine as the rest of music-lstm sees it, without LibTorch headers (DESIGN.md): load a
// model, warm it up, continue a list of notes with given settings. LibTorch stays behind a pimpl,
// so realtime/, ui/ and app/ compile without it.
//
// One object is used from one thread at a time (the real-time side's inference worker).

#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "decode/search_settings.hpp"
#include "midi/note_features.hpp"

namespace mlstm {

// A model file that is missing, corrupt, of another format or architecture: one line naming it.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ComputeDevice { kAuto, kCpu, kCuda };

// Which code runs the search on the CPU: the fast decoder (decode/fast/: packed weights, no tensor
// dispatch inside the loop; the same answers, 2x faster) when it is built, or LibTorch's. On CUDA
// it is always LibTorch.
enum class DecoderPath { kAuto, kLibTorch };

class ContinuationEngine {
 public:
  // Loads the checkpoint and places the model: CUDA when asked for or (kAuto) present, else the
  // CPU with `cpu_threads` LibTorch threads (1 by default: a jam shares 2 cores with audio).
  // Throws ModelError.
  static std::unique_ptr<ContinuationEngine> load(const std::filesystem::path& model_file,
                                                  ComputeDevice device = ComputeDevice::kAuto,
                                                  int cpu_threads = 1,
                                                  DecoderPath decoder = DecoderPath::kAuto);
  ~ContinuationEngine();

  // Runs one continuation of `settings.length` notes at `settings.width`, so the first real one
  // does not pay for lazy initialisation (memory pools, kernels).
  void warm_up(const SearchSettings& settings);

  // The next `settings.length` notes after `context` (its last context_notes() are read).
  // Throws DecodeError for bad settings, a short context or a model computing NaN.
  std::vector<NoteFeatures> continue_notes(std::span<const NoteFeatures> context,
                                           const SearchSettings& settings);
  // `total` notes after `prime`, settings.length at a time.
  std::vector<NoteFeatures> continue_song(std::span<const NoteFeatures> prime, int total,
                                          const SearchSettings& settings);

  int context_notes() const;
  // The model learnt durations as heard under the sustain pedal (training.sustain_pedal): what it
  // reads should be heard so too.
  bool sustain_pedal() const;
  std::string device_name() const;  // "cpu" or "cuda:0"
  bool fast_decoder() const;        // the search runs on decode/fast/
  // "seq2seq default, 2401600 parameters, on cpu (fast decoder)"
  std::string description() const;

 private:
  struct Impl;
  explicit ContinuationEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlstm
