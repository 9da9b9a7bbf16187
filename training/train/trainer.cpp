#include "train/trainer.hpp"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>

#include "data/augment.hpp"
#include "data/note_windows.hpp"
#include "eval/window_metrics.hpp"
#include "io/atomic_file.hpp"
#include "log/tensorboard_writer.hpp"
#include "maestro/dataset.hpp"
#include "model/checkpoint.hpp"
#include "model/note_loss.hpp"
#include "progress/progress_bar.hpp"

namespace mlstm {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Where a run stands; saved in every checkpoint so --resume continues exactly.
struct RunState {
  int epoch = 0;      // the epoch in progress (0-based)
  int64_t batch = 0;  // next batch within it
  int64_t step = 0;   // optimizer steps so far
  double lr = 0.0;
  double best = std::numeric_limits<double>::infinity();
  int bad_epochs = 0;        // epochs since the best validation loss
  int since_decay = 0;       // epochs without improvement since the last decay (plateau)
  double train_seconds = 0;  // time spent training, over all sessions of the run
  LossSums epoch_sums;       // of the epoch in progress
  json history = json::array();
  // The mean training loss of every kStepLossEvery steps, [step, train_seconds, loss] (steps.csv):
  // a loss curve for runs shorter than a few epochs, whose metrics.csv has a row or two.
  json step_losses = json::array();
  double loss_since = 0.0;  // summed over the steps since the last entry
  // The rate the cooldown decays from (the schedule's rate when it began); 0 before it.
  double cooldown_from = 0.0;

  json to_json() const {
    return {{"epoch", epoch},
            {"batch", batch},
            {"step", step},
            {"lr", lr},
            {"best", std::isfinite(best) ? json(best) : json(nullptr)},
            {"bad_epochs", bad_epochs},
            {"since_decay", since_decay},
            {"train_seconds", train_seconds},
            {"epoch_sums", epoch_sums.to_json()},
            {"history", history},
            {"step_losses", step_losses},
            {"loss_since", loss_since},
            {"cooldown_from", cooldown_from}};
  }
  static RunState from_json(const json& j) {
    RunState s;
    s.epoch = j.at("epoch");
    s.batch = j.at("batch");
    s.step = j.at("step");
    s.lr = j.at("lr");
    s.best = j.at("best").is_null() ? std::numeric_limits<double>::infinity()
                                    : j.at("best").get<double>();
    s.bad_epochs = j.at("bad_epochs");
    s.since_decay = j.at("since_decay");
    s.train_seconds = j.at("train_seconds");
    s.epoch_sums = LossSums::from_json(j.at("epoch_sums"));
    s.history = j.at("history");
    // Checkpoints written before step losses were kept have none.
    s.step_losses = j.value("step_losses", json::array());
    s.loss_since = j.value("loss_since", 0.0);
    s.cooldown_from = j.value("cooldown_from", 0.0);
    return s;
  }
};

// Adam keeps its state in a map keyed by the parameter: a string of its address in LibTorch 1.x,
// the address itself in later versions. Take the key type from the map, so both compile.
using StateKey = std::decay_t<decltype(std::declval<torch::optim::Adam&>().state())>::key_type;
template <typename Key = StateKey>  // a template, so the branch not taken is never compiled
Key state_key(const torch::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream s;  // what LibTorch 1.x's c10::guts::to_string(pointer) writes
    s << static_cast<const void*>(p.unsafeGetTensorImpl());
    return s.str();
  } else {
    return p.unsafeGetTensorImpl();
  }
}

NamedTensors optimizer_tensors(torch::optim::Adam& opt, NoteModelImpl& model) {
  NamedTensors out;
  for (const auto& p : model.named_parameters()) {
    auto it = opt.state().find(state_key(p.value()));
    if (it == opt.state().end()) continue;
    auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
    const std::string base = "optimizer." + p.key();
    out.emplace_back(base + ".exp_avg", s.exp_avg().to(torch::kCPU));
    out.emplace_back(base + ".exp_avg_sq", s.exp_avg_sq().to(torch::kCPU));
    out.emplace_back(base + ".step",
                     torch::tensor({static_cast<int64_t>(s.step())}, torch::kInt64));
  }
  return out;
}

