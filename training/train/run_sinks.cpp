#include "train/run_sinks.hpp"

#include <torch/version.h>

#include <cstdio>
#include <ctime>
#include <sstream>

#include "io/atomic_file.hpp"
#include "model/checkpoint.hpp"
#include "train/adam_state.hpp"

namespace mlstm {
namespace {

using json = nlohmann::json;

std::string iso_time() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
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

}  // namespace

RunSinks::RunSinks(const RunConfig& c, const TrainOptions& o, std::string data_description,
                   const torch::Device& device, NoteModel& model, torch::optim::Adam& opt,
                   bool writes)
    : c_(c),
      o_(o),
      data_(std::move(data_description)),
      device_(device),
      model_(model),
      opt_(opt),
      last_(o.out / "last.ckpt"),
      best_(o.out / "best.ckpt"),
      writes_(writes),
      tb_(writes ? std::make_unique<TensorBoardWriter>(o.out) : nullptr),
      last_save_(std::chrono::steady_clock::now()) {}

void RunSinks::save(const std::filesystem::path& path, const RunState& st) const {
  Checkpoint ck;
  ck.config = c_;
  ck.metadata = {{"format", kCheckpointFormat},
                 {"data", data_},
                 {"init_from", o_.init_from.string()},
                 {"resumed_from", o_.resume_from.string()},
                 {"split", "train (validation: validation)"},
                 {"epoch", st.epoch},
                 {"step", st.step},
                 {"metrics", st.history.empty() ? json::object() : st.history.back()},
                 {"created", iso_time()},
                 {"torch", TORCH_VERSION},
                 {"device", device_.str()},
                 {"parameters", parameter_count(*model_)},
                 {"state", st.to_json()}};
  ck.tensors = model_tensors(*model_);
  for (auto& t : optimizer_tensors(opt_, *model_)) ck.tensors.push_back(std::move(t));
  save_checkpoint(path, ck);
}

void RunSinks::epoch_begins(const RunState& st, std::int64_t windows) {
  if (!writes_ || !o_.progress) return;
  bar_ = std::make_unique<ProgressBar>(
      "epoch " + std::to_string(st.epoch + 1) + "/" + std::to_string(c_.train.epochs),
      static_cast<double>(windows), "windows");
}

void RunSinks::step_done(const RunState& st, std::int64_t windows_done, double loss,
                         bool entry_kept) {
  if (!writes_) return;
  if (entry_kept) tb_->scalar("train/loss_step", loss, st.step);
  if (bar_) {
    char extra[64];
    std::snprintf(extra, sizeof extra, "loss %.4f", loss);
    bar_->update(static_cast<double>(windows_done), extra);
  }
}

bool RunSinks::checkpoint_due() const {
  const auto every = std::chrono::duration<double, std::ratio<60>>(o_.checkpoint_minutes);
  return writes_ && o_.checkpoint_minutes > 0 &&
         std::chrono::steady_clock::now() - last_save_ >= every;
}

void RunSinks::save_mid_epoch(const RunState& st) {
  if (!writes_) return;
  // The position after the batch just done; the loop's own increment moves past it as usual.
  RunState after = st;
  ++after.batch;
  save(last_, after);
  tb_->flush();
  last_save_ = std::chrono::steady_clock::now();
}

void RunSinks::epoch_trained(const std::string& how) {
  if (bar_) bar_->finish(how);
  bar_.reset();
}

void RunSinks::epoch_validated(const json& row, bool improved) {
  if (!writes_) return;
  const std::int64_t step = row.at("step").get<std::int64_t>();
  const json& train = row.at("train");
  const json& valid = row.at("validation");
  for (const auto& [k, v] : train.items()) tb_->scalar("train/" + k, v.get<double>(), step);
  for (const auto& [k, v] : valid.items()) tb_->scalar("validation/" + k, v.get<double>(), step);
  tb_->scalar("learning_rate", row.at("learning_rate").get<double>(), step);
  tb_->flush();
  std::fprintf(stderr,
               "epoch %d/%d: train %s\n             validation %s%s\n             pitch "
               "accuracy %.1f%%, step error %.0f ms, duration error %.0f ms\n",
               row.at("epoch").get<int>(), c_.train.epochs, format_losses(train).c_str(),
               format_losses(valid).c_str(), improved ? "  (best)" : "",
               valid.at("pitch_accuracy").get<double>() * 100,
               valid.at("step_mae_ms").get<double>(), valid.at("duration_mae_ms").get<double>());
}

void RunSinks::epoch_saved(const RunState& st, bool improved) {
  if (!writes_) return;
  if (improved) save(best_, st);
  save(last_, st);
  last_save_ = std::chrono::steady_clock::now();
  write_metrics_csv(o_.out / "metrics.csv", st.history, c_.model.velocity);
  write_steps_csv(o_.out / "steps.csv", st.step_losses);
}

}  // namespace mlstm
