package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// nodeRun is every result at one node count; bench/results/n<N>.json holds the latest.
type nodeRun struct {
	Nodes        int       `json:"nodes"`
	Started      time.Time `json:"started"`
	Machine      Machine   `json:"machine"`
	SetupSeconds float64   `json:"cluster_setup_seconds"`
	Results      []Result  `json:"results"`
}

// mergeNodeRun stores nr's results over the stored ones at the same node count: scenarios
// measured now replace their earlier results, the others are kept (runs with -only).
func mergeNodeRun(dir string, nr *nodeRun) error {
	path := filepath.Join(dir, fmt.Sprintf("n%d.json", nr.Nodes))
	merged := *nr
	if raw, err := os.ReadFile(path); err == nil {
		var old nodeRun
		if err := json.Unmarshal(raw, &old); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		now := map[string]bool{}
		for _, r := range nr.Results {
			now[r.Scenario] = true
		}
		merged.Results = nil
		for _, r := range old.Results {
			if !now[r.Scenario] {
				merged.Results = append(merged.Results, r)
			}
		}
		merged.Results = append(merged.Results, nr.Results...)
		sort.SliceStable(merged.Results, func(i, j int) bool {
			return scenarioOrder(merged.Results[i].Scenario) < scenarioOrder(merged.Results[j].Scenario)
		})
	}
	return writeJSON(path, &merged)
}

// scenarioOrder places a scenario as scenarios() lists it (at one node, every form is listed).
func scenarioOrder(name string) int {
	for i, sc := range scenarios(1, 1) {
		if sc.Name == name {
			return i
		}
	}
	return 1 << 20
}

func loadNodeRuns(dir string) ([]*nodeRun, error) {
	files, err := filepath.Glob(filepath.Join(dir, "n*.json"))
	if err != nil {
		return nil, err
	}
	var runs []*nodeRun
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var nr nodeRun
		if err := json.Unmarshal(raw, &nr); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		runs = append(runs, &nr)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Nodes < runs[j].Nodes })
	return runs, nil
}

func (nr *nodeRun) find(scenario, step string) *Result {
	for i := range nr.Results {
		r := &nr.Results[i]
		if r.Scenario == scenario && r.Step == step && r.Error == "" {
			return r
		}
	}
	return nil
}

// nodePages is how many requests one paginated node LIST takes (internal/kube lists 500 a page).
func nodePages(nodes int) int { return (nodes + 499) / 500 }

// nodeLists converts "list nodes" requests into whole LISTs of every node.
func nodeLists(r *Result, nodes int) float64 {
	return float64(r.Requests["list nodes"]) / float64(nodePages(nodes))
}

