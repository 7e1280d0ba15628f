package web

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/budget"
	"congquy/internal/store"
)

// maxCodeFile bounds an uploaded code file.
const maxCodeFile = 2 << 20

// codesData is the classification browser.
type codesData struct {
	Sets       []budget.CodeSet
	Set        budget.CodeSet
	Codes      []budget.Code
	Kinds      []budget.Kind
	Kind       string
	Query      string
	Unverified bool
	Pager      pager
}

// codesList browses the budget classification codes of a set, searchable and paged.
func (s *Server) codesList(c echo.Context) error {
	ctx := c.Request().Context()
	sets, err := s.store.CodeSets(ctx)
	if err != nil {
		return err
	}
	d := codesData{Sets: sets, Kinds: budget.Kinds, Query: clip(c.QueryParam("q"), 100), Unverified: c.QueryParam("unverified") == "1"}
	if k, ok := budget.ParseKind(c.QueryParam("kind")); ok {
		d.Kind = string(k)
	}
	if len(sets) == 0 {
		return s.show(c, "budget/codes", "budget.codes.title", d)
	}
	pg := pageParam(c)
	f := store.CodeFilter{SetID: int64Value(c.QueryParam("set")), Year: s.now().Year(), Kind: d.Kind, Query: d.Query, Unverified: d.Unverified, Page: pg}
	set, codes, total, err := s.store.Codes(ctx, f)
	if apperr.Is(err, apperr.Invalid) { // no set in force this year: show the newest
		f.SetID = sets[0].ID
		set, codes, total, err = s.store.Codes(ctx, f)
	}
	if err != nil {
		return err
	}
	d.Set, d.Codes, d.Pager = set, codes, newPager(c, pg, total)
	return s.show(c, "budget/codes", "budget.codes.title", d)
}

// importData is the import form and its preview.
type importData struct {
	Set       budget.CodeSet
	ValidFrom string
	Codes     []budget.Code
	Errors    []budget.RowError
	Counts    map[budget.Kind]int
	Kinds     []budget.Kind
	Unchecked int
	Content   string // the file, base64, carried to the confirm step
	Problem   *formProblem
	Preview   bool
}

// codesImportForm shows the import form.
func (s *Server) codesImportForm(c echo.Context) error {
	return s.show(c, "budget/codes_import", "budget.import.title", importData{Kinds: budget.Kinds, ValidFrom: itoa(s.now().Year() + 1)})
}

// codesImport previews an uploaded code file (every row checked, nothing written) or,
// on confirmation, imports it all or nothing.
func (s *Server) codesImport(c echo.Context) error {
	d := importData{Kinds: budget.Kinds, ValidFrom: c.FormValue("valid_from"), Set: budget.CodeSet{
		Code: clip(c.FormValue("code"), 32), NameVI: clip(c.FormValue("name_vi"), 300), NameEN: clip(c.FormValue("name_en"), 300),
		LegalBasis: clip(c.FormValue("legal_basis"), 500), ValidFrom: intValue(c.FormValue("valid_from"), 0)}}
	content, err := uploadedCodes(c)
	if err != nil {
		return s.importProblem(c, d, err)
	}
	codes, rowErrs, err := budget.ParseCodeFile(bytes.NewReader(content))
	if err != nil {
		return s.importProblem(c, d, err)
	}
	d.Codes, d.Errors, d.Counts, d.Preview = codes, rowErrs, map[budget.Kind]int{}, true
	for _, code := range codes {
		d.Counts[code.Kind]++
		if !code.Verified {
			d.Unchecked++
		}
	}
	if len(rowErrs) > 0 || c.FormValue("confirm") != "1" {
		d.Content = base64.StdEncoding.EncodeToString(content)
		if len(d.Codes) > 50 {
			d.Codes = d.Codes[:50]
		}
		status := http.StatusOK
		if len(rowErrs) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return s.render(c, status, "budget/codes_import", "", s.newPage(c, "budget.import.title", d))
	}
	set, err := s.store.ImportCodeSet(c.Request().Context(), withRequest(c), d.Set, codes)
	if err != nil {
		return s.importProblem(c, d, err)
	}
	return redirectWith(c, "/budget/codes?set="+itoa64(set.ID), "success", s.cat.T(langOf(c), "budget.import.done", map[string]any{"Count": len(codes), "Code": set.Code}))
}

// uploadedCodes returns the file of the first step, or the content carried to the
// confirm step.
func uploadedCodes(c echo.Context) ([]byte, error) {
	if carried := c.FormValue("content"); carried != "" {
		b, err := base64.StdEncoding.DecodeString(carried)
		if err != nil || len(b) > maxCodeFile {
			return nil, apperr.New(apperr.Invalid, "Nội dung tệp không hợp lệ; hãy tải tệp lên lại.", "The file content is not valid; upload the file again.").OnField("file")
		}
		return b, nil
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "Hãy chọn tệp CSV.", "Choose a CSV file.").OnField("file")
	}
	if fh.Size > maxCodeFile {
		return nil, apperr.New(apperr.Invalid, "Tệp quá lớn (tối đa 2 MB).", "The file is too large (at most 2 MB).").OnField("file")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxCodeFile+1))
}

// importProblem shows the import form again with what is wrong.
func (s *Server) importProblem(c echo.Context, d importData, err error) error {
	p, err := asFormProblem(err, langOf(c))
	if err != nil {
		return err
	}
	d.Problem = p
	return s.render(c, http.StatusUnprocessableEntity, "budget/codes_import", "", s.newPage(c, "budget.import.title", d))
}

// normsData is the list of norms.
type normsData struct {
	Norms []budget.Norm
}

// normsList shows every norm with its legal basis and whether it was verified.
func (s *Server) normsList(c echo.Context) error {
	norms, err := s.store.Norms(c.Request().Context())
	if err != nil {
		return err
	}
	return s.show(c, "budget/norms", "budget.norms.title", normsData{Norms: norms})
}
