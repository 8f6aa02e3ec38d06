package prune

import (
	"fmt"
	"strings"
)

// Markdown renders the analyses as tables.
func (r *AnalysisResult) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Inside the pruned model: %s, %s %s\n\n", r.Model, r.Method, r.Pattern)
	fmt.Fprintf(&b, "One model pruned per calibration language (%d windows of %d tokens, seed %d); analyses on %d held-out tokens per evaluation language.\n\n",
		r.NSamples, r.SeqLen, r.Seed, r.Tokens)

	b.WriteString("## Output signal-to-noise ratio (dB) of the last block\n\n")
	fmt.Fprintf(&b, "Rows: calibration language; columns: evaluation language. SNR = 10·log10(‖Y_dense‖² / ‖Y_dense − Y_pruned‖²).\n\n")
	fmt.Fprintf(&b, "| calib \\ eval | %s |\n|---|%s\n", strings.Join(r.Eval, " | "), strings.Repeat("---:|", len(r.Eval)))
	last := r.Blocks - 1
	for c, cl := range r.Calib {
		fmt.Fprintf(&b, "| %s |", cl)
		for e := range r.Eval {
			v := r.SNR[c][e][last]
			if isMaxInColumn(r.SNR, c, e, last) {
				fmt.Fprintf(&b, " **%.2f** |", v)
			} else {
				fmt.Fprintf(&b, " %.2f |", v)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nSNR per block (mean over evaluation languages):\n\n| calib \\ block |")
	for i := 0; i < r.Blocks; i++ {
		fmt.Fprintf(&b, " %d |", i)
	}
	fmt.Fprintf(&b, "\n|---|%s\n", strings.Repeat("---:|", r.Blocks))
	for c, cl := range r.Calib {
		fmt.Fprintf(&b, "| %s |", cl)
		for i := 0; i < r.Blocks; i++ {
			var s float64
			for e := range r.Eval {
				s += r.SNR[c][e][i]
			}
			fmt.Fprintf(&b, " %.2f |", s/float64(len(r.Eval)))
		}
		b.WriteString("\n")
	}

	if o := r.Overlap; o != nil {
		var rnd float64
		for _, v := range o.Random {
			rnd += v
		}
		rnd /= float64(len(o.Random))
		fmt.Fprintf(&b, "\n## Mask overlap\n\nIoU of the pruned positions of two calibration languages, averaged over Linears weighted by size; two independent random masks of the same sparsity give %.3f.\n\n| pair | IoU |\n|---|---:|\n", rnd)
		for i, p := range o.Pairs {
			fmt.Fprintf(&b, "| %s–%s | %.3f |\n", p[0], p[1], o.Mean[i])
		}
	}

	if l := r.LAPE; l != nil {
		fmt.Fprintf(&b, "\n## Language-specific neurons (LAPE)\n\n%d FFN neurons. Per evaluation language: how many neurons are specific to it, their activation probability on its text in the dense model, and the share of their weights each calibration pruned (all neurons: ", l.Neurons)
		for c, cl := range r.Calib {
			if c > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %.3f", cl, l.PrunedAll[c])
		}
		fmt.Fprintf(&b, ").\n\n| language | neurons | activation dense |")
		for _, cl := range r.Calib {
			fmt.Fprintf(&b, " pruned share (%s) | activation (%s) |", cl, cl)
		}
		fmt.Fprintf(&b, "\n|---|---:|---:|%s\n", strings.Repeat("---:|---:|", len(r.Calib)))
		for e, el := range r.Eval {
			fmt.Fprintf(&b, "| %s | %d | %.3f |", el, l.Specific[e], l.ActDense[e])
			for c := range r.Calib {
				fmt.Fprintf(&b, " %.3f | %.3f |", l.PrunedShare[c][e], l.ActPruned[c][e])
			}
			b.WriteString("\n")
		}
	}

	b.WriteString("\n## Where pruning changes the hidden states\n\nShare of ‖Y_pruned − Y_dense‖² (over all evaluation languages) inside the language-specific subspace of each block, spanned by the centred per-language mean hidden states; the rest lies in the language-agnostic complement. A random subspace of the same rank would hold rank/hidden.\n\n| calib \\ block |")
	for i := 0; i < r.Blocks; i++ {
		fmt.Fprintf(&b, " %d |", i)
	}
	fmt.Fprintf(&b, "\n|---|%s\n", strings.Repeat("---:|", r.Blocks))
	for c, cl := range r.Calib {
		fmt.Fprintf(&b, "| %s |", cl)
		for i := 0; i < r.Blocks; i++ {
			fmt.Fprintf(&b, " %.3f |", r.Subspace[c][i])
		}
		b.WriteString("\n")
	}
	b.WriteString("| random (rank/hidden) |")
	for i := 0; i < r.Blocks; i++ {
		fmt.Fprintf(&b, " %.3f |", r.RandomShare[i])
	}
	b.WriteString("\n")
	return b.String()
}

func isMaxInColumn(snr [][][]float64, c, e, blk int) bool {
	for k := range snr {
		if snr[k][e][blk] > snr[c][e][blk] {
			return false
		}
	}
	return true
}
