package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

// MaxSteps bounds the denoising steps of one request.
const MaxSteps = 64

// LoadDiT loads a DiT from its files (config.json, model.safetensors) and
// forgets the images and the cost profile of the previous one.
func (s *Session) LoadDiT(files Files, name string) (*DiTInfo, error) {
	m, err := dit.LoadFS(files, name)
	if err != nil {
		return nil, err
	}
	s.ditMu.Lock()
	defer s.ditMu.Unlock()
	s.dit, s.ditName = m, name
	s.refs = map[refKey]*Image{}
	s.profiles = map[string]*tmp.CostProfile{}
	return s.ditInfo(), nil
}

func (s *Session) ditInfo() *DiTInfo {
	c := s.dit.Config
	info := &DiTInfo{Name: s.ditName, Config: c, Labels: c.ClassLabels}
	if info.Labels == nil {
		for i := 0; i < c.NumClasses; i++ {
			info.Labels = append(info.Labels, fmt.Sprint(i))
		}
	}
	for _, p := range tmp.Precisions {
		info.Precisions = append(info.Precisions, p.String())
		info.Colors = append(info.Colors, tmp.PrecisionColor(p))
	}
	for _, l := range s.dit.Linears() {
		info.Params += len(l.W) + len(l.Bias)
	}
	info.Params += len(s.dit.YEmbed)
	return info
}

// SampleRequest asks for one image.
type SampleRequest struct {
	Label int     `json:"label"`
	Steps int     `json:"steps"`
	Seed  uint64  `json:"seed"`
	CFG   float64 `json:"cfg"`
	// Schedule is the precision of each step, noisiest first; empty runs
	// every step in f32.
	Schedule      []string `json:"schedule"`
	KeepFirstLast bool     `json:"keep_first_last"` // patch embedding and final layer in f32
	// Profile names the cost profile that predicts speed-ups: ProfileHere
	// or ProfileServer; empty: the server's if given, else the one measured
	// here.
	Profile string `json:"profile,omitempty"`
}

// Image is one sampled image.
type Image struct {
	W        int      `json:"w"`
	H        int      `json:"h"`
	C        int      `json:"c"`      // 1 grey, 3 RGB
	Pixels   []byte   `json:"pixels"` // 8-bit, row by row, channels interleaved (base64 in JSON)
	Schedule []string `json:"schedule"`
	Seconds  float64  `json:"seconds"` // wall-clock of the sampling run
	// PixelHash is the SHA-256 of Pixels; DataHash of the sampler's float32
	// output (little-endian bits), before the conversion to 8 bits.
	PixelHash string `json:"pixel_hash"`
	DataHash  string `json:"data_hash"`
}

// SampleResult is an image at a schedule beside the image at f32.
type SampleResult struct {
	Image     Image    `json:"image"`
	Reference Image    `json:"reference"`
	SSIM      float64  `json:"ssim"`
	PSNR      *float64 `json:"psnr"` // null for identical images
	MSE       float64  `json:"mse"`
	// PredictedSpeedup is f32's cost over the schedule's by the cost
	// profile; MeasuredSpeedup the reference run's wall-clock over the
	// schedule run's.
	PredictedSpeedup float64 `json:"predicted_speedup"`
	MeasuredSpeedup  float64 `json:"measured_speedup"`
	Profile          string  `json:"profile"` // the profile of PredictedSpeedup ("" when there is none)
}

type refKey struct {
	label, steps int
	seed         uint64
	cfg          float64
	keep         bool
}

func (r SampleRequest) key() refKey {
	return refKey{r.Label, r.Steps, r.Seed, r.CFG, r.KeepFirstLast}
}

// check validates r against the model and returns its schedule.
func (s *Session) check(r *SampleRequest) (tmp.Schedule, error) {
	if s.dit == nil {
		return nil, fmt.Errorf("no DiT loaded")
	}
	c := s.dit.Config
	switch {
	case r.Steps < 1 || r.Steps > MaxSteps:
		return nil, fmt.Errorf("steps must be 1..%d, have %d", MaxSteps, r.Steps)
	case r.Label < 0 || r.Label >= c.NumClasses:
		return nil, fmt.Errorf("label must be 0..%d, have %d", c.NumClasses-1, r.Label)
	case math.IsNaN(r.CFG) || r.CFG < 0 || r.CFG > 20:
		return nil, fmt.Errorf("cfg must be 0..20, have %v", r.CFG)
	}
	if len(r.Schedule) == 0 {
		return make(tmp.Schedule, r.Steps), nil // PrecF32 is 0
	}
	if len(r.Schedule) != r.Steps {
		return nil, fmt.Errorf("schedule has %d precisions for %d steps", len(r.Schedule), r.Steps)
	}
	sched := make(tmp.Schedule, r.Steps)
	for i, name := range r.Schedule {
		p, err := tensor.ParsePrecision(name)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
		sched[i] = p
	}
	return sched, nil
}

