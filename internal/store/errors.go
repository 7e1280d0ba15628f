package store

import (
	"context"
	"database/sql"
	"errors"
	"net"

	"github.com/lib/pq"

	"congquy/internal/apperr"
)

var sqlTxReadOnly = sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// constraintErrors translates database constraint names into errors a user can act on.
// Each area adds its constraints here, next to nothing else: the database holds the
// invariant, this table only explains it.
var constraintErrors = map[string]*apperr.Error{
	"units_code_key":       apperr.New(apperr.Conflict, "Mã đơn vị đã tồn tại.", "A unit with this code already exists.").OnField("code"),
	"units_code_shape":     apperr.New(apperr.Invalid, "Mã đơn vị không hợp lệ.", "The unit code is not valid.").OnField("code"),
	"units_parent_fixed":   apperr.New(apperr.Invalid, "Không thể chuyển đơn vị sang nhánh khác.", "A unit cannot move in the tree."),
	"units_parent_id_fkey": apperr.New(apperr.Invalid, "Đơn vị cấp trên không tồn tại.", "The parent unit does not exist.").OnField("parent_id"),
	"users_login_key":      apperr.New(apperr.Conflict, "Tên đăng nhập đã được dùng.", "This login is taken.").OnField("login"),
	"users_login_shape":    apperr.New(apperr.Invalid, "Tên đăng nhập gồm 2–64 ký tự a–z, 0–9, dấu chấm, gạch ngang, gạch dưới.", "A login is 2–64 characters a–z, 0–9, dot, hyphen or underscore.").OnField("login"),
	// Ledger and audit trail (00200…).
	"journal_entries_reverses_once":  apperr.New(apperr.Conflict, "Bút toán này đã được đảo; mỗi bút toán chỉ đảo một lần.", "This entry has already been reversed; an entry is reversed once."),
	"journal_entries_balanced":       apperr.New(apperr.Invalid, "Bút toán không cân (tổng Nợ khác tổng Có) hoặc thiếu dòng.", "The entry does not balance (debits differ from credits) or lacks lines.").OnField("lines"),
	"journal_entries_period_open":    apperr.New(apperr.PeriodClosed, "Kỳ kế toán đã khóa sổ; không thể ghi sổ vào kỳ này.", "The accounting period is closed; nothing can be posted into it.").OnField("date"),
	"journal_lines_one_side":         apperr.New(apperr.Invalid, "Mỗi dòng ghi đúng một bên, Nợ hoặc Có, với số tiền dương.", "Each line has exactly one side, debit or credit, with a positive amount.").OnField("lines"),
	"journal_lines_same_transaction": apperr.New(apperr.Conflict, "Không thể thêm dòng vào bút toán đã ghi sổ.", "Lines cannot be added to a posted entry."),
	"append_only":                    apperr.New(apperr.Forbidden, "Sổ cái và nhật ký kiểm toán không được sửa hay xóa; hãy lập bút toán đảo.", "The ledger and the audit trail cannot be changed or deleted; post a reversing entry."),
	"period_acts_maker_checker":      apperr.New(apperr.Forbidden, "Người đề nghị không được tự phê duyệt đề nghị mở lại kỳ.", "Whoever proposed a reopening cannot decide it."),
	"period_acts_one_open_proposal":  apperr.New(apperr.Conflict, "Kỳ này đã có một đề nghị mở lại đang chờ duyệt.", "This period already has a reopening proposal awaiting a decision."),
	"accounts_no_overlap":            apperr.New(apperr.Conflict, "Tài khoản đã có một phiên bản hiệu lực trong khoảng thời gian này.", "The account already has a version in force in this time.").OnField("valid_from"),
	"user_roles_in_subtree":          apperr.New(apperr.Invalid, "Vai trò chỉ được giao trong phạm vi đơn vị của người dùng.", "A role can only be granted within the user's own unit and its sub-units.").OnField("unit_id"),
	"user_roles_role_fkey":           apperr.New(apperr.Invalid, "Vai trò không hợp lệ.", "Unknown role.").OnField("roles"),
	"api_tokens_name_check":          apperr.New(apperr.Invalid, "Tên mã truy cập dài 1–100 ký tự.", "A token name is 1–100 characters.").OnField("name"),
	"api_tokens_hash_key":            apperr.New(apperr.Conflict, "Mã truy cập trùng; hãy tạo lại.", "Token collision; create it again."),
}

// translate turns database errors into apperr errors where the user can act on them, and
// leaves everything else to be reported as internal.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		if e, ok := constraintErrors[pqErr.Constraint]; ok {
			return e.Wrap(err)
		}
		switch pqErr.Code.Class() {
		case "08", "57": // connection exception, operator intervention (shutdown)
			return apperr.New(apperr.Unavailable, "Cơ sở dữ liệu tạm thời không sẵn sàng.", "The database is temporarily unavailable.").Wrap(err)
		}
		switch pqErr.Code {
		case "40001", "40P01": // serialization failure, deadlock: safe to retry
			return apperr.New(apperr.Conflict, "Dữ liệu đang được người khác cập nhật; vui lòng thử lại.", "Someone else is changing this record; please try again.").Wrap(err)
		case "55P03": // lock not available
			return apperr.New(apperr.Conflict, "Bản ghi đang bị khóa; vui lòng thử lại.", "The record is locked; please try again.").Wrap(err)
		}
		return err
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, sql.ErrConnDone) {
		return apperr.New(apperr.Unavailable, "Cơ sở dữ liệu tạm thời không sẵn sàng.", "The database is temporarily unavailable.").Wrap(err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return apperr.New(apperr.Unavailable, "Yêu cầu quá thời gian cho phép.", "The request took too long.").Wrap(err)
	}
	return err
}
