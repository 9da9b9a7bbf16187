// The jam as a plugin (issue 34), built by DPF as LV2, VST3 and CLAP from this one class, in two
// variants (DistrhoPluginInfo.h in effect/ or instrument/ says which):
//  - a MIDI effect: the player's notes pass through, and the model answers on a channel of the
//    user's choice;
//  - an instrument (DISTRHO_PLUGIN_IS_SYNTH): the player's notes and the model's answers sound
//    through FluidSynth inside the plugin, its soundfont a second state (Debian's General MIDI
//    soundfont when none is chosen), swapped while it plays (synth/instrument_slot.hpp).
// Thin glue: the jam core (realtime/core/jam_core.hpp) does the work; its knobs are the
// plugin's parameters (realtime/core/host_parameters.hpp); the model is an exported one
// (plugin_model.hpp), with no LibTorch.
//
// Threads, as DPF calls this class: the constructor, activate(), deactivate(), setState() and
// initParameter() on the host's main thread; run() on its audio thread; setParameterValue() on
// either (LV2 reads its ports in run()), so it only stores the value in an atomic, and a thread of
// the plugin's own hands changed values to the knobs (which take a lock).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "DistrhoPlugin.hpp"
#include "DistrhoPluginUtils.hpp"
#include "core/host_parameters.hpp"
#include "core/jam_core.hpp"
#include "plugin_model.hpp"
#include "synth/fluid_instrument.hpp"
#include "synth/instrument_slot.hpp"

START_NAMESPACE_DISTRHO

namespace {

using mlstm::rt::host_parameters;
using mlstm::rt::HostParameter;

// After the knobs: the channel the answers go out on; and the panel's essentials as outputs a
// host's generic UI shows: whether a model plays, the tempo and the key the jam hears.
const uint32_t kKnobParameters = static_cast<uint32_t>(host_parameters().size());
const uint32_t kChannelParameter = kKnobParameters;
const uint32_t kModelLoadedParameter = kKnobParameters + 1;
const uint32_t kTempoHeardParameter = kKnobParameters + 2;
const uint32_t kKeyHeardParameter = kKnobParameters + 3;
const uint32_t kParameterCount = kKnobParameters + 4;

bool is_output(uint32_t index) {
  return index == kModelLoadedParameter || index == kTempoHeardParameter ||
         index == kKeyHeardParameter;
}

// The key heard as the output's value: 0 none, then C major, C minor, C# major, ... B minor.
const std::vector<std::string>& key_labels() {
  static const std::vector<std::string> labels = [] {
    std::vector<std::string> v = {"none yet"};
    for (int pc = 0; pc < 12; ++pc) {
      v.push_back(std::string(mlstm::music::pitch_class_name(pc)) + " major");
      v.push_back(std::string(mlstm::music::pitch_class_name(pc)) + " minor");
    }
    return v;
  }();
  return labels;
}

float key_value(const std::optional<mlstm::music::Scale>& key) {
  if (!key) return 0;
  const bool minor = key->kind != mlstm::music::ScaleKind::kMajor;
  return static_cast<float>(1 + 2 * key->tonic + (minor ? 1 : 0));
}
constexpr float kDefaultChannel = 2;  // MIDI channel 2: the player's is usually 1

// The states a host saves in its project: the model, and the instrument's soundfont.
#if DISTRHO_PLUGIN_IS_SYNTH
constexpr uint32_t kStateCount = 2;
#else
constexpr uint32_t kStateCount = 1;
#endif

std::string symbol_of(const std::string& id) {
  std::string s = id;
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

}  // namespace

class MusicLstmPlugin : public Plugin {
 public:
  MusicLstmPlugin()
      : Plugin(kParameterCount, 0, kStateCount),
        values_(kParameterCount),
        applied_(kParameterCount) {
    for (uint32_t i = 0; i < kKnobParameters; ++i) {
      values_[i] = static_cast<float>(host_parameters()[i].default_value);
      applied_[i] = values_[i].load();
    }
    values_[kChannelParameter] = kDefaultChannel;
    setLatency(0);  // answers are computed ahead: the effect delays nothing
  }

  ~MusicLstmPlugin() override { deactivate(); }

