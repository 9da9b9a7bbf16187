#pragma once
// The random draws of decoding (drawn timing, sampling, stochastic beam search), on the host and
// torch-free, so that the search (decode/note_search.cpp) draws exactly the same numbers in the
// same order on every decoder and device (the LibTorch model on a GPU, the packed CPU decoder)
// and gives the same answers for the same seed. (LibTorch's generator and its multinomial are not
// specified beyond "random": copying their algorithms would tie us to one LibTorch version.)

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace mlstm {

class Draws {
 public:
  explicit Draws(std::uint64_t seed) : generator_(seed) {}

  // Starts the draws of `seed` again, as a new Draws(seed) would, keeping the working arrays.
  void reseed(std::uint64_t seed) { generator_.seed(seed); }

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(generator_() >> 11) * 0x1.0p-53; }

  // A class drawn from softmax(log_probs) after keeping only the `top_k` likeliest (0: all; ties
  // with the k-th stay) and then the smallest set holding `top_p` of the probability (the first
  // always stays): sampling's filters (SearchSettings::top_k, top_p). Classes at -infinity are
  // never drawn; at least one must be finite.
  // Allocates only while its working arrays grow to the largest head seen.
  int sample(std::span<const float> log_probs, int top_k = 0, double top_p = 1.0);

 private:
  std::mt19937_64 generator_;
  std::vector<float> kept_, weights_;
  std::vector<std::size_t> order_;
};

}  // namespace mlstm