void restore_optimizer(torch::optim::Adam& opt, NoteModelImpl& model, const Checkpoint& ck,
                       const torch::Device& device) {
  for (const auto& p : model.named_parameters()) {
    const std::string base = "optimizer." + p.key();
    const torch::Tensor* avg = ck.find(base + ".exp_avg");
    const torch::Tensor* sq = ck.find(base + ".exp_avg_sq");
    const torch::Tensor* step = ck.find(base + ".step");
    if (!avg || !sq || !step) continue;  // no step taken for this parameter yet
    auto s = std::make_unique<torch::optim::AdamParamState>();
    s->step(step->item<int64_t>());
    s->exp_avg(avg->to(device).clone());
    s->exp_avg_sq(sq->to(device).clone());
    opt.state()[state_key(p.value())] = std::move(s);
  }
}

void set_lr(torch::optim::Adam& opt, double lr) {
  for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
}

double opt_lr(torch::optim::Adam& opt) {
  return static_cast<torch::optim::AdamOptions&>(opt.param_groups().front().options()).lr();
}

std::string iso_time() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

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

std::string format_losses(const json& m) {
  std::ostringstream s;
  s.precision(4);
  s << m.value("loss", 0.0) << " (pitch " << m.value("pitch", 0.0) << ", step "
    << m.value("step", 0.0) << ", duration " << m.value("duration", 0.0);
  if (m.contains("velocity")) s << ", velocity " << m.value("velocity", 0.0);
  s << ")";
  return s.str();
}

constexpr int64_t kStepLossEvery = 20;  // steps per entry of steps.csv (and per TensorBoard point)

void write_steps_csv(const std::filesystem::path& path, const json& step_losses) {
  std::ostringstream s;
  s.precision(9);
  s << "step,train_seconds,train_loss\n";
  for (const auto& r : step_losses) {
    s << r.at(0).get<int64_t>() << "," << r.at(1).get<double>() << "," << r.at(2).get<double>()
      << "\n";
  }
  write_file_atomically(path, s.str());
}

void write_metrics_csv(const std::filesystem::path& path, const json& history, bool velocity) {
  std::ostringstream s;
  s.precision(9);
  s << "epoch,step,learning_rate,train_seconds,windows_per_second";
  for (const char* split : {"train", "validation"}) {
    for (int i = 0; i < 5; ++i) {
      if (i == 4 && !velocity) continue;
      s << "," << split << "_" << kHeads[i];
    }
  }
  s << ",validation_pitch_accuracy,validation_step_mae_ms,validation_duration_mae_ms";
  if (velocity) s << ",validation_velocity_mae";
  s << "\n";
  for (const auto& r : history) {
    s << r.at("epoch").get<int>() << "," << r.at("step").get<int64_t>() << ","
      << r.at("learning_rate").get<double>() << "," << r.at("train_seconds").get<double>() << ","
      << r.at("windows_per_second").get<double>();
    for (const char* split : {"train", "validation"}) {
      for (int i = 0; i < 5; ++i) {
        if (i == 4 && !velocity) continue;
        s << "," << r.at(split).at(kHeads[i]).get<double>();
      }
    }
    const json& v = r.at("validation");
    s << "," << v.at("pitch_accuracy").get<double>() << "," << v.at("step_mae_ms").get<double>()
      << "," << v.at("duration_mae_ms").get<double>();
    if (velocity) s << "," << v.at("velocity_mae").get<double>();
    s << "\n";
  }
  write_file_atomically(path, s.str());
}

// The reference set's pitch NLL of `model` as it is now.
double reference_nll(NoteModel& model, const WindowSet& reference, const RunConfig& c,
                     const torch::Device& device, std::int64_t windows) {
  const json m = window_metrics(*model, reference, c, device, windows);
  model->train();
  return m.at("pitch").get<double>();
}

