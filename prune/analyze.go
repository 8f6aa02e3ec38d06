package prune

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/tensor"
)

// The paper's analyses of what calibration-language-targeted pruning does
// inside the model. pare's definitions (the paper's exact formulas are not
// public) are:
//
//   - SNR of block b for calibration language c on evaluation language e:
//     10·log10(‖Y_dense‖² / ‖Y_dense − Y_pruned‖²) over the block's output
//     hidden states on e's held-out tokens.
//   - Mask overlap: per Linear, the IoU of the pruned positions of the
//     models calibrated on two languages, beside the IoU of two independent
//     random masks of the same sparsity, s/(2−s).
//   - Language-specific neurons (LAPE, Tang et al. 2024): an FFN neuron
//     (intermediate unit) is active on a token when silu(gate_proj(x)) > 0;
//     p_l is its activation probability on language l; neurons whose p
//     exceeds the 95th percentile of all p for no language are excluded;
//     among the rest the 5% with the lowest entropy of the normalised
//     p_l are language-specific, belonging to the languages whose p_l is
//     above that 95th percentile. For each calibration language pare
//     reports how much of these neurons' weights (their gate and up rows
//     and down column) were pruned, and their activation probability on
//     their own language before and after.
//   - Latent subspaces: at each block, the per-language means of the
//     dense output hidden states, centred over languages, span the
//     language-specific subspace (its top singular directions, rank
//     min(languages−1, Rank)); the rest of the space is the
//     language-agnostic part. For each calibration language pare reports
//     the share of the pruning-induced change ‖Y_pruned − Y_dense‖² that
//     lies in the language-specific subspace, and the share a random
//     subspace of the same rank would hold (rank/hidden).

// AnalyzeOptions configure Analyze.
type AnalyzeOptions struct {
	Method   Method
	Pattern  Pattern
	Calib    []string // one pruned model per calibration language
	Eval     []string // languages the analyses run on
	NSamples int
	SeqLen   int
	Seed     uint64
	Tokens   int // held-out tokens per evaluation language (0: 1024)
	Rank     int // largest rank of the language-specific subspace (0: languages−1)
	Progress func(step, steps int, what string)
}

// AnalysisResult holds every analysis.
type AnalysisResult struct {
	Model    string   `json:"model"`
	Method   Method   `json:"method"`
	Pattern  string   `json:"pattern"`
	Calib    []string `json:"calib"`
	Eval     []string `json:"eval"`
	Blocks   int      `json:"blocks"`
	Tokens   int      `json:"tokens_per_language"`
	NSamples int      `json:"nsamples"`
	SeqLen   int      `json:"seqlen"`
	Seed     uint64   `json:"seed"`

	// SNR[c][e][b] in dB.
	SNR [][][]float64 `json:"snr_db"`
	// Overlap between the masks of every pair of calibration languages.
	Overlap *OverlapResult `json:"mask_overlap,omitempty"`
	LAPE    *LAPEResult    `json:"lape"`
	// Subspace[c][b]: share of the pruning-induced change in the
	// language-specific subspace of block b.
	Subspace     [][]float64 `json:"subspace_share"`
	SubspaceRank []int       `json:"subspace_rank"` // per block
	RandomShare  []float64   `json:"random_share"`  // rank/hidden per block
	// VarianceExplained[b]: share of the centred language means' energy in
	// the chosen rank.
	VarianceExplained []float64 `json:"variance_explained"`
	Seconds           float64   `json:"seconds"`
}

// OverlapResult is the mask IoU of calibration-language pairs.
type OverlapResult struct {
	Layers []string    `json:"layers"`
	Pairs  [][2]string `json:"pairs"`
	IoU    [][]float64 `json:"iou"`    // [pair][layer]
	Mean   []float64   `json:"mean"`   // per pair, over layers weighted by size
	Random []float64   `json:"random"` // per layer: s/(2−s) at the layer's sparsity
}

// LAPEResult describes the language-specific neurons of the dense model
// and what each calibration did to them.
type LAPEResult struct {
	Neurons int `json:"neurons"` // FFN neurons in the model
	// Specific[l] counts the neurons specific to Eval[l] (a neuron may
	// belong to several languages).
	Specific []int `json:"specific"`
	// PrunedShare[c][l]: fraction of the weights of Eval[l]'s specific
	// neurons pruned by the model calibrated on Calib[c]; PrunedAll[c] is
	// the same over all neurons.
	PrunedShare [][]float64 `json:"pruned_share"`
	PrunedAll   []float64   `json:"pruned_share_all"`
	// ActDense[l] and ActPruned[c][l]: mean activation probability of
	// Eval[l]'s specific neurons on Eval[l] text.
	ActDense  []float64   `json:"activation_dense"`
	ActPruned [][]float64 `json:"activation_pruned"`
}