func formatRequests(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func mib(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

// renderNodeTable is every command measured at one node count.
func renderNodeTable(nr *nodeRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %d nodes\n\n", nr.Nodes)
	fmt.Fprintf(&b, "Measured %s; cluster start and node creation took %.0f s.\n\n", nr.Started.Format("2006-01-02 15:04 UTC"), nr.SetupSeconds)
	if earlier := earlierRuns(nr); earlier != "" {
		b.WriteString("Kept from earlier runs (a run with -only measures some scenarios and keeps the others' results): " + earlier + ".\n\n")
	}
	b.WriteString("| scenario | resources | qps/burst | step | wall s | CPU s: all (provider) | API requests | by verb and resource | rate-limit wait s (requests) | provider peak MiB (processes) | terraform peak MiB | load avg |\n")
	b.WriteString("|---|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|\n")
	for _, r := range nr.Results {
		res := fmt.Sprintf("%d x %s", r.Resources, strings.TrimPrefix(r.Kind, "k8sfleet_"))
		if r.Form != "count" {
			res += " (" + r.Form + ")"
		}
		if r.Kind == "k8sfleet_daemonset" {
			if r.Pinned {
				res += ", one node each"
			} else {
				res += ", every node (no pods)"
			}
			if !r.Predict {
				res += ", predict_placement = false"
			}
		}
		wall := fmt.Sprintf("%.2f", r.WallSeconds)
		if len(r.WallRuns) > 1 {
			runs := make([]string, len(r.WallRuns))
			for i, w := range r.WallRuns {
				runs[i] = fmt.Sprintf("%.2f", w)
			}
			wall += " (fastest of " + strings.Join(runs, ", ") + ")"
		}
		if r.Error != "" {
			wall += " FAILED: " + strings.ReplaceAll(firstLine(r.Error), "|", "/")
		}
		procs := mib(r.ProviderPeakMiB)
		if r.ProviderProcesses > 0 {
			procs += fmt.Sprintf(" (%d)", r.ProviderProcesses)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d | %s | %.2f (%d) | %s | %s | %.1f |\n",
			r.Scenario, res, r.QPS, r.Step, wall, cpuText(&r), r.TotalRequests(), formatRequests(r.Requests),
			r.RateLimitWaitSeconds, r.RateLimitWaits, procs, mib(r.TerraformPeakMiB), r.LoadAvg)
	}
	b.WriteString("\n")
	return b.String()
}

// earlierRuns names the scenarios whose results are older than the run's start, with the days
// they were measured on.
func earlierRuns(nr *nodeRun) string {
	var days []string
	byDay := map[string][]string{}
	for _, r := range nr.Results {
		at, err := time.Parse(time.RFC3339, r.Measured)
		if err != nil || !at.Before(nr.Started.Truncate(time.Second)) {
			continue
		}
		day := at.Format("2006-01-02")
		if len(byDay[day]) == 0 {
			days = append(days, day)
		}
		if !slices.Contains(byDay[day], r.Scenario) {
			byDay[day] = append(byDay[day], r.Scenario)
		}
	}
	var parts []string
	for _, day := range days {
		parts = append(parts, strings.Join(byDay[day], ", ")+" on "+day)
	}
	return strings.Join(parts, "; ")
}

// summary is one row of the cross-node-count table.
type summary struct {
	label string
	value func(nr *nodeRun) string
}

func wallOf(scenario, step string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		if r := nr.find(scenario, step); r != nil {
			return fmt.Sprintf("%.2f", r.WallSeconds)
		}
		return "-"
	}
}

func diffOf(a, b, step string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		ra, rb := nr.find(a, step), nr.find(b, step)
		if ra == nil || rb == nil {
			return "-"
		}
		return fmt.Sprintf("%+.2f", ra.WallSeconds-rb.WallSeconds)
	}
}

// cpuText is a command's CPU seconds, all processes and (in parentheses) the provider's.
func cpuText(r *Result) string {
	if r == nil || r.CPUSeconds == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f (%.1f)", r.CPUSeconds, r.ProviderCPUSeconds)
}

func cpuOf(scenario, step string) func(*nodeRun) string {
	return func(nr *nodeRun) string { return cpuText(nr.find(scenario, step)) }
}

func cpuDiffOf(a, b, step string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		ra, rb := nr.find(a, step), nr.find(b, step)
		if ra == nil || rb == nil || ra.CPUSeconds == 0 || rb.CPUSeconds == 0 {
			return "-"
		}
		return fmt.Sprintf("%+.2f (provider %+.2f)", ra.CPUSeconds-rb.CPUSeconds, ra.ProviderCPUSeconds-rb.ProviderCPUSeconds)
	}
}

func ratioOf(a, b, step string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		ra, rb := nr.find(a, step), nr.find(b, step)
		if ra == nil || rb == nil || rb.WallSeconds == 0 {
			return "-"
		}
		out := fmt.Sprintf("%.2fx (wait %.1f s)", ra.WallSeconds/rb.WallSeconds, ra.RateLimitWaitSeconds)
		if ra.CPUSeconds > 0 && rb.CPUSeconds > 0 {
			out += fmt.Sprintf("; CPU %.2fx", ra.CPUSeconds/rb.CPUSeconds)
		}
		return out
	}
}

func withWait(scenario, step string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		if r := nr.find(scenario, step); r != nil {
			return fmt.Sprintf("%.2f (wait %.1f s)", r.WallSeconds, r.RateLimitWaitSeconds)
		}
		return "-"
	}
}

