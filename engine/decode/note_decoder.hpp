#pragma once
// What the one search (decode/note_search.hpp) needs of a model: an incremental decoder over a
// set of beams. Start it from a context, step every live beam with one note each, reorder the
// beams, and read each beam's head outputs. Behind it: the LibTorch model on any device
// (decode/torch_note_decoder.hpp) and the packed CPU decoder (decode/fast/packed_note_decoder.hpp);
// a model of another kind is one more class, and the search's rules (beam, stochastic beam,
// sampling, drawn timing, repetition control, the scale lock, the playability limits) come with
// it unchanged. Torch-free.
//
// Threads: a decoder is used by one thread at a time [search thread].

#include <span>

#include "midi/note_features.hpp"
#include "model/model_config.hpp"

namespace mlstm {

// Where each head's outputs lie in a beam's row: 128 pitch logits, then the step's (its classes'
// logits, or one value for a regression head), the duration's, and the velocity's (none without a
// velocity head).
struct DecoderLayout {
  static constexpr int kPitchOutputs = 128;
  int step_outputs = 1, duration_outputs = 1, velocity_outputs = 0;
  int step_at() const { return kPitchOutputs; }
  int duration_at() const { return step_at() + step_outputs; }
  int velocity_at() const { return duration_at() + duration_outputs; }
  int outputs() const { return velocity_at() + velocity_outputs; }
};

class NoteDecoder {
 public:
  virtual ~NoteDecoder() = default;

  // What the model learnt: its kind, the notes it reads (context_notes), its heads.
  virtual const ModelConfig& config() const = 0;
  virtual DecoderLayout layout() const = 0;
  // The most beams step() takes.
  virtual int max_beams() const = 0;

  // One beam, from `context` (the model reads its last context_notes; the caller has checked
  // there are that many). Returns the note the first step() reads: the start token (pitch
  // kStartPitch) for a seq2seq model, whose encoder read the context; the context's last note for
  // a next-note model, whose decoder read the others.
  virtual NoteFeatures start(std::span<const NoteFeatures> context) = 0;
  // Every live beam reads one note (`notes[b]` for beam b); `notes.size()` beams are live from
  // now on (reorder() first to continue another's). Computes each beam's outputs.
  virtual void step(std::span<const NoteFeatures> notes) = 0;
  // Beam i continues from beam parents[i] (parents.size() beams live from now on).
  virtual void reorder(std::span<const int> parents) = 0;
  virtual int beams() const = 0;
  // Beam b's outputs after the last step: layout().outputs() values, raw (before softmax).
  virtual std::span<const float> outputs(int beam) const = 0;
};

}  // namespace mlstm
