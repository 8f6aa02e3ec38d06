//go:build amd64 && !purego && !noasm

package simd

import "golang.org/x/sys/cpu"

func detect() Features {
	x := cpu.X86
	if !(x.HasAVX2 && x.HasFMA && x.HasOSXSAVE) {
		return Features{Level: Generic}
	}
	f := Features{Level: AVX2, FMA: true, F16C: x.HasF16C, AVXVNNI: x.HasAVXVNNI}
	if x.HasAVX512F && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL {
		f.Level = AVX512
		f.AVX512VNNI = x.HasAVX512VNNI
		f.AVX512BF16 = x.HasAVX512BF16
	}
	if !f.F16C {
		// Every AVX2 CPU pare has met has F16C; without it stay generic
		// rather than keep a separate conversion path.
		return Features{Level: Generic}
	}
	return f
}
