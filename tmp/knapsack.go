package tmp

import (
	"math"
	"sort"
)

// The exact step of the search: given the errors measured so far, the best
// schedule under additivity, and a bound on how much better any schedule
// could be. See the doc comment of search.go for the method.

// itree is the binary interval tree over the steps [0, steps): the root is
// [0, steps), a node [lo, hi) with two or more steps has the children
// [lo, mid) and [mid, hi), mid = lo + ⌈(hi−lo)/2⌉. Nodes are numbered in
// pre-order (root 0), so children come after their parent.
type itree struct {
	steps       int
	lo, hi      []int
	left, right []int // −1 for a single step
	parent      []int // −1 for the root
}

func newITree(steps int) *itree {
	t := &itree{steps: steps}
	var build func(lo, hi, parent int) int
	build = func(lo, hi, parent int) int {
		i := len(t.lo)
		t.lo = append(t.lo, lo)
		t.hi = append(t.hi, hi)
		t.left = append(t.left, -1)
		t.right = append(t.right, -1)
		t.parent = append(t.parent, parent)
		if hi-lo >= 2 {
			mid := lo + (hi-lo+1)/2
			l := build(lo, mid, i)
			r := build(mid, hi, i)
			t.left[i], t.right[i] = l, r
		}
		return i
	}
	build(0, steps, -1)
	return t
}

func (t *itree) size(i int) int { return t.hi[i] - t.lo[i] }

// knap holds what the search knows: per level (index into the ladder;
// level 0 is the reference, error 0 by definition) the cost of one step and
// the measured error of lowering each measured node to that level.
type knap struct {
	t      *itree
	cost   []float64   // [level] seconds of one step
	active []bool      // [level] the search may use the level
	meas   [][]float64 // [level][node] error, NaN when not measured
	frozen [][]bool    // [level][node] a frontier node the budget cannot split
	spread float64     // modeOptimistic: least share of its interval's mean error a step is assumed to carry
}

func newKnap(t *itree, cost []float64, active []bool) *knap {
	k := &knap{t: t, cost: cost, active: active}
	k.meas = make([][]float64, len(cost))
	k.frozen = make([][]bool, len(cost))
	for q := range cost {
		k.meas[q] = make([]float64, len(t.lo))
		for i := range k.meas[q] {
			k.meas[q][i] = math.NaN()
		}
		k.frozen[q] = make([]bool, len(t.lo))
	}
	return k
}

func (k *knap) measured(q, i int) bool { return q == 0 || !math.IsNaN(k.meas[q][i]) }

// frontier reports whether node i is measured at level q and its children
// are not: the finest knowledge of level q over those steps.
func (k *knap) frontier(q, i int) bool {
	if !k.measured(q, i) {
		return false
	}
	l := k.t.left[i]
	return l < 0 || !k.measured(q, l)
}

// dp modes.
const (
	modeStrict     = iota // only schedules made of measured nodes
	modeOptimistic        // partial cover of an unfrozen frontier node costs spread × its share of the error
	modeBound             // partial cover of any frontier node costs no error
)

// target of a solve: either a cost budget (minimise error) or an error
// budget (minimise cost).
type knapTarget struct {
	maxCost float64 // > 0: speed target
	maxErr  float64 // used when maxCost == 0: quality target
}

type choice struct {
	direct int8  // level of a uniform node, −1 for a combination of children
	ls, rs int8  // child states: −1 its front, q ≥ 1 all of it at pending level q
	li, ri int32 // indices into the child fronts (when the state is −1)
}

type fpoint struct {
	cost, err float64
	ch        choice
}

// solution is one schedule the DP found, as level indices per step.
type solution struct {
	ok     bool
	levels []int
	cost   float64
	err    float64
}

