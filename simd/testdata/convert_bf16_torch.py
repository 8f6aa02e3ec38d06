# Makes the golden table in simd/convert_bf16_torch_test.go: float32 bit
# patterns (edge cases and random finite values) and what PyTorch's
# tensor.to(torch.bfloat16) turns them into. NaNs are left out: PyTorch's NaN
# pattern depends on its version. Run with a Python that has torch and numpy:
#
#	python3 simd/testdata/convert_bf16_torch.py
import numpy as np, torch
rng = np.random.default_rng(7)
edge = [0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x00007fff, 0x00008000, 0x00008001,
        0x00018000, 0x007fffff, 0x807fffff, 0x007f8000, 0x007f7fff, 0x00800000, 0x3f800000,
        0x3f808000, 0x3f818000, 0x3f808001, 0x3f80ffff, 0x3f817fff, 0xbf808000, 0xbf818000,
        0x7f7f7fff, 0x7f7f8000, 0x7f7fffff, 0xff7f8000, 0x7f800000, 0xff800000, 0x477ff000,
        0x33000000, 0x3effffff, 0x40490fdb, 0xc0490fdb]
rand = list(rng.integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32))
rand = [int(v) for v in rand if (int(v) & 0x7fffffff) <= 0x7f800000]
u = np.array(edge + rand, dtype=np.uint32)
y = torch.from_numpy(u.view(np.float32).copy()).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
for a, b in zip(u, y):
    print("\t{0x%08x, 0x%04x}," % (a, b))
