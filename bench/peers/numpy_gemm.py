#!/usr/bin/env python3
"""GEMM peer for `pare bench gemm`: the same shapes through numpy (OpenBLAS).

Prints one JSON object per line with the fields pare prints:
op, dtype, m, n, k, threads, path, gflops (plus seconds, the best time).
C = A @ B.T with B laid out [n, k] like pare's weights.

    /usr/bin/python3 bench/peers/numpy_gemm.py --sizes 256,512,1024,2048 --threads 1,2

Threads are set through OPENBLAS_NUM_THREADS before numpy loads, so each
thread count runs in a child process. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
are cleared in the child: older OpenBLAS builds need them on some CPUs, but
they pin a slower kernel on current ones.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def shapes(sizes, llm):
    out = [(s, s, s) for s in sizes]
    if llm:
        out += [(512, 2048, 2048), (1, 2048, 2048)]
    return out


def child(args):
    import numpy as np

    rng = np.random.default_rng(0)
    path = "numpy-" + np.__version__
    try:
        cfg = np.__config__.CONFIG  # numpy >= 1.25
        path += "-" + cfg["Build Dependencies"]["blas"]["name"]
    except Exception:
        path += "-openblas"
    for (m, n, k) in shapes(args.sizes, args.llm):
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((n, k), dtype=np.float32)
        a @ b.T  # warm up
        flops = 2.0 * m * n * k
        reps = max(3, min(200, int(2e10 / max(flops, 1))))
        best = float("inf")
        deadline = time.perf_counter() + args.seconds
        for i in range(reps):
            t0 = time.perf_counter()
            a @ b.T
            best = min(best, time.perf_counter() - t0)
            if time.perf_counter() > deadline and i >= 2:
                break
        print(json.dumps({"op": "gemm", "dtype": "f32", "m": m, "n": n, "k": k,
                          "threads": args.child_threads, "path": path,
                          "gflops": round(flops / best / 1e9, 2),
                          "seconds": best}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="256,512,1024,2048", help="square sizes, comma separated")
    p.add_argument("--threads", default="1,2", help="thread counts, comma separated")
    p.add_argument("--no-llm", dest="llm", action="store_false", help="skip m=512,n=k=2048 and m=1")
    p.add_argument("--seconds", type=float, default=1.0, help="time budget per shape")
    p.add_argument("--child-threads", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.child_threads:
        child(args)
        return
    for t in [int(s) for s in args.threads.split(",") if s]:
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
        env["OPENBLAS_NUM_THREADS"] = str(t)
        env["OMP_NUM_THREADS"] = str(t)
        cmd = [sys.executable, __file__, "--child-threads", str(t), "--sizes",
               ",".join(map(str, args.sizes)), "--seconds", str(args.seconds)]
        if not args.llm:
            cmd.append("--no-llm")
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
