//go:build !(amd64 || arm64) || purego || noasm

package simd

func detect() Features { return Features{Level: Generic} }