 protected:
#if DISTRHO_PLUGIN_IS_SYNTH
  const char* getLabel() const override {
    return "music-lstm-instrument";
  }
  const char* getDescription() const override {
    return "A seq2seq LSTM that answers the pianist, as an instrument: your notes and the "
           "model's continuations sound through FluidSynth, on your transport's beat if you like.";
  }
  int64_t getUniqueId() const override {
    return d_cconst('M', 'l', 's', 'i');
  }
#else
  const char* getLabel() const override {
    return "music-lstm";
  }
  const char* getDescription() const override {
    return "A seq2seq LSTM that answers the pianist: your notes pass through, the model's "
           "continuations come out on their own channel, on your transport's beat if you like.";
  }
  int64_t getUniqueId() const override {
    return d_cconst('M', 'l', 's', 't');
  }
#endif
  const char* getMaker() const override {
    return "music-lstm";
  }
  const char* getHomePage() const override {
    return "https://github.com/music-lstm/music-lstm";
  }
  const char* getLicense() const override {
    return "MIT";
  }
  uint32_t getVersion() const override {
    return d_version(0, 1, 0);
  }

  void initParameter(uint32_t index, Parameter& parameter) override {
    if (index == kChannelParameter) {
      parameter.hints = kParameterIsAutomatable | kParameterIsInteger;
      parameter.name = "answer channel";
      parameter.symbol = "answer_channel";
      parameter.ranges = ParameterRanges(kDefaultChannel, 1, 16);
      return;
    }
    if (index == kModelLoadedParameter) {
      parameter.hints = kParameterIsOutput | kParameterIsBoolean | kParameterIsInteger;
      parameter.name = "model loaded";
      parameter.symbol = "model_loaded";
      parameter.ranges = ParameterRanges(0, 0, 1);
      return;
    }
    if (index == kTempoHeardParameter) {
      parameter.hints = kParameterIsOutput;
      parameter.name = "tempo heard";
      parameter.symbol = "tempo_heard";
      parameter.unit = "bpm";
      parameter.description = "The beat the jam keeps (the host's, MIDI clock's or the player's)";
      parameter.ranges = ParameterRanges(0, 0, 400);
      return;
    }
    if (index == kKeyHeardParameter) {
      parameter.hints = kParameterIsOutput | kParameterIsInteger;
      parameter.name = "key heard";
      parameter.symbol = "key_heard";
      parameter.description = "The key the jam hears the player in";
      parameter.ranges = ParameterRanges(0, 0, 24);
      const std::vector<std::string>& labels = key_labels();
      parameter.enumValues.count = static_cast<uint32_t>(labels.size());
      parameter.enumValues.restrictedMode = true;
      parameter.enumValues.values = new ParameterEnumerationValue[labels.size()];
      for (std::size_t c = 0; c < labels.size(); ++c) {
        parameter.enumValues.values[c].value = static_cast<float>(c);
        parameter.enumValues.values[c].label = labels[c].c_str();
      }
      return;
    }
    const HostParameter& p = host_parameters()[index];
    parameter.hints = kParameterIsAutomatable;
    if (p.integer) parameter.hints |= kParameterIsInteger;
    if (p.toggle) parameter.hints |= kParameterIsBoolean;
    if (p.logarithmic) parameter.hints |= kParameterIsLogarithmic;
    parameter.name = p.name.c_str();
    parameter.symbol = symbol_of(p.id).c_str();
    parameter.unit = p.unit.c_str();
    parameter.description = p.knob->help.c_str();
    parameter.ranges = ParameterRanges(static_cast<float>(p.default_value),
                                       static_cast<float>(p.lo), static_cast<float>(p.hi));
    if (!p.choices.empty()) {
      parameter.enumValues.count = static_cast<uint32_t>(p.choices.size());
      parameter.enumValues.restrictedMode = true;
      parameter.enumValues.values = new ParameterEnumerationValue[p.choices.size()];
      for (std::size_t c = 0; c < p.choices.size(); ++c) {
        parameter.enumValues.values[c].value = static_cast<float>(c);
        parameter.enumValues.values[c].label = p.choices[c].c_str();
      }
    }
  }

  float getParameterValue(uint32_t index) const override {
    return index < kParameterCount ? values_[index].load(std::memory_order_relaxed) : 0.0f;
  }

  void setParameterValue(uint32_t index, float value) override {
    if (index >= kParameterCount || is_output(index)) return;
    values_[index].store(value, std::memory_order_relaxed);
    if (index == kChannelParameter && core_) {
      core_->set_output_channel(static_cast<int>(value) - 1);
    }
  }

  void initState(uint32_t index, State& state) override {
    state.hints = kStateIsFilenamePath;
    state.defaultValue = "";
    if (index == 1) {
      state.key = "soundfont";
      state.label = "soundfont";
      state.description = "A SoundFont (.sf2); empty: Debian's General MIDI soundfont";
      return;
    }
    state.key = "model";
    state.label = "model";
    state.description = "An exported model (music-lstm export-model); empty: the shipped default";
  }

