package prune

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Pattern says how many weights of a Linear layer to prune.
//
// Unstructured (N == 0): a fraction Sparsity in [0, 1) of the weights.
// Magnitude and Wanda drop int(in·Sparsity) weights of every output row;
// SparseGPT drops int(out·B·Sparsity) weights of every block of B input
// columns, chosen jointly over all rows.
//
// N:M (N > 0): in every group of M consecutive inputs of a row, N weights
// are zeroed. This is the "prune_n:prune_m" convention of Wanda and
// SparseGPT: 2:4 zeros 2 of every 4 (50%), 4:8 zeros 4 of every 8.
// Sparsity is ignored then.
type Pattern struct {
	Sparsity float64
	N, M     int
}

// Unstructured returns the pattern that prunes the fraction s of each row.
func Unstructured(s float64) Pattern { return Pattern{Sparsity: s} }

// NM returns the N:M pattern: N of every M consecutive inputs are zeroed.
func NM(n, m int) Pattern { return Pattern{N: n, M: m} }

// ParsePattern reads a pattern as written on a command line: a fraction
// ("0.5"), a percentage ("50%") or N:M ("2:4", "4:8").
func ParsePattern(s string) (Pattern, error) {
	t := strings.TrimSpace(s)
	var p Pattern
	switch {
	case strings.Contains(t, ":"):
		ns, ms, _ := strings.Cut(t, ":")
		n, err1 := strconv.Atoi(strings.TrimSpace(ns))
		m, err2 := strconv.Atoi(strings.TrimSpace(ms))
		if err1 != nil || err2 != nil {
			return Pattern{}, fmt.Errorf("sparsity pattern %q: want N:M with integers N and M, e.g. 2:4", s)
		}
		p = Pattern{N: n, M: m}
	case strings.HasSuffix(t, "%"):
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
		if err != nil {
			return Pattern{}, fmt.Errorf("sparsity pattern %q: want a percentage such as 50%%", s)
		}
		p = Pattern{Sparsity: v / 100}
	default:
		v, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return Pattern{}, fmt.Errorf("sparsity pattern %q: want a fraction (0.5), a percentage (50%%) or N:M (2:4)", s)
		}
		p = Pattern{Sparsity: v}
	}
	if err := p.Validate(); err != nil {
		return Pattern{}, fmt.Errorf("sparsity pattern %q: %w", s, err)
	}
	return p, nil
}

// Structured reports whether p is an N:M pattern.
func (p Pattern) Structured() bool { return p.N != 0 || p.M != 0 }

// Validate checks p without knowing the layer size.
func (p Pattern) Validate() error {
	if p.Structured() {
		switch {
		case p.M <= 0:
			return fmt.Errorf("N:M pattern %d:%d: M must be positive", p.N, p.M)
		case p.N <= 0:
			return fmt.Errorf("N:M pattern %d:%d: N must be positive", p.N, p.M)
		case p.N >= p.M:
			return fmt.Errorf("N:M pattern %d:%d: N must be less than M", p.N, p.M)
		}
		return nil
	}
	if math.IsNaN(p.Sparsity) || p.Sparsity < 0 || p.Sparsity >= 1 {
		return fmt.Errorf("sparsity %v outside [0, 1)", p.Sparsity)
	}
	return nil
}

// check validates p for a layer with out rows and in inputs.
func (p Pattern) check(out, in int) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("layer %dx%d: %w", out, in, err)
	}
	if p.Structured() && in%p.M != 0 {
		return fmt.Errorf("layer %dx%d: %s needs the input size %d to be a multiple of %d", out, in, p, in, p.M)
	}
	return nil
}

// Fraction is the share of weights p prunes: Sparsity, or N/M.
func (p Pattern) Fraction() float64 {
	if p.Structured() {
		return float64(p.N) / float64(p.M)
	}
	return p.Sparsity
}

// String writes p the way ParsePattern reads it ("50%", "2:4").
func (p Pattern) String() string {
	if p.Structured() {
		return fmt.Sprintf("%d:%d", p.N, p.M)
	}
	// A percentage where it reads back to the same float64, else the fraction.
	pc := strconv.FormatFloat(p.Sparsity*100, 'g', -1, 64)
	if v, err := strconv.ParseFloat(pc, 64); err == nil && v/100 == p.Sparsity && len(pc) <= 8 {
		return pc + "%"
	}
	return strconv.FormatFloat(p.Sparsity, 'g', -1, 64)
}

// pruneCount is the number of the n smallest scores dropped for fraction s:
// int(n·s), rounded down in float64 like the reference's
// int(W.shape[1]*sparsity_ratio).
func pruneCount(n int, s float64) int { return int(float64(n) * s) }