// langTokens returns up to n held-out tokens of a language as windows.
func langTokens(l *LLM, lang string, n, seq int) ([][]int, error) {
	text, err := sourceText(lang, "eval")
	if err != nil {
		return nil, err
	}
	ids := l.Tokenizer.Encode(text, true)
	if len(ids) > n {
		ids = ids[:n]
	}
	var ws [][]int
	for s := 0; s+seq <= len(ids); s += seq {
		ws = append(ws, ids[s:s+seq])
	}
	if len(ws) == 0 {
		return nil, fmt.Errorf("analyze %s: %d tokens, fewer than one window of %d", lang, len(ids), seq)
	}
	return ws, nil
}

// runCapture runs windows through m and calls fn for each block output and
// each FFN gate activation.
func runCapture(m *llama.Model, ws [][]int, blockOut func(b int, x []float32, rows int), gate func(b int, act []float32, rows int)) {
	h := m.Config.HiddenSize
	seq := len(ws[0])
	x := make([]float32, len(ws)*seq*h)
	for i, w := range ws {
		m.EmbedTokens(x[i*seq*h:(i+1)*seq*h], w)
	}
	m.Forward(x, len(ws), seq, &llama.Hooks{BlockOutput: blockOut, FFNGate: gate}, tensor.PrecF32)
}

