package store

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"testing"
)

// sqlMethods are the database methods whose query argument must be constant text.
var sqlMethods = map[string]bool{
	"Exec": true, "ExecContext": true, "Get": true, "GetContext": true, "Select": true,
	"SelectContext": true, "Query": true, "QueryContext": true, "QueryRow": true,
	"QueryRowContext": true, "Queryx": true, "QueryxContext": true, "QueryRowx": true,
	"QueryRowxContext": true, "NamedExec": true, "NamedExecContext": true, "NamedQuery": true,
	"NamedQueryContext": true, "MustExec": true, "MustExecContext": true, "Prepare": true,
	"PrepareContext": true, "Preparex": true, "PreparexContext": true, "PrepareNamed": true,
	"PrepareNamedContext": true,
}

// Every query string the store gives the database is constant text or a query built from
// constant fragments (TESTING.md row 25): no request data ever becomes SQL.
func TestQueriesAreConstant(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check("congquy/internal/store", fset, files, info); err != nil {
		t.Fatalf("type-check store: %v", err)
	}
	checked := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			// sqlText(x) must only ever convert constants.
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "sqlText" && len(call.Args) == 1 {
				if info.Types[call.Args[0]].Value == nil {
					t.Errorf("%s: sqlText(…) of a non-constant", fset.Position(call.Pos()))
				}
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !sqlMethods[sel.Sel.Name] || len(call.Args) == 0 {
				return true
			}
			arg := queryArg(call, info)
			if arg == nil {
				return true
			}
			checked++
			if !constantSQL(arg, info) {
				t.Errorf("%s: %s called with a query that is not constant text", fset.Position(arg.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked < 5 {
		t.Fatalf("only %d database calls found: the check is not looking at the right code", checked)
	}
}

// queryArg returns the query argument: the first string-typed argument.
func queryArg(call *ast.CallExpr, info *types.Info) ast.Expr {
	for _, a := range call.Args {
		tv := info.Types[a]
		if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			return a
		}
	}
	return nil
}

// constantSQL reports whether e is constant text, (*query).String(), or string(x) of a
// sqlText x (which only ever holds constant text, checked above).
func constantSQL(e ast.Expr, info *types.Info) bool {
	if info.Types[e].Value != nil {
		return true
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "string" && len(call.Args) == 1 {
		named, ok := info.Types[call.Args[0]].Type.(*types.Named)
		return ok && named.Obj().Name() == "sqlText"
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "String" {
		return false
	}
	ptr, ok := info.Types[sel.X].Type.(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := ptr.Elem().(*types.Named)
	return ok && named.Obj().Name() == "query"
}
