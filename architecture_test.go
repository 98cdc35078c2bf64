package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// ARCHITECTURE.md's package map, held to the packages `go list` sees: every package has a
// row, every row is a package, and every import of a module package is one its row allows.

const architectureFile = "ARCHITECTURE.md"

// architectureMaxLines keeps the page short enough to read in one sitting.
const architectureMaxLines = 180

// mapRow is one row of the package map. Packages are named relative to the module root, the
// root package itself ".".
type mapRow struct {
	line    int
	pkg     string
	imports []string // what its code may import
	tests   []string // what its tests may import besides
	pure    bool     // no Terraform module among its dependencies
}

// goPackage is what the check reads of `go list -json`.
type goPackage struct {
	ImportPath   string
	Doc          string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Deps         []string
}

func TestArchitecturePackageMap(t *testing.T) {
	raw, err := os.ReadFile(architectureFile)
	if err != nil {
		t.Fatal(err)
	}
	module := modulePath(t)
	rows, problems := parsePackageMap(string(raw))
	problems = append(problems, checkPackageMap(module, rows, goList(t))...)
	for _, p := range problems {
		t.Error(p)
	}
}

func TestArchitectureLength(t *testing.T) {
	raw, err := os.ReadFile(architectureFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, []byte("\n")); n >= architectureMaxLines {
		t.Errorf("%s has %d lines; keep it under %d", architectureFile, n, architectureMaxLines)
	}
}

// TestPackageComments: every package says what it is, in the comment go doc shows.
func TestPackageComments(t *testing.T) {
	module := modulePath(t)
	for _, p := range goList(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("%s has no package comment: add `// Package %s ...` (or `// Command ...`) above its package clause",
				relative(module, p.ImportPath), p.ImportPath[strings.LastIndex(p.ImportPath, "/")+1:])
		}
	}
}

// TestCheckPackageMap: the check reports each kind of drift, with the change to make.
func TestCheckPackageMap(t *testing.T) {
	const module = "example.com/m"
	doc := "# A\n\n## Package map\n\n| package | owns | may import |\n|---|---|---|\n" +
		"| `.` | main | internal/a |\n" +
		"| `internal/a` | a | internal/b; tests: internal/c |\n" +
		"| `internal/b` | b | none; pure |\n" +
		"| `internal/gone` | moved away | none |\n" +
		"| `internal/c` | c | internal/nowhere |\n" +
		"| `internal/d` | d | internal/a; sometimes |\n" +
		"\n## Next\n"
	pkgs := []goPackage{
		{ImportPath: module, Imports: []string{module + "/internal/a", "fmt"}},
		{ImportPath: module + "/internal/a", Imports: []string{module + "/internal/b", module + "/internal/c"},
			XTestImports: []string{module + "/internal/a", module + "/internal/c", module + "/internal/new"}},
		{ImportPath: module + "/internal/b", Deps: []string{"github.com/hashicorp/terraform-plugin-framework/diag"}},
		{ImportPath: module + "/internal/c"},
		{ImportPath: module + "/internal/d"},
		{ImportPath: module + "/internal/new", Imports: []string{module + "/internal/b"}, TestImports: []string{module + "/internal/a"}},
	}
	rows, problems := parsePackageMap(doc)
	problems = append(problems, checkPackageMap(module, rows, pkgs)...)
	want := []string{
		"ARCHITECTURE.md:12: `sometimes` in the may-import cell of internal/d",
		"ARCHITECTURE.md:8: internal/a imports internal/c, which its row does not allow; if it should, the cell becomes: internal/b, internal/c; tests: internal/c",
		"ARCHITECTURE.md:8: the tests of internal/a import internal/new, which its row does not allow; if they should, the cell becomes: internal/b; tests: internal/c, internal/new",
		"ARCHITECTURE.md:9: internal/b is marked pure but depends on github.com/hashicorp/terraform-plugin-framework/diag",
		"ARCHITECTURE.md:10: internal/gone is not a package of the module (moved or removed?): delete or rename its row",
		"ARCHITECTURE.md:11: internal/c may import internal/nowhere, which is not a package of the module: remove it from the cell",
		"internal/new has no row in ARCHITECTURE.md's package map; add one: | `internal/new` | <what it owns> | internal/b; tests: internal/a |",
	}
	for _, w := range want {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, w) }) {
			t.Errorf("no problem reported starting with\n  %s\ngot:\n  %s", w, strings.Join(problems, "\n  "))
		}
	}
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d:\n  %s", len(problems), len(want), strings.Join(problems, "\n  "))
	}

	rows, problems = parsePackageMap("# A\n\nno map here\n")
	if len(rows) != 0 || len(problems) != 1 {
		t.Errorf("a page without a package map: rows %v, problems %q", rows, problems)
	}
}

var mapHeading = regexp.MustCompile(`(?m)^## Package map[ \t]*$`)

