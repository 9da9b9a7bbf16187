#pragma once
// The decoder's matrix products for a few rows (the beams) against a large matrix of weights
// packed once into panels: out (rows x n) = x (rows x k) times W (k x n) plus bias.
//
// Why by hand: OpenBLAS's sgemm copies ("packs") its operands into blocks on every call; with 8
// beams against the 547 x 2048 gate matrix of `default` that copy of 4.5 MB of weights is a
// quarter of the decoder's time (perf: sgemm_incopy_HASWELL) and is repeated 50 times an answer.
// Packed once here, the weights stream through once a step, each one used for up to 8 beams from
// registers. Panels are 16 columns wide where the CPU has AVX-512 (one 512-bit register: the
// build VM's Zen 5 does two such multiply-adds a cycle, twice what 256-bit ones give), 8 elsewhere
// (AVX2, or plain x86-64); both kernels are built for every CPU, so tests run each.

#include <vector>

namespace mlstm::fast {

int preferred_panel_width();  // 16 with AVX-512, else 8

// Row-major k x n weights as panels of `width` (8 or 16) columns: [ceil(n / width)][k][width],
// the last padded with zeros.
struct Panels {
  std::vector<float> values;
  int k = 0, n = 0, width = 8;
};
Panels pack_panels(const std::vector<float>& weights, int k, int n,
                   int width = preferred_panel_width());

// out[r * ldo + j] = bias[j] + sum over i of x[r * ldx + i] * W[i][j], for r < rows, j < n.
void panel_product(const float* x, int rows, int ldx, const Panels& panels,
                   const std::vector<float>& bias, float* out, int ldo);

// An LSTM cell for one beam: `gates` (4 x hidden, PyTorch's order: input, forget, cell, output)
// turn `c` into c' = f c + i g and `h` into o tanh(c'). tanh is a rational approximation (Eigen's
// fast tanh for floats, within a few units in the last place) that vectorizes, where libm's
// tanhf and expf were a fifth of the decoder's time; sigmoid(x) = (1 + tanh(x / 2)) / 2.
void lstm_cell(const float* gates, int hidden, float* h, float* c);

}  // namespace mlstm::fast
