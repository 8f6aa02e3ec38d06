//go:build purego || noasm || !(amd64 || arm64)

package simd

func newGemmS4(Features) GemmS4 { return GemmS4{kind: s8Generic, mr: 4} }

func (g GemmS4) block(rows, np, ng, gp int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	gemmS4BlockGeneric(g.mr, rows, np, ng, gp, blk, sa, corr, b, c, ldc)
}