// stateOf is the state file's size after the refresh that follows the apply.
func stateOf(scenario string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		r := nr.find(scenario, stepRefresh.Name)
		if r == nil || r.StateBytes == 0 {
			return "-"
		}
		per := float64(r.StateBytes) / float64(nr.Nodes) / float64(max(r.Resources, 1))
		return fmt.Sprintf("%d (%.1f)", r.StateBytes, per)
	}
}

// perNodeDS is a state file's bytes per node per resource.
func perNodeDS(r *Result, nodes int) float64 {
	return float64(r.StateBytes) / float64(nodes) / float64(max(r.Resources, 1))
}

// stateRatio is the first scenario's state file after the refresh as a share of the second's.
func stateRatio(a, b string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		ra, rb := nr.find(a, stepRefresh.Name), nr.find(b, stepRefresh.Name)
		if ra == nil || rb == nil || ra.StateBytes == 0 || rb.StateBytes == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(ra.StateBytes)/float64(rb.StateBytes))
	}
}

// stateAdded is what the first scenario's state holds beyond the second's, per node per resource.
func stateAdded(a, b string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		ra, rb := nr.find(a, stepRefresh.Name), nr.find(b, stepRefresh.Name)
		if ra == nil || rb == nil || ra.StateBytes == 0 || rb.StateBytes == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f", float64(ra.StateBytes-rb.StateBytes)/float64(nr.Nodes)/float64(max(ra.Resources, 1)))
	}
}

// planRatio judges the 5,000-node plan of 20 DaemonSets with prediction against the same plan
// without, in CPU seconds (steadier than wall time on a shared machine); limit 0 only reports.
func planRatio(step string, limit float64) func(runs []*nodeRun) (string, string) {
	return func(runs []*nodeRun) (string, string) {
		nr := byNodes(runs, 5000)
		if nr == nil {
			return notMeasured, ""
		}
		a, b := nr.find(scenarioDS20, step), nr.find(scenarioNoPredict, step)
		if a == nil || b == nil || a.CPUSeconds == 0 || b.CPUSeconds == 0 {
			return notMeasured, ""
		}
		ratio := a.CPUSeconds / b.CPUSeconds
		fig := fmt.Sprintf("CPU %.2fx (%.1f s against %.1f s; provider %.1f s against %.1f s); wall %.2fx (%.2f s against %.2f s, load average %.1f and %.1f)",
			ratio, a.CPUSeconds, b.CPUSeconds, a.ProviderCPUSeconds, b.ProviderCPUSeconds,
			a.WallSeconds/b.WallSeconds, a.WallSeconds, b.WallSeconds, a.LoadAvg, b.LoadAvg)
		if before := nr.find(scenarioBefore, step); before != nil && before.CPUSeconds > 0 {
			fig += fmt.Sprintf("; the provider before issue 13: CPU %.1f s, wall %.2f s", before.CPUSeconds, before.WallSeconds)
		}
		if limit == 0 {
			return "reported", fig
		}
		return verdict(ratio <= limit), fig
	}
}

// peakOfScenario is the largest provider memory of one scenario's commands.
func peakOfScenario(scenario string) func(*nodeRun) string {
	return func(nr *nodeRun) string {
		peak := 0.0
		for _, r := range nr.Results {
			if r.Scenario == scenario {
				peak = max(peak, r.ProviderPeakMiB)
			}
		}
		return mib(peak)
	}
}

func peakOf(nr *nodeRun) string {
	peak, which := 0.0, ""
	for _, r := range nr.Results {
		if r.Scenario != scenarioBefore && r.ProviderPeakMiB > peak {
			peak, which = r.ProviderPeakMiB, r.Scenario+" "+r.Step
		}
	}
	if peak == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f (%s)", peak, which)
}

