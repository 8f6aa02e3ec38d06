package prune

import (
	"math"
	"math/bits"
	"slices"

	"github.com/pare-ml/pare/tensor"
)

// Scores are ranked by the key (score, index): the smallest key is pruned
// first, so equal scores go in index order. That is the order of a stable
// ascending sort (torch.sort(stable=True)), which the references use.
// Scores are finite or +Inf and never negative, so their float32 bits order
// like the values and fit the upper half of a uint64 key.

func scoreKey(score float32, idx int) uint64 {
	return uint64(math.Float32bits(score))<<32 | uint64(uint32(idx))
}

func keyIndex(k uint64) int { return int(uint32(k)) }

// selectSmallest reorders keys so that keys[:k] are its k smallest
// (in no particular order). It is a quickselect with a median-of-three
// pivot that falls back to sorting after 2·log2(n) bad rounds.
func selectSmallest(keys []uint64, k int) {
	lo, hi := 0, len(keys) // keys[:lo] are all below keys[lo:], keys[hi:] above
	if k <= 0 || k >= len(keys) {
		return
	}
	budget := 2 * bits.Len(uint(len(keys)))
	for hi-lo > 16 {
		if budget == 0 {
			slices.Sort(keys[lo:hi])
			return
		}
		budget--
		a := keys[lo:hi]
		// Median of three as pivot; keys are distinct.
		x, y, z := a[0], a[len(a)/2], a[len(a)-1]
		if x > y {
			x, y = y, x
		}
		if y > z {
			y = z
			if x > y {
				y = x
			}
		}
		pivot := y
		// Partition: a[:p] < pivot, a[p:] >= pivot.
		p := 0
		for i, v := range a {
			if v < pivot {
				a[i], a[p] = a[p], v
				p++
			}
		}
		switch m := lo + p; {
		case k < m:
			hi = m
		case k > m:
			// pivot itself sits somewhere in a[p:]; move it to the front of
			// that part so the next round can exclude it.
			for i := p; i < len(a); i++ {
				if a[i] == pivot {
					a[i], a[p] = a[p], a[i]
					break
				}
			}
			lo = m + 1
		default:
			return
		}
	}
	slices.Sort(keys[lo:hi])
}

// maskRows fills m for a row-wise method (Magnitude, Wanda): score(i, dst)
// writes the scores of row i into dst; unstructured patterns prune the
// int(in·s) smallest of every row, N:M the N smallest of every group.
// Rows run in parallel; each row's choice is independent of the others.
func maskRows(m Mask, p Pattern, score func(i int, dst []float32)) {
	out, in := m.Rows, m.Cols
	const rowsPerItem = 8
	k := pruneCount(in, p.Sparsity)
	tensor.Parallel((out+rowsPerItem-1)/rowsPerItem, 0, func(item int) {
		s := make([]float32, in)
		keys := make([]uint64, in)
		for i := item * rowsPerItem; i < min(out, (item+1)*rowsPerItem); i++ {
			score(i, s)
			if p.Structured() {
				for g := 0; g < in; g += p.M {
					gk := keys[:p.M]
					for t, v := range s[g : g+p.M] {
						gk[t] = scoreKey(v, t)
					}
					pruneGroup(m, i, g, gk, p.N)
				}
				continue
			}
			if k == 0 {
				continue
			}
			for j, v := range s {
				keys[j] = scoreKey(v, j)
			}
			selectSmallest(keys, k)
			for _, key := range keys[:k] {
				m.Set(i, keyIndex(key))
			}
		}
	})
}

// pruneGroup marks in row i the n smallest of keys, which hold
// (score, offset) for the columns g+offset of one N:M group.
func pruneGroup(m Mask, i, g int, keys []uint64, n int) {
	slices.Sort(keys) // M is small
	for _, key := range keys[:n] {
		m.Set(i, g+keyIndex(key))
	}
}
