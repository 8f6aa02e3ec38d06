package tokenizer

import (
	"sync"
	"unicode/utf8"
)

// mergeInfo is the rank of a merge and the id of the token it produces.
type mergeInfo struct {
	rank int32
	id   int32
}

// bpeModel is the BPE model of a tokenizer.json ("model": {"type": "BPE"}).
// Its behaviour follows the Rust `tokenizers` crate: a word is split into
// characters (with byte fallback or the unknown token for characters not in
// the vocabulary), then pairs are merged lowest rank first, leftmost first
// on ties, with a priority queue over a linked list of symbols.
type bpeModel struct {
	vocab        map[string]int32
	merges       map[uint64]mergeInfo // key: left id << 32 | right id
	unk          int32                // -1 when there is no unknown token
	fuseUnk      bool
	byteFallback bool
	ignoreMerges bool
	prefix       string // continuing_subword_prefix
	suffix       string // end_of_word_suffix
	byteIDs      [256]int32

	cacheMu sync.RWMutex
	cache   map[string][]int32
}

const (
	bpeCacheCap     = 10000
	bpeCacheWordLen = 256
)

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// symbol is one node of the linked list a word is merged in.
type symbol struct {
	id         int32
	prev, next int32
	n          int32 // byte length; 0 once merged into its left neighbour
}

// mergeItem is a candidate merge in the priority queue.
type mergeItem struct {
	rank, pos, id int32
}

func (a mergeItem) less(b mergeItem) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

// mergeHeap is a binary min-heap of merge candidates.
type mergeHeap []mergeItem

func (h *mergeHeap) push(x mergeItem) {
	*h = append(*h, x)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *mergeHeap) pop() mergeItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(s) {
			break
		}
		m := l
		if r := l + 1; r < len(s) && s[r].less(s[l]) {
			m = r
		}
		if !s[m].less(s[i]) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// tokenize appends the ids of one pre-token to dst.
func (m *bpeModel) tokenize(dst []int, word string) []int {
	if word == "" {
		return dst
	}
	if m.ignoreMerges {
		if id, ok := m.vocab[word]; ok {
			return append(dst, int(id))
		}
	}
	if len(word) < bpeCacheWordLen {
		m.cacheMu.RLock()
		ids, ok := m.cache[word]
		m.cacheMu.RUnlock()
		if ok {
			for _, id := range ids {
				dst = append(dst, int(id))
			}
			return dst
		}
	}
	syms := m.mergeWord(word)
	start := len(dst)
	for i := range syms {
		if syms[i].n != 0 {
			dst = append(dst, int(syms[i].id))
		}
	}
	if len(word) < bpeCacheWordLen {
		ids := make([]int32, len(dst)-start)
		for i, id := range dst[start:] {
			ids[i] = int32(id)
		}
		m.cacheMu.Lock()
		if len(m.cache) < bpeCacheCap {
			m.cache[word] = ids
		}
		m.cacheMu.Unlock()
	}
	return dst
}

// mergeWord splits word into initial symbols and merges them.
func (m *bpeModel) mergeWord(w string) []symbol {
	syms := make([]symbol, 0, len(w))
	add := func(id int32, n int) {
		prev := int32(len(syms)) - 1
		if prev >= 0 {
			syms[prev].next = int32(len(syms))
		}
		syms = append(syms, symbol{id: id, prev: prev, next: -1, n: int32(n)})
	}
	unkID, unkLen := int32(-1), 0
	var key []byte
	for i := 0; i < len(w); {
		_, n := utf8.DecodeRuneInString(w[i:])
		first, last := i == 0, i+n == len(w)
		var id int32
		var ok bool
		if (first || m.prefix == "") && (!last || m.suffix == "") {
			id, ok = m.vocab[w[i:i+n]]
		} else {
			key = key[:0]
			if !first {
				key = append(key, m.prefix...)
			}
			key = append(key, w[i:i+n]...)
			if last {
				key = append(key, m.suffix...)
			}
			id, ok = m.vocab[string(key)]
		}
		if ok {
			if unkID >= 0 {
				add(unkID, unkLen)
				unkID = -1
			}
			add(id, n)
			i += n
			continue
		}
		if m.byteFallback {
			// The bytes of the (prefixed/suffixed) string, as the Rust code does.
			s := w[i : i+n]
			if !((first || m.prefix == "") && (!last || m.suffix == "")) {
				s = string(key)
			}
			all := true
			for j := 0; j < len(s); j++ {
				if m.byteIDs[s[j]] < 0 {
					all = false
					break
				}
			}
			if all {
				for j := 0; j < len(s); j++ {
					add(m.byteIDs[s[j]], 1)
				}
				i += n
				continue
			}
		}
		if m.unk >= 0 {
			switch {
			case unkID >= 0 && m.fuseUnk:
				unkLen += n
			case unkID >= 0:
				add(unkID, unkLen)
				unkID, unkLen = m.unk, n
			default:
				unkID, unkLen = m.unk, n
			}
		}
		i += n
	}
	if unkID >= 0 {
		add(unkID, unkLen)
	}
	if len(syms) < 2 || len(m.merges) == 0 {
		return syms
	}
	m.mergeAll(syms)
	return syms
}

// mergeAll applies the merges to the linked list of symbols; merged-away
// symbols are left with n == 0.
func (m *bpeModel) mergeAll(syms []symbol) {
	var stack [64]mergeItem
	h := mergeHeap(stack[:0])
	for i := 0; i+1 < len(syms); i++ {
		if mi, ok := m.merges[pairKey(syms[i].id, syms[i+1].id)]; ok {
			h.push(mergeItem{rank: mi.rank, pos: int32(i), id: mi.id})
		}
	}
	for len(h) > 0 {
		top := h.pop()
		cur := &syms[top.pos]
		if cur.n == 0 || cur.next == -1 {
			continue
		}
		nextPos := cur.next
		right := syms[nextPos]
		// Skip stale entries: the pair must still produce the same token.
		if mi, ok := m.merges[pairKey(cur.id, right.id)]; !ok || mi.id != top.id {
			continue
		}
		cur.id = top.id
		cur.n += right.n
		cur.next = right.next
		syms[nextPos].n = 0
		if right.next >= 0 && int(right.next) < len(syms) {
			syms[right.next].prev = top.pos
		}
		if cur.prev >= 0 {
			if mi, ok := m.merges[pairKey(syms[cur.prev].id, cur.id)]; ok {
				h.push(mergeItem{rank: mi.rank, pos: cur.prev, id: mi.id})
			}
		}
		if cur.next >= 0 && int(cur.next) < len(syms) {
			if mi, ok := m.merges[pairKey(cur.id, syms[cur.next].id)]; ok {
				h.push(mergeItem{rank: mi.rank, pos: top.pos, id: mi.id})
			}
		}
	}
}
