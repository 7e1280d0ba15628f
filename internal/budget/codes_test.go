package budget

import (
	"strings"
	"testing"

	"congquy/internal/apperr"
)

func TestCodeShapes(t *testing.T) {
	cases := []struct {
		kind   Kind
		code   string
		parent string
		span   int
		ok     bool
	}{
		// Chương: 3 digits, 001–989 by level (Art. 2.2.a).
		{KindChapter, "014", "", 0, true},
		{KindChapter, "418", "", 0, true},
		{KindChapter, "989", "", 0, true},
		{KindChapter, "990", "", 0, false},
		{KindChapter, "000", "", 0, false},
		{KindChapter, "14", "", 0, false},
		{KindChapter, "0140", "", 0, false},
		{KindChapter, "01a", "", 0, false},
		// Loại: round tens (Art. 3.2.a).
		{KindSection, "340", "", 0, true},
		{KindSection, "010", "", 0, true},
		{KindSection, "341", "", 0, false},
		{KindSection, "000", "", 0, false},
		// Khoản: loại + 1..9 (Art. 3.2.b).
		{KindSubsection, "341", "340", 0, true},
		{KindSubsection, "349", "340", 0, true},
		{KindSubsection, "340", "340", 0, false},
		{KindSubsection, "351", "340", 0, false},
		{KindSubsection, "341", "", 0, true},
		// Mục: 4 digits, round tens (Art. 4.2.a).
		{KindGroup, "6700", "", 0, true},
		{KindGroup, "6550", "", 0, true},
		{KindGroup, "6701", "", 0, false},
		{KindGroup, "670", "", 0, false},
		// Tiểu mục: within the 50 values after the mục, 20 for borrowing (Art. 4.2.b).
		{KindItem, "6701", "6700", 50, true},
		{KindItem, "6749", "6700", 50, true},
		{KindItem, "6751", "6700", 50, false},
		{KindItem, "6700", "6700", 50, false},
		{KindItem, "6699", "6700", 50, false},
		{KindItem, "0819", "0800", 20, true},
		{KindItem, "0821", "0800", 20, false},
		{KindItem, "6710", "6700", 50, false}, // a units digit of 0 is a mục, not a tiểu mục
		// Nguồn and cấp (Art. 6.2, 7.2).
		{KindSource, "01", "", 0, true},
		{KindSource, "50", "", 0, true},
		{KindSource, "02", "", 0, false},
		{KindLevel, "1", "", 0, true},
		{KindLevel, "4", "", 0, true},
		{KindLevel, "5", "", 0, false},
		{KindLevel, "0", "", 0, false},
		{Kind("planet"), "1", "", 0, false},
	}
	for _, c := range cases {
		err := ValidateShape(c.kind, c.code, c.parent, c.span)
		if (err == nil) != c.ok {
			t.Errorf("%s %q (parent %q): err = %v, want ok=%v", c.kind, c.code, c.parent, err, c.ok)
		}
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || e.VI == "" || e.EN == "" {
				t.Errorf("%s %q: error %v lacks an Invalid code or a message in both languages", c.kind, c.code, err)
			}
		}
	}
}

func TestChapterLevel(t *testing.T) {
	cases := map[string]Level{"001": LevelCentral, "399": LevelCentral, "400": LevelProvincial,
		"599": LevelProvincial, "600": LevelDistrict, "799": LevelDistrict, "800": LevelCommune, "989": LevelCommune}
	for code, want := range cases {
		if got, err := ChapterLevel(code); err != nil || got != want {
			t.Errorf("ChapterLevel(%s) = %d, %v; want %d", code, got, err, want)
		}
	}
}

func TestParseClassification(t *testing.T) {
	good := map[string]string{"014-341-6701": "014-341-6701", " 014.341.6701 ": "014-341-6701",
		"418/341/6501": "418-341-6501", "014 341 6701": "014-341-6701"}
	for in, want := range good {
		c, err := ParseClassification(in)
		if err != nil || c.String() != want || c.Section != "340" {
			t.Errorf("ParseClassification(%q) = %+v, %v; want %s in section 340", in, c, err, want)
		}
	}
	for _, in := range []string{"", "014-341", "014-340-6701", "014-341-6700", "999-341-6701",
		"014-341-6701-01", "１４-341-6701", strings.Repeat("1", 1000)} {
		if _, err := ParseClassification(in); err == nil {
			t.Errorf("ParseClassification(%q) accepted", in)
		}
	}
}

func FuzzParseClassification(f *testing.F) {
	for _, s := range []string{"014-341-6701", "418.341.6501", "", "999-999-9999", "0-0-0", "014--341-6701"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClassification(s)
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("error is not an apperr: %v", err)
			}
			return
		}
		// Whatever is accepted has valid shapes and reads back the same.
		c.Group = c.Item[:3] + "0"
		if c.Item[:3] != "000" {
			c.Source, c.Level = "01", 1
			if err := c.ValidateShape(SpanRegular); err != nil {
				t.Fatalf("accepted %q but its shape is invalid: %v", s, err)
			}
		}
		again, err := ParseClassification(c.String())
		if err != nil || again.String() != c.String() {
			t.Fatalf("round trip of %q: %q, %v", s, again.String(), err)
		}
	})
}

func TestParseCodeFile(t *testing.T) {
	good := "kind,code,parent,name_vi,name_en,verified,source,span\n" +
		"section,340,,Hoạt động QLNN,Public administration,true,TT324 Điều 3.3\n" +
		"subsection,341,340,Quản lý hành chính,Administration,false,chưa xác minh\n" +
		"group,6700,,Công tác phí,Travel,false,chưa xác minh,50\n" +
		"item,6701,6700,Tiền vé,Tickets,false,chưa xác minh\n" +
		"source,01,,Trong nước,Domestic,true,TT324 Điều 6.2\n"
	codes, errs, err := ParseCodeFile(strings.NewReader(good))
	if err != nil || len(errs) != 0 || len(codes) != 5 {
		t.Fatalf("good file: %d codes, errors %+v, err %v", len(codes), errs, err)
	}
	if codes[2].Span != 50 || codes[1].Verified || !codes[0].Verified {
		t.Fatalf("parsed codes: %+v", codes)
	}
	bad := "kind,code,parent,name_vi,name_en,verified,source\n" +
		"section,341,,X,X,true,s\n" + // not a round ten
		"subsection,351,340,X,X,true,s\n" + // loại 340 missing
		"item,6701,6700,X,X,maybe,s\n" + // bad verified
		"group,6700,,,X,true,s\n" + // no name
		"source,02,,X,X,true,s\n" + // not 01/50
		"level,1,,X,X,true,s\n" +
		"level,1,,X,X,true,s\n" // duplicate
	_, errs, err = ParseCodeFile(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[int]bool{}
	for _, e := range errs {
		rows[e.Row] = true
		if e.VI == "" || e.EN == "" {
			t.Errorf("row error lacks a message: %+v", e)
		}
	}
	for _, r := range []int{2, 3, 4, 5, 6, 8} {
		if !rows[r] {
			t.Errorf("row %d not reported; errors: %+v", r, errs)
		}
	}
	if _, _, err := ParseCodeFile(strings.NewReader("kind,code\nitem,6701\n")); err == nil {
		t.Error("a file without the required columns was accepted")
	}
}
