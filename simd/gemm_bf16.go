package simd

// bfloat16 GEMM micro-kernel and the packed layouts it reads.
//
// The kernel computes a tile of at most GemmBF16MR rows and any number of
// columns of C = A·Bᵀ, A and B in bfloat16, C in float32, from operands
// packed so that two consecutive k values travel together (the pairs
// VDPBF16PS multiplies):
//
//   - A (m rows, m <= GemmBF16MR) as []uint32, k-pair major: element
//     p·m + i holds A[i][2p] in its low and A[i][2p+1] in its high half
//     (PackBF16A).
//   - B (rows of the weight matrix, i.e. columns of C) in panels of
//     GemmBF16NR rows, each a []uint16 with GemmBF16NR column pairs per
//     k-pair: element p·2·GemmBF16NR + 2j + e of a panel holds B[j][2p+e]
//     (PackBF16B). Columns past the matrix and a last odd k are zero.
//     Panel q of a kernel call starts at b[q·ldb].
//
// The reference loop (GemmBF16Kernel with load false starts from zero):
//
//	for i < m, j < n:
//		s := load ? c[i*ldc+j] : 0
//		for p < kp:
//			s += float32(A[i][2p+1] * B[j][2p+1]) // odd element first,
//			s += float32(A[i][2p] * B[j][2p])     // as VDPBF16PS does
//		c[i*ldc+j] = s
//
// A product of two bfloat16 values is exact in float32 unless it
// overflows or falls below 2^-126, so every path computes the same
// products and, keeping this order, the same sums: the AVX2 + FMA and
// NEON kernels (an FMA of an exact product rounds once, like the add)
// equal the reference bit for bit, and so does the AVX512_BF16 kernel,
// except that VDPBF16PS treats subnormal inputs and results as zero (a
// difference below 2^-126 per step). Splitting K into blocks run
// one after another with load true gives the same bits as one call over
// all of K.

const (
	// GemmBF16MR is the most rows one kernel call handles.
	GemmBF16MR = 14
	// GemmBF16NR is the number of columns in a packed B panel.
	GemmBF16NR = 32
)

// BF16PanelLen is the length of one packed B panel for k values of K.
func BF16PanelLen(k int) int { return (k + 1) / 2 * 2 * GemmBF16NR }

// PackBF16B packs rows [0, n) of the bfloat16 matrix w (row-major, row
// stride ldw, k columns), n <= GemmBF16NR, into dst, a panel of
// BF16PanelLen(k) values.
func PackBF16B(dst []uint16, w []uint16, ldw, n, k int) {
	if n < 0 || n > GemmBF16NR || len(dst) < BF16PanelLen(k) || n > 0 && len(w) < (n-1)*ldw+k {
		panic("simd: PackBF16B: bad sizes")
	}
	dst = dst[:BF16PanelLen(k)]
	clear(dst)
	for j := 0; j < n; j++ {
		row := w[j*ldw : j*ldw+k]
		for kk, v := range row {
			dst[(kk/2)*2*GemmBF16NR+2*j+(kk&1)] = v
		}
	}
}

// PackBF16A rounds rows [0, m) of the float32 matrix a (row stride lda,
// k columns), m <= GemmBF16MR, to bfloat16 (F32ToBF16Bits) and packs them
// into dst, (k+1)/2·m pairs.
func PackBF16A(dst []uint32, a []float32, lda, m, k int) {
	kp := (k + 1) / 2
	if m < 0 || m > GemmBF16MR || len(dst) < kp*m || m > 0 && len(a) < (m-1)*lda+k {
		panic("simd: PackBF16A: bad sizes")
	}
	packBF16A(dst[:kp*m], a, lda, m, k)
}

// GemmBF16Kernel computes the m×n tile c[i*ldc+j] (i < m, j < n) from kp
// k-pairs of packed A and ceil(n/GemmBF16NR) packed B panels, ldb values
// apart in b (see the comment at the top of this file): it adds to c's
// values when load is true and overwrites them otherwise. Only the m×n
// tile of c is written.
func GemmBF16Kernel(m, n, kp int, a []uint32, b []uint16, ldb int, c []float32, ldc int, load bool) {
	np := (n + GemmBF16NR - 1) / GemmBF16NR
	if m < 1 || m > GemmBF16MR || n < 1 || kp < 0 || ldb < kp*2*GemmBF16NR ||
		len(a) < kp*m || len(b) < (np-1)*ldb+kp*2*GemmBF16NR || ldc < n || len(c) < (m-1)*ldc+n {
		panic("simd: GemmBF16Kernel: bad sizes")
	}
	gemmBF16Kernel(m, n, kp, a, b, ldb, c, ldc, load)
}

// GemmBF16KernelName names the kernel GemmBF16Kernel uses at the current
// level: "avx512bf16" (VDPBF16PS), "avx2-fma" (bfloat16 widened to
// float32, FMA), "neon" (widened, FMLA) or "generic".
func GemmBF16KernelName() string { return gemmBF16KernelName() }
