// Package bench measures pare's kernels and models and reports the numbers
// in a form a person and a program can read: `pare bench` prints a table or
// JSON Lines, one object per measurement, with the fields peer scripts in
// bench/peers print too, so results sit side by side.
package bench

import (
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
	"github.com/pare-ml/pare/simd"
)

// HostInfo describes the machine and the kernels pare chose on it.
type HostInfo struct {
	CPU         string   `json:"cpu"`
	Cores       int      `json:"cores"`
	L1D         int      `json:"l1d_bytes"`
	L2          int      `json:"l2_bytes"`
	L3          int      `json:"l3_bytes"`
	Go          string   `json:"go"`
	GOOS        string   `json:"goos"`
	GOARCH      string   `json:"goarch"`
	Features    []string `json:"features"`
	FeatureList string   `json:"-"`
	Level       string   `json:"simd_level"`
	Detected    string   `json:"simd_detected"`
	Kernels     []Kernel `json:"kernels"`
}

// Kernel names the implementation an operation runs with the current level.
type Kernel struct {
	Op   string `json:"op"`
	Path string `json:"path"`
}

// Host reads the CPU description and the kernel choices.
func Host() HostInfo {
	c := cpuid.CPU
	name := strings.TrimSpace(c.BrandName)
	if name == "" {
		name = runtime.GOARCH
	}
	f := simd.CPU
	var feats []string
	add := func(ok bool, s string) {
		if ok {
			feats = append(feats, s)
		}
	}
	d := simd.Detected()
	add(d.Level >= simd.AVX2 && d.Level != simd.NEON, "avx2")
	add(d.FMA, "fma")
	add(d.F16C, "f16c")
	add(d.Level == simd.AVX512, "avx512f/bw/dq/vl")
	add(d.AVX512VNNI, "avx512_vnni")
	add(d.AVXVNNI, "avx_vnni")
	add(d.AVX512BF16, "avx512_bf16")
	add(d.Level == simd.NEON, "asimd")
	add(d.ASIMDDP, "asimddp")
	add(d.ASIMDHP, "asimdhp")
	add(d.I8MM, "i8mm")
	list := strings.Join(feats, " ")
	if list == "" {
		list = "(none used: generic Go kernels)"
	}
	return HostInfo{
		CPU: name, Cores: runtime.NumCPU(),
		L1D: c.Cache.L1D, L2: c.Cache.L2, L3: c.Cache.L3,
		Go: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Features: feats, FeatureList: list,
		Level: f.Level.String(), Detected: d.Level.String(),
		Kernels: kernels(),
	}
}