  void setState(const char* key, const char* value) override {
    const std::string k = key ? key : "";
    if (k == "model") {
      model_path_ = value ? value : "";
      if (core_) load_model();
    } else if (k == "soundfont") {
      soundfont_path_ = value ? value : "";
      if (instrument_) load_soundfont();  // the old one plays until the new one is ready
    }
  }

  void activate() override {
    if (isDummyInstance()) return;  // a host scanning, or the LV2 .ttl writer: nothing to run
    if (!model_.loaded()) load_model();
    mlstm::rt::JamSettings settings;
    for (uint32_t i = 0; i < kKnobParameters; ++i) {
      const HostParameter& p = host_parameters()[i];
      mlstm::rt::set_knob(settings, p.id, mlstm::rt::knob_text(p, values_[i].load()));
      applied_[i] = values_[i].load();
    }
    mlstm::rt::JamCoreOptions options;
    options.performer.sample_rate = static_cast<int>(getSampleRate());
    options.performer.model_channel = 1;
    options.performer.context_notes = model_.loaded() ? model_.context_notes() : 32;
    options.performer.sustain_pedal = model_.sustain_pedal();
    options.performer.buffer_frames = static_cast<int>(getBufferSize());
#if DISTRHO_PLUGIN_IS_SYNTH
    // Silence until a soundfont loads; FluidSynth built at the host's rate.
    instrument_ = std::make_unique<mlstm::rt::InstrumentSlot>(
        std::make_unique<mlstm::rt::SilentInstrument>());
    load_soundfont();
#endif
    core_ = std::make_unique<mlstm::rt::JamCore>(
        [this](std::span<const mlstm::NoteFeatures> context, const mlstm::SearchSettings& s) {
          return model_(context, s);
        },
        settings, options, instrument_.get());
    core_->set_output_channel(static_cast<int>(values_[kChannelParameter].load()) - 1);
    core_->jam().performer().on_message = [](const std::string& line) {
      d_stderr("music-lstm: %s", line.c_str());
    };
    core_->start();
    applying_ = true;
    applier_ = std::thread([this] { apply_parameters(); });
  }

  void deactivate() override {
    applying_ = false;
    if (applier_.joinable()) applier_.join();
    if (core_) core_->stop();
    core_.reset();
    instrument_.reset();  // after the core, which plays into it
  }

  void run(const float**, float** outputs, uint32_t frames, const MidiEvent* events,
           uint32_t count) override {
#if DISTRHO_PLUGIN_IS_SYNTH
    if (!core_) {
      std::fill_n(outputs[0], frames, 0.0f);
      std::fill_n(outputs[1], frames, 0.0f);
      return;
    }
#else
    (void)outputs;
    if (!core_) {
      for (uint32_t i = 0; i < count; ++i) writeMidiEvent(events[i]);
      return;
    }
#endif
    in_.clear();
    for (uint32_t i = 0; i < count && !in_.full(); ++i) {
      const MidiEvent& e = events[i];
      if (e.size == 0 || e.size > 3) {
#if !DISTRHO_PLUGIN_IS_SYNTH
        writeMidiEvent(e);  // sysex and the like pass through, unread
#endif
        continue;
      }
      mlstm::rt::BlockMidiEvent b;
      b.frame = e.frame;
      b.size = static_cast<std::uint8_t>(e.size);
      std::copy_n(e.data, e.size, b.bytes);
      in_.push(b);
    }
#if DISTRHO_PLUGIN_IS_SYNTH
    // The instrument plays what the core gives: no MIDI out.
    core_->process(static_cast<int>(frames), transport(), in_.events(), out_, outputs[0],
                   outputs[1]);
#else
    core_->process(static_cast<int>(frames), transport(), in_.events(), out_);
    for (const mlstm::rt::BlockMidiEvent& b : out_.events()) {
      MidiEvent m;
      m.frame = b.frame;
      m.size = b.size;
      std::copy_n(b.bytes, b.size, m.data);
      m.dataExt = nullptr;
      writeMidiEvent(m);
    }
#endif
  }

