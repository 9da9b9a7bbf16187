#pragma once
// e^x for floats as a short polynomial that vectorizes (Cephes' expf, also Eigen's pexp for
// floats: within 2 units in the last place), for the loops of decoding that take the exponential
// of every class of a head: the fast decoder's log-softmax and the draws both searches share.
// libm's expf and exp are called one value at a time; GCC vectorizes a loop of this one.

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mlstm {

// e^x = 2^n e^r with r = x - n ln 2 in [-ln 2 / 2, ln 2 / 2], e^r by a degree-6 polynomial, 2^n
// built in the exponent bits. Arguments below -87.3 (and -infinity) give 0, as expf's do; meant for
// x <= 0 (a value less the maximum), where 2^n cannot overflow.
[[gnu::always_inline]] inline float fast_exp(float x) {
  constexpr float kLow = -87.33654475f, kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  const float clamped = std::max(x, kLow);
  const float n = std::floor(clamped * kLog2e + 0.5f);
  const float r = (clamped - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int bits = (static_cast<int>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return x < kLow ? 0.0f : p * scale;
}

}  // namespace mlstm