var summaries = []summary{
	{"1 DaemonSet: plan (create)", wallOf(scenarioDS1, stepPlanCreate.Name)},
	{"1 DaemonSet: apply", wallOf(scenarioDS1, stepApplyPlan.Name)},
	{"1 DaemonSet: plan (no change)", wallOf(scenarioDS1, stepPlanSame.Name)},
	{"20 DaemonSets: plan (create)", wallOf(scenarioDS20, stepPlanCreate.Name)},
	{"20 DaemonSets: plan (create), predict_placement = false", wallOf(scenarioNoPredict, stepPlanCreate.Name)},
	{"**prediction's cost in the 20-DaemonSet create plan**", diffOf(scenarioDS20, scenarioNoPredict, stepPlanCreate.Name)},
	{"prediction's cost in the 20-DaemonSet create plan, CPU seconds", cpuDiffOf(scenarioDS20, scenarioNoPredict, stepPlanCreate.Name)},
	{"20 DaemonSets: apply", wallOf(scenarioDS20, stepApplyPlan.Name)},
	{"20 DaemonSets: plan (no change)", wallOf(scenarioDS20, stepPlanSame.Name)},
	{"20 DaemonSets: plan (no change), predict_placement = false", wallOf(scenarioNoPredict, stepPlanSame.Name)},
	{"**prediction's cost in the 20-DaemonSet no-change plan**", diffOf(scenarioDS20, scenarioNoPredict, stepPlanSame.Name)},
	{"prediction's cost in the 20-DaemonSet no-change plan, CPU seconds", cpuDiffOf(scenarioDS20, scenarioNoPredict, stepPlanSame.Name)},
	{"20 DaemonSets: plan (update: toleration on 10 nodes)", wallOf(scenarioDS20, stepPlanUpdate.Name)},
	{"20 DaemonSets: plan (update: toleration on 10 nodes), predict_placement = false", wallOf(scenarioNoPredict, stepPlanUpdate.Name)},
	{"**update plan with / without prediction**", ratioOf(scenarioDS20, scenarioNoPredict, stepPlanUpdate.Name)},
	{"**no-change plan with / without prediction**", ratioOf(scenarioDS20, scenarioNoPredict, stepPlanSame.Name)},
	{"**create plan with / without prediction**", ratioOf(scenarioDS20, scenarioNoPredict, stepPlanCreate.Name)},
	{"20 DaemonSets: plan (no change), CPU seconds", cpuOf(scenarioDS20, stepPlanSame.Name)},
	{"20 DaemonSets: plan (no change), predict_placement = false, CPU seconds", cpuOf(scenarioNoPredict, stepPlanSame.Name)},
	{"20 DaemonSets: plan (update: toleration on 10 nodes), CPU seconds", cpuOf(scenarioDS20, stepPlanUpdate.Name)},
	{"20 DaemonSets: plan (update: toleration on 10 nodes), predict_placement = false, CPU seconds", cpuOf(scenarioNoPredict, stepPlanUpdate.Name)},
	{"20 DaemonSets: state file after the refresh, bytes (per node per DaemonSet)", stateOf(scenarioDS20)},
	{"20 pinned DaemonSets: state file after the refresh, bytes (per node per DaemonSet)", stateOf(scenarioPinned)},
	{"20 DaemonSets, predict_placement = false: state file after the refresh, bytes (per node per DaemonSet)", stateOf(scenarioNoPredict)},
	{"20 DaemonSets, the provider before issue 13 (-before): state file after the refresh, bytes (per node per DaemonSet)", stateOf(scenarioBefore)},
	{"**20 DaemonSets: state file after the refresh, share of the provider before issue 13's**", stateRatio(scenarioDS20, scenarioBefore)},
	{"20 DaemonSets: what prediction adds to the state file, bytes per node per DaemonSet", stateAdded(scenarioDS20, scenarioNoPredict)},
	{"20 DaemonSets, the provider before issue 13: what prediction added, bytes per node per DaemonSet", stateAdded(scenarioBefore, scenarioNoPredict)},
	{"20 DaemonSets, the provider before issue 13: plan (create)", wallOf(scenarioBefore, stepPlanCreate.Name)},
	{"20 DaemonSets, the provider before issue 13: plan (no change)", wallOf(scenarioBefore, stepPlanSame.Name)},
	{"20 DaemonSets, the provider before issue 13: plan (no change), CPU seconds", cpuOf(scenarioBefore, stepPlanSame.Name)},
	{"20 DaemonSets, the provider before issue 13: plan (update: toleration on 10 nodes), CPU seconds", cpuOf(scenarioBefore, stepPlanUpdate.Name)},
	{"20 pinned DaemonSets: plan (create)", wallOf(scenarioPinned, stepPlanCreate.Name)},
	{"20 pinned DaemonSets: apply (waits for the rollout)", wallOf(scenarioPinned, stepApplyPlan.Name)},
	{"20 pinned DaemonSets: plan (no change)", wallOf(scenarioPinned, stepPlanSame.Name)},
	{"**prediction's cost in the pinned 20-DaemonSet no-change plan** (vs. the plan without prediction)", diffOf(scenarioPinned, scenarioNoPredict, stepPlanSame.Name)},
	{"prediction's cost in the pinned 20-DaemonSet no-change plan, CPU seconds", cpuDiffOf(scenarioPinned, scenarioNoPredict, stepPlanSame.Name)},
	{"node LISTs (requests) in the 20-DaemonSet no-change plan", func(nr *nodeRun) string {
		if r := nr.find(scenarioDS20, stepPlanSame.Name); r != nil {
			return fmt.Sprintf("%.0f (%d)", nodeLists(r, nr.Nodes), r.Requests["list nodes"])
		}
		return "-"
	}},
	{"DaemonSet GETs in the 20-DaemonSet no-change plan", func(nr *nodeRun) string {
		if r := nr.find(scenarioDS20, stepPlanSame.Name); r != nil {
			return fmt.Sprint(r.Requests["get daemonsets"])
		}
		return "-"
	}},
	{"terraform_data x N, for_each: apply (Terraform's floor)", wallOf(scenarioFloor, stepApply.Name)},
	{"terraform_data x N, for_each: apply, CPU seconds", cpuOf(scenarioFloor, stepApply.Name)},
	{"node_label x N, for_each: apply, qps 50, CPU seconds (provider)", cpuOf(scenarioLabelForeachQ50, stepApply.Name)},
	{"node_label x N, for_each: apply, qps 50", withWait(scenarioLabelForeachQ50, stepApply.Name)},
	{"node_label x N, for_each: apply, qps 200", withWait(scenarioLabelForeachQ200, stepApply.Name)},
	{"**node_label for_each / floor, qps 50**", ratioOf(scenarioLabelForeachQ50, scenarioFloor, stepApply.Name)},
	{"**node_label for_each / floor, qps 200**", ratioOf(scenarioLabelForeachQ200, scenarioFloor, stepApply.Name)},
	{"node_taint x N, for_each: apply, qps 50", withWait(scenarioTaintForeachQ50, stepApply.Name)},
	{"node_taint x N, for_each: apply, qps 200", withWait(scenarioTaintForeachQ200, stepApply.Name)},
	{"**node_taint for_each / floor, qps 50**", ratioOf(scenarioTaintForeachQ50, scenarioFloor, stepApply.Name)},
	{"**node_taint for_each / floor, qps 200**", ratioOf(scenarioTaintForeachQ200, scenarioFloor, stepApply.Name)},
	{"terraform_data x N, for_each: plan (no change)", wallOf(scenarioFloor, stepPlanSame.Name)},
	{"node_label x N, for_each: plan (no change), qps 50", wallOf(scenarioLabelForeachQ50, stepPlanSame.Name)},
	{"node_label label_selector: apply, qps 50", withWait(scenarioLabelSelectorQ50, stepApply.Name)},
	{"**node_label label_selector: apply, qps 200**", withWait(scenarioLabelSelectorQ200, stepApply.Name)},
	{"node_label label_selector: plan (no change), qps 200", wallOf(scenarioLabelSelectorQ200, stepPlanSame.Name)},
	{"node_label label_selector: destroy, qps 200", wallOf(scenarioLabelSelectorQ200, stepDestroy.Name)},
	{"node_taint label_selector: apply, qps 50", withWait(scenarioTaintSelectorQ50, stepApply.Name)},
	{"node_taint label_selector: apply, qps 200", withWait(scenarioTaintSelectorQ200, stepApply.Name)},
	{"node_taint label_selector: destroy, qps 200", wallOf(scenarioTaintSelectorQ200, stepDestroy.Name)},
	{"**provider peak memory, MiB (run)**", peakOf},
	{"provider peak memory of the 20 DaemonSets with prediction, MiB", peakOfScenario(scenarioDS20)},
	{"provider peak memory of the 20 DaemonSets, the provider before issue 13, MiB", peakOfScenario(scenarioBefore)},
}

