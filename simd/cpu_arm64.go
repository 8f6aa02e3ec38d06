//go:build arm64 && !purego && !noasm

package simd

import "golang.org/x/sys/cpu"

func detect() Features {
	a := cpu.ARM64
	if !a.HasASIMD {
		return Features{Level: Generic}
	}
	return Features{Level: NEON, ASIMDDP: a.HasASIMDDP, ASIMDHP: a.HasASIMDHP, I8MM: a.HasI8MM}
}