TrainResult run_training(const RunConfig& c, const WindowSet& train_set, const WindowSet& valid_set,
                         const TrainOptions& o, const std::string& data_description,
                         const WindowSet* reference = nullptr) {
  const torch::Device device = pick_device(o.device);
  torch::set_num_threads(c.train.threads > 0
                             ? c.train.threads
                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (train_set.size() == 0) {
    throw TrainingError("no training windows: the train split has no performance of at least " +
                        std::to_string(train_set.window_notes()) + " notes");
  }
  if (valid_set.size() == 0) {
    throw TrainingError(
        "no validation windows: the validation split has no performance of at least " +
        std::to_string(valid_set.window_notes()) + " notes");
  }
  std::filesystem::create_directories(o.out);
  const auto last_path = o.out / "last.ckpt";
  const auto best_path = o.out / "best.ckpt";

  torch::manual_seed(c.train.seed);
  NoteModel model(c.model);
  model->to(device);
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(c.train.learning_rate));
  RunState st;
  st.lr = c.train.learning_rate;
  // A resumed run comes from the run folder's last checkpoint, or from one named by resume_from.
  const bool resuming = o.resume || !o.resume_from.empty();

  if (!o.init_from.empty() && !resuming) {
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
  TrainResult result;
  if (reference && !resuming) {
    result.reference_before = reference_nll(model, *reference, c, device, o.reference_windows);
    std::fprintf(stderr, "reference validation pitch NLL before training: %.4f nats\n",
                 result.reference_before);
  }

  std::int64_t warmup_until = 0;  // the step until which the learning rate warms up
  if (resuming) {
    const auto from = o.resume_from.empty() ? last_path : o.resume_from;
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
    const bool has_moments = std::any_of(ck.tensors.begin(), ck.tensors.end(), [](const auto& t) {
      return t.first.rfind("optimizer.", 0) == 0;
    });
    restore_optimizer(opt, *model, ck, device);
    st = RunState::from_json(ck.metadata.at("state"));
    set_lr(opt, st.lr);
    if (!has_moments) warmup_until = st.step + kFreshMomentsWarmup;
    std::fprintf(stderr, "resuming %s at epoch %d, step %lld%s\n", from.c_str(), st.epoch + 1,
                 static_cast<long long>(st.step),
                 has_moments ? ""
                             : " (the file holds no optimizer state: Adam starts from zero "
                               "moments and the learning rate warms up over 500 steps)");
  }
  write_file_atomically(o.out / "config.json", to_json(c).dump(2) + "\n");

  TensorBoardWriter tb(o.out);
  const int64_t ctx = c.model.context_notes;
  const int64_t window = train_set.window_notes();
  const double budget_s = c.train.max_minutes * 60.0;
  result.last_checkpoint = last_path;
  result.best_checkpoint = best_path;

  auto save = [&](const std::filesystem::path& path) {
    Checkpoint ck;
    ck.config = c;
    ck.metadata = {{"format", kCheckpointFormat},
                   {"data", data_description},
                   {"init_from", o.init_from.string()},
                   {"resumed_from", o.resume_from.string()},
                   {"split", "train (validation: validation)"},
                   {"epoch", st.epoch},
                   {"step", st.step},
                   {"metrics", st.history.empty() ? json::object() : st.history.back()},
                   {"created", iso_time()},
                   {"torch", TORCH_VERSION},
                   {"device", device.str()},
                   {"parameters", parameter_count(*model)},
                   {"state", st.to_json()}};
    ck.tensors = model_tensors(*model);
    for (auto& t : optimizer_tensors(opt, *model)) ck.tensors.push_back(std::move(t));
    save_checkpoint(path, ck);
  };

  // A mid-epoch save records the position after the batch just done; the loop's own increment
  // then moves past it as usual.
  const auto checkpoint_every = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::ratio<60>>(o.checkpoint_minutes));
  auto last_save = Clock::now();
  auto save_after_this_batch = [&] {
    ++st.batch;
    save(last_path);
    --st.batch;
    tb.flush();
    last_save = Clock::now();
  };

  // The cooldown's epochs: the last cooldown_epochs of the run.
  const int cooldown_first = c.train.epochs - c.train.cooldown_epochs;
  auto in_cooldown = [&](int epoch) {
    return c.train.cooldown_epochs > 0 && epoch >= cooldown_first;
  };
  model->train();
  while (st.epoch < c.train.epochs) {
    if (c.train.lr_schedule == LrSchedule::kCosine) {
      st.lr = c.train.learning_rate * 0.5 * (1.0 + std::cos(M_PI * st.epoch / c.train.epochs));
      set_lr(opt, st.lr);
    }
    // The epoch's order depends only on (seed, epoch): resuming gives the same batches.
    auto gen = at::detail::createCPUGenerator(c.train.seed + static_cast<uint64_t>(st.epoch));
    torch::Tensor order = torch::randperm(train_set.size(), gen, torch::kInt64);
    if (c.train.max_train_windows > 0 && order.size(0) > c.train.max_train_windows) {
      order = order.slice(0, 0, c.train.max_train_windows);
    }
    const int64_t n = order.size(0), b = c.train.batch_size;
    const int64_t batches = (n + b - 1) / b;
    std::unique_ptr<ProgressBar> bar;
    if (o.progress) {
      bar = std::make_unique<ProgressBar>(
          "epoch " + std::to_string(st.epoch + 1) + "/" + std::to_string(c.train.epochs),
          static_cast<double>(n), "windows");
    }
    const auto epoch_start = Clock::now();
    int64_t windows_this_session = 0;
    for (; st.batch < batches; ++st.batch) {
      // Dropout draws depend only on (seed, epoch, batch), for the same reason.
      torch::manual_seed(c.train.seed * 1000003ull + static_cast<uint64_t>(st.epoch) * 100003ull +
                         static_cast<uint64_t>(st.batch));
      const auto t0 = Clock::now();
      const auto ids = order.slice(0, st.batch * b, std::min(n, (st.batch + 1) * b));
      NoteTensors batch = train_set.batch(ids);
      if (c.train.augment_transpose > 0 || c.train.augment_stretch > 0.0) {
        augment_windows(batch, c.train.augment_transpose, c.train.augment_stretch);
      }
      const NoteTensors w = batch.to(device);
      const LossTerms terms = note_loss(model->forward(w), w.slice(ctx, window), c.model, c.loss);
      const double loss = terms.total.item<double>();
      if (!std::isfinite(loss)) {
        throw TrainingError(
            "the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at epoch " +
            std::to_string(st.epoch + 1) + ", step " + std::to_string(st.step + 1) + "; " +
            (std::filesystem::exists(last_path)
                 ? "the last good checkpoint is " + last_path.string()
                 : std::string("no checkpoint was written yet")) +
            " (try a lower learning_rate or grad_clip)");
      }
      if (in_cooldown(st.epoch)) {
        // Linear to zero over the cooldown's steps: its first step at the rate reached, its last
        // at 1/n of it.
        if (st.cooldown_from == 0.0) st.cooldown_from = st.lr;
        const int64_t steps = static_cast<int64_t>(c.train.cooldown_epochs) * batches;
        const int64_t k = static_cast<int64_t>(st.epoch - cooldown_first) * batches + st.batch;
        st.lr = st.cooldown_from * static_cast<double>(steps - k) / static_cast<double>(steps);
        set_lr(opt, st.lr);
      }
      if (st.step < warmup_until) {
        const double done = 1.0 - static_cast<double>(warmup_until - st.step) /
                                      static_cast<double>(kFreshMomentsWarmup + 1);
        set_lr(opt, st.lr * done);
      } else if (warmup_until > 0 && st.step == warmup_until) {
        set_lr(opt, st.lr);
      }
      opt.zero_grad();
      terms.total.backward();
      if (c.train.grad_clip > 0)
        torch::nn::utils::clip_grad_norm_(model->parameters(), c.train.grad_clip);
      opt.step();
      ++st.step;
      st.epoch_sums.add(terms, ids.size(0));
      windows_this_session += ids.size(0);
      st.train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      st.loss_since += loss;
      if (st.step % kStepLossEvery == 0) {
        tb.scalar("train/loss_step", loss, st.step);
        st.step_losses.push_back(json::array(
            {st.step, st.train_seconds, st.loss_since / static_cast<double>(kStepLossEvery)}));
        st.loss_since = 0.0;
      }
      if (bar) {
        char extra[64];
        std::snprintf(extra, sizeof extra, "loss %.4f", loss);
        bar->update(static_cast<double>(std::min(n, (st.batch + 1) * b)), extra);
      }
      if (o.on_step) o.on_step({st.epoch, st.step, loss, opt_lr(opt)});
      if (o.stop && o.stop->load()) {
        if (bar) bar->finish("stopped");
        save_after_this_batch();
        result.stopped_because = "interrupted";
        result.epochs_completed = st.epoch;
        result.steps = st.step;
        result.best_validation = st.best;
        return result;
      }
      if (o.checkpoint_minutes > 0 && Clock::now() - last_save >= checkpoint_every) {
        save_after_this_batch();
      }
      // Out of time: this epoch ends here, and is validated and saved like a whole one.
      if (budget_s > 0 && st.train_seconds >= budget_s) break;
    }
    if (bar) bar->finish();

    const double epoch_s = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    const json train_means = st.epoch_sums.means(c.model.velocity);
    const json valid_means =
        window_metrics(*model, valid_set, c, device, c.train.max_valid_windows);
    model->train();
    const double valid = valid_means.at("loss").get<double>();
    json row = {{"epoch", st.epoch + 1},
                {"step", st.step},
                {"learning_rate", st.lr},
                {"train_seconds", st.train_seconds},
                {"windows_per_second", epoch_s > 0 ? windows_this_session / epoch_s : 0.0},
                {"train", train_means},
                {"validation", valid_means}};
    st.history.push_back(row);
    for (const auto& [k, v] : train_means.items())
      tb.scalar("train/" + k, v.get<double>(), st.step);
    for (const auto& [k, v] : valid_means.items())
      tb.scalar("validation/" + k, v.get<double>(), st.step);
    tb.scalar("learning_rate", st.lr, st.step);
    tb.flush();

    const bool improved = valid < st.best - 1e-6;
    std::fprintf(stderr,
                 "epoch %d/%d: train %s\n             validation %s%s\n             pitch "
                 "accuracy %.1f%%, step error %.0f ms, duration error %.0f ms\n",
                 st.epoch + 1, c.train.epochs, format_losses(train_means).c_str(),
                 format_losses(valid_means).c_str(), improved ? "  (best)" : "",
                 valid_means.at("pitch_accuracy").get<double>() * 100,
                 valid_means.at("step_mae_ms").get<double>(),
                 valid_means.at("duration_mae_ms").get<double>());
    if (improved) {
      st.best = valid;
      st.bad_epochs = 0;
      st.since_decay = 0;
    } else {
      ++st.bad_epochs;
      ++st.since_decay;
      // In the cooldown the rate is its own (a decay at the end of the epoch before it counts:
      // the cooldown starts from the rate the schedule reached).
      if (c.train.lr_schedule == LrSchedule::kPlateau && !in_cooldown(st.epoch) &&
          st.since_decay > c.train.lr_patience) {
        st.lr *= c.train.lr_decay;
        st.since_decay = 0;
        set_lr(opt, st.lr);
      }
    }
    // The checkpoints record the position after this epoch.
    ++st.epoch;
    st.batch = 0;
    st.epoch_sums = {};
    if (improved) save(best_path);
    save(last_path);
    last_save = Clock::now();
    write_metrics_csv(o.out / "metrics.csv", st.history, c.model.velocity);
    write_steps_csv(o.out / "steps.csv", st.step_losses);
    if (c.train.early_stopping > 0 && st.bad_epochs >= c.train.early_stopping) {
      result.stopped_because = "early stopping";
      break;
    }
    if (budget_s > 0 && st.train_seconds >= budget_s) {
      result.stopped_because = "time budget";
      break;
    }
  }
  if (result.stopped_because.empty()) result.stopped_because = "finished";
  result.epochs_completed = st.epoch;
  result.steps = st.step;
  result.best_validation = st.best;
  if (reference && std::filesystem::exists(best_path)) {
    // What the model keeps is the best checkpoint: measure that one.
    load_model_weights(*model, read_checkpoint(best_path), best_path.string());
    result.reference_after = reference_nll(model, *reference, c, device, o.reference_windows);
    std::fprintf(stderr, "reference validation pitch NLL of %s: %.4f nats\n", best_path.c_str(),
                 result.reference_after);
    write_file_atomically(
        o.out / "reference.json",
        json{{"reference_data", std::filesystem::absolute(o.reference_data)},
             {"windows", std::min<std::int64_t>(o.reference_windows, reference->size())},
             {"pitch_nll_before", result.reference_before},
             {"pitch_nll_after", result.reference_after},
             {"init_from", o.init_from.string()}}
                .dump(2) +
            "\n");
  }
  return result;
}

}  // namespace