func renderSummary(runs []*nodeRun) string {
	var b strings.Builder
	b.WriteString("| wall seconds unless stated |")
	for _, nr := range runs {
		fmt.Fprintf(&b, " %d nodes |", nr.Nodes)
	}
	b.WriteString("\n|---|")
	for range runs {
		b.WriteString("--:|")
	}
	b.WriteString("\n")
	for _, s := range summaries {
		row, measured := fmt.Sprintf("| %s |", s.label), false
		for _, nr := range runs {
			v := s.value(nr)
			measured = measured || v != "-"
			row += " " + v + " |"
		}
		if measured {
			b.WriteString(row + "\n")
		}
	}
	return b.String()
}

// renderRuns is the summary and every per-node-count table.
func renderRuns(runs []*nodeRun) string {
	var b strings.Builder
	b.WriteString("## Summary\n\n")
	b.WriteString(renderSummary(runs))
	b.WriteString("\n## Every command\n\n")
	for _, nr := range runs {
		b.WriteString(renderNodeTable(nr))
	}
	return b.String()
}

func byNodes(runs []*nodeRun, n int) *nodeRun {
	for _, nr := range runs {
		if nr.Nodes == n {
			return nr
		}
	}
	return nil
}

// target is one of the issues' targets, judged from the stored results.
type target struct {
	name  string
	judge func(runs []*nodeRun) (met string, figure string)
}

