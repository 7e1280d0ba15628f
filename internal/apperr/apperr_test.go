package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	base := New(Invalid, "Sai.", "Wrong.")
	e := base.OnField("amount").Wrap(errors.New("cause"))
	if base.Field != "" || base.Err != nil {
		t.Fatal("OnField/Wrap changed the original")
	}
	wrapped := fmt.Errorf("saving: %w", e)
	if CodeOf(wrapped) != Invalid || !Is(wrapped, Invalid) {
		t.Fatalf("code of wrapped = %s", CodeOf(wrapped))
	}
	got, ok := As(wrapped)
	if !ok || got.Field != "amount" || got.Message("en") != "Wrong." || got.Message("vi") != "Sai." || got.Message("") != "Sai." {
		t.Fatalf("As = %+v", got)
	}
	if CodeOf(errors.New("plain")) != Internal || CodeOf(nil) != "" {
		t.Fatal("plain errors are internal, nil has no code")
	}
	if e.Error() != "invalid: Wrong.: cause" {
		t.Fatalf("Error() = %q", e.Error())
	}
	nf := NotFoundf("đơn vị", "unit")
	if nf.VI != "Không tìm thấy đơn vị." || nf.EN != "No such unit." {
		t.Fatalf("NotFoundf = %+v", nf)
	}
}
