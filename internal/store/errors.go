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
	// Budget and expenditure (migrations 00300…).
	"budget_code_sets_code_key":      apperr.New(apperr.Conflict, "Bộ mục lục với mã này đã tồn tại.", "A classification set with this code already exists.").OnField("code"),
	"budget_code_sets_no_overlap":    apperr.New(apperr.Conflict, "Năm áp dụng trùng với một bộ mục lục khác bắt đầu muộn hơn.", "The years overlap with another classification set that starts later.").OnField("valid_from"),
	"budget_lines_key":               apperr.New(apperr.Conflict, "Đơn vị đã có dòng dự toán với phân loại và loại kinh phí này trong năm.", "The unit already has a budget line with this classification and funding type for the year."),
	"budget_lines_available":         apperr.New(apperr.InsufficientBudget, "Dòng dự toán không còn đủ dự toán khả dụng.", "The budget line does not have enough available."),
	"budget_lines_net_estimate":      apperr.New(apperr.InsufficientBudget, "Dự toán của dòng không thể âm.", "A line's estimate cannot be negative."),
	"budget_lines_allocated_sign":    apperr.New(apperr.InsufficientBudget, "Dự toán được giao của dòng không thể âm.", "A line's allocation cannot be negative."),
	"budget_lines_withheld_sign":     apperr.New(apperr.Invalid, "Số giữ lại của dòng không thể âm.", "A line's withheld amount cannot be negative."),
	"budget_lines_committed_sign":    apperr.New(apperr.InsufficientBudget, "Số cam kết của dòng không thể âm.", "A line's committed amount cannot be negative."),
	"budget_lines_spent_sign":        apperr.New(apperr.InsufficientBudget, "Số đã chi của dòng không thể âm.", "A line's spent amount cannot be negative."),
	"budget_lines_parent_scope":      apperr.New(apperr.Invalid, "Dòng giới hạn phải là dòng của đơn vị cấp trên, cùng năm ngân sách.", "The capping line must be a line of a parent unit, same fiscal year.").OnField("parent_line_id"),
	"budget_lines_open_empty":        apperr.New(apperr.Invalid, "Dòng dự toán mở với số tiền bằng 0; dự toán được giao bằng quyết định.", "A budget line opens with zero amounts; the estimate comes by decision."),
	"budget_decisions_maker_checker": apperr.New(apperr.Forbidden, "Người lập không được tự duyệt (nguyên tắc hai người).", "The drafter cannot approve their own record (maker-checker)."),
	"budget_decisions_frozen":        apperr.New(apperr.Conflict, "Quyết định đã duyệt hoặc từ chối không thể thay đổi.", "A decided decision cannot change."),
	"commitments_within_amount":      apperr.New(apperr.InsufficientBudget, "Số đã thanh toán và giải phóng vượt giá trị cam kết.", "Consumed and released would exceed the commitment."),
	"commitments_maker_checker":      apperr.New(apperr.Forbidden, "Người lập không được tự duyệt (nguyên tắc hai người).", "The drafter cannot approve their own record (maker-checker)."),
	"vouchers_maker_checker":         apperr.New(apperr.Forbidden, "Người lập không được tự duyệt (nguyên tắc hai người).", "The drafter cannot approve their own record (maker-checker)."),
	"vouchers_posted_immutable":      apperr.New(apperr.Conflict, "Chứng từ đã ghi sổ không thể thay đổi; hãy lập bút toán đảo.", "A posted voucher cannot change; reverse it instead."),
	"vouchers_approved_immutable":    apperr.New(apperr.Conflict, "Chứng từ đã duyệt chỉ có thể được ghi sổ.", "An approved voucher can only be posted."),
	"vouchers_transition":            apperr.New(apperr.Conflict, "Chứng từ không thể chuyển sang trạng thái này.", "The voucher cannot move to this state."),
	"vouchers_not_draft":             apperr.New(apperr.Conflict, "Chỉ sửa được chứng từ đang ở trạng thái nháp.", "Only a draft voucher can be edited."),
	"voucher_attachments_once":       apperr.New(apperr.Conflict, "Tệp này đã được đính kèm chứng từ.", "This file is already attached to the voucher.").OnField("file"),
	"voucher_attachments_size_check": apperr.New(apperr.Invalid, "Tệp đính kèm tối đa 10 MB.", "An attachment is at most 10 MB.").OnField("file"),
	"voucher_attachments_type_check": apperr.New(apperr.Invalid, "Chỉ nhận tệp PDF, JPEG hoặc PNG.", "Only PDF, JPEG or PNG files are accepted.").OnField("file"),
	"norms_code_key":                 apperr.New(apperr.Conflict, "Định mức với mã này đã tồn tại.", "A norm with this code already exists.").OnField("code"),
	"idempotency_keys_key_shape":     apperr.New(apperr.Invalid, "Idempotency-Key dài 8–128 ký tự chữ, số, . _ : -.", "An Idempotency-Key is 8–128 letters, digits, . _ : or -."),
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