const notMeasured = "not measured"

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

var targets = []target{
	{"A 20-DaemonSet no-change plan at 5,000 nodes takes at most 1.2x the CPU time of the same plan with predict_placement = false (issue 13)",
		planRatio(stepPlanSame.Name, 1.2)},
	{"A 20-DaemonSet update plan (a toleration affecting 10 of the 5,000 nodes) takes at most 1.2x, likewise (issue 13)",
		planRatio(stepPlanUpdate.Name, 1.2)},
	{"The 20-DaemonSet create plan at 5,000 nodes, likewise (issue 13: reported, no target)", planRatio(stepPlanCreate.Name, 0)},
	{"The state file of 20 DaemonSets at 5,000 nodes after the refresh that follows the apply is at most a quarter of what the provider before issue 13 wrote (issue 13)",
		func(runs []*nodeRun) (string, string) {
			nr := byNodes(runs, 5000)
			if nr == nil {
				return notMeasured, ""
			}
			now, before := nr.find(scenarioDS20, stepRefresh.Name), nr.find(scenarioBefore, stepRefresh.Name)
			if now == nil || before == nil || now.StateBytes == 0 || before.StateBytes == 0 {
				return notMeasured, ""
			}
			ratio := float64(now.StateBytes) / float64(before.StateBytes)
			return verdict(ratio <= 0.25), fmt.Sprintf("%d bytes against %d = %.1f%% (%.1f against %.1f bytes per node per DaemonSet)",
				now.StateBytes, before.StateBytes, 100*ratio, perNodeDS(now, nr.Nodes), perNodeDS(before, nr.Nodes))
		}},
	{"A no-change plan of 20 DaemonSets makes at most one node LIST and one GET per DaemonSet", func(runs []*nodeRun) (string, string) {
		ok, measured := true, false
		var parts []string
		for _, nr := range runs {
			for _, sc := range []string{scenarioDS20, scenarioPinned} {
				r := nr.find(sc, stepPlanSame.Name)
				if r == nil {
					continue
				}
				measured = true
				lists, gets := nodeLists(r, nr.Nodes), r.Requests["get daemonsets"]
				ok = ok && lists <= 1 && gets <= 20 && r.TotalRequests() == gets+r.Requests["list nodes"]
				parts = append(parts, fmt.Sprintf("%d nodes, %s: %.0f LIST (%d pages), %d GET daemonsets, %d requests in all",
					nr.Nodes, sc, lists, r.Requests["list nodes"], gets, r.TotalRequests()))
			}
		}
		if !measured {
			return notMeasured, ""
		}
		return verdict(ok), strings.Join(parts, "; ")
	}},
	{"Labeling 1,000 nodes with one label_selector resource takes under 10 s end to end at qps 200", func(runs []*nodeRun) (string, string) {
		nr := byNodes(runs, 1000)
		if nr == nil {
			return notMeasured, ""
		}
		r, r50 := nr.find(scenarioLabelSelectorQ200, stepApply.Name), nr.find(scenarioLabelSelectorQ50, stepApply.Name)
		if r == nil {
			return notMeasured, ""
		}
		fig := fmt.Sprintf("%.2f s at qps 200 (rate-limit wait %.1f s; CPU %.1f s, provider %.1f s; load average %.1f)",
			r.WallSeconds, r.RateLimitWaitSeconds, r.CPUSeconds, r.ProviderCPUSeconds, r.LoadAvg)
		if r50 != nil {
			fig += fmt.Sprintf("; %.2f s at the default qps 50 (wait %.1f s)", r50.WallSeconds, r50.RateLimitWaitSeconds)
		}
		return verdict(r.WallSeconds < 10), fig
	}},
	{"The for_each form stays within 1.5x of Terraform's own floor (terraform_data) at 1,000 nodes", func(runs []*nodeRun) (string, string) {
		nr := byNodes(runs, 1000)
		if nr == nil {
			return notMeasured, ""
		}
		floor := nr.find(scenarioFloor, stepApply.Name)
		if floor == nil {
			return notMeasured, ""
		}
		ok := true
		parts := []string{fmt.Sprintf("floor %.1f s", floor.WallSeconds)}
		for _, sc := range []string{scenarioLabelForeachQ50, scenarioLabelForeachQ200, scenarioTaintForeachQ50, scenarioTaintForeachQ200} {
			r := nr.find(sc, stepApply.Name)
			if r == nil {
				ok = false
				parts = append(parts, sc+" failed or missing")
				continue
			}
			ratio := r.WallSeconds / floor.WallSeconds
			ok = ok && ratio <= 1.5
			part := fmt.Sprintf("%s %.1f s = %.2fx (rate-limit wait %.1f s", sc, r.WallSeconds, ratio, r.RateLimitWaitSeconds)
			if r.CPUSeconds > 0 && floor.CPUSeconds > 0 {
				part += fmt.Sprintf("; CPU %.1f s vs %.1f s = %.2fx, provider %.1f s", r.CPUSeconds, floor.CPUSeconds,
					r.CPUSeconds/floor.CPUSeconds, r.ProviderCPUSeconds)
			}
			parts = append(parts, part+")")
		}
		return verdict(ok), strings.Join(parts, "; ")
	}},
	{"Provider peak memory at 5,000 nodes no worse than the 190 MiB measured before issue 13 (issue 13; issue 6: under 200 MiB)", func(runs []*nodeRun) (string, string) {
		nr := byNodes(runs, 5000)
		if nr == nil {
			return notMeasured, ""
		}
		peak := 0.0
		for _, r := range nr.Results {
			if r.Scenario != scenarioBefore {
				peak = max(peak, r.ProviderPeakMiB)
			}
		}
		return verdict(peak > 0 && peak <= 190), peakOf(nr) + " MiB"
	}},
}