// solve runs the tree DP. Each node gets the Pareto front (cost ascending,
// error strictly descending) of the schedules of its steps whose error is
// known (or bounded, in the optimistic modes); a level q at which a node is
// not measured (it lies inside a frontier node F of level q) contributes
// the pending option "all of this node at q", whose error is charged only
// when all of F is at q (F's measured error).
func (k *knap) solve(mode int, tg knapTarget) solution {
	t := k.t
	n := len(t.lo)
	levels := len(k.cost)
	cmin := k.cost[0]
	for q := 1; q < levels; q++ {
		if k.active[q] && k.cost[q] < cmin {
			cmin = k.cost[q]
		}
	}
	// frozenAbove[q][i]: node i is pending at q below a frozen frontier;
	// pendErr[q][i]: the error the optimistic modes charge for all of a
	// pending node i at q (spread × its share of its frontier's error).
	var frozenAbove [][]bool
	pendErr := make([][]float64, levels)
	if mode == modeOptimistic {
		frozenAbove = make([][]bool, levels)
	}
	for q := 1; q < levels && mode != modeStrict; q++ {
		if !k.active[q] {
			continue
		}
		fa := make([]bool, n)
		avg := make([]float64, n) // mean error per step of the frontier above
		pe := make([]float64, n)
		for i := 1; i < n; i++ { // pre-order: parents first
			p := t.parent[i]
			if k.measured(q, i) {
				continue
			}
			if k.measured(q, p) {
				avg[i] = math.Max(k.meas[q][p], 0) / float64(t.size(p))
				fa[i] = k.frozen[q][p]
			} else {
				avg[i], fa[i] = avg[p], fa[p]
			}
			if mode == modeOptimistic {
				pe[i] = k.spread * avg[i] * float64(t.size(i))
			}
		}
		pendErr[q] = pe
		if mode == modeOptimistic {
			frozenAbove[q] = fa
		}
	}
	partialOK := func(q, child int) bool {
		switch mode {
		case modeStrict:
			return false
		case modeOptimistic:
			return !frozenAbove[q][child]
		}
		return true
	}
	keep := func(i int, cost, err float64) bool {
		if tg.maxCost > 0 {
			return cost+float64(t.steps-t.size(i))*cmin <= tg.maxCost*(1+1e-9)
		}
		return err <= tg.maxErr*(1+1e-9)+1e-15
	}
	fronts := make([][]fpoint, n)
	var cand []fpoint
	pending := func(i int) []int {
		var ps []int
		for q := 1; q < levels; q++ {
			if k.active[q] && !k.measured(q, i) {
				ps = append(ps, q)
			}
		}
		return ps
	}
	for i := n - 1; i >= 0; i-- {
		cand = cand[:0]
		m := float64(t.size(i))
		add := func(p fpoint) {
			if keep(i, p.cost, p.err) {
				cand = append(cand, p)
			}
		}
		// Uniform options: the reference and every level measured here.
		for q := 0; q < levels; q++ {
			if q == 0 || (k.active[q] && k.measured(q, i)) {
				e := 0.0
				if q > 0 {
					e = math.Max(k.meas[q][i], 0)
				}
				add(fpoint{cost: m * k.cost[q], err: e, ch: choice{direct: int8(q), ls: -1, rs: -1}})
			}
		}
		if l, r := t.left[i], t.right[i]; l >= 0 {
			fl, fr := fronts[l], fronts[r]
			for a, pa := range fl {
				for b, pb := range fr {
					add(fpoint{cost: pa.cost + pb.cost, err: pa.err + pb.err, ch: choice{direct: -1, ls: -1, rs: -1, li: int32(a), ri: int32(b)}})
				}
			}
			if mode != modeStrict {
				pl, pr := pending(l), pending(r)
				ml, mr := float64(t.size(l)), float64(t.size(r))
				for _, q := range pl {
					if !partialOK(q, l) {
						continue
					}
					for b, pb := range fr {
						add(fpoint{cost: ml*k.cost[q] + pb.cost, err: pendErr[q][l] + pb.err, ch: choice{direct: -1, ls: int8(q), rs: -1, ri: int32(b)}})
					}
					for _, q2 := range pr {
						if q2 != q && partialOK(q2, r) {
							add(fpoint{cost: ml*k.cost[q] + mr*k.cost[q2], err: pendErr[q][l] + pendErr[q2][r], ch: choice{direct: -1, ls: int8(q), rs: int8(q2)}})
						}
					}
				}
				for _, q := range pr {
					if !partialOK(q, r) {
						continue
					}
					for a, pa := range fl {
						add(fpoint{cost: pa.cost + mr*k.cost[q], err: pa.err + pendErr[q][r], ch: choice{direct: -1, ls: -1, rs: int8(q), li: int32(a)}})
					}
				}
			}
		}
		fronts[i] = paretoFront(cand)
	}
	root := fronts[0]
	best := -1
	for j, p := range root {
		if tg.maxCost > 0 {
			if p.cost <= tg.maxCost*(1+1e-9) {
				best = j // error falls along the front
			}
		} else if p.err <= tg.maxErr*(1+1e-9)+1e-15 {
			best = j
			break // the cheapest
		}
	}
	if best < 0 {
		return solution{}
	}
	sol := solution{ok: true, levels: make([]int, t.steps), cost: root[best].cost, err: root[best].err}
	var walk func(i int, p fpoint)
	fill := func(i, q int) {
		for s := t.lo[i]; s < t.hi[i]; s++ {
			sol.levels[s] = q
		}
	}
	walk = func(i int, p fpoint) {
		if p.ch.direct >= 0 {
			fill(i, int(p.ch.direct))
			return
		}
		l, r := t.left[i], t.right[i]
		if p.ch.ls >= 0 {
			fill(l, int(p.ch.ls))
		} else {
			walk(l, fronts[l][p.ch.li])
		}
		if p.ch.rs >= 0 {
			fill(r, int(p.ch.rs))
		} else {
			walk(r, fronts[r][p.ch.ri])
		}
	}
	walk(0, root[best])
	return sol
}

// paretoFront sorts points by cost and keeps those with less error than
// every cheaper one.
func paretoFront(c []fpoint) []fpoint {
	sort.Slice(c, func(a, b int) bool {
		if c[a].cost != c[b].cost {
			return c[a].cost < c[b].cost
		}
		return c[a].err < c[b].err
	})
	out := make([]fpoint, 0, len(c))
	for _, p := range c {
		if len(out) == 0 || p.err < out[len(out)-1].err {
			out = append(out, p)
		}
	}
	return out
}

// partial lists the unfrozen frontier nodes of more than one step that a
// schedule runs partly (not wholly) at their level: where the optimistic
// bound may hide error, the nodes to split next.
func (k *knap) partial(levels []int) (qs, nodes []int) {
	t := k.t
	for q := 1; q < len(k.cost); q++ {
		if !k.active[q] {
			continue
		}
		for i := range t.lo {
			if t.size(i) < 2 || k.frozen[q][i] || !k.frontier(q, i) {
				continue
			}
			in := 0
			for s := t.lo[i]; s < t.hi[i]; s++ {
				if levels[s] == q {
					in++
				}
			}
			if in > 0 && in < t.size(i) {
				qs = append(qs, q)
				nodes = append(nodes, i)
			}
		}
	}
	return qs, nodes
}
