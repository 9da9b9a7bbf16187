#include "model/exported_model.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/crc32c.hpp"

namespace mlstm {
namespace {

// Little-endian on every machine it is written on; a big-endian machine (none that Debian's
// LibTorch or our audio stack targets) is refused rather than swapped.
static_assert(std::endian::native == std::endian::little,
              "the exported model's format is little-endian");

constexpr char kMagic[8] = {'M', 'L', 'S', 'T', 'M', 'P', 'K', '\n'};
constexpr std::size_t kFixedHead = sizeof kMagic + 4 + 4;  // magic, version, header length
// A header is a configuration and a list of arrays: a few kilobytes. Anything near this is not
// one.
constexpr std::uint32_t kMaxHeader = 1u << 20;

// Each array of a PackedModel, by name, in the file's order: (name, the vector). A layer's
// shape goes into the header beside it.
template <typename Model, typename Visit>
void for_each_array(Model& m, Visit&& visit) {
  visit("embedding", m.embedding);
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    visit("decoder." + std::to_string(l) + ".weights", m.layers[l].weights);
    visit("decoder." + std::to_string(l) + ".bias", m.layers[l].bias);
  }
  visit("heads.weights", m.head_weights);
  visit("heads.bias", m.head_bias);
  for (std::size_t l = 0; l < m.encoder_layers.size(); ++l) {
    visit("encoder." + std::to_string(l) + ".weights", m.encoder_layers[l].weights);
    visit("encoder." + std::to_string(l) + ".bias", m.encoder_layers[l].bias);
  }
  visit("to_h.weights", m.to_h_weights);
  visit("to_h.bias", m.to_h_bias);
  visit("to_c.weights", m.to_c_weights);
  visit("to_c.bias", m.to_c_bias);
  visit("attention.key_weights", m.attention_key_weights);
  visit("attention.value_weights", m.attention_value_weights);
  visit("attention.value_bias", m.attention_value_bias);
}

void put_u32(std::string& out, std::uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

std::uint32_t get_u32(std::span<const std::byte> bytes, std::size_t at) {
  std::uint32_t v = 0;
  std::memcpy(&v, bytes.data() + at, 4);
  return v;
}

nlohmann::json layer_shapes(const std::vector<fast::PackedLstmLayer>& layers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : layers) out.push_back({{"inputs", l.inputs}, {"hidden", l.hidden}});
  return out;
}

}  // namespace

bool looks_like_exported_model(std::span<const std::byte> first) {
  return first.size() >= sizeof kMagic && std::memcmp(first.data(), kMagic, sizeof kMagic) == 0;
}

bool is_exported_model(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[sizeof kMagic] = {};
  if (!in.read(head, sizeof head)) return false;
  return looks_like_exported_model(std::as_bytes(std::span<const char>(head)));
}

std::string exported_model_bytes(const ExportedModel& model) {
  model.packed.check();
  nlohmann::json arrays = nlohmann::json::array();
  for_each_array(model.packed, [&](const std::string& name, const std::vector<float>& v) {
    arrays.push_back({{"name", name}, {"count", v.size()}});
  });
  const nlohmann::json header = {{"config", to_json(model.run)},
                                 {"heads",
                                  {{"step", model.packed.step_outputs},
                                   {"duration", model.packed.duration_outputs},
                                   {"velocity", model.packed.velocity_outputs}}},
                                 {"decoder_layers", layer_shapes(model.packed.layers)},
                                 {"encoder_layers", layer_shapes(model.packed.encoder_layers)},
                                 {"arrays", arrays}};
  const std::string text = header.dump();
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kExportFormatVersion);
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
  for_each_array(model.packed, [&](const std::string&, const std::vector<float>& v) {
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  });
  put_u32(out, crc32c(out.data(), out.size()));
  return out;
}

void write_exported_model(const ExportedModel& model, const std::filesystem::path& file) {
  write_file_atomically(file, exported_model_bytes(model));
}

