#include "dist/data_parallel.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace mlstm {

std::pair<std::int64_t, std::int64_t> DataParallel::span(std::int64_t n) const {
  const std::int64_t w = world_size(), r = rank();
  const std::int64_t base = n / w, extra = n % w;
  const std::int64_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

torch::Tensor DataParallel::shard(const torch::Tensor& ids) const {
  if (!group_) return ids;
  const auto [begin, end] = span(ids.size(0));
  return ids.slice(0, begin, end);
}

void DataParallel::broadcast_parameters(const std::vector<torch::Tensor>& parameters) {
  if (!group_) return;
  torch::NoGradGuard no_grad;
  for (const torch::Tensor& p : parameters) {
    torch::Tensor t = p.detach();
    group_->broadcast_from_0(t, "the broadcast of rank 0's parameters");
  }
}

void DataParallel::broadcast(torch::Tensor& t, const char* what) {
  if (group_) group_->broadcast_from_0(t, what);
}

void DataParallel::broadcast_text(std::string& text, const char* what) {
  if (!group_) return;
  torch::Tensor size = torch::tensor({static_cast<std::int64_t>(text.size())}, torch::kInt64);
  group_->broadcast_from_0(size, what);
  torch::Tensor bytes = torch::zeros({size.item<std::int64_t>()}, torch::kUInt8);
  if (lead()) std::copy(text.begin(), text.end(), bytes.data_ptr<std::uint8_t>());
  group_->broadcast_from_0(bytes, what);
  const auto* b = bytes.data_ptr<std::uint8_t>();
  text.assign(b, b + bytes.numel());
}

void DataParallel::meet(const std::string& name) {
  if (group_) group_->wait_for_all(name, group_->join_timeout());
}

void DataParallel::average_gradients(const std::vector<torch::Tensor>& parameters,
                                     std::int64_t local, std::int64_t global) {
  if (!group_) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : parameters) {
    // A rank whose shard was empty ran no backward pass: its share is zero.
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  const double share = static_cast<double>(local) / static_cast<double>(global);
  for (std::size_t i = 0; i < grads.size();) {
    // One bucket: the next gradients up to kBucketBytes (at least one), flat.
    std::size_t j = i;
    std::int64_t bytes = 0;
    std::vector<torch::Tensor> flat;
    while (j < grads.size() &&
           (j == i || bytes + grads[j].nbytes() <= static_cast<std::size_t>(kBucketBytes))) {
      bytes += static_cast<std::int64_t>(grads[j].nbytes());
      flat.push_back(grads[j].reshape(-1));
      ++j;
    }
    torch::Tensor bucket = torch::cat(flat).mul_(share);
    group_->sum(bucket, "the gradients' all-reduce");
    std::int64_t at = 0;
    for (std::size_t k = i; k < j; ++k) {
      const std::int64_t n = grads[k].numel();
      grads[k].copy_(bucket.slice(0, at, at + n).view_as(grads[k]));
      at += n;
    }
    i = j;
  }
}

LossTerms DataParallel::combine_terms(const LossTerms& local, std::int64_t local_n,
                                      std::int64_t global_n, bool velocity) {
  if (!group_) return local;
  // total, pitch, step, duration, velocity; each times this rank's windows.
  torch::Tensor sums = torch::zeros({5}, torch::kFloat64);
  if (local_n > 0) {
    const torch::Tensor terms[5] = {local.total, local.pitch, local.step, local.duration,
                                    velocity ? local.velocity : local.total};
    for (std::int64_t i = 0; i < 5; ++i) {
      sums[i] = terms[i].detach().item<double>() * static_cast<double>(local_n);
    }
  }
  group_->sum(sums, "the sum of the batch's loss");
  sums.div_(static_cast<double>(global_n));
  LossTerms global;
  global.total = sums[0];
  global.pitch = sums[1];
  global.step = sums[2];
  global.duration = sums[3];
  if (velocity) global.velocity = sums[4];
  return global;
}

nlohmann::json DataParallel::combine_metrics(const nlohmann::json& local, std::int64_t local_n) {
  if (!group_) return local;
  std::vector<std::string> keys;
  for (const auto& [k, v] : local.items()) {
    if (v.is_number()) keys.push_back(k);
  }
  torch::Tensor sums = torch::zeros({static_cast<std::int64_t>(keys.size()) + 1}, torch::kFloat64);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    sums[static_cast<std::int64_t>(i)] =
        local_n > 0 ? local.at(keys[i]).get<double>() * static_cast<double>(local_n) : 0.0;
  }
  sums[static_cast<std::int64_t>(keys.size())] = static_cast<double>(local_n);
  group_->sum(sums, "the sum of the validation figures");
  const double n = sums[static_cast<std::int64_t>(keys.size())].item<double>();
  nlohmann::json global = local;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    global[keys[i]] = sums[static_cast<std::int64_t>(i)].item<double>() / n;
  }
  return global;
}

void DataParallel::agree_on_stop(bool& requested, double& train_seconds) {
  if (!group_) return;
  torch::Tensor t = torch::tensor({requested ? 1.0 : 0.0, train_seconds}, torch::kFloat64);
  group_->max(t, "the stop decision");
  requested = t[0].item<double>() != 0.0;
  train_seconds = t[1].item<double>();
}

void DataParallel::check_agreement(const std::vector<torch::Tensor>& parameters,
                                   std::int64_t step) {
  if (!group_ || check_every_ <= 0 || step % check_every_ != 0) return;
  torch::NoGradGuard no_grad;
  // Two checksums in double (the sum, and the sum of squares), and their negatives: the maximum
  // over ranks of each equals minus the maximum of its negative only when every rank has it.
  double sum = 0, squares = 0;
  for (const torch::Tensor& p : parameters) {
    const torch::Tensor d = p.detach().to(torch::kCPU, torch::kFloat64);
    sum += d.sum().item<double>();
    squares += d.square().sum().item<double>();
  }
  torch::Tensor t = torch::tensor({sum, squares, -sum, -squares}, torch::kFloat64);
  group_->max(t, "the check that the ranks' parameters agree");
  const double hi = t[0].item<double>(), lo = -t[2].item<double>();
  const double hi2 = t[1].item<double>(), lo2 = -t[3].item<double>();
  if (hi != lo || hi2 != lo2) {
    throw std::runtime_error(
        "the ranks' parameters differ at step " + std::to_string(step) + " (checksums from " +
        std::to_string(lo) + " to " + std::to_string(hi) +
        "): the ranks no longer train the same model; please report this with the launch used");
  }
  if (lead()) {
    std::fprintf(stderr, "step %lld: the %d ranks' parameters agree (checksum %.17g)\n",
                 static_cast<long long>(step), world_size(), sum);
  }
}

}  // namespace mlstm