// scheduleOf reads precision names.
func scheduleOf(names []string) (tmp.Schedule, error) {
	sched := make(tmp.Schedule, len(names))
	for i, name := range names {
		p, err := tmp.ParsePrecision(name)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
		sched[i] = p
	}
	return sched, nil
}

// namesOf writes precision names.
func namesOf(ps []tmp.Precision) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	return names
}

// prepare builds the weight encodings of ps that the Linears support
// (the others fall back to int8, see tensor.Linear.Forward), so that no
// timed run pays for them.
func (s *Session) prepare(ps ...tensor.Precision) error {
	for _, l := range s.dit.Linears() {
		for _, p := range ps {
			if l.Supports(p) {
				if err := l.Prepare(p); err != nil {
					return fmt.Errorf("%s: %w", l.Name, err)
				}
			}
		}
	}
	return nil
}

// sample runs the sampler; step reports each denoising step.
func (s *Session) sample(ctx context.Context, r SampleRequest, sched tmp.Schedule, step func(i, n int)) (*Image, error) {
	if err := s.prepare(sched.Precisions()...); err != nil {
		return nil, err
	}
	hook := sched.Hook(r.KeepFirstLast)
	start := time.Now()
	x, err := sampler.Sample(ctx, sampler.DiT(s.dit), sampler.Options{
		Steps: r.Steps, CFG: r.CFG, Labels: []int{r.Label}, Seed: r.Seed,
		Hook: func(i, n int, t float64) sampler.StepConfig {
			if step != nil {
				step(i, n)
			}
			return hook(i, n, t)
		},
	})
	if err != nil {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	c, side := s.dit.Config.InChannels, s.dit.Config.InputSize
	img := &Image{W: side, H: side, C: c, Pixels: make([]byte, side*side*c), Seconds: secs, DataHash: HashFloats(x)}
	for ch := 0; ch < c; ch++ {
		for i, v := range x[ch*side*side : (ch+1)*side*side] {
			img.Pixels[i*c+ch] = sampler.Pixel(v)
		}
	}
	sum := sha256.Sum256(img.Pixels)
	img.PixelHash = hex.EncodeToString(sum[:])
	for _, p := range sched {
		img.Schedule = append(img.Schedule, p.String())
	}
	return img, nil
}

// reference returns the f32 image of r, sampled once per request.
func (s *Session) reference(ctx context.Context, r SampleRequest, progress ProgressFunc) (*Image, error) {
	if img, ok := s.refs[r.key()]; ok {
		return img, nil
	}
	img, err := s.sample(ctx, r, make(tmp.Schedule, r.Steps), func(i, n int) {
		progress.report(Progress{Stage: "reference (f32)", Step: i, Steps: n})
	})
	if err != nil {
		return nil, err
	}
	s.refs[r.key()] = img
	return img, nil
}

// pixels converts an image for the metrics of package tmp.
func (img *Image) pixels() tmp.Pixels {
	p := tmp.Pixels{W: img.W, H: img.H, Data: make([][]float64, img.C)}
	for ch := range p.Data {
		p.Data[ch] = make([]float64, img.W*img.H)
		for i := range p.Data[ch] {
			p.Data[ch][i] = float64(img.Pixels[i*img.C+ch])
		}
	}
	return p
}

// quality measures img against ref.
func quality(img, ref *Image) (tmp.Quality, error) {
	a, b := ref.pixels(), img.pixels()
	ssim, err := tmp.SSIM(a, b)
	if err != nil {
		return tmp.Quality{}, err
	}
	mse, err := tmp.MSE(a, b)
	if err != nil {
		return tmp.Quality{}, err
	}
	psnr, err := tmp.PSNR(a, b)
	if err != nil {
		return tmp.Quality{}, err
	}
	return tmp.Quality{SSIM: ssim, PSNR: psnr, MSE: mse, Seconds: img.Seconds}, nil
}

func (s *Session) compare(img, ref *Image, profile string) (*SampleResult, error) {
	q, err := quality(img, ref)
	if err != nil {
		return nil, err
	}
	res := &SampleResult{Image: *img, Reference: *ref, SSIM: q.SSIM, MSE: q.MSE}
	if !math.IsInf(q.PSNR, 0) && !math.IsNaN(q.PSNR) {
		res.PSNR = &q.PSNR
	}
	if img.Seconds > 0 {
		res.MeasuredSpeedup = ref.Seconds / img.Seconds
	}
	if name, prof := s.profile(profile); prof != nil {
		if sched, err := scheduleOf(img.Schedule); err == nil {
			res.PredictedSpeedup = finite(prof.PredictedSpeedup(sched, tensor.PrecF32))
			res.Profile = name
		}
	}
	return res, nil
}

// Sample draws the image of r at its schedule and, once per label, steps,
// seed and guidance, at f32, and compares the two.
func (s *Session) Sample(ctx context.Context, r SampleRequest, progress ProgressFunc) (*SampleResult, error) {
	s.ditMu.Lock()
	defer s.ditMu.Unlock()
	sched, err := s.check(&r)
	if err != nil {
		return nil, err
	}
	ref, err := s.reference(ctx, r, progress)
	if err != nil {
		return nil, err
	}
	img, err := s.sample(ctx, r, sched, func(i, n int) {
		progress.report(Progress{Stage: "sampling " + sched[i].String(), Step: i, Steps: n})
	})
	if err != nil {
		return nil, err
	}
	return s.compare(img, ref, r.Profile)
}

// The cost profiles a session knows.
const (
	ProfileHere   = "here"   // measured by Profile, where the session runs (in a browser: wasm)
	ProfileServer = "server" // given by SetProfile: pare serve's native kernels
)

// profile returns the named profile, or the default one for "".
func (s *Session) profile(name string) (string, *tmp.CostProfile) {
	if name == "" {
		name = ProfileServer
		if s.profiles[name] == nil {
			name = ProfileHere
		}
	}
	return name, s.profiles[name]
}

// ProfileRequest asks for the cost of one denoising step at each precision.
type ProfileRequest struct {
	Reps  int  `json:"reps"`  // timed calls per precision (0: 3)
	Force bool `json:"force"` // measure again even if measured before
}

// ProfileOut is a cost profile as the page shows it.
type ProfileOut struct {
	Seconds map[string]float64 `json:"seconds"` // one step (the conditional and null batch)
	Speedup map[string]float64 `json:"speedup"` // f32 step over this one
	Machine string             `json:"machine"`
}

func profileOut(p tmp.CostProfile) *ProfileOut {
	out := &ProfileOut{Seconds: map[string]float64{}, Speedup: map[string]float64{}, Machine: p.Machine}
	for k, v := range p.Seconds {
		out.Seconds[k.String()] = v
		out.Speedup[k.String()] = finite(p.Seconds[tensor.PrecF32] / v)
	}
	return out
}

// Profile measures what one denoising step (the batch of one image and its
// null-class twin) costs at every precision, here: in a browser that is
// the portable kernels under wasm.
func (s *Session) Profile(ctx context.Context, r ProfileRequest, progress ProgressFunc) (*ProfileOut, error) {
	s.ditMu.Lock()
	defer s.ditMu.Unlock()
	if s.dit == nil {
		return nil, fmt.Errorf("no DiT loaded")
	}
	if s.profiles[ProfileHere] == nil || r.Force {
		if err := s.measure(ctx, r.Reps, progress); err != nil {
			return nil, err
		}
	}
	return profileOut(*s.profiles[ProfileHere]), nil
}

// SetProfile gives the session a cost profile measured elsewhere (by pare
// serve, with the server's native kernels) under the name ProfileServer.
func (s *Session) SetProfile(p ProfileOut) error {
	prof := tmp.CostProfile{Seconds: map[tmp.Precision]float64{}, Machine: p.Machine}
	for k, v := range p.Seconds {
		prec, err := tmp.ParsePrecision(k)
		if err != nil {
			return fmt.Errorf("cost profile: %w", err)
		}
		prof.Seconds[prec] = v
	}
	if err := prof.Check([]tmp.Precision{tensor.PrecF32}); err != nil {
		return err
	}
	s.ditMu.Lock()
	defer s.ditMu.Unlock()
	s.profiles[ProfileServer] = &prof
	return nil
}

func (s *Session) measure(ctx context.Context, reps int, progress ProgressFunc) error {
	if reps <= 0 {
		reps = 3
	}
	c := s.dit.Config
	per := c.InChannels * c.InputSize * c.InputSize
	x := sampler.Noise(12345, 2, per)
	t := []float32{500, 500}
	y := []int{0, c.NumClasses}
	ps := tmp.Precisions
	if err := s.prepare(ps...); err != nil {
		return err
	}
	calls, total := 0, len(ps)*(reps+1)
	prof, err := tmp.Measure(ctx, func(p tmp.Precision) error {
		progress.report(Progress{Stage: "timing a step at " + p.String(), Step: calls, Steps: total})
		calls++
		_, err := s.dit.Forward(x, 2, t, y, dit.Options{Precision: p})
		return err
	}, ps, reps)
	if err != nil {
		return err
	}
	prof.Model, prof.Batch = s.ditName, 2
	s.profiles[ProfileHere] = &prof
	return nil
}

// SearchRequest asks for the schedule of best SSIM that meets a speed-up.
type SearchRequest struct {
	SampleRequest
	TargetSpeedup float64  `json:"target_speedup"` // over f32, by the cost profile SampleRequest.Profile
	Ladder        []string `json:"ladder"`         // precisions to use, f32 first (default: all)
	Gap           float64  `json:"gap"`            // stop within this fraction of the optimum
}

// SearchResult is the schedule found and its image beside the reference.
type SearchResult struct {
	SampleResult
	Feasible   bool           `json:"feasible"`
	Reason     string         `json:"reason,omitempty"`
	Certified  bool           `json:"certified"`
	Runs       int            `json:"runs"`
	LowerBound float64        `json:"lower_bound"`
	Predicted  float64        `json:"predicted_ssim"` // 1 − the additive error estimate
	Trace      []tmp.Interval `json:"trace"`
}

// Search runs the schedule search of package tmp in this session: every
// evaluation samples the request's image at a schedule and measures its
// SSIM against the f32 image; costs come from the request's profile (the
// one measured here is measured first if needed).
func (s *Session) Search(ctx context.Context, r SearchRequest, progress ProgressFunc) (*SearchResult, error) {
	s.ditMu.Lock()
	defer s.ditMu.Unlock()
	if _, err := s.check(&SampleRequest{Label: r.Label, Steps: r.Steps, Seed: r.Seed, CFG: r.CFG}); err != nil {
		return nil, err
	}
	r.Schedule = nil
	if math.IsNaN(r.TargetSpeedup) || r.TargetSpeedup < 1 {
		return nil, fmt.Errorf("target speed-up must be at least 1, have %v", r.TargetSpeedup)
	}
	name, prof := s.profile(r.Profile)
	if prof == nil && name == ProfileHere {
		if err := s.measure(ctx, 0, progress); err != nil {
			return nil, err
		}
		prof = s.profiles[ProfileHere]
	}
	if prof == nil {
		return nil, fmt.Errorf("no cost profile %q (have %s, %s)", r.Profile, ProfileHere, ProfileServer)
	}
	ladder, err := scheduleOf(r.Ladder)
	if err != nil {
		return nil, fmt.Errorf("ladder: %w", err)
	}
	if len(ladder) == 0 {
		ladder = tmp.Precisions
	}
	if ladder[0] != tensor.PrecF32 {
		return nil, fmt.Errorf("the ladder must start with f32, the reference")
	}
	ref, err := s.reference(ctx, r.SampleRequest, progress)
	if err != nil {
		return nil, err
	}
	images := map[string]*Image{}
	runs, maxRuns := 0, 0
	ev := tmp.EvaluatorFunc(func(ctx context.Context, ts tmp.Schedule) (tmp.Quality, error) {
		req := r.SampleRequest
		req.Schedule = namesOf(ts)
		sched, err := s.check(&req)
		if err != nil {
			return tmp.Quality{}, err
		}
		img, err := s.sample(ctx, req, sched, func(i, n int) {
			progress.report(Progress{Stage: "searching: " + ts.String(), Part: runs, Parts: maxRuns, Step: i, Steps: n})
		})
		if err != nil {
			return tmp.Quality{}, err
		}
		images[ts.String()] = img
		return quality(img, ref)
	})
	res, err := tmp.Search(ctx, ev, *prof, tmp.SearchOptions{
		Steps: r.Steps, Ladder: ladder, TargetSpeedup: r.TargetSpeedup, Gap: r.Gap,
		Progress: func(p tmp.SearchProgress) { runs, maxRuns = p.Runs, p.MaxRuns },
	})
	if err != nil {
		return nil, err
	}
	out := &SearchResult{Feasible: res.Feasible, Reason: res.Reason, Certified: res.Certified, Runs: res.Runs,
		LowerBound: finite(res.LowerBound), Predicted: finite(1 - res.PredictedError), Trace: res.Trace}
	if !res.Feasible || len(res.Schedule) == 0 {
		out.SampleResult = SampleResult{Reference: *ref, Profile: name}
		return out, nil
	}
	img := images[res.Schedule.String()]
	if img == nil {
		req := r.SampleRequest
		req.Schedule = namesOf(res.Schedule)
		sched, err := s.check(&req)
		if err != nil {
			return nil, err
		}
		if img, err = s.sample(ctx, req, sched, nil); err != nil {
			return nil, err
		}
	}
	cmp, err := s.compare(img, ref, name)
	if err != nil {
		return nil, err
	}
	out.SampleResult = *cmp
	if res.MeasuredSpeedup > 0 {
		out.MeasuredSpeedup = res.MeasuredSpeedup
	}
	return out, nil
}