// Analyze prunes the model once per calibration language and runs every
// analysis on the evaluation languages. load returns a fresh writable copy
// of the model each call; all pruned models are held in memory at once.
func Analyze(ctx context.Context, load func() (*LLM, error), opt AnalyzeOptions) (*AnalysisResult, error) {
	start := time.Now()
	if len(opt.Calib) == 0 || len(opt.Eval) == 0 {
		return nil, fmt.Errorf("analyze: need calibration and evaluation languages")
	}
	if opt.Tokens <= 0 {
		opt.Tokens = 1024
	}
	steps := 2 + len(opt.Calib) + 2*len(opt.Eval)
	step := 0
	tell := func(what string) {
		step++
		if opt.Progress != nil {
			opt.Progress(step, steps, what)
		}
	}
	tell("dense model")
	dense, err := load()
	if err != nil {
		return nil, err
	}
	defer dense.Close()
	cfg := dense.Model.Config
	nb, h, inter := cfg.NumLayers, cfg.HiddenSize, cfg.IntermediateSize
	seq := opt.SeqLen
	if seq <= 0 {
		seq = 128
	}
	res := &AnalysisResult{Model: dense.Name, Method: opt.Method, Pattern: opt.Pattern.String(), Calib: opt.Calib, Eval: opt.Eval,
		Blocks: nb, Tokens: opt.Tokens, NSamples: opt.NSamples, SeqLen: seq, Seed: opt.Seed}

	// Prune one model per calibration language.
	var pruned []*LLM
	defer func() {
		for _, p := range pruned {
			p.Close()
		}
	}()
	for _, c := range opt.Calib {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tell("prune, calibrated on " + c)
		l, err := load()
		if err != nil {
			return nil, err
		}
		var ws [][]int
		if opt.Method != MethodMagnitude {
			if ws, err = CalibrationWindows(l.Tokenizer, []CalibPart{{Source: c, Samples: opt.NSamples}}, seq, opt.Seed); err != nil {
				l.Close()
				return nil, err
			}
		}
		if _, err := Model(ctx, l.Model, Options{Method: opt.Method, Pattern: opt.Pattern, Calibration: ws}); err != nil {
			l.Close()
			return nil, err
		}
		pruned = append(pruned, l)
	}
	res.Overlap = maskOverlap(pruned, opt.Calib)

	// Pass 1 over the dense model: language means per block and neuron
	// activation counts per language.
	tokens := make([][][]int, len(opt.Eval))
	means := make([][][]float64, nb) // [block][lang][hidden]
	for b := range means {
		means[b] = make([][]float64, len(opt.Eval))
	}
	active := make([][][]float64, nb) // [block][lang][neuron] probability
	for b := range active {
		active[b] = make([][]float64, len(opt.Eval))
	}
	for li, lang := range opt.Eval {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tell("dense activations on " + lang)
		ws, err := langTokens(dense, lang, opt.Tokens, seq)
		if err != nil {
			return nil, err
		}
		tokens[li] = ws
		rowsTotal := float64(len(ws) * seq)
		for b := 0; b < nb; b++ {
			means[b][li] = make([]float64, h)
			active[b][li] = make([]float64, inter)
		}
		runCapture(dense.Model, ws, func(b int, x []float32, rows int) {
			for r := 0; r < rows; r++ {
				for i, v := range x[r*h : (r+1)*h] {
					means[b][li][i] += float64(v) / rowsTotal
				}
			}
		}, func(b int, act []float32, rows int) {
			for r := 0; r < rows; r++ {
				for i, v := range act[r*inter : (r+1)*inter] {
					if v > 0 {
						active[b][li][i] += 1 / rowsTotal
					}
				}
			}
		})
	}
	// Language-specific subspace per block.
	bases := make([][][]float64, nb)
	res.SubspaceRank = make([]int, nb)
	res.RandomShare = make([]float64, nb)
	res.VarianceExplained = make([]float64, nb)
	rank := len(opt.Eval) - 1
	if opt.Rank > 0 && opt.Rank < rank {
		rank = opt.Rank
	}
	for b := 0; b < nb; b++ {
		bases[b], res.VarianceExplained[b] = languageSubspace(means[b], rank)
		res.SubspaceRank[b] = len(bases[b])
		res.RandomShare[b] = float64(len(bases[b])) / float64(h)
	}
	specific, owners := lapeNeurons(active)
	res.LAPE = &LAPEResult{Neurons: nb * inter, Specific: make([]int, len(opt.Eval)), ActDense: make([]float64, len(opt.Eval))}
	for li := range opt.Eval {
		var act float64
		for _, n := range owners[li] {
			act += active[n.block][li][n.unit]
		}
		res.LAPE.Specific[li] = len(owners[li])
		if len(owners[li]) > 0 {
			res.LAPE.ActDense[li] = act / float64(len(owners[li]))
		}
	}
	_ = specific

	// Pass 2: each pruned model against the dense one.
	res.SNR = make([][][]float64, len(opt.Calib))
	res.Subspace = make([][]float64, len(opt.Calib))
	sig := make([][][]float64, len(opt.Calib)) // [c][e][b] ‖Y‖²
	noise := make([][][]float64, len(opt.Calib))
	inSub := make([][]float64, len(opt.Calib)) // [c][b] ‖P Δ‖²
	total := make([][]float64, len(opt.Calib))
	actPruned := make([][]float64, len(opt.Calib))
	for c := range opt.Calib {
		sig[c] = make([][]float64, len(opt.Eval))
		noise[c] = make([][]float64, len(opt.Eval))
		for e := range opt.Eval {
			sig[c][e] = make([]float64, nb)
			noise[c][e] = make([]float64, nb)
		}
		inSub[c] = make([]float64, nb)
		total[c] = make([]float64, nb)
		actPruned[c] = make([]float64, len(opt.Eval))
	}
	for li, lang := range opt.Eval {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tell("pruned models on " + lang)
		ws := tokens[li]
		denseOut := make([][]float32, nb)
		runCapture(dense.Model, ws, func(b int, x []float32, rows int) {
			denseOut[b] = append([]float32(nil), x[:rows*h]...)
		}, nil)
		for c, p := range pruned {
			ownAct := make([]float64, len(owners[li]))
			index := map[[2]int]int{}
			for k, n := range owners[li] {
				index[[2]int{n.block, n.unit}] = k
			}
			rowsTotal := float64(len(ws) * seq)
			runCapture(p.Model, ws, func(b int, x []float32, rows int) {
				d := denseOut[b]
				delta := make([]float64, h)
				for r := 0; r < rows; r++ {
					for i := 0; i < h; i++ {
						dv := float64(d[r*h+i])
						diff := dv - float64(x[r*h+i])
						sig[c][li][b] += dv * dv
						noise[c][li][b] += diff * diff
						delta[i] = diff
					}
					for _, u := range bases[b] {
						var dot float64
						for i, v := range u {
							dot += v * delta[i]
						}
						inSub[c][b] += dot * dot
					}
				}
			}, func(b int, act []float32, rows int) {
				for r := 0; r < rows; r++ {
					for i, v := range act[r*inter : (r+1)*inter] {
						if v > 0 {
							if k, ok := index[[2]int{b, i}]; ok {
								ownAct[k] += 1 / rowsTotal
							}
						}
					}
				}
			})
			for b := 0; b < nb; b++ {
				total[c][b] += noise[c][li][b]
			}
			var s float64
			for _, a := range ownAct {
				s += a
			}
			if len(ownAct) > 0 {
				actPruned[c][li] = s / float64(len(ownAct))
			}
		}
	}
	for c := range opt.Calib {
		res.SNR[c] = make([][]float64, len(opt.Eval))
		for e := range opt.Eval {
			res.SNR[c][e] = make([]float64, nb)
			for b := 0; b < nb; b++ {
				res.SNR[c][e][b] = 10 * math.Log10(sig[c][e][b]/noise[c][e][b])
			}
		}
		res.Subspace[c] = make([]float64, nb)
		for b := 0; b < nb; b++ {
			if total[c][b] > 0 {
				res.Subspace[c][b] = inSub[c][b] / total[c][b]
			}
		}
	}
	res.LAPE.ActPruned = actPruned
	res.LAPE.PrunedShare, res.LAPE.PrunedAll = neuronPruning(pruned, owners)
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// neuron identifies an FFN unit.
type neuron struct{ block, unit int }

// lapeNeurons applies the LAPE selection to activation probabilities
// [block][lang][unit]. It returns every language-specific neuron and, per
// language, the neurons that belong to it.
func lapeNeurons(p [][][]float64) ([]neuron, [][]neuron) {
	var all []float64
	for _, b := range p {
		for _, l := range b {
			all = append(all, l...)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	sorted := append([]float64(nil), all...)
	sort.Float64s(sorted)
	thr := sorted[int(0.95*float64(len(sorted)-1))]
	langs := len(p[0])
	type cand struct {
		n       neuron
		entropy float64
	}
	var cands []cand
	for b := range p {
		for u := range p[b][0] {
			high := false
			var sum float64
			for l := 0; l < langs; l++ {
				sum += p[b][l][u]
				high = high || p[b][l][u] > thr
			}
			if !high || sum == 0 {
				continue // never above the 95th percentile: not a candidate
			}
			var ent float64
			for l := 0; l < langs; l++ {
				if q := p[b][l][u] / sum; q > 0 {
					ent -= q * math.Log(q)
				}
			}
			cands = append(cands, cand{neuron{b, u}, ent})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].entropy < cands[j].entropy })
	total := len(p) * len(p[0][0])
	k := int(math.Ceil(0.05 * float64(total)))
	if k > len(cands) {
		k = len(cands)
	}
	owners := make([][]neuron, langs)
	var spec []neuron
	for _, c := range cands[:k] {
		spec = append(spec, c.n)
		for l := 0; l < langs; l++ {
			if p[c.n.block][l][c.n.unit] > thr {
				owners[l] = append(owners[l], c.n)
			}
		}
	}
	return spec, owners
}

// neuronPruning measures the share of pruned weights of each language's
// specific neurons (gate and up rows, down column) in each pruned model.
func neuronPruning(pruned []*LLM, owners [][]neuron) ([][]float64, []float64) {
	share := make([][]float64, len(pruned))
	all := make([]float64, len(pruned))
	for c, p := range pruned {
		blocks := p.Model.Blocks
		zerosOf := func(n neuron) (z, t int) {
			blk := blocks[n.block]
			for _, l := range []*tensor.Linear{blk.Gate, blk.Up} {
				for _, v := range l.W[n.unit*l.In : (n.unit+1)*l.In] {
					if v == 0 {
						z++
					}
				}
				t += l.In
			}
			d := blk.Down
			for r := 0; r < d.Out; r++ {
				if d.W[r*d.In+n.unit] == 0 {
					z++
				}
			}
			return z, t + d.Out
		}
		share[c] = make([]float64, len(owners))
		for l, ns := range owners {
			var z, t int
			for _, n := range ns {
				zz, tt := zerosOf(n)
				z += zz
				t += tt
			}
			if t > 0 {
				share[c][l] = float64(z) / float64(t)
			}
		}
		var z, t int
		for b := range blocks {
			for u := 0; u < blocks[b].Gate.Out; u++ {
				zz, tt := zerosOf(neuron{b, u})
				z += zz
				t += tt
			}
		}
		all[c] = float64(z) / float64(t)
	}
	return share, all
}

// maskOverlap compares the zero patterns of every pair of pruned models.
func maskOverlap(pruned []*LLM, calib []string) *OverlapResult {
	if len(pruned) < 2 {
		return nil
	}
	res := &OverlapResult{}
	type lin struct {
		name string
		l    []*tensor.Linear
	}
	var lins []lin
	for b := range pruned[0].Model.Blocks {
		for _, name := range llama.LinearNames {
			var ls []*tensor.Linear
			for _, p := range pruned {
				ls = append(ls, p.Model.Blocks[b].Linear(name))
			}
			lins = append(lins, lin{fmt.Sprintf("model.layers.%d.%s", b, name), ls})
		}
	}
	masks := make([][]Mask, len(lins))
	for i, ln := range lins {
		res.Layers = append(res.Layers, ln.name)
		for _, l := range ln.l {
			masks[i] = append(masks[i], MaskOfZeros(l.W, l.Out, l.In))
		}
		s := masks[i][0].Sparsity()
		res.Random = append(res.Random, RandomMaskIoU(s))
	}
	for a := 0; a < len(pruned); a++ {
		for b := a + 1; b < len(pruned); b++ {
			res.Pairs = append(res.Pairs, [2]string{calib[a], calib[b]})
			var row []float64
			var num, den float64
			for i, ln := range lins {
				iou := IoU(masks[i][a], masks[i][b])
				row = append(row, iou)
				size := float64(len(ln.l[0].W))
				num += iou * size
				den += size
			}
			res.IoU = append(res.IoU, row)
			res.Mean = append(res.Mean, num/den)
		}
	}
	return res
}

// languageSubspace returns an orthonormal basis (rank vectors of length
// hidden) of the span of the centred language means, ordered by singular
// value, and the share of the centred means' energy it holds. It works on
// the small Gram matrix M·Mᵀ (languages × languages) with Jacobi
// eigen-decomposition.
func languageSubspace(means [][]float64, rank int) ([][]float64, float64) {
	L := len(means)
	if L < 2 || rank < 1 {
		return nil, 0
	}
	h := len(means[0])
	c := make([][]float64, L)
	for l := range c {
		c[l] = make([]float64, h)
	}
	for i := 0; i < h; i++ {
		var mu float64
		for l := 0; l < L; l++ {
			mu += means[l][i]
		}
		mu /= float64(L)
		for l := 0; l < L; l++ {
			c[l][i] = means[l][i] - mu
		}
	}
	g := make([][]float64, L)
	for a := range g {
		g[a] = make([]float64, L)
		for b := range g[a] {
			for i := 0; i < h; i++ {
				g[a][b] += c[a][i] * c[b][i]
			}
		}
	}
	vals, vecs := jacobiEigen(g)
	order := make([]int, L)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return vals[order[i]] > vals[order[j]] })
	var totalE, kept float64
	for _, v := range vals {
		totalE += math.Max(v, 0)
	}
	var basis [][]float64
	for _, k := range order[:min(rank, L)] {
		if vals[k] <= 1e-12*totalE {
			break
		}
		// u = Cᵀ v / sqrt(λ)
		u := make([]float64, h)
		for l := 0; l < L; l++ {
			for i := 0; i < h; i++ {
				u[i] += c[l][i] * vecs[l][k]
			}
		}
		s := 1 / math.Sqrt(vals[k])
		for i := range u {
			u[i] *= s
		}
		basis = append(basis, u)
		kept += vals[k]
	}
	if totalE == 0 {
		return basis, 0
	}
	return basis, kept / totalE
}

