package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/store"
)

// Idempotency keys: the same key and request is done once, even concurrently; the same
// key with another request is a conflict.
func TestIdempotencyKeys(t *testing.T) {
	f := mustBudgetFixture(t)
	l := f.mustFundedLines(t, 1, 1_000_000)[0]
	k := store.Idempotency{UserID: f.officeMaker.UserID, Key: "key-00000001", RequestHash: sha256.Sum256([]byte("body-1"))}
	ctx := store.WithIdempotency(context.Background(), k)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, replays := 0, 0
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.st.CreateVoucher(ctx, f.officeMaker, voucher(l.UnitID, map[int64]int64{l.ID: 5}))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, store.ErrReplay):
				replays++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if created != 1 || replays != 2 {
		t.Fatalf("created %d, replays %d; want 1 and 2", created, replays)
	}
	r, found, err := f.st.LookupIdempotent(context.Background(), k, 0)
	if err != nil || !found || r.Entity != "voucher" || r.EntityID == "" {
		t.Fatalf("lookup: %+v %v %v", r, found, err)
	}
	if err := f.st.SaveIdempotentReply(context.Background(), k, 201, []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := f.st.LookupIdempotent(context.Background(), k, time.Second); r.Status != 201 || string(r.Body) != `{"id":1}` {
		t.Fatalf("stored reply: %+v", r)
	}
	other := k
	other.RequestHash = sha256.Sum256([]byte("body-2"))
	_, err = f.st.CreateVoucher(store.WithIdempotency(context.Background(), other), f.officeMaker, voucher(l.UnitID, map[int64]int64{l.ID: 6}))
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("same key, other body: %v", err)
	}
	// A request that fails leaves the key free.
	failing := store.Idempotency{UserID: f.officeMaker.UserID, Key: "key-00000002", RequestHash: sha256.Sum256([]byte("x"))}
	if _, err := f.st.CreateVoucher(store.WithIdempotency(context.Background(), failing), f.officeMaker, voucher(l.UnitID, map[int64]int64{999999: 6})); err == nil {
		t.Fatal("a bad voucher was created")
	}
	if _, found, _ := f.st.LookupIdempotent(context.Background(), failing, 0); found {
		t.Fatal("a failed request kept its key")
	}
	mustNoViolations(t, f.st)
}

// Attachments: only PDF/JPEG/PNG by content, hashed, only on drafts.
func TestAttachments(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	l := f.mustFundedLines(t, 1, 1_000)[0]
	v, err := f.st.CreateVoucher(ctx, f.officeMaker, voucher(l.UnitID, map[int64]int64{l.ID: 5}))
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n% test scan\n")
	a, err := f.st.AddAttachment(ctx, f.officeMaker, v.ID, `C:\scans\hoa-don.pdf`, pdf)
	sum := sha256.Sum256(pdf)
	if err != nil || a.ContentType != "application/pdf" || a.FileName != "hoa-don.pdf" || string(a.SHA256) != string(sum[:]) {
		t.Fatalf("attach: %+v %v", a, err)
	}
	if _, err := f.st.AddAttachment(ctx, f.officeMaker, v.ID, "x.pdf", []byte("<html>not a pdf")); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("html disguised as pdf: %v", err)
	}
	if _, err := f.st.AddAttachment(ctx, f.officeMaker, v.ID, "again.pdf", pdf); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("same file twice: %v", err)
	}
	got, content, err := f.st.AttachmentContent(ctx, f.checker, v.ID, a.ID)
	if err != nil || string(content) != string(pdf) || got.Size != len(pdf) {
		t.Fatalf("read back: %v", err)
	}
	other := mustUser(t, f.owner, f.offices[1].ID, "other-office", "finance_officer")
	if _, _, err := f.st.AttachmentContent(ctx, other, v.ID, a.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("another office reading the scan: %v", err)
	}
	if _, err := f.st.SubmitVoucher(ctx, f.officeMaker, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RemoveAttachment(ctx, f.officeMaker, v.ID, a.ID); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("removing a submitted voucher's scan: %v", err)
	}
}
