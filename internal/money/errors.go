package money

import "congquy/internal/apperr"

// The errors below are what a finance officer sees when an amount is refused; each is a
// fresh *apperr.Error with code Invalid (nothing was changed) and a message in both
// languages. They are functions, not shared values, so that a caller's OnField or Wrap
// can never leak into another request.

func errEmpty() *apperr.Error {
	return apperr.New(apperr.Invalid, "Chưa nhập số tiền.", "The amount is empty.")
}

func errTooLong() *apperr.Error {
	return apperr.Newf(apperr.Invalid,
		"Số tiền quá dài (tối đa %d ký tự).",
		"The amount is too long (at most %d characters).", MaxInputLen)
}

func errTooLarge() *apperr.Error {
	return apperr.Newf(apperr.Invalid,
		"Số tiền quá lớn (tối đa %d chữ số).",
		"The amount is too large (at most %d digits).", MaxDigits)
}

func errFraction() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Số tiền không được có phần lẻ đồng.",
		"Amounts are whole đồng; fractions are not allowed.")
}

func errChar(r rune) *apperr.Error {
	return apperr.Newf(apperr.Invalid,
		"Số tiền có ký tự không hợp lệ %q: chỉ dùng chữ số 0–9, dấu phân cách hàng nghìn và dấu trừ ở đầu.",
		"The amount contains an invalid character %q: use digits 0–9, thousands separators and a leading minus sign.", r)
}

func errSign() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Dấu trừ chỉ được viết một lần, ngay trước chữ số đầu tiên.",
		"A minus sign may appear only once, directly before the first digit.")
}

func errPlus() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Không viết dấu cộng trước số tiền.",
		"Do not write a plus sign before the amount.")
}

func errNoDigits() *apperr.Error {
	return apperr.New(apperr.Invalid, "Số tiền không có chữ số nào.", "The amount has no digits.")
}

func errGrouping() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Số tiền phân cách hàng nghìn sai: nhóm đầu có 1–3 chữ số (không bắt đầu bằng 0), mỗi nhóm sau có đúng 3 chữ số, ví dụ 1.234.567.",
		"Badly grouped amount: the first group has 1–3 digits (not starting with 0) and every later group exactly 3, e.g. 1.234.567.")
}

func errMixedSeparators() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Số tiền dùng lẫn nhiều loại dấu phân cách hàng nghìn.",
		"The amount mixes different thousands separators.")
}

func errNotPositive() *apperr.Error {
	return apperr.New(apperr.Invalid, "Số tiền phải lớn hơn 0.", "The amount must be greater than zero.")
}

func errNegative() *apperr.Error {
	return apperr.New(apperr.Invalid, "Số tiền không được âm.", "The amount must not be negative.")
}

func errDivByZero() *apperr.Error {
	return apperr.New(apperr.Invalid, "Không thể chia cho 0.", "Cannot divide by zero.")
}

func errRatioRange() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Tỷ lệ hoặc số chia nằm ngoài phạm vi cho phép.",
		"The rate or divisor is out of range.")
}

func errParts() *apperr.Error {
	return apperr.Newf(apperr.Invalid,
		"Số phần phải từ 1 đến %d.",
		"The number of parts must be between 1 and %d.", MaxParts)
}

func errWeightNegative(i int) *apperr.Error {
	return apperr.Newf(apperr.Invalid,
		"Trọng số thứ %d bị âm; trọng số phải không âm.",
		"Weight %d is negative; weights must not be negative.", i+1)
}

func errWeightSum() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Tổng các trọng số phải lớn hơn 0.",
		"The weights must add up to more than zero.")
}

func errWeightRange() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Các trọng số chênh lệch nhau quá nhiều bậc thập phân.",
		"The weights differ by too many decimal places.")
}

func errJSONNumber() *apperr.Error {
	return apperr.New(apperr.Invalid,
		`Số tiền phải gửi dưới dạng chuỗi JSON (ví dụ "1234567"), không phải số JSON.`,
		`Amounts travel as JSON strings (e.g. "1234567"), not JSON numbers.`)
}

func errJSONType() *apperr.Error {
	return apperr.New(apperr.Invalid,
		`Số tiền phải là một chuỗi JSON, ví dụ "1234567".`,
		`An amount must be a JSON string, e.g. "1234567".`)
}

func errJSONNull() *apperr.Error {
	return apperr.New(apperr.Invalid,
		"Thiếu số tiền (null).",
		"The amount is missing (null).")
}
