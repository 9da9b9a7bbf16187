#include "train/run_start.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/checkpoint.hpp"
#include "train/adam_state.hpp"

namespace mlstm {
namespace {

using json = nlohmann::json;

// The model's keys that no weight's shape depends on (see --init-from).
constexpr const char* kWeightFreeModelKeys[] = {"context_notes", "target_notes", "dropout"};

// The first key where two JSON objects differ, as "a.b: X vs Y".
std::string first_difference(const json& a, const json& b, const std::string& prefix = "") {
  for (const auto& [k, v] : a.items()) {
    if (!b.contains(k)) return prefix + k + ": missing";
    if (v.is_object()) {
      auto d = first_difference(v, b.at(k), prefix + k + ".");
      if (!d.empty()) return d;
    } else if (v != b.at(k)) {
      return prefix + k + ": " + v.dump() + " in the checkpoint, " + b.at(k).dump() + " now";
    }
  }
  return "";
}

}  // namespace

std::filesystem::path resume_path(const TrainOptions& o) {
  if (!o.resume_from.empty()) return o.resume_from;
  return o.resume ? o.out / "last.ckpt" : std::filesystem::path();
}

void init_from(const RunConfig& c, const TrainOptions& o, NoteModel& model) {
  if (o.init_from.empty() || !resume_path(o).empty()) return;
  const Checkpoint ck = read_checkpoint(o.init_from);
  json was = to_json(ck.config)["model"];
  json now = to_json(c)["model"];
  // How many notes a window reads and predicts, and the dropout, shape no weight (the LSTMs run
  // over any length): a fine-tune may change them, e.g. to teach the model a longer context.
  for (const char* key : kWeightFreeModelKeys) {
    if (was.at(key) != now.at(key)) {
      std::fprintf(stderr, "--init-from: model.%s %s in the checkpoint, %s in this run\n", key,
                   was.at(key).dump().c_str(), now.at(key).dump().c_str());
    }
    was.erase(key);
    now.erase(key);
  }
  // Attention may be added to a model trained without it: its parameters start as built (the
  // values' projection at zero), so the fine-tune starts from the checkpoint's outputs.
  std::vector<std::string> new_parts;
  if (!ck.config.model.attention && c.model.attention) {
    std::fprintf(stderr, "--init-from: adding attention to a model trained without it\n");
    new_parts.push_back("attention_");
    was.erase("attention");
    now.erase("attention");
  }
  if (was != now) {
    throw TrainingError(
        "--init-from " + o.init_from.string() + ": its model differs from the configuration's (" +
        first_difference(was, now) + "); fine-tune with the configuration it was trained with");
  }
  load_model_weights(*model, ck, o.init_from.string(), new_parts);
  std::fprintf(stderr, "starting from the weights of %s\n", o.init_from.c_str());
}

std::int64_t resume_run(const RunConfig& c, const TrainOptions& o,
                        const std::filesystem::path& from, NoteModel& model,
                        torch::optim::Adam& opt, RunState& st, const torch::Device& device) {
  const std::string flag = o.resume_from.empty() ? "--resume" : "--resume-from";
  if (!std::filesystem::exists(from)) {
    throw TrainingError(flag + ": no checkpoint " + from.string() + " to resume from");
  }
  const Checkpoint ck = read_checkpoint(from);
  if (!ck.metadata.contains("state")) {
    throw TrainingError(flag + ": " + from.string() +
                        " holds no run state (it was not written by train); start from its "
                        "weights with --init-from instead");
  }
  const json was = {{"model", to_json(ck.config)["model"]}, {"loss", to_json(ck.config)["loss"]}};
  const json now = {{"model", to_json(c)["model"]}, {"loss", to_json(c)["loss"]}};
  if (was != now) {
    throw TrainingError(flag + ": the configuration differs from the checkpoint's (" +
                        first_difference(was, now) + "); start a new run with another --out");
  }
  load_model_weights(*model, ck, from.string());
  const bool has_moments = restore_optimizer(opt, *model, ck, device);
  st = RunState::from_json(ck.metadata.at("state"));
  set_lr(opt, st.lr);
  std::fprintf(stderr, "resuming %s at epoch %d, step %lld%s\n", from.c_str(), st.epoch + 1,
               static_cast<long long>(st.step),
               has_moments ? ""
                           : " (the file holds no optimizer state: Adam starts from zero "
                             "moments and the learning rate warms up over 500 steps)");
  return has_moments ? 0 : st.step + kFreshMomentsWarmup;
}

void share_run_start(DataParallel& dp, NoteModel& model, torch::optim::Adam& opt, RunState& st,
                     std::int64_t& warmup_until, const torch::Device& device) {
  if (dp.world_size() == 1) return;
  dp.meet("run-start");
  dp.broadcast_parameters(model->parameters());
  // Rank 0's Adam state as the checkpoint keeps it: names, shapes and types first, then each.
  NamedTensors moments = dp.lead() ? optimizer_tensors(opt, *model) : NamedTensors{};
  std::string head;
  if (dp.lead()) {
    json tensors = json::array();
    for (const auto& [name, t] : moments) {
      tensors.push_back({name, t.sizes().vec(), static_cast<int>(t.scalar_type())});
    }
    head = json{{"state", st.to_json()}, {"warmup_until", warmup_until}, {"optimizer", tensors}}
               .dump();
  }
  dp.broadcast_text(head, "the broadcast of rank 0's run state");
  const json h = json::parse(head);
  if (!dp.lead()) {
    st = RunState::from_json(h.at("state"));
    warmup_until = h.at("warmup_until").get<std::int64_t>();
    for (const auto& t : h.at("optimizer")) {
      moments.emplace_back(t.at(0).get<std::string>(),
                           torch::zeros(t.at(1).get<std::vector<std::int64_t>>(),
                                        static_cast<torch::ScalarType>(t.at(2).get<int>())));
    }
  }
  for (auto& [name, t] : moments) dp.broadcast(t, "the broadcast of rank 0's optimizer state");
  if (!dp.lead()) {
    Checkpoint ck;
    ck.tensors = std::move(moments);
    restore_optimizer(opt, *model, ck, device);
    set_lr(opt, st.lr);
  }
}

}  // namespace mlstm
