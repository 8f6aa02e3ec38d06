package prune

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// Golden cases from testdata/prune_golden.py: PyTorch transcriptions of
// the reference Wanda and SparseGPT steps on small layers (the script
// needs torch; these tests only read its JSON output).

type goldenLayer struct {
	Name          string    `json:"name"`
	Rows          int       `json:"rows"`
	Cols          int       `json:"cols"`
	Samples       int       `json:"samples"`
	Seqlen        int       `json:"seqlen"`
	Sparsity      float64   `json:"sparsity"`
	N             int       `json:"n"`
	M             int       `json:"m"`
	BlockSize     int       `json:"blocksize"`
	X             []float32 `json:"x"`
	W             []float32 `json:"w"`
	ScalerRow     []float64 `json:"scaler_row"`
	WandaMask     []int     `json:"wanda_mask"`
	MagnitudeMask []int     `json:"magnitude_mask"`
	Hessian       []float64 `json:"hessian"`
	Hinv          []float64 `json:"hinv"`
	Damp          float64   `json:"damp"`
	SparseGPTW    []float64 `json:"sparsegpt_w"`
	SparseGPTMask []int     `json:"sparsegpt_mask"`
	SparseGPTLoss float64   `json:"sparsegpt_loss"`
}

func maskIndices(m Mask) []int {
	var idx []int
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < m.Cols; j++ {
			if m.Get(i, j) {
				idx = append(idx, i*m.Cols+j)
			}
		}
	}
	return idx
}

func relErr64(got, want []float64) float64 {
	scale, d := 0.0, 0.0
	for i := range want {
		scale = math.Max(scale, math.Abs(want[i]))
		d = math.Max(d, math.Abs(got[i]-want[i]))
	}
	return d / scale
}

func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/prune_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []goldenLayer `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("testdata/prune_golden.json: %v", err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			out, in := c.Rows, c.Cols
			p := Pattern{Sparsity: c.Sparsity, N: c.N, M: c.M}
			st, h := NewNormStats(in), NewHessian(in)
			per := c.Seqlen * in
			for s := 0; s < c.Samples; s++ {
				st.Add(c.X[s*per:(s+1)*per], c.Seqlen)
				h.Add(c.X[s*per:(s+1)*per], c.Seqlen)
			}
			if e := relErr64(st.ScalerRow(), c.ScalerRow); e > 1e-12 {
				t.Errorf("scaler_row differs by %.3g", e)
			}
			if got := maskIndices(must(Wanda(c.W, out, in, st, p))); !slices.Equal(got, c.WandaMask) {
				t.Errorf("Wanda mask differs (%d vs %d pruned)", len(got), len(c.WandaMask))
			}
			if got := maskIndices(must(Magnitude(c.W, out, in, p))); !slices.Equal(got, c.MagnitudeMask) {
				t.Errorf("Magnitude mask differs")
			}
			if c.Hessian != nil {
				// float32 chunk sums (see Hessian): not the float64 sum's bits.
				if e := relErr64(h.Matrix(), c.Hessian); e > 1e-6 {
					t.Errorf("H differs by %.3g", e)
				}
			}
			f, err := h.InverseFactor(0.01, 0)
			if err != nil {
				t.Fatal(err)
			}
			u := make([]float64, len(f.U))
			for i, v := range f.U {
				u[i] = float64(v)
			}
			if e := relErr64(u, c.Hinv); e > 2e-4 {
				t.Errorf("Hinv differs by %.3g", e)
			}
			if math.Abs(f.Damp-c.Damp) > 1e-6*c.Damp {
				t.Errorf("damp %v, want %v", f.Damp, c.Damp)
			}
			w := slices.Clone(c.W)
			res, err := SparseGPT(w, out, in, h, p, SparseGPTOptions{BlockSize: c.BlockSize})
			if err != nil {
				t.Fatal(err)
			}
			if got := maskIndices(res.Mask); !slices.Equal(got, c.SparseGPTMask) {
				t.Errorf("SparseGPT mask differs (%d vs %d pruned)", len(got), len(c.SparseGPTMask))
			}
			if e := maxRelDiff(w, c.SparseGPTW); e > 1e-4 {
				t.Errorf("SparseGPT weights differ by %.3g", e)
			} else {
				t.Logf("SparseGPT weights within %.2g of PyTorch", e)
			}
			if math.Abs(res.Loss-c.SparseGPTLoss) > 1e-4*c.SparseGPTLoss {
				t.Errorf("loss %v, want %v", res.Loss, c.SparseGPTLoss)
			}
		})
	}
}