// jacobiEigen diagonalises a symmetric matrix; vecs[:, k] is the
// eigenvector of vals[k].
func jacobiEigen(a [][]float64) ([]float64, [][]float64) {
	n := len(a)
	m := make([][]float64, n)
	v := make([][]float64, n)
	for i := range m {
		m[i] = append([]float64(nil), a[i]...)
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				off += m[i][j] * m[i][j]
			}
		}
		if off < 1e-30 {
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				if math.Abs(m[p][q]) < 1e-300 {
					continue
				}
				theta := (m[q][q] - m[p][p]) / (2 * m[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				cs := 1 / math.Sqrt(t*t+1)
				sn := t * cs
				for k := 0; k < n; k++ {
					mkp, mkq := m[k][p], m[k][q]
					m[k][p] = cs*mkp - sn*mkq
					m[k][q] = sn*mkp + cs*mkq
				}
				for k := 0; k < n; k++ {
					mpk, mqk := m[p][k], m[q][k]
					m[p][k] = cs*mpk - sn*mqk
					m[q][k] = sn*mpk + cs*mqk
				}
				for k := 0; k < n; k++ {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p] = cs*vkp - sn*vkq
					v[k][q] = sn*vkp + cs*vkq
				}
			}
		}
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = m[i][i]
	}
	return vals, v
}

// MeanMaskIoU is the IoU of the zero patterns of two models' Linears,
// pooled over every Linear of every block.
func MeanMaskIoU(a, b *llama.Model) float64 {
	var inter, union int
	for i := range a.Blocks {
		for _, name := range llama.LinearNames {
			wa, wb := a.Blocks[i].Linear(name).W, b.Blocks[i].Linear(name).W
			for j := range wa {
				za, zb := wa[j] == 0, wb[j] == 0
				if za && zb {
					inter++
				}
				if za || zb {
					union++
				}
			}
		}
	}
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}
