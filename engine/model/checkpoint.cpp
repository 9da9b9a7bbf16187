#include "model/checkpoint.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>

#include "io/atomic_file.hpp"

namespace mlstm {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints are little-endian");
constexpr char kMagic[8] = {'M', 'L', 'S', 'T', 'M', 'C', 'K', 'P'};
constexpr std::size_t kAlign = 64;

std::string dtype_name(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32:
      return "float32";
    case torch::kInt64:
      return "int64";
    default:
      throw CheckpointError(std::string("cannot store tensors of type ") + c10::toString(t));
  }
}

torch::ScalarType dtype_of(const std::string& name, const std::string& file) {
  if (name == "float32") return torch::kFloat32;
  if (name == "int64") return torch::kInt64;
  throw CheckpointError(file + ": tensor type '" + name + "' is not one this build reads");
}

std::string shape_string(c10::IntArrayRef s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

const torch::Tensor* Checkpoint::find(const std::string& name) const {
  for (const auto& [n, t] : tensors) {
    if (n == name) return &t;
  }
  return nullptr;
}

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& ck) {
  nlohmann::json header;
  header["config"] = to_json(ck.config);
  header["metadata"] = ck.metadata;
  header["tensors"] = nlohmann::json::array();
  std::vector<torch::Tensor> data;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : ck.tensors) {
    auto c = t.detach().to(torch::kCPU).contiguous();
    const std::uint64_t bytes = static_cast<std::uint64_t>(c.numel()) * c.element_size();
    header["tensors"].push_back({{"name", name},
                                 {"dtype", dtype_name(c.scalar_type())},
                                 {"shape", c.sizes().vec()},
                                 {"offset", offset},
                                 {"bytes", bytes}});
    offset += (bytes + kAlign - 1) / kAlign * kAlign;
    data.push_back(std::move(c));
  }
  const std::string text = header.dump();
  std::filesystem::create_directories(path.has_parent_path() ? path.parent_path() : ".");
  write_file_atomically(path, [&](std::ostream& out) {
    const std::uint32_t version = kCheckpointFormat, reserved = 0;
    const std::uint64_t len = text.size();
    out.write(kMagic, sizeof kMagic);
    out.write(reinterpret_cast<const char*>(&version), 4);
    out.write(reinterpret_cast<const char*>(&reserved), 4);
    out.write(reinterpret_cast<const char*>(&len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    const std::size_t head = 24 + text.size();
    const std::string zeros(kAlign, '\0');
    out.write(zeros.data(), static_cast<std::streamsize>((kAlign - head % kAlign) % kAlign));
    for (const auto& c : data) {
      const std::size_t bytes = static_cast<std::size_t>(c.numel()) * c.element_size();
      out.write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(bytes));
      out.write(zeros.data(), static_cast<std::streamsize>((kAlign - bytes % kAlign) % kAlign));
    }
  });
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw CheckpointError(file + ": no such model file");
  const std::uint64_t size = std::filesystem::file_size(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError(file + ": cannot open model file");
  char head[24];
  if (size < sizeof head || !in.read(head, sizeof head) || std::memcmp(head, kMagic, 8) != 0) {
    throw CheckpointError(file + ": not a music-lstm model file (checkpoint)");
  }
  std::uint32_t version;
  std::uint64_t len;
  std::memcpy(&version, head + 8, 4);
  std::memcpy(&len, head + 16, 8);
  if (version != kCheckpointFormat) {
    throw CheckpointError(file + ": checkpoint format " + std::to_string(version) +
                          "; this build reads format " + std::to_string(kCheckpointFormat));
  }
  if (len > size - sizeof head) throw CheckpointError(file + ": truncated checkpoint (header)");
  std::string text(len, '\0');
  in.read(text.data(), static_cast<std::streamsize>(len));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(file + ": corrupt checkpoint header (" + e.what() + ")");
  }
  Checkpoint ck;
  try {
    ck.config = run_config_from_json(header.at("config"));
    ck.metadata = header.value("metadata", nlohmann::json::object());
    const std::uint64_t data_start = (sizeof head + len + kAlign - 1) / kAlign * kAlign;
    for (const auto& t : header.at("tensors")) {
      const std::string name = t.at("name").get<std::string>();
      const auto dtype = dtype_of(t.at("dtype").get<std::string>(), file);
      const auto shape = t.at("shape").get<std::vector<int64_t>>();
      const auto offset = t.at("offset").get<std::uint64_t>();
      const auto bytes = t.at("bytes").get<std::uint64_t>();
      std::uint64_t numel = 1;
      for (int64_t d : shape) {
        if (d < 0 || d > (int64_t{1} << 40)) throw CheckpointError(file + ": bad shape of " + name);
        numel *= static_cast<std::uint64_t>(d);
      }
      if (numel * c10::elementSize(dtype) != bytes) {
        throw CheckpointError(file + ": tensor '" + name + "' size does not match its shape");
      }
      if (data_start + offset + bytes > size || data_start + offset < data_start) {
        throw CheckpointError(file + ": truncated checkpoint (tensor '" + name +
                              "' needs bytes up to " + std::to_string(data_start + offset + bytes) +
                              ", the file has " + std::to_string(size) + ")");
      }
      auto tensor = torch::empty(shape, torch::TensorOptions().dtype(dtype));
      in.seekg(static_cast<std::streamoff>(data_start + offset));
      if (!in.read(static_cast<char*>(tensor.data_ptr()), static_cast<std::streamsize>(bytes))) {
        throw CheckpointError(file + ": read error in tensor '" + name + "'");
      }
      ck.tensors.emplace_back(name, std::move(tensor));
    }
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(file + ": corrupt checkpoint header (" + e.what() + ")");
  } catch (const ConfigError& e) {
    throw CheckpointError(file + ": " + e.what());
  }
  return ck;
}

NamedTensors model_tensors(NoteModelImpl& model) {
  NamedTensors out;
  for (const auto& p : model.named_parameters()) {
    out.emplace_back("model." + p.key(), p.value().detach().to(torch::kCPU));
  }
  return out;
}

void load_model_weights(NoteModelImpl& model, const Checkpoint& ck, const std::string& file,
                        const std::vector<std::string>& new_parts) {
  torch::NoGradGuard no_grad;
  std::size_t used = 0;
  for (auto& p : model.named_parameters()) {
    const torch::Tensor* t = ck.find("model." + p.key());
    const auto is_new = [&](const std::string& part) { return p.key().rfind(part, 0) == 0; };
    if (!t && std::any_of(new_parts.begin(), new_parts.end(), is_new)) continue;
    if (!t) {
      throw CheckpointError(file + ": model of another architecture: no weights for '" + p.key() +
                            "'");
    }
    if (t->sizes() != p.value().sizes()) {
      throw CheckpointError(file + ": model of another architecture: '" + p.key() + "' is " +
                            shape_string(t->sizes()) + " in the file, " +
                            shape_string(p.value().sizes()) + " in the model");
    }
    p.value().copy_(*t);
    ++used;
  }
  std::size_t in_file = 0;
  for (const auto& [name, t] : ck.tensors) in_file += name.rfind("model.", 0) == 0;
  if (in_file != used) {
    throw CheckpointError(file + ": model of another architecture: the file has " +
                          std::to_string(in_file) + " weight tensors, the model " +
                          std::to_string(used));
  }
}

NoteModel load_model(const std::filesystem::path& path, const torch::Device& device) {
  const Checkpoint ck = read_checkpoint(path);
  NoteModel model(ck.config.model);
  load_model_weights(*model, ck, path.string());
  model->to(device);
  model->eval();
  return model;
}

}  // namespace mlstm
