package demo

import (
	"context"

	"congquy/internal/org"
)

// units are the demo organisation: the department and its offices, by code.
type units struct {
	Department org.Unit
	Offices    []org.Unit
}

// All returns the department followed by its offices.
func (u units) All() []org.Unit { return append([]org.Unit{u.Department}, u.Offices...) }

// demoOffices are the regional offices of the demo department (invented addresses).
var demoOffices = []org.NewUnit{
	{Code: "CT-THADS-KV1", NameVI: "Phòng Thi hành án dân sự khu vực 1 (dữ liệu mẫu)", NameEN: "Civil Judgment Enforcement Office, Region 1 (demo)", Address: "Số 1 đường Mẫu, phường Ninh Kiều, TP Cần Thơ (địa chỉ mẫu)"},
	{Code: "CT-THADS-KV2", NameVI: "Phòng Thi hành án dân sự khu vực 2 (dữ liệu mẫu)", NameEN: "Civil Judgment Enforcement Office, Region 2 (demo)", Address: "Số 2 đường Mẫu, phường Cái Răng, TP Cần Thơ (địa chỉ mẫu)"},
	{Code: "CT-THADS-KV3", NameVI: "Phòng Thi hành án dân sự khu vực 3 (dữ liệu mẫu)", NameEN: "Civil Judgment Enforcement Office, Region 3 (demo)", Address: "Số 3 đường Mẫu, phường Vị Thanh, TP Cần Thơ (địa chỉ mẫu)"},
	{Code: "CT-THADS-KV4", NameVI: "Phòng Thi hành án dân sự khu vực 4 (dữ liệu mẫu)", NameEN: "Civil Judgment Enforcement Office, Region 4 (demo)", Address: "Số 4 đường Mẫu, phường Sóc Trăng, TP Cần Thơ (địa chỉ mẫu)"},
}

// loadUnits creates the department and its offices.
func loadUnits(ctx context.Context, l *loader) error {
	dept, err := l.st.CreateUnit(ctx, l.actor, org.NewUnit{
		Code: "CT-THADS", Kind: org.KindDepartment,
		NameVI:  "Thi hành án dân sự thành phố Cần Thơ (dữ liệu mẫu)",
		NameEN:  "Can Tho City Civil Judgment Enforcement Department (demo)",
		Address: "Số 0 đường Mẫu, phường Ninh Kiều, TP Cần Thơ (địa chỉ mẫu)",
	})
	if err != nil {
		return err
	}
	l.units.Department = dept
	for _, o := range demoOffices {
		o.ParentID, o.Kind = &dept.ID, org.KindOffice
		u, err := l.st.CreateUnit(ctx, l.actor, o)
		if err != nil {
			return err
		}
		l.units.Offices = append(l.units.Offices, u)
	}
	l.sum.Units = 1 + len(l.units.Offices)
	return nil
}
