#pragma once
// Writes TensorBoard event files (scalars only): TFRecord framing around Event protocol buffers.
// The three messages involved (Event, Summary, Summary.Value) are encoded by hand: linking
// libprotobuf and compiling TensorFlow's .proto files for three fields each would cost more than
// the 40 lines this takes. `tensorboard --logdir runs/` reads the files.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace mlstm {

class TensorBoardWriter {
 public:
  // Creates <dir>/events.out.tfevents.<unix time>.<host>.<pid> and writes the version record.
  explicit TensorBoardWriter(const std::filesystem::path& dir);
  void scalar(const std::string& tag, double value, std::int64_t step);
  void flush();
  const std::filesystem::path& path() const { return path_; }

  // The record and message encodings, for tests.
  static std::string encode_record(const std::string& data);
  static std::string encode_scalar_event(const std::string& tag, float value, std::int64_t step,
                                         double wall_time);

 private:
  void write_record(const std::string& data);
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace mlstm
