"""Reads music-lstm checkpoints (engine/model/checkpoint.hpp) in Python: magic, format version,
a JSON header, then raw little-endian tensors at 64-byte aligned offsets."""
import json
import struct

import numpy as np

MAGIC = b"MLSTMCKP"
FORMAT = 1
DTYPES = {"float32": np.float32, "int64": np.int64}


def read_checkpoint(path):
    """Returns (header dict, {name: numpy array})."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC:
        raise ValueError(f"{path}: not a music-lstm checkpoint")
    version, _, length = struct.unpack_from("<IIQ", data, 8)
    if version != FORMAT:
        raise ValueError(f"{path}: checkpoint format {version}, this reader knows {FORMAT}")
    header = json.loads(data[24:24 + length].decode("utf-8"))
    start = (24 + length + 63) // 64 * 64
    tensors = {}
    for t in header["tensors"]:
        dtype = DTYPES[t["dtype"]]
        a = np.frombuffer(data, dtype=dtype, count=t["bytes"] // np.dtype(dtype).itemsize,
                          offset=start + t["offset"])
        tensors[t["name"]] = a.reshape(t["shape"]).copy()
    return header, tensors