c10::Device pick_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available()) {
      throw TrainingError(
          "--device cuda: no CUDA device is available to this LibTorch (use --device cpu)");
    }
    return torch::kCUDA;
  }
  if (name == "auto")
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  throw TrainingError("--device " + name + ": expected auto, cpu or cuda");
}

TrainResult train(const RunConfig& c, const TrainOptions& o) {
  check_note_selection(o.selection);
  const DatasetReport data = index_dataset(o.data, o.cache_root, 0, o.progress, o.split);
  const int64_t window = c.model.context_notes + c.model.target_notes;
  if (data.maestro) {
    std::fprintf(stderr, "data: MAESTRO in %s\n", o.data.c_str());
  } else {
    std::fprintf(stderr,
                 "data: %zu MIDI files in %s (train %zu, validation %zu, test %zu: %s); learning "
                 "from %s\n",
                 data.index.performances.size(), o.data.c_str(), data.index.count(Split::kTrain),
                 data.index.count(Split::kValidation), data.index.count(Split::kTest),
                 data.index.csv.empty() ? "split by a hash of each path"
                                        : "split.csv, the rest by a hash of each path",
                 describe(o.selection).c_str());
  }
  // Each file that cannot be read is said, up to a few; all are counted.
  constexpr std::size_t kSaid = 10;
  for (std::size_t i = 0; i < data.corrupt.size() && i < kSaid; ++i) {
    std::fprintf(stderr, "skipped (cannot be read): %s\n", data.corrupt[i].c_str());
  }
  if (data.corrupt.size() > kSaid) {
    std::fprintf(stderr, "... and %zu more that cannot be read\n", data.corrupt.size() - kSaid);
  }
  if (!data.missing.empty()) {
    std::fprintf(stderr, "skipped %zu files listed but missing in %s\n", data.missing.size(),
                 o.data.c_str());
  }
  const WindowSet train_set(data.index, data.notes, Split::kTrain, window, c.train.stride,
                            o.selection, c.train.sustain_pedal);
  // Validation windows do not overlap: every window is counted once.
  const WindowSet valid_set(data.index, data.notes, Split::kValidation, window, window, o.selection,
                            c.train.sustain_pedal);
  if (train_set.too_short() + valid_set.too_short() > 0) {
    std::fprintf(stderr, "skipped %zu files with fewer than %lld notes (one window)\n",
                 train_set.too_short() + valid_set.too_short(), static_cast<long long>(window));
  }
  std::fprintf(stderr,
               "data: %zu train performances (%lld windows), %zu validation (%lld windows); "
               "%zu cannot be read\n",
               train_set.performances() - train_set.too_short(),
               static_cast<long long>(train_set.size()),
               valid_set.performances() - valid_set.too_short(),
               static_cast<long long>(valid_set.size()), data.corrupt.size());
  if (!data.maestro && data.index.performances.size() == data.corrupt.size()) {
    throw TrainingError("none of the " + std::to_string(data.corrupt.size()) + " MIDI files in " +
                        o.data.string() + " can be read (the first: " + data.corrupt.front() + ")");
  }
  if (!data.maestro && (train_set.size() == 0 || valid_set.size() == 0)) {
    throw TrainingError(std::string("no ") + (train_set.size() == 0 ? "train" : "validation") +
                        " file in " + o.data.string() + " has the " + std::to_string(window) +
                        " notes of one window; add files, or choose the split in " + kSplitCsvName +
                        " (midi_filename,split), or change --valid-fraction");
  }
  std::unique_ptr<WindowSet> reference;
  if (!o.reference_data.empty()) {
    const DatasetReport ref = index_dataset(o.reference_data, o.cache_root, 0, o.progress);
    // Read as the run reads its own data: a model that learnt durations as heard under the pedal
    // is measured on them.
    reference = std::make_unique<WindowSet>(ref.index, ref.notes, Split::kValidation, window,
                                            window, NoteSelection{}, c.train.sustain_pedal);
    if (reference->size() == 0) {
      throw TrainingError("--reference-data " + o.reference_data.string() +
                          ": its validation split has no window of " + std::to_string(window) +
                          " notes");
    }
  }
  return run_training(c, train_set, valid_set, o, std::filesystem::absolute(o.data).string(),
                      reference.get());
}

TrainResult train_in_memory(const RunConfig& c, const InMemoryData& d, const TrainOptions& o) {
  const int64_t window = c.model.context_notes + c.model.target_notes;
  const WindowSet train_set(d.train, window, c.train.stride);
  const WindowSet valid_set(d.validation, window, window);
  return run_training(c, train_set, valid_set, o, "in-memory");
}

}  // namespace mlstm