 private:
  // The host's transport as the jam core reads it: beats of the time signature's unit.
  mlstm::rt::HostTransport transport() const {
    const TimePosition& t = getTimePosition();
    mlstm::rt::HostTransport h;
    h.valid = t.bbt.valid;
    h.playing = t.playing && t.bbt.valid;
    if (!t.bbt.valid) return h;
    const double ticks = t.bbt.ticksPerBeat > 0 ? t.bbt.tick / t.bbt.ticksPerBeat : 0.0;
    h.bpm = t.bbt.beatsPerMinute;
    h.beats_per_bar = t.bbt.beatsPerBar;
    h.bar_start_beat = (t.bbt.bar - 1) * static_cast<double>(t.bbt.beatsPerBar);
    h.beat = h.bar_start_beat + (t.bbt.beat - 1) + ticks;
    return h;
  }

  void load_model() {
    const std::string path =
        model_path_.empty()
            ? mlstm::plugin::find_default_model(getBundlePath() ? getBundlePath() : "",
                                                getBinaryFilename() ? getBinaryFilename() : "")
            : model_path_;
    if (path.empty()) {
      d_stderr(
          "music-lstm: the shipped default model (default.mlstm) is not beside the plugin; "
          "choose a model (music-lstm export-model writes one). Silent until then.");
      return;
    }
    const int keeps = core_ ? model_.context_notes() : 0;
    const std::string error = model_.load(path, keeps);
    // The output parameter hosts read, maybe on the audio thread: an atomic, not the model's lock.
    values_[kModelLoadedParameter].store(model_.loaded() ? 1.0f : 0.0f);
    if (!error.empty()) {
      d_stderr("music-lstm: %s", model_.status().c_str());
      return;
    }
    d_stdout("music-lstm: model %s", model_.status().c_str());
  }

  // [main-thread] The instrument's soundfont (the state's, or Debian's General MIDI one) as
  // FluidSynth at the host's rate, offered to the slot: the old sound plays until it is ready,
  // and a soundfont that cannot load leaves it and says why.
  void load_soundfont() {
    std::string path = soundfont_path_;
    if (path.empty()) {
      const auto found = mlstm::rt::default_soundfont();
      if (!found) {
        d_stderr(
            "music-lstm: no soundfont: choose one, or apt install fluid-soundfont-gm. Silent "
            "until then.");
        return;
      }
      path = found->string();
    }
    try {
      mlstm::rt::FluidOptions options;
      options.sample_rate = static_cast<int>(getSampleRate());
      instrument_->offer(std::make_unique<mlstm::rt::FluidInstrument>(path, options));
      d_stdout("music-lstm: soundfont %s", path.c_str());
    } catch (const std::exception& e) {
      d_stderr("music-lstm: %s; the sound playing stays", e.what());
    }
  }

  // The plugin's own thread: parameter values the host set, handed to the knobs (which lock); and
  // what the jam hears (the performer's view, behind a lock) into the output parameters.
  void apply_parameters() {
    while (applying_.load()) {
      const mlstm::rt::PerformerView view = core_->jam().performer().view();
      values_[kTempoHeardParameter].store(view.beat ? static_cast<float>(view.beat->bpm) : 0.0f);
      values_[kKeyHeardParameter].store(key_value(view.key));
      for (uint32_t i = 0; i < kKnobParameters; ++i) {
        const float v = values_[i].load(std::memory_order_relaxed);
        if (v == applied_[i]) continue;
        applied_[i] = v;
        const HostParameter& p = host_parameters()[i];
        if (const std::string error = core_->jam().knobs().set(p.id, mlstm::rt::knob_text(p, v));
            !error.empty()) {
          d_stderr("music-lstm: %s", error.c_str());
        }
      }
      if (instrument_) instrument_->collect();  // an old soundfont, let go of by the audio thread
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // A block's MIDI in, as the core reads it.
  struct InBlock {
    void clear() { block.clear(); }
    bool full() const { return block.events().size() == mlstm::rt::MidiBlock::kCapacity; }
    void push(const mlstm::rt::BlockMidiEvent& e) { block.push(e); }
    std::span<const mlstm::rt::BlockMidiEvent> events() const { return block.events(); }
    mlstm::rt::MidiBlock block;
  };

  mlstm::plugin::PluginModel model_;
  std::string model_path_, soundfont_path_;
  std::unique_ptr<mlstm::rt::InstrumentSlot> instrument_;  // the instrument's sound; before core_
  std::unique_ptr<mlstm::rt::JamCore> core_;
  std::vector<std::atomic<float>> values_;
  std::vector<float> applied_;  // the applier thread's (and activate()'s) copy
  std::atomic<bool> applying_{false};
  std::thread applier_;
  InBlock in_;
  mlstm::rt::MidiBlock out_;
};

Plugin* createPlugin() {
  return new MusicLstmPlugin();
}

END_NAMESPACE_DISTRHO
