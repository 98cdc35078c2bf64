package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResultsPageMatchesResults renders bench/results as `-render` does and compares the page
// with the committed bench/RESULTS.md, so that the page cannot drift from its data.
func TestResultsPageMatchesResults(t *testing.T) {
	root := filepath.Join("..", "..")
	generated, err := renderGenerated(filepath.Join(root, "bench", "results"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "bench", "RESULTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	want := splicePage(page, generated)
	if want == page {
		return
	}
	got, exp := strings.Split(page, "\n"), strings.Split(want, "\n")
	for i := 0; i < min(len(got), len(exp)); i++ {
		if got[i] != exp[i] {
			t.Fatalf("bench/RESULTS.md line %d is not what bench/results renders (go run ./cmd/bench -render updates it):\n got: %s\nwant: %s", i+1, got[i], exp[i])
		}
	}
	t.Fatalf("bench/RESULTS.md has %d lines, bench/results renders %d (go run ./cmd/bench -render updates it)", len(got), len(exp))
}

// TestReportNamesMeasuredScenarios holds the report to the runner: every scenario the
// summary and the targets read is one that scenarios() runs.
func TestReportNamesMeasuredScenarios(t *testing.T) {
	run := map[string]bool{}
	for _, sc := range scenarios(1, 1) {
		run[sc.Name] = true
	}
	for _, name := range []string{scenarioDS1, scenarioDS20, scenarioNoPredict, scenarioPinned, scenarioBefore, scenarioFloor,
		scenarioLabelForeachQ50, scenarioLabelForeachQ200, scenarioLabelSelectorQ50, scenarioLabelSelectorQ200,
		scenarioTaintForeachQ50, scenarioTaintForeachQ200, scenarioTaintSelectorQ50, scenarioTaintSelectorQ200} {
		if !run[name] {
			t.Errorf("scenario %s is not run", name)
		}
	}
	if len(run) != 14 {
		t.Errorf("scenarios() runs %d scenarios, the report names 14", len(run))
	}
}
