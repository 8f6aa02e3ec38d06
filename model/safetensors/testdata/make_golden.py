#!/usr/bin/env python3
"""Writes golden.safetensors, a cross-check for pare's safetensors reader
and writer.

The file is written by the hand-rolled encoder below, which follows the
format specification independently of pare: an 8-byte little-endian header
length, compact JSON (__metadata__ first, then the tensors in data order),
padded with spaces to a multiple of 8, then the data. Tensors are stored by
descending dtype alignment and then by name, as the reference library does.

Values are converted by numpy (float16) and torch (bfloat16), so the Go
test compares pare's conversions against theirs: each "X.values" tensor has
an "X.as_f32" twin holding the same values widened by numpy or torch.

Run with a Python that has numpy and torch:
    python3 make_golden.py   # in this directory
"""
import json
import struct

import numpy as np
import torch

# The reference library's dtype order (increasing alignment).
RANK = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
        "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16",
        "I32", "U32", "F32", "C64", "F64", "I64", "U64"]

DTYPE = {np.dtype(np.bool_): "BOOL", np.dtype(np.uint8): "U8", np.dtype(np.int8): "I8",
         np.dtype(np.int16): "I16", np.dtype(np.float16): "F16", np.dtype(np.int32): "I32",
         np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int64): "I64"}


def encode(tensors, metadata):
    """tensors: name -> (dtype string, shape, little-endian bytes)."""
    order = sorted(tensors, key=lambda n: (-RANK.index(tensors[n][0]), n))
    header = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for name in order:
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(tensors[n][2] for n in order)


def np_tensor(a):
    a = np.array(a, order="C")  # keeps 0-d arrays 0-d
    return (DTYPE[a.dtype], a.shape, a.astype(a.dtype.newbyteorder("<")).tobytes())


def main():
    special = [0.0, -0.0, 1.0, -2.5, 0.1, 3.14159, 65504.0, 70000.0, 6.1035156e-05,
               5.9604645e-08, 1e-8, 2.0**-20, float("inf"), float("-inf"), float("nan"), -1e-3]
    with np.errstate(over="ignore"):  # 70000 overflows to inf on purpose
        f16 = np.array(special, dtype=np.float32).astype(np.float16)
    bf16 = torch.tensor(special + [1e-40, 3.0e38], dtype=torch.float32).to(torch.bfloat16)
    tensors = {
        "f16.values": np_tensor(f16),
        "f16.as_f32": np_tensor(f16.astype(np.float32)),
        "bf16.values": ("BF16", tuple(bf16.shape), bf16.view(torch.int16).numpy().astype("<i2").tobytes()),
        "bf16.as_f32": np_tensor(bf16.to(torch.float32).numpy()),
        "f32.matrix": np_tensor(np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5 - 1),
        "f64.vector": np_tensor(np.array([1.5, -2.25, 1e300, 1e-300], dtype=np.float64)),
        "i8": np_tensor(np.array([-128, -1, 0, 1, 127], dtype=np.int8)),
        "u8": np_tensor(np.array([[0, 255], [7, 8]], dtype=np.uint8)),
        "i16": np_tensor(np.array([-32768, 32767, 3], dtype=np.int16)),
        "i32": np_tensor(np.array([-(2**31), 2**31 - 1], dtype=np.int32)),
        "i64": np_tensor(np.array([-(2**63), 2**63 - 1, 42], dtype=np.int64)),
        "bool": np_tensor(np.array([True, False, True], dtype=np.bool_)),
        "scalar": np_tensor(np.array(2.5, dtype=np.float32)),
        "empty": np_tensor(np.zeros((2, 0), dtype=np.float32)),
    }
    with open("golden.safetensors", "wb") as f:
        f.write(encode(tensors, {"format": "pt", "source": "make_golden.py"}))


if __name__ == "__main__":
    main()