func renderTargets(runs []*nodeRun) string {
	var b strings.Builder
	b.WriteString("| target | | measured |\n|---|---|---|\n")
	for _, t := range targets {
		met, fig := t.judge(runs)
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.name, met, fig)
	}
	return b.String()
}

func renderGoBench(dir string) string {
	raw, err := os.ReadFile(filepath.Join(dir, "placement.json"))
	if err != nil {
		return "Not run yet.\n"
	}
	var g goBenchResult
	if err := json.Unmarshal(raw, &g); err != nil {
		return "Unreadable: " + err.Error() + "\n"
	}
	var lines []string
	for _, l := range strings.Split(g.Output, "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "cpu:") {
			lines = append(lines, l)
		}
	}
	return fmt.Sprintf("`%s`, %s (`internal/placement/placement_bench_test.go`: one DaemonSet template, "+
		"and 20 templates, over 5,000 nodes with realistic labels and taints):\n\n```\n%s\n```\n",
		g.Command, g.Ran.Format("2006-01-02"), strings.Join(lines, "\n"))
}

const (
	beginMarker = "<!-- BEGIN bench: generated by `make bench` from bench/results/*.json; edits inside are overwritten -->"
	endMarker   = "<!-- END bench -->"
)

const defaultPage = `# Fleet-scale benchmarks

` + "`make bench`" + ` (cmd/bench) starts the local control plane with N fake nodes and times real terraform
runs against it. See the notes below the figures for what each target means and why it is met or not.

` + beginMarker + "\n" + endMarker + `

## Notes

`

