package simd

import (
	"math/rand/v2"
	"testing"
)

// forEachLevel runs f once per SIMD level this machine can run.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, l := range Levels() {
		t.Run(l.String(), func(t *testing.T) {
			defer SetLevel(l)()
			f(t)
		})
	}
}

func randS8(r *rand.Rand, n int) []int8 {
	x := make([]int8, n)
	for i := range x {
		x[i] = int8(r.Uint32())
	}
	return x
}

func randU8(r *rand.Rand, n int) []uint8 {
	x := make([]uint8, n)
	for i := range x {
		x[i] = uint8(r.Uint32())
	}
	return x
}

// dotSizes covers every tail length of the 32- and 64-byte blocks plus a
// few long vectors.
func dotSizes() []int {
	var ns []int
	for n := 0; n <= 260; n++ {
		ns = append(ns, n)
	}
	return append(ns, 511, 512, 513, 1000, 4096, 4099)
}

func TestDotS8S8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range dotSizes() {
			for off := 0; off < 3; off++ {
				a := randS8(r, n+off)[off:]
				b := randS8(r, n+5)[3:] // misaligned, longer than a
				got, want := DotS8S8(a, b), dotS8S8Generic(a, b)
				if got != want {
					t.Fatalf("n=%d off=%d: got %d want %d", n, off, got, want)
				}
			}
		}
	})
}

func TestDotU8S8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range dotSizes() {
			for off := 0; off < 3; off++ {
				a := randU8(r, n+off)[off:]
				b := randS8(r, n+1)[1:]
				got, want := DotU8S8(a, b), dotU8S8Generic(a, b)
				if got != want {
					t.Fatalf("n=%d off=%d: got %d want %d", n, off, got, want)
				}
			}
		}
	})
}

// TestDotExtremes checks the largest products (no int16 saturation inside
// any kernel) and int32 wrap-around on vectors long enough to overflow.
func TestDotExtremes(t *testing.T) {
	vals := []int8{-128, 127, -127, 0}
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{64, 200, 4096, 200000} {
			for _, x := range vals {
				for _, y := range vals {
					a, b, u := make([]int8, n), make([]int8, n), make([]uint8, n)
					for i := range a {
						a[i], b[i], u[i] = x, y, 255
						if i%3 == 1 { // mix signs within each pair
							a[i] = -x
						}
					}
					if got, want := DotS8S8(a, b), dotS8S8Generic(a, b); got != want {
						t.Fatalf("S8S8 n=%d x=%d y=%d: got %d want %d", n, x, y, got, want)
					}
					if got, want := DotU8S8(u, b), dotU8S8Generic(u, b); got != want {
						t.Fatalf("U8S8 n=%d y=%d: got %d want %d", n, y, got, want)
					}
				}
			}
		}
	})
}

func TestDotShortB(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("DotS8S8 with short b did not panic")
		}
	}()
	DotS8S8(make([]int8, 3), make([]int8, 2))
}

func FuzzDotS8S8(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 0x80, 0x7f}, uint8(0))
	f.Add(make([]byte, 300), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		n := len(data) / 2
		a := make([]int8, n)
		b := make([]int8, n)
		u := make([]uint8, n)
		for i := 0; i < n; i++ {
			a[i], u[i], b[i] = int8(data[i]), data[i], int8(data[n+i])
		}
		o := int(off) % (n + 1)
		for _, l := range Levels() {
			restore := SetLevel(l)
			gs, gu := DotS8S8(a[o:], b[o:]), DotU8S8(u[o:], b[o:])
			restore()
			if ws := dotS8S8Generic(a[o:], b[o:]); gs != ws {
				t.Fatalf("%s: DotS8S8 got %d want %d", l, gs, ws)
			}
			if wu := dotU8S8Generic(u[o:], b[o:]); gu != wu {
				t.Fatalf("%s: DotU8S8 got %d want %d", l, gu, wu)
			}
		}
	})
}
