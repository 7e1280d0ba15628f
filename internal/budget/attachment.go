package budget

import (
	"bytes"
	"crypto/sha256"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"congquy/internal/apperr"
)

// MaxAttachmentSize is the largest scan a voucher accepts: 10 MB.
const MaxAttachmentSize = 10 << 20

// Attachment is a scanned document of a voucher (hóa đơn, giấy đề nghị thanh toán …),
// kept in the database with the SHA-256 of its content, so that an inspector can prove
// the file shown is the file filed.
type Attachment struct {
	ID          int64     `db:"id" json:"id"`
	VoucherID   int64     `db:"voucher_id" json:"voucher_id"`
	FileName    string    `db:"file_name" json:"file_name"`
	ContentType string    `db:"content_type" json:"content_type"`
	Size        int       `db:"size" json:"size"`
	SHA256      []byte    `db:"sha256" json:"sha256"`
	UploadedBy  string    `db:"uploaded_login" json:"uploaded_by"`
	UploadedAt  time.Time `db:"uploaded_at" json:"uploaded_at"`
}

// magic are the leading bytes of the accepted formats.
var magic = []struct {
	prefix []byte
	ctype  string
}{
	{[]byte("%PDF-"), "application/pdf"},
	{[]byte{0xFF, 0xD8, 0xFF}, "image/jpeg"},
	{[]byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, "image/png"},
}

// CheckAttachment sniffs the content's type from its bytes (never from the name or the
// client's claim), accepts only PDF, JPEG and PNG up to MaxAttachmentSize, and returns
// the type, a clean file name and the content's SHA-256.
func CheckAttachment(name string, content []byte) (ctype, clean string, sum [32]byte, err error) {
	if len(content) == 0 || len(content) > MaxAttachmentSize {
		return "", "", sum, apperr.New(apperr.Invalid, "Tệp đính kèm phải có nội dung và tối đa 10 MB.", "An attachment must not be empty and is at most 10 MB.").OnField("file")
	}
	for _, m := range magic {
		if bytes.HasPrefix(content, m.prefix) {
			ctype = m.ctype
		}
	}
	if ctype == "" {
		return "", "", sum, apperr.New(apperr.Invalid, "Chỉ nhận tệp PDF, JPEG hoặc PNG.", "Only PDF, JPEG or PNG files are accepted.").OnField("file")
	}
	return ctype, cleanName(name), sha256.Sum256(content), nil
}

// cleanName keeps the base of a file name, without control characters, at most 200
// characters; an empty name becomes "tep-dinh-kem".
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == "/" {
		name = "tep-dinh-kem"
	}
	return name
}
