#pragma once
// A head's log-probabilities, as the one search (decode/note_search.hpp) takes them from any
// decoder's outputs. Torch-free.

namespace mlstm {

// log_softmax(x / temperature) in place, as LibTorch computes it in float (x - max - log(sum of
// exp(x - max))), the exponentials a vectorized polynomial (Cephes' expf, within 2 units in the
// last place) where libm's expf is called one value at a time.
void log_softmax(float* x, int n, float temperature);

}  // namespace mlstm
