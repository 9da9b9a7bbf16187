#include "model/model_config.hpp"

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace mlstm {
namespace {

using json = nlohmann::json;

std::string type_name(const json& v) {
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// Reads the fields of one JSON object into a struct; every key must be known.
class Section {
 public:
  Section(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {
    if (!j.is_object()) throw ConfigError(prefix_ + ": expected an object, got " + type_name(j));
  }
  ~Section() = default;

  void integer(const char* key, int& out, int lo, int hi) {
    std::int64_t v = out;
    integer64(key, v, lo, hi);
    out = static_cast<int>(v);
  }
  void integer64(const char* key, std::int64_t& out, std::int64_t lo, std::int64_t hi) {
    if (const json* v = take(key)) {
      if (!v->is_number_integer() && !v->is_number_unsigned()) fail(key, "an integer", *v);
      out = v->get<std::int64_t>();
      if (out < lo || out > hi) range(key, std::to_string(lo), std::to_string(hi));
    }
  }
  void unsigned64(const char* key, std::uint64_t& out) {
    if (const json* v = take(key)) {
      if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0)) {
        fail(key, "a non-negative integer", *v);
      }
      out = v->get<std::uint64_t>();
    }
  }
  void number(const char* key, double& out, double lo, double hi) {
    if (const json* v = take(key)) {
      if (!v->is_number()) fail(key, "a number", *v);
      out = v->get<double>();
      if (!(out >= lo && out <= hi)) range(key, num(lo), num(hi));
    }
  }
  void boolean(const char* key, bool& out) {
    if (const json* v = take(key)) {
      if (!v->is_boolean()) fail(key, "a boolean", *v);
      out = v->get<bool>();
    }
  }
  void text(const char* key, std::string& out) {
    if (const json* v = take(key)) {
      if (!v->is_string()) fail(key, "a string", *v);
      out = v->get<std::string>();
    }
  }
  template <typename E>
  void choice(const char* key, E& out, const std::map<std::string, E>& options) {
    if (const json* v = take(key)) {
      if (!v->is_string()) fail(key, "a string", *v);
      auto it = options.find(v->get<std::string>());
      if (it == options.end()) {
        std::string names;
        for (const auto& [name, e] : options) names += (names.empty() ? "" : ", ") + name;
        throw ConfigError(prefix_ + key + ": '" + v->get<std::string>() + "' is not one of " +
                          names);
      }
      out = it->second;
    }
  }
  const json* section(const char* key) { return take(key); }
  // Call after reading every field: any key left is unknown.
  void done() {
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) throw ConfigError(prefix_ + k + ": unknown key");
    }
  }

 private:
  const json* take(const char* key) {
    seen_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  [[noreturn]] void fail(const char* key, const char* expected, const json& v) {
    throw ConfigError(prefix_ + key + ": expected " + expected + ", got " + type_name(v));
  }
  [[noreturn]] void range(const char* key, const std::string& lo, const std::string& hi) {
    throw ConfigError(prefix_ + key + ": must be between " + lo + " and " + hi);
  }
  static std::string num(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
  const json& j_;
  std::string prefix_;
  std::set<std::string> seen_;
};

const std::map<std::string, ModelKind> kKinds = {{"seq2seq", ModelKind::kSeq2Seq},
                                                 {"next_note", ModelKind::kNextNote}};
const std::map<std::string, HeadKind> kHeads = {{"regression", HeadKind::kRegression},
                                                {"classes", HeadKind::kClasses}};
const std::map<std::string, LrSchedule> kSchedules = {{"none", LrSchedule::kNone},
                                                      {"plateau", LrSchedule::kPlateau},
                                                      {"cosine", LrSchedule::kCosine}};

}  // namespace

const char* to_string(ModelKind k) {
  return k == ModelKind::kSeq2Seq ? "seq2seq" : "next_note";
}
const char* to_string(HeadKind k) {
  return k == HeadKind::kRegression ? "regression" : "classes";
}
const char* to_string(LrSchedule s) {
  return s == LrSchedule::kNone ? "none" : s == LrSchedule::kPlateau ? "plateau" : "cosine";
}

RunConfig run_config_from_json(const json& j) {
  RunConfig c;
  Section top(j, "");
  top.text("name", c.name);
  top.text("description", c.description);
  if (const json* m = top.section("model")) {
    Section s(*m, "model.");
    ModelConfig& mc = c.model;
    s.choice("kind", mc.kind, kKinds);
    s.integer("context_notes", mc.context_notes, 1, 512);
    s.integer("target_notes", mc.target_notes, 1, 512);
    s.integer("embedding", mc.embedding, 1, 4096);
    s.integer("encoder_hidden", mc.encoder_hidden, 1, 8192);
    s.integer("encoder_layers", mc.encoder_layers, 1, 16);
    s.boolean("bidirectional", mc.bidirectional);
    s.integer("decoder_hidden", mc.decoder_hidden, 1, 8192);
    s.integer("decoder_layers", mc.decoder_layers, 1, 16);
    s.boolean("attention", mc.attention);
    s.number("dropout", mc.dropout, 0.0, 0.9);
    s.boolean("velocity", mc.velocity);
    s.boolean("log_time_inputs", mc.log_time_inputs);
    s.choice("time_head", mc.time_head, kHeads);
    s.choice("velocity_head", mc.velocity_head, kHeads);
    s.integer("time_bins", mc.time_bins, 3, 1024);
    s.number("time_min", mc.time_min, 1e-4, 1.0);
    s.number("time_max", mc.time_max, 0.1, 120.0);
    s.integer("velocity_bins", mc.velocity_bins, 2, 127);
    s.done();
    if (mc.time_min >= mc.time_max)
      throw ConfigError("model.time_min: must be below model.time_max");
    if (mc.kind == ModelKind::kNextNote && !m->contains("target_notes")) mc.target_notes = 1;
    if (mc.kind == ModelKind::kNextNote && mc.attention) {
      throw ConfigError("model.attention: a next_note model has no encoder to attend to");
    }
    if (mc.kind == ModelKind::kNextNote && mc.target_notes != 1) {
      throw ConfigError("model.target_notes: a next_note model predicts 1 note");
    }
  }
  if (const json* l = top.section("loss")) {
    Section s(*l, "loss.");
    s.number("pitch", c.loss.pitch, 0.0, 1e6);
    s.number("step", c.loss.step, 0.0, 1e6);
    s.number("duration", c.loss.duration, 0.0, 1e6);
    s.number("velocity", c.loss.velocity, 0.0, 1e6);
    s.number("positive_pressure", c.loss.positive_pressure, 0.0, 1e6);
    s.done();
  }
  if (const json* t = top.section("training")) {
    Section s(*t, "training.");
    TrainConfig& tc = c.train;
    s.integer("batch_size", tc.batch_size, 1, 1 << 16);
    s.number("learning_rate", tc.learning_rate, 1e-7, 1.0);
    s.integer("epochs", tc.epochs, 1, 100000);
    s.integer("stride", tc.stride, 1, 100000);
    s.number("grad_clip", tc.grad_clip, 0.0, 1e6);
    s.choice("lr_schedule", tc.lr_schedule, kSchedules);
    s.number("lr_decay", tc.lr_decay, 0.01, 1.0);
    s.integer("lr_patience", tc.lr_patience, 0, 1000);
    s.integer("early_stopping", tc.early_stopping, 0, 1000);
    s.integer("cooldown_epochs", tc.cooldown_epochs, 0, 100000);
    s.unsigned64("seed", tc.seed);
    s.integer64("max_train_windows", tc.max_train_windows, 0, std::int64_t{1} << 40);
    s.integer64("max_valid_windows", tc.max_valid_windows, 0, std::int64_t{1} << 40);
    s.number("max_minutes", tc.max_minutes, 0.0, 1e6);
    s.integer("threads", tc.threads, 0, 1024);
    s.integer("augment_transpose", tc.augment_transpose, 0, 12);
    s.number("augment_stretch", tc.augment_stretch, 0.0, 0.5);
    s.boolean("sustain_pedal", tc.sustain_pedal);
    s.done();
    if (tc.cooldown_epochs > tc.epochs)
      throw ConfigError("training.cooldown_epochs: must be at most training.epochs");
    if (tc.cooldown_epochs > 0 && tc.lr_schedule == LrSchedule::kCosine) {
      throw ConfigError(
          "training.cooldown_epochs: a cosine schedule decays already; use lr_schedule plateau "
          "or none with a cooldown");
    }
  }
  top.done();
  return c;
}

nlohmann::json to_json(const RunConfig& c) {
  const ModelConfig& m = c.model;
  const TrainConfig& t = c.train;
  nlohmann::json j = {{"name", c.name},
                      {"model",
                       {{"kind", to_string(m.kind)},
                        {"context_notes", m.context_notes},
                        {"target_notes", m.target_notes},
                        {"embedding", m.embedding},
                        {"encoder_hidden", m.encoder_hidden},
                        {"encoder_layers", m.encoder_layers},
                        {"bidirectional", m.bidirectional},
                        {"decoder_hidden", m.decoder_hidden},
                        {"decoder_layers", m.decoder_layers},
                        {"attention", m.attention},
                        {"dropout", m.dropout},
                        {"velocity", m.velocity},
                        {"log_time_inputs", m.log_time_inputs},
                        {"time_head", to_string(m.time_head)},
                        {"velocity_head", to_string(m.velocity_head)},
                        {"time_bins", m.time_bins},
                        {"time_min", m.time_min},
                        {"time_max", m.time_max},
                        {"velocity_bins", m.velocity_bins}}},
                      {"loss",
                       {{"pitch", c.loss.pitch},
                        {"step", c.loss.step},
                        {"duration", c.loss.duration},
                        {"velocity", c.loss.velocity},
                        {"positive_pressure", c.loss.positive_pressure}}},
                      {"training",
                       {{"batch_size", t.batch_size},
                        {"learning_rate", t.learning_rate},
                        {"epochs", t.epochs},
                        {"stride", t.stride},
                        {"grad_clip", t.grad_clip},
                        {"lr_schedule", to_string(t.lr_schedule)},
                        {"lr_decay", t.lr_decay},
                        {"lr_patience", t.lr_patience},
                        {"early_stopping", t.early_stopping},
                        {"cooldown_epochs", t.cooldown_epochs},
                        {"seed", t.seed},
                        {"max_train_windows", t.max_train_windows},
                        {"max_valid_windows", t.max_valid_windows},
                        {"max_minutes", t.max_minutes},
                        {"threads", t.threads},
                        {"augment_transpose", t.augment_transpose},
                        {"augment_stretch", t.augment_stretch},
                        {"sustain_pedal", t.sustain_pedal}}}};
  if (!c.description.empty()) j["description"] = c.description;
  return j;
}

RunConfig load_run_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path.string() + ": cannot open configuration");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    throw ConfigError(path.string() + ": not valid JSON (" + e.what() + ")");
  }
  try {
    return run_config_from_json(j);
  } catch (const ConfigError& e) {
    throw ConfigError(path.string() + ": " + e.what());
  }
}

}  // namespace mlstm