ExportedModel parse_exported_model(std::span<const std::byte> bytes, const std::string& origin) {
  const auto fail = [&](const std::string& what) -> ExportedModelError {
    return ExportedModelError(origin + ": " + what);
  };
  if (!looks_like_exported_model(bytes)) {
    throw fail("not an exported music-lstm model (export one with music-lstm export-model)");
  }
  if (bytes.size() < kFixedHead + 4) throw fail("truncated: the file ends in its first bytes");
  const std::uint32_t version = get_u32(bytes, sizeof kMagic);
  if (version != kExportFormatVersion) {
    throw fail("format version " + std::to_string(version) + "; this music-lstm reads version " +
               std::to_string(kExportFormatVersion) + " (export the model again with it)");
  }
  const std::uint32_t header_size = get_u32(bytes, sizeof kMagic + 4);
  if (header_size > kMaxHeader || kFixedHead + header_size + 4 > bytes.size()) {
    throw fail("truncated or corrupt: its header runs past the end of the file");
  }
  const std::size_t body = bytes.size() - 4;
  if (crc32c(bytes.data(), body) != get_u32(bytes, body)) {
    throw fail("corrupt: its checksum does not match (a damaged or truncated copy?)");
  }
  ExportedModel m;
  nlohmann::json header;
  try {
    const auto* text = reinterpret_cast<const char*>(bytes.data() + kFixedHead);
    header = nlohmann::json::parse(text, text + header_size);
    m.run = run_config_from_json(header.at("config"));
    m.packed.config = m.run.model;
    const nlohmann::json& heads = header.at("heads");
    m.packed.step_outputs = heads.at("step").get<int>();
    m.packed.duration_outputs = heads.at("duration").get<int>();
    m.packed.velocity_outputs = heads.at("velocity").get<int>();
    for (const auto& [key, layers] : {std::pair{"decoder_layers", &m.packed.layers},
                                      std::pair{"encoder_layers", &m.packed.encoder_layers}}) {
      const nlohmann::json& shapes = header.at(key);
      if (!shapes.is_array() || shapes.size() > 64) throw fail(std::string("bad ") + key);
      for (const auto& s : shapes) {
        layers->push_back({s.at("inputs").get<int>(), s.at("hidden").get<int>(), {}, {}});
      }
    }
  } catch (const ExportedModelError&) {
    throw;
  } catch (const std::exception& e) {
    throw fail(std::string("corrupt header: ") + e.what());
  }
  // The arrays: names and counts as the header lists them, and as the configuration expects,
  // each within the bytes that are there before any is allocated.
  const nlohmann::json& arrays = header.contains("arrays") ? header["arrays"] : nlohmann::json();
  if (!arrays.is_array()) throw fail("corrupt header: no list of arrays");
  std::size_t at = kFixedHead + header_size, index = 0;
  for_each_array(m.packed, [&](const std::string& name, std::vector<float>& v) {
    if (index >= arrays.size()) throw fail("the header lists no array '" + name + "'");
    const nlohmann::json& a = arrays[index++];
    std::uint64_t count = 0;
    try {
      if (a.at("name").get<std::string>() != name) {
        throw fail("array " + std::to_string(index) + " is '" + a.at("name").get<std::string>() +
                   "', expected '" + name + "'");
      }
      count = a.at("count").get<std::uint64_t>();
    } catch (const ExportedModelError&) {
      throw;
    } catch (const std::exception& e) {
      throw fail(std::string("corrupt header: ") + e.what());
    }
    if (count > (body - at) / sizeof(float)) {
      throw fail("truncated or corrupt: the array '" + name + "' runs past the end of the file");
    }
    v.resize(static_cast<std::size_t>(count));
    // An empty vector's data() may be null, which memcpy must not be given even for 0 bytes.
    if (!v.empty()) std::memcpy(v.data(), bytes.data() + at, v.size() * sizeof(float));
    at += v.size() * sizeof(float);
  });
  if (index != arrays.size() || at != body) {
    throw fail("corrupt: the header's arrays do not account for the file's bytes");
  }
  try {
    m.packed.check();
  } catch (const std::invalid_argument& e) {
    throw fail(std::string("the weights do not fit its configuration (") + e.what() + ")");
  }
  return m;
}

ExportedModel read_exported_model(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ExportedModelError(file.string() + ": cannot read it (no such file, or no permission)");
  }
  const std::vector<char> data((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  return parse_exported_model(std::as_bytes(std::span<const char>(data)), file.string());
}

}  // namespace mlstm