// parsePackageMap reads the table under "## Package map": | `pkg` | owns | may import |,
// the last cell "none" or a comma list, then optionally "; tests: <list>" and "; pure".
func parsePackageMap(doc string) ([]mapRow, []string) {
	loc := mapHeading.FindStringIndex(doc)
	if loc == nil {
		return nil, []string{architectureFile + " has no \"## Package map\" section"}
	}
	first := strings.Count(doc[:loc[1]], "\n") + 1
	var rows []mapRow
	var problems []string
	inTable := false
	for i, line := range strings.Split(doc[loc[1]:], "\n") {
		num := first + i
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if inTable || strings.HasPrefix(line, "#") {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		if cells[0] == "package" || strings.Trim(cells[0], "-: ") == "" {
			continue // the header and the separator
		}
		where := fmt.Sprintf("%s:%d: ", architectureFile, num)
		if len(cells) != 3 {
			problems = append(problems, where+"a row has three cells: | `package` | what it owns | may import |")
			continue
		}
		row := mapRow{line: num, pkg: strings.Trim(cells[0], "`")}
		for k, part := range strings.Split(cells[2], ";") {
			part = strings.TrimSpace(part)
			switch {
			case k == 0 && part == "none":
			case k == 0:
				row.imports = names(part)
			case part == "pure":
				row.pure = true
			case strings.HasPrefix(part, "tests:"):
				row.tests = names(strings.TrimPrefix(part, "tests:"))
			default:
				problems = append(problems, fmt.Sprintf("%s`%s` in the may-import cell of %s: after the list come only `tests: <list>` and `pure`",
					where, part, row.pkg))
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, architectureFile+": the package map has no rows")
	}
	return rows, problems
}

func names(list string) []string {
	var out []string
	for _, n := range strings.Split(list, ",") {
		if n = strings.Trim(strings.TrimSpace(n), "`"); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// checkPackageMap compares the rows with the packages, naming the row and the change to make.
func checkPackageMap(module string, rows []mapRow, pkgs []goPackage) []string {
	var problems []string
	byPkg := map[string]*goPackage{}
	for i := range pkgs {
		byPkg[relative(module, pkgs[i].ImportPath)] = &pkgs[i]
	}
	rowOf := map[string]mapRow{}
	for _, r := range rows {
		where := fmt.Sprintf("%s:%d: ", architectureFile, r.line)
		if _, dup := rowOf[r.pkg]; dup {
			problems = append(problems, where+r.pkg+" has a second row: keep one")
			continue
		}
		rowOf[r.pkg] = r
		p := byPkg[r.pkg]
		if p == nil {
			problems = append(problems, where+r.pkg+" is not a package of the module (moved or removed?): delete or rename its row")
			continue
		}
		for _, n := range append(slices.Clone(r.imports), r.tests...) {
			if byPkg[n] == nil {
				problems = append(problems, fmt.Sprintf("%s%s may import %s, which is not a package of the module: remove it from the cell", where, r.pkg, n))
			}
		}
		code := moduleImports(module, p.Imports, r.pkg)
		for _, n := range code {
			if !slices.Contains(r.imports, n) {
				fixed := r
				fixed.imports = sortedUnion(r.imports, []string{n})
				problems = append(problems, fmt.Sprintf("%s%s imports %s, which its row does not allow; if it should, the cell becomes: %s",
					where, r.pkg, n, cell(fixed)))
			}
		}
		for _, n := range moduleImports(module, append(slices.Clone(p.TestImports), p.XTestImports...), r.pkg) {
			// An import of the code too is reported once, above.
			if !slices.Contains(r.imports, n) && !slices.Contains(r.tests, n) && !slices.Contains(code, n) {
				fixed := r
				fixed.tests = sortedUnion(r.tests, []string{n})
				problems = append(problems, fmt.Sprintf("%sthe tests of %s import %s, which its row does not allow; if they should, the cell becomes: %s",
					where, r.pkg, n, cell(fixed)))
			}
		}
		if r.pure {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "github.com/hashicorp/terraform-") {
					problems = append(problems, fmt.Sprintf("%s%s is marked pure but depends on %s (go list -deps): drop that import, or `pure` from its row",
						where, r.pkg, d))
					break
				}
			}
		}
	}
	for _, p := range pkgs {
		rel := relative(module, p.ImportPath)
		if _, ok := rowOf[rel]; ok {
			continue
		}
		code := moduleImports(module, p.Imports, rel)
		var tests []string
		for _, n := range moduleImports(module, append(slices.Clone(p.TestImports), p.XTestImports...), rel) {
			if !slices.Contains(code, n) {
				tests = append(tests, n)
			}
		}
		problems = append(problems, fmt.Sprintf("%s has no row in %s's package map; add one: | `%s` | <what it owns> | %s |",
			rel, architectureFile, rel, cell(mapRow{imports: code, tests: tests})))
	}
	return problems
}

// cell renders a row's may-import cell.
func cell(r mapRow) string {
	s := "none"
	if len(r.imports) > 0 {
		s = strings.Join(r.imports, ", ")
	}
	if len(r.tests) > 0 {
		s += "; tests: " + strings.Join(r.tests, ", ")
	}
	if r.pure {
		s += "; pure"
	}
	return s
}

// moduleImports keeps the module's packages among imports, relative, sorted, without self.
func moduleImports(module string, imports []string, self string) []string {
	var out []string
	for _, imp := range imports {
		if imp != module && !strings.HasPrefix(imp, module+"/") {
			continue
		}
		if rel := relative(module, imp); rel != self {
			out = append(out, rel)
		}
	}
	return sortedUnion(out)
}

func sortedUnion(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func relative(module, importPath string) string {
	if importPath == module {
		return "."
	}
	return strings.TrimPrefix(importPath, module+"/")
}

func modulePath(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("go.mod names no module")
	}
	return string(m[1])
}

// goList runs `go list -json ./...` once: the module's packages with their imports, the
// imports of their tests and their dependencies (go list -deps).
func goList(t *testing.T) []goPackage {
	t.Helper()
	pkgs, err := listPackages()
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

var listPackages = sync.OnceValues(func() ([]goPackage, error) {
	cmd := exec.Command("go", "list", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w\n%s", err, stderr.String())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, errors.New("go list found no packages")
	}
	return pkgs, nil
})

// TestArchitecturePrivateState: the private-state table names exactly the keys the code reads
// and writes, each under the packages that do.
func TestArchitecturePrivateState(t *testing.T) {
	raw, err := os.ReadFile(architectureFile)
	if err != nil {
		t.Fatal(err)
	}
	used, problems := privateKeysInCode(t, "internal")
	problems = append(problems, checkPrivateState(string(raw), used)...)
	for _, p := range problems {
		t.Error(p)
	}
}

// TestCheckPrivateState: a key missing from the table, a row no code uses and a package the
// row does not name are each reported.
func TestCheckPrivateState(t *testing.T) {
	doc := "## Private state\n\n| key | package | layout |\n|---|---|---|\n" +
		"| `a` | `internal/x` | v1 |\n| `gone` | `internal/x` | v1 |\n\n## Next\n"
	used := map[string][]string{"a": {"internal/x", "internal/y"}, "new": {"internal/z"}}
	want := []string{
		"private-state key \"a\" is used in internal/y, which its row does not name",
		"private-state key \"gone\" has a row but no code reads or writes it",
		"private-state key \"new\" (internal/z) has no row in ARCHITECTURE.md's private-state table",
	}
	if got := checkPrivateState(doc, used); !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var privateHeading = regexp.MustCompile(`(?m)^## Private state[ \t]*$`)

// checkPrivateState compares the table under "## Private state" (key and packages in the first
// two cells, in backticks) with the keys used per package.
func checkPrivateState(doc string, used map[string][]string) []string {
	loc := privateHeading.FindStringIndex(doc)
	if loc == nil {
		return []string{architectureFile + " has no \"## Private state\" section"}
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(doc[loc[1]:], "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		key := strings.Trim(strings.TrimSpace(cells[1]), "`")
		for _, p := range strings.Split(cells[2], ",") {
			rows[key] = append(rows[key], strings.Trim(strings.TrimSpace(p), "`"))
		}
	}
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(mergeKeys(rows, used))) {
		named, ok := rows[key]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("private-state key %q (%s) has no row in %s's private-state table",
				key, strings.Join(used[key], ", "), architectureFile))
		case len(used[key]) == 0:
			problems = append(problems, fmt.Sprintf("private-state key %q has a row but no code reads or writes it", key))
		default:
			for _, p := range used[key] {
				if !slices.Contains(named, p) {
					problems = append(problems, fmt.Sprintf("private-state key %q is used in %s, which its row does not name", key, p))
				}
			}
		}
	}
	return problems
}

func mergeKeys(a, b map[string][]string) map[string]bool {
	all := map[string]bool{}
	for k := range a {
		all[k] = true
	}
	for k := range b {
		all[k] = true
	}
	return all
}

// privateKeysInCode finds every GetKey and SetKey call outside tests under root and resolves
// its key, a string constant of the package or a literal, to the packages that use it.
func privateKeysInCode(t *testing.T, root string) (map[string][]string, []string) {
	t.Helper()
	type call struct {
		pkg string
		arg ast.Expr
		at  token.Position
	}
	fset := token.NewFileSet()
	consts := map[string]map[string]string{} // package dir -> constant -> value
	var calls []call
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if consts[pkg] == nil {
			consts[pkg] = map[string]string{}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) {
						if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[pkg][name.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "GetKey" || sel.Sel.Name == "SetKey") && len(n.Args) >= 2 {
					calls = append(calls, call{pkg, n.Args[1], fset.Position(n.Pos())})
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	used := map[string][]string{}
	var problems []string
	for _, c := range calls {
		key, ok := "", false
		switch arg := c.arg.(type) {
		case *ast.Ident:
			key, ok = consts[c.pkg][arg.Name]
		case *ast.BasicLit:
			key, _ = strconv.Unquote(arg.Value)
			ok = arg.Kind == token.STRING
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: a private-state key that is not a string constant of its package", c.at))
			continue
		}
		if !slices.Contains(used[key], c.pkg) {
			used[key] = append(used[key], c.pkg)
		}
	}
	return used, problems
}
