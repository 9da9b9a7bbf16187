#include "train/adam_state.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <type_traits>

namespace mlstm {
namespace {

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

}  // namespace

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

bool restore_optimizer(torch::optim::Adam& opt, NoteModelImpl& model, const Checkpoint& ck,
                       const torch::Device& device) {
  const bool has_moments = std::any_of(ck.tensors.begin(), ck.tensors.end(), [](const auto& t) {
    return t.first.rfind("optimizer.", 0) == 0;
  });
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
  return has_moments;
}

void set_lr(torch::optim::Adam& opt, double lr) {
  for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
}

double opt_lr(torch::optim::Adam& opt) {
  return static_cast<torch::optim::AdamOptions&>(opt.param_groups().front().options()).lr();
}

}  // namespace mlstm
