package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"congquy/internal/auth"
)

// demoRoleLogins are the login prefixes of the demo users, one per role.
var demoRoleLogins = []struct {
	role   auth.Role
	prefix string
}{
	{auth.RoleFinanceOfficer, "ketoan"},
	{auth.RoleChiefAccountant, "ktt"},
	{auth.RoleAssetManager, "taisan"},
	{auth.RoleInspector, "thanhtra"},
	{auth.RoleAdmin, "quantri"},
}

// demoUnitCodes are the codes of the demo units in load order (department first).
func demoUnitCodes() []string {
	codes := []string{"CT-THADS"}
	for _, o := range demoOffices {
		codes = append(codes, o.Code)
	}
	return codes
}

// unitSuffix turns a unit code into the end of a login: CT-THADS → ct, CT-THADS-KV1 → kv1.
func unitSuffix(code string) string {
	if i := strings.LastIndex(code, "-KV"); i >= 0 {
		return strings.ToLower(code[i+1:])
	}
	return "ct"
}

// demoPeople returns the demo users, one per role in every unit, with passwords and names
// drawn deterministically from seed: the same seed always prints the same logins.
func demoPeople(seed uint64) []Login {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995)) // #nosec G404 -- demo data is deterministic from its seed by design; no secret is drawn from it (demo passwords are printed)
	var out []Login
	for _, code := range demoUnitCodes() {
		for _, r := range demoRoleLogins {
			out = append(out, Login{
				Login:    r.prefix + "." + unitSuffix(code),
				Password: demoPassword(rng),
				Role:     r.role,
				Unit:     code,
			})
		}
	}
	return out
}

const demoAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// demoPassword is "Demo-" and three groups of four characters: printed with the demo
// data, never a real credential.
func demoPassword(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("Demo")
	for range 3 {
		b.WriteByte('-')
		for range 4 {
			b.WriteByte(demoAlphabet[rng.IntN(len(demoAlphabet))])
		}
	}
	return b.String()
}

var (
	demoFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Dương", "Lý"}
	demoMiddle = []string{"Văn", "Thị", "Minh", "Ngọc", "Hoàng", "Thanh", "Quốc", "Thu"}
	demoGiven  = []string{"An", "Bình", "Châu", "Dung", "Giang", "Hà", "Khoa", "Lan", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Uyên", "Vy", "Xuân"}
)

// loadUsers creates the demo users through the store (audited like any other change).
// Their passwords are chosen ones, so a newcomer signs in at once; the second factor's
// grace applies to them as to anyone.
func loadUsers(ctx context.Context, l *loader) error {
	byCode := map[string]int64{}
	for _, u := range l.units.All() {
		byCode[u.Code] = u.ID
	}
	people := demoPeople(l.seed)
	for _, p := range people {
		unitID, ok := byCode[p.Unit]
		if !ok {
			return fmt.Errorf("demo user %s: no unit %s", p.Login, p.Unit)
		}
		hash, err := auth.HashPassword(p.Password)
		if err != nil {
			return err
		}
		name := demoFamily[l.rng.IntN(len(demoFamily))] + " " + demoMiddle[l.rng.IntN(len(demoMiddle))] + " " + demoGiven[l.rng.IntN(len(demoGiven))]
		_, err = l.st.CreateUser(ctx, l.actor, auth.UserForm{
			Login: p.Login, FullName: name + " (mẫu)", Email: p.Login + "@congquy.invalid", UnitID: unitID,
			Roles: []auth.Role{p.Role}, Chosen: true,
		}, hash)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", p.Login, err)
		}
	}
	l.sum.Logins = people
	return nil
}

func init() { demoLogins = demoPeople(Seed) }