// renderPage rewrites the generated part of the results page from every stored result and
// returns that part.
func renderPage(c config) (string, error) {
	generated, err := renderGenerated(c.resultsDir)
	if err != nil {
		return "", err
	}
	page := defaultPage
	if raw, err := os.ReadFile(c.page); err == nil {
		page = string(raw)
	}
	if err := os.WriteFile(c.page, []byte(splicePage(page, generated)), 0o644); err != nil {
		return "", err
	}
	fmt.Printf("bench: updated %s\n", c.page)
	return generated, nil
}

// splicePage replaces the generated part of page (between the markers, which it adds at the
// end when they are missing) with generated.
func splicePage(page, generated string) string {
	i, j := strings.Index(page, beginMarker), strings.Index(page, endMarker)
	if i < 0 || j < i {
		page = strings.TrimRight(page, "\n") + "\n\n" + beginMarker + "\n" + endMarker + "\n"
		i, j = strings.Index(page, beginMarker), strings.Index(page, endMarker)
	}
	return page[:i] + generated + page[j+len(endMarker):]
}

// renderGenerated is the generated part of the results page, markers included, from every
// result stored in dir.
func renderGenerated(dir string) (string, error) {
	runs, err := loadNodeRuns(dir)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(beginMarker + "\n\n")
	b.WriteString("## Machine\n\n")
	for _, nr := range runs {
		fmt.Fprintf(&b, "- %d nodes, %s: %s\n", nr.Nodes, nr.Started.Format("2006-01-02"), nr.Machine.String())
	}
	b.WriteString("\nEvery terraform command runs with its default `-parallelism=10`; the provider is built from the commit named above into a " +
		"filesystem mirror of the run's own. CPU s is the CPU time (user and system) of terraform and the provider " +
		"processes it started, with the provider's share in parentheses: on a shared machine it varies far less " +
		"than the wall time. Rate-limit wait is the provider's time blocked in its client " +
		"rate limiter, summed over requests (concurrent waits overlap, so it can exceed the wall time). Provider " +
		"peak memory is the largest VmHWM/VmRSS of any terraform-provider-k8sfleet process terraform started, " +
		"sampled from /proc every 100 ms. A node LIST of N nodes takes ceil(N/500) requests (pages). The machine is " +
		"shared with other work: each command's row gives the 1-minute load average before it ran, and each " +
		"DaemonSet plan runs three times, the fastest counting.\n\n" +
		"Two DaemonSet shapes: *every node* is a typical fleet agent that selects every node (the last 10 nodes carry a " +
		"taint it tolerates only in the update plan); it lives in a namespace with a ResourceQuota of zero pods, because 20 " +
		"DaemonSets on 5,000 fake nodes would be 100,000 pods, more than this machine holds, so its apply does " +
		"not wait for a rollout. *Pinned* DaemonSets run on one node each (node_selector on the hostname), their " +
		"pod really runs and apply waits for the rollout, and N-1 nodes are excluded (one reason, with the " +
		"provider before issue 13 an entry per node in excluded_nodes). The prediction's cost is the plan's wall time " +
		"minus that of the same 20 DaemonSets with `predict_placement = false`.\n\n")
	b.WriteString("## Targets\n\n")
	b.WriteString(renderTargets(runs))
	b.WriteString("\n")
	b.WriteString(renderRuns(runs))
	b.WriteString("## Go benchmark: placement at 5,000 nodes\n\n")
	b.WriteString(renderGoBench(dir))
	b.WriteString("\n" + endMarker)
	return b.String(), nil
}
