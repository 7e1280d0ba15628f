package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Figure is one reported measurement: a ratio or a value, its target, and the command
// that reproduces it. Missing says which code does not exist yet, instead of a figure.
type Figure struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Value   float64 `json:"value,omitempty"`
	Unit    string  `json:"unit"`
	Target  string  `json:"target"`
	Met     *bool   `json:"met,omitempty"`
	Detail  string  `json:"detail,omitempty"`
	Missing string  `json:"missing,omitempty"`
	Command string  `json:"command"`
}

// Report is one benchmark run.
type Report struct {
	Date     time.Time        `json:"date"`
	Commit   string           `json:"commit"`
	Machine  string           `json:"machine"`
	Profile  string           `json:"profile"`
	Server   string           `json:"server"`
	Reps     int              `json:"reps"`
	Figures  []Figure         `json:"figures"`
	Baseline []BaselineRow    `json:"baseline"`
	Notes    []string         `json:"notes,omitempty"`
	Raw      map[string][]any `json:"raw,omitempty"`
}

// BaselineRow is the raw-SQL posting and the commit-rate probe at one client count.
type BaselineRow struct {
	Clients     int     `json:"clients"`
	RawTPS      float64 `json:"raw_tps"`
	RawLatencyM float64 `json:"raw_latency_avg_ms"`
	ProbeTPS    float64 `json:"probe_tps"`
}

// Machine describes where the run happened.
func Machine() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s, %s/%s, %d CPUs, %s", host, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}

// Met returns a pointer to ok, for Figure.Met.
func Met(ok bool) *bool { return &ok }

// WriteJSON writes the machine-readable report.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644) // #nosec G306 -- the machine-readable benchmark report, public by intent
}

// WriteMarkdown writes the human report.
func (r *Report) WriteMarkdown(w io.Writer, intro string) {
	fmt.Fprintf(w, "%s\n", intro)
	fmt.Fprintf(w, "### Run of %s\n\n", r.Date.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "- commit `%s`, profile **%s**, %d repetitions (medians)\n", r.Commit, r.Profile, r.Reps)
	fmt.Fprintf(w, "- machine: %s\n- database server: %s\n\n", r.Machine, r.Server)
	fmt.Fprintln(w, "| id | figure | value | target | met | reproduce |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, f := range r.Figures {
		val, met := "", ""
		switch {
		case f.Missing != "":
			val = "missing: " + f.Missing
		default:
			val = strings.TrimSpace(fmt.Sprintf("%.3g %s", f.Value, f.Unit))
			if f.Detail != "" {
				val += " (" + f.Detail + ")"
			}
		}
		if f.Met != nil {
			met = "no"
			if *f.Met {
				met = "yes"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | `%s` |\n", f.ID, f.Name, val, f.Target, met, f.Command)
	}
	fmt.Fprintln(w, "\n#### Baseline measured in the same run")
	fmt.Fprintln(w, "\n| clients | raw posting tps | raw avg latency | commit-rate probe tps |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, b := range r.Baseline {
		fmt.Fprintf(w, "| %d | %.0f | %.2f ms | %.0f |\n", b.Clients, b.RawTPS, b.RawLatencyM, b.ProbeTPS)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w, "\n#### Notes")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

// Section markers: the harness rewrites only what lies between them in the report file,
// so that hand-written notes around it stay.
const (
	sectionBegin = "<!-- bench:begin (written by make bench; do not edit by hand) -->"
	sectionEnd   = "<!-- bench:end -->"
)

// ReplaceSection writes body between the markers of the file at path, appending the
// section if the file has none, creating the file if it does not exist.
func ReplaceSection(path, body string) error {
	old, err := os.ReadFile(path) // #nosec G304 -- the report path the operator passes with -out
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	section := sectionBegin + "\n" + body + sectionEnd + "\n"
	s := string(old)
	i, j := strings.Index(s, sectionBegin), strings.Index(s, sectionEnd)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + section + s[j+len(sectionEnd):]
		s = strings.Replace(s, sectionEnd+"\n\n", sectionEnd+"\n", 1)
	case s == "":
		s = section
	default:
		s = strings.TrimRight(s, "\n") + "\n\n" + section
	}
	return os.WriteFile(path, []byte(s), 0o644) // #nosec G306 G703 -- the benchmark report committed to the repository, public by intent
}
