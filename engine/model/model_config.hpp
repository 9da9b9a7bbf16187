#pragma once
// The configuration of a model and of its training, read from JSON (presets/training/*.json) and
// stored whole in every checkpoint. Torch-free, so tools and the real-time side can read it.
//
// Every key is checked: an unknown key or a value of the wrong type is an error naming the key
// ("model.encoder_hidden: expected an integer, got a string").

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace mlstm {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ModelKind { kSeq2Seq, kNextNote };
// How step, duration and velocity come out of the model: a scalar regressed with MSE (the
// original), or a class over bins (log-spaced for times, even for velocity) with cross-entropy.
enum class HeadKind { kRegression, kClasses };

struct ModelConfig {
  ModelKind kind = ModelKind::kSeq2Seq;
  int context_notes = 10;  // notes in (50 for next-note)
  int target_notes = 50;   // notes out (1 for next-note)
  int embedding = 32;      // pitch embedding size
  int encoder_hidden = 1024;
  int encoder_layers = 1;
  bool bidirectional = true;
  int decoder_hidden = 1024;  // next-note: the size of its one LSTM stack
  int decoder_layers = 1;
  // seq2seq: the decoder attends to the encoder's output at every context note (Luong et al.,
  // 2015, dot-product attention over projected keys), and adds what it reads to its own output
  // before the heads, so it can find and vary a figure of the phrase where the pooled first
  // state alone cannot. The added projection starts at zero: a model fine-tuned from one without
  // attention (train --init-from) starts from the same outputs.
  bool attention = false;
  double dropout = 0.0;          // between stacked LSTM layers, and on the encoder summary
  bool velocity = false;         // velocity as a fourth input and output
  bool log_time_inputs = false;  // step and duration in as log(x + 1 ms) instead of seconds
  HeadKind time_head = HeadKind::kRegression;
  HeadKind velocity_head = HeadKind::kRegression;
  int time_bins = 64;       // classes of step and of duration: 0 s, then log-spaced
  double time_min = 0.005;  // seconds: the edge of the first log-spaced bin
  double time_max = 8.0;    // seconds: times are clipped here, in and out
  int velocity_bins = 32;

  bool operator==(const ModelConfig&) const = default;
};

struct LossConfig {
  double pitch = 1.0;
  double step = 1.0;
  double duration = 1.0;
  double velocity = 1.0;
  // The TensorFlow tutorial's "MSE with positive pressure": adds weight * mean(max(-y, 0)) to a
  // regression head's loss, pushing predicted times away from negative values.
  double positive_pressure = 0.0;

  bool operator==(const LossConfig&) const = default;
};

enum class LrSchedule { kNone, kPlateau, kCosine };

struct TrainConfig {
  int batch_size = 64;
  double learning_rate = 1e-3;
  int epochs = 10;
  int stride = 10;         // notes between the starts of two training windows
  double grad_clip = 1.0;  // max L2 norm of all gradients; 0: off
  LrSchedule lr_schedule = LrSchedule::kPlateau;
  double lr_decay = 0.5;   // plateau: factor applied when validation stops improving
  int lr_patience = 1;     // plateau: epochs without improvement before decaying
  int early_stopping = 3;  // epochs without improvement before stopping; 0: off
  // The last cooldown_epochs epochs of the run take the learning rate, step by step, linearly
  // from the rate the schedule reached down to zero (warmup-stable-decay: a constant rate then a
  // short decay ends as low as a cosine schedule over the whole run, without fixing the run's
  // length in advance; Hägele et al., 2024). The plateau schedule does not decay during it. 0: off.
  int cooldown_epochs = 0;
  std::uint64_t seed = 1;
  std::int64_t max_train_windows = 0;  // per epoch, 0: all
  std::int64_t max_valid_windows = 0;  // 0: all
  double max_minutes = 0;              // stop (and save) after this much training time; 0: no limit
  int threads = 0;                     // torch CPU threads; 0: all cores
  // Augmentation of the training windows (validation is never augmented): each window is moved
  // by a whole number of semitones drawn from -augment_transpose..augment_transpose (kept within
  // 0..127), and its steps and durations are multiplied by a factor drawn from
  // 1 - augment_stretch..1 + augment_stretch. 0: off.
  int augment_transpose = 0;     // semitones, 0..12
  double augment_stretch = 0.0;  // 0..0.5
  // Durations as the pianist heard them: a note still sounding under the sustain pedal lasts
  // until the pedal is released (or its key is struck again). Train and validation alike.
  bool sustain_pedal = false;

  bool operator==(const TrainConfig&) const = default;
};

struct RunConfig {
  std::string name = "unnamed";
  std::string description;  // what the configuration is for (presets/training/*.json)
  ModelConfig model;
  LossConfig loss;
  TrainConfig train;

  bool operator==(const RunConfig&) const = default;
};

// Parses and validates. Throws ConfigError naming the key.
RunConfig run_config_from_json(const nlohmann::json& j);
nlohmann::json to_json(const RunConfig& c);
// Reads a JSON file. Throws ConfigError naming the file (and the key).
RunConfig load_run_config(const std::filesystem::path& path);

const char* to_string(ModelKind k);
const char* to_string(HeadKind k);
const char* to_string(LrSchedule s);

}  // namespace mlstm
