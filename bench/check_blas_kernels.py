#!/usr/bin/env python3
"""Checks that the BLAS kernels OpenBLAS runs here multiply correctly, on the shapes training uses.

Run it under the OPENBLAS_CORETYPE you mean to train with, e.g.
    OPENBLAS_CORETYPE=SKYLAKEX OPENBLAS_VERBOSE=2 python3 bench/check_blas_kernels.py
(OPENBLAS_VERBOSE=2 makes OpenBLAS print the core it chose). Products in float32 are compared
with float64 ones; exit status 1 when the worst relative error is above --tolerance.
docs/BENCHMARKS.md, "OpenBLAS's kernels on an AVX-512 CPU it does not know".
"""
import argparse
import os
import sys

import torch

# (m, k, n): a batch of 64 through the decoder's gates (about 100 inputs + 512 hidden -> 4 x 512),
# its gradients' shapes, the heads, one answer's single step, an odd size, and a large square.
SHAPES = [(64, 612, 2048), (2048, 64, 612), (612, 2048, 64), (64, 512, 288), (640, 544, 2048),
          (1, 512, 2048), (3, 7, 5), (1000, 1000, 1000)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=1e-5,
                        help="largest relative error allowed (float32 rounding is about 1e-6)")
    args = parser.parse_args()
    torch.manual_seed(0)
    worst = 0.0
    for m, k, n in SHAPES:
        for transposed in (False, True):
            a = torch.randn(k, m).t() if transposed else torch.randn(m, k)
            b = torch.randn(k, n)
            exact = a.double() @ b.double()
            err = ((a @ b).double() - exact).abs().max() / exact.abs().max()
            worst = max(worst, err.item())
    core = os.environ.get("OPENBLAS_CORETYPE", "(OpenBLAS's own choice)")
    ok = worst <= args.tolerance
    print(f"OPENBLAS_CORETYPE={core}: worst relative error {worst:.2e} over {len(SHAPES) * 2} "
          f"products: {'ok' if ok else 'WRONG RESULTS, do not train with these kernels'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
