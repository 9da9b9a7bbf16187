#include "log/tensorboard_writer.hpp"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "io/crc32c.hpp"

namespace mlstm {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void put_varint(std::string& s, std::uint64_t v) {
  while (v >= 0x80) {
    s.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
}

template <typename T>
void put_fixed(std::string& s, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);  // little-endian, as protobuf and TFRecord want
  s.append(b, sizeof v);
}

void put_bytes_field(std::string& s, int field, const std::string& bytes) {
  put_varint(s, static_cast<std::uint64_t>(field) << 3 | 2);
  put_varint(s, bytes.size());
  s += bytes;
}

std::string event_header(double wall_time, std::int64_t step) {
  std::string e;
  put_varint(e, 1 << 3 | 1);  // wall_time: double
  put_fixed(e, wall_time);
  put_varint(e, 2 << 3 | 0);  // step: int64
  put_varint(e, static_cast<std::uint64_t>(step));
  return e;
}

}  // namespace

std::string TensorBoardWriter::encode_record(const std::string& data) {
  std::string r;
  const std::uint64_t len = data.size();
  put_fixed(r, len);
  put_fixed(r, masked_crc32c(r.data(), 8));
  r += data;
  put_fixed(r, masked_crc32c(data.data(), data.size()));
  return r;
}

std::string TensorBoardWriter::encode_scalar_event(const std::string& tag, float value,
                                                   std::int64_t step, double wall_time) {
  std::string v;  // Summary.Value
  put_bytes_field(v, 1, tag);
  put_varint(v, 2 << 3 | 5);  // simple_value: float
  put_fixed(v, value);
  std::string summary;
  put_bytes_field(summary, 1, v);
  std::string e = event_header(wall_time, step);
  put_bytes_field(e, 5, summary);
  return e;
}

TensorBoardWriter::TensorBoardWriter(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  path_ = dir / ("events.out.tfevents." + std::to_string(static_cast<long long>(now_seconds())) +
                 "." + host + "." + std::to_string(::getpid()));
  out_.open(path_, std::ios::binary);
  if (!out_) throw std::runtime_error("cannot write " + path_.string());
  std::string e = event_header(now_seconds(), 0);
  put_bytes_field(e, 3, "brain.Event:2");  // file_version
  write_record(e);
  flush();
}

void TensorBoardWriter::scalar(const std::string& tag, double value, std::int64_t step) {
  write_record(encode_scalar_event(tag, static_cast<float>(value), step, now_seconds()));
}

void TensorBoardWriter::write_record(const std::string& data) {
  const std::string r = encode_record(data);
  out_.write(r.data(), static_cast<std::streamsize>(r.size()));
}

void TensorBoardWriter::flush() {
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write " + path_.string() + " (disk full?)");
}

}  // namespace mlstm
