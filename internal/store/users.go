package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/org"
)

// UserRow is one user in a list, with its unit's code and names.
type UserRow struct {
	auth.User
	UnitCode   string `db:"unit_code"`
	UnitNameVI string `db:"unit_name_vi"`
	UnitNameEN string `db:"unit_name_en"`
}

// UnitName returns the user's unit name in the language.
func (u UserRow) UnitName(lang string) string {
	return org.Unit{NameVI: u.UnitNameVI, NameEN: u.UnitNameEN}.Name(lang)
}

// GrantRow is one role a user holds, with the unit it is held on.
type GrantRow struct {
	auth.Grant
	UnitCode   string `db:"unit_code"`
	UnitNameVI string `db:"unit_name_vi"`
	UnitNameEN string `db:"unit_name_en"`
}

// UnitName returns the grant's unit name in the language.
func (g GrantRow) UnitName(lang string) string {
	return org.Unit{NameVI: g.UnitNameVI, NameEN: g.UnitNameEN}.Name(lang)
}

// UserDetail is one user as an administrator sees it: its unit, roles and history.
type UserDetail struct {
	UserRow
	Roles   []GrantRow
	History []UserEvent
}

// UserEvent is one audit event in a user's history list.
type UserEvent struct {
	ID         int64     `db:"id"`
	At         time.Time `db:"at"`
	ActorLogin string    `db:"actor_login"`
	Action     string    `db:"action"`
	RequestID  string    `db:"request_id"`
	IP         string    `db:"ip"`
}

// UserFilter narrows the users list. Within (the scope roots) is required: the list never
// shows users outside the administrator's subtrees.
type UserFilter struct {
	Within []int64
	Query  string // login, name or e-mail, case-insensitively
	UnitID int64  // only users of this unit's subtree; 0 for all in scope
	Status string // "active", "disabled" or "" for both
	Sort   string // "login", "name", "unit" or "" (login)
	Page   Page
}

const userColumns = `u.id, u.unit_id, u.login, u.full_name, u.email, u.lang, u.disabled_at, u.created_at,
	u.must_change_password, u.first_login_at, u.last_login_at, u.totp_enabled_at, u.session_epoch`

const userRowColumns = userColumns + `, n.code AS unit_code, n.name_vi AS unit_name_vi, n.name_en AS unit_name_en`

var userOrders = map[string]sqlText{"login": "u.login", "name": "u.full_name, u.login", "unit": "n.code, u.login"}

// ListUsers returns one page of the users in scope and how many match the filter.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]UserRow, int, error) {
	where := func(q *query) *query {
		q.add("WHERE u.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY(?))", pqInt64s(nonNil(f.Within)))
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q.add("AND (u.login ILIKE ? OR u.full_name ILIKE ? OR u.email ILIKE ?)", like, like, like)
		}
		if f.UnitID != 0 {
			q.add("AND u.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
		}
		switch f.Status {
		case "active":
			q.add("AND u.disabled_at IS NULL")
		case "disabled":
			q.add("AND u.disabled_at IS NOT NULL")
		}
		return q
	}
	var rows []UserRow
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		count := where(newQuery("SELECT count(*) FROM users u"))
		if err := t.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		list := where(newQuery(`SELECT `+userRowColumns+` FROM users u JOIN units n ON n.id = u.unit_id`)).
			orderBy(userOrders, f.Sort, "u.login").page(f.Page)
		return t.SelectContext(ctx, &rows, list.String(), list.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return rows, total, nil
}

// User returns one user in the actor's users.manage scope, with its roles and history;
// a user outside the scope is not found.
func (s *Store) User(ctx context.Context, actor auth.Actor, id int64) (UserDetail, error) {
	return s.userDetail(ctx, id, actor.Scope(auth.PermUsersManage))
}

func (s *Store) userDetail(ctx context.Context, id int64, scope []int64) (UserDetail, error) {
	var d UserDetail
	err := s.read(ctx, func(t *sqlx.Tx) error {
		err := t.GetContext(ctx, &d.UserRow, `SELECT `+userRowColumns+` FROM users u JOIN units n ON n.id = u.unit_id
			WHERE u.id = $1 AND u.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY($2))`,
			id, pqInt64s(nonNil(scope)))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("người dùng", "user")
		}
		if err != nil {
			return fmt.Errorf("get user %d: %w", id, err)
		}
		if err := t.SelectContext(ctx, &d.Roles, `SELECT r.role, r.unit_id, n.code AS unit_code, n.name_vi AS unit_name_vi, n.name_en AS unit_name_en
			FROM user_roles r JOIN units n ON n.id = r.unit_id JOIN roles o ON o.code = r.role
			WHERE r.user_id = $1 ORDER BY n.code, o.ord`, id); err != nil {
			return fmt.Errorf("roles of user %d: %w", id, err)
		}
		for _, g := range d.Roles {
			d.Grants = append(d.Grants, g.Grant)
		}
		return t.SelectContext(ctx, &d.History, `SELECT id, at, actor_login, action, request_id, ip FROM audit_events
			WHERE entity = 'user' AND entity_id = $1 ORDER BY id DESC LIMIT 50`, fmt.Sprint(id))
	})
	return d, err
}

// CreateUser adds a user in a unit of the actor's scope, with roles on that unit and a
// temporary password it must change at first sign-in.
func (s *Store) CreateUser(ctx context.Context, actor auth.Actor, f auth.UserForm, passwordHash string) (auth.User, error) {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return auth.User{}, err
	}
	var u auth.User
	err := s.write(ctx, actor, func(t *tx) error {
		if err := t.unitInRoots(ctx, f.UnitID, t.manageScope(ctx)); err != nil {
			return err
		}
		err := t.GetContext(ctx, &u, `INSERT INTO users AS u (unit_id, login, full_name, email, lang, password_hash, must_change_password)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+userColumns,
			f.UnitID, f.Login, f.FullName, f.Email, f.Lang, passwordHash, !f.Chosen)
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		for _, r := range f.Roles {
			u.Grants = append(u.Grants, auth.Grant{Role: r, UnitID: f.UnitID})
		}
		if err := t.insertGrants(ctx, u.ID, u.Grants); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: u.UnitID, Action: "create", Entity: "user", EntityID: u.ID, After: u})
	})
	return u, err
}

// UpdateUser changes a user's name, e-mail, language and unit. Moving a user to another
// unit drops the roles it held outside the new unit's subtree and ends its sessions.
func (s *Store) UpdateUser(ctx context.Context, actor auth.Actor, id int64, f auth.UserForm) (auth.User, error) {
	var after auth.User
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockUser(ctx, id, t.manageScope(ctx))
		if err != nil {
			return err
		}
		f.Login = before.Login
		f.Normalize()
		if err := f.Validate(); err != nil {
			return err
		}
		if f.UnitID != before.UnitID {
			if err := t.unitInRoots(ctx, f.UnitID, t.manageScope(ctx)); err != nil {
				return err
			}
			if _, err := t.ExecContext(ctx, `DELETE FROM user_roles r WHERE r.user_id = $1 AND r.unit_id NOT IN
				(SELECT descendant_id FROM unit_closure WHERE ancestor_id = $2)`, id, f.UnitID); err != nil {
				return fmt.Errorf("drop roles outside the new unit: %w", err)
			}
		}
		err = t.GetContext(ctx, &after, `UPDATE users u SET full_name = $2, email = $3, lang = $4, unit_id = $5,
			updated_at = now(), session_epoch = session_epoch + (CASE WHEN unit_id <> $5 THEN 1 ELSE 0 END)
			WHERE id = $1 RETURNING `+userColumns, id, f.FullName, f.Email, f.Lang, f.UnitID)
		if err != nil {
			return fmt.Errorf("update user %d: %w", id, err)
		}
		if after.Grants, err = t.grants(ctx, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: after.UnitID, Action: "update", Entity: "user", EntityID: id, Before: before, After: after})
	})
	return after, err
}

// SetUserRoles replaces the roles a user holds on the units of the actor's scope; roles
// on units outside that scope stay as they are. A change ends the user's sessions. An
// administrator cannot change its own roles.
func (s *Store) SetUserRoles(ctx context.Context, actor auth.Actor, id int64, grants []auth.Grant) error {
	return s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockUser(ctx, id, t.manageScope(ctx))
		if err != nil {
			return err
		}
		if id == actor.UserID {
			return apperr.New(apperr.Forbidden, "Bạn không thể tự thay đổi vai trò của mình; hãy nhờ một quản trị viên khác.",
				"You cannot change your own roles; ask another administrator.")
		}
		scope := t.manageScope(ctx)
		var keep []auth.Grant
		for _, g := range before.Grants {
			in, err := t.inSubtrees(ctx, g.UnitID, scope)
			if err != nil {
				return err
			}
			if !in {
				keep = append(keep, g)
			}
		}
		want := slices.Clone(keep)
		for _, g := range grants {
			if !auth.ValidRole(g.Role) {
				return apperr.New(apperr.Invalid, "Vai trò không hợp lệ.", "Unknown role.").OnField("roles")
			}
			if err := t.unitInRoots(ctx, g.UnitID, scope); err != nil {
				return err
			}
			if !slices.Contains(want, g) {
				want = append(want, g)
			}
		}
		sortGrants(want)
		if slices.Equal(want, before.Grants) {
			return t.audit(ctx, event{UnitID: before.UnitID, Action: "roles_unchanged", Entity: "user", EntityID: id, After: want})
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("clear roles: %w", err)
		}
		if err := t.insertGrants(ctx, id, want); err != nil {
			return err
		}
		if err := t.endSessions(ctx, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: before.UnitID, Action: "roles_change", Entity: "user", EntityID: id,
			Before: map[string]any{"grants": before.Grants}, After: map[string]any{"grants": want}})
	})
}

// SetUserDisabled disables a user (it can no longer sign in, its sessions and API tokens
// stop working at once) or enables it again. An administrator cannot disable itself.
func (s *Store) SetUserDisabled(ctx context.Context, actor auth.Actor, id int64, disabled bool) error {
	return s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockUser(ctx, id, t.manageScope(ctx))
		if err != nil {
			return err
		}
		if id == actor.UserID {
			return apperr.New(apperr.Forbidden, "Bạn không thể tự khóa tài khoản của mình.", "You cannot disable your own account.")
		}
		if before.Disabled() == disabled {
			return apperr.New(apperr.Conflict, "Tài khoản đã ở trạng thái này.", "The account is already in this state.")
		}
		var at *time.Time
		action := "enable"
		if disabled {
			now := s.now().UTC()
			at, action = &now, "disable"
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET disabled_at = $2, updated_at = now(),
			session_epoch = session_epoch + 1 WHERE id = $1`, id, at); err != nil {
			return fmt.Errorf("disable user %d: %w", id, err)
		}
		return t.audit(ctx, event{UnitID: before.UnitID, Action: action, Entity: "user", EntityID: id,
			Before: map[string]any{"disabled_at": before.DisabledAt}, After: map[string]any{"disabled_at": at}})
	})
}

// ResetCredentials gives a user a new temporary password (to be changed at next sign-in),
// removes its second factor and recovery codes (it enrols again, with a new grace),
// revokes its API tokens and ends its sessions: what an administrator does when a user
// lost its authenticator or its password may be known to someone else.
func (s *Store) ResetCredentials(ctx context.Context, actor auth.Actor, id int64, passwordHash string) error {
	return s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockUser(ctx, id, t.manageScope(ctx))
		if err != nil {
			return err
		}
		if id == actor.UserID {
			return apperr.New(apperr.Forbidden, "Hãy đổi mật khẩu của mình ở trang tài khoản; một quản trị viên khác có thể đặt lại cho bạn.",
				"Change your own password on your account page; another administrator can reset yours.")
		}
		now := s.now().UTC()
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = true,
			totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0, first_login_at = NULL,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, id, passwordHash, now); err != nil {
			return fmt.Errorf("reset credentials of user %d: %w", id, err)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("remove recovery codes: %w", err)
		}
		res, err := t.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, id, now)
		if err != nil {
			return fmt.Errorf("revoke tokens: %w", err)
		}
		revoked, _ := res.RowsAffected()
		return t.audit(ctx, event{UnitID: before.UnitID, Action: "credentials_reset", Entity: "user", EntityID: id,
			Before: map[string]any{"mfa": before.MFAEnabled()}, After: map[string]any{"mfa": false, "must_change_password": true, "tokens_revoked": revoked}})
	})
}

// AssignableUnits returns the units of the subtree of root that lie in the actor's
// users.manage scope (root 0: every unit in scope), in tree order: the choices of a unit
// or role form.
func (s *Store) AssignableUnits(ctx context.Context, actor auth.Actor, root int64) ([]org.Unit, error) {
	f := UnitFilter{Within: actor.Scope(auth.PermUsersManage), Page: Page{Size: MaxPageSize}}
	units, _, err := s.ListUnits(ctx, f)
	if err != nil || root == 0 {
		return units, err
	}
	var sub []int64
	if err := s.db.SelectContext(ctx, &sub, `SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1`, root); err != nil {
		return nil, translate(fmt.Errorf("subtree of unit %d: %w", root, err))
	}
	return slices.DeleteFunc(units, func(u org.Unit) bool { return !slices.Contains(sub, u.ID) }), nil
}

// manageScope is the actor's users.manage scope; congquy itself (the CLI bootstrapping a
// deployment, the demo loader) may manage users anywhere.
func (t *tx) manageScope(ctx context.Context) []int64 {
	if !t.actor.IsSystem() {
		return t.actor.Scope(auth.PermUsersManage)
	}
	var roots []int64
	_ = t.SelectContext(ctx, &roots, `SELECT id FROM units WHERE parent_id IS NULL`)
	return roots
}

// lockUser locks a user of the scope for a change and returns it with its grants.
func (t *tx) lockUser(ctx context.Context, id int64, scope []int64) (auth.User, error) {
	var u auth.User
	err := t.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1
		AND u.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY($2)) FOR UPDATE`, id, pqInt64s(nonNil(scope)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFoundf("người dùng", "user")
	}
	if err != nil {
		return u, fmt.Errorf("lock user %d: %w", id, err)
	}
	u.Grants, err = t.grants(ctx, id)
	return u, err
}

func (t *tx) grants(ctx context.Context, userID int64) ([]auth.Grant, error) {
	var gs []auth.Grant
	if err := t.SelectContext(ctx, &gs, `SELECT role, unit_id FROM user_roles WHERE user_id = $1 ORDER BY unit_id, role`, userID); err != nil {
		return nil, fmt.Errorf("grants of user %d: %w", userID, err)
	}
	sortGrants(gs)
	return gs, nil
}

func (t *tx) insertGrants(ctx context.Context, userID int64, gs []auth.Grant) error {
	for _, g := range gs {
		if _, err := t.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, userID, g.Role, g.UnitID); err != nil {
			return fmt.Errorf("grant %s on unit %d: %w", g.Role, g.UnitID, err)
		}
	}
	return nil
}

// endSessions makes every session of the user stale: the session middleware compares the
// epoch a session was opened in with the user's.
func (t *tx) endSessions(ctx context.Context, userID int64) error {
	if _, err := t.ExecContext(ctx, `UPDATE users SET session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}

// unitInRoots returns not-found unless the unit exists in the subtrees of scope.
func (t *tx) unitInRoots(ctx context.Context, unitID int64, scope []int64) error {
	in, err := t.inSubtrees(ctx, unitID, scope)
	if err != nil {
		return err
	}
	if !in {
		return apperr.NotFoundf("đơn vị", "unit").OnField("unit_id")
	}
	return nil
}

func (t *tx) inSubtrees(ctx context.Context, unitID int64, scope []int64) (bool, error) {
	var in bool
	err := t.GetContext(ctx, &in, `SELECT EXISTS (SELECT 1 FROM unit_closure WHERE descendant_id = $1 AND ancestor_id = ANY($2))`,
		unitID, pqInt64s(nonNil(scope)))
	if err != nil {
		return false, fmt.Errorf("unit %d in scope: %w", unitID, err)
	}
	return in, nil
}

// sortGrants orders grants by unit, then role, so that two sets compare equal.
func sortGrants(gs []auth.Grant) {
	slices.SortFunc(gs, func(a, b auth.Grant) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Role, b.Role))
	})
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// UnitByCode returns the unit with the code (case-insensitive): for the command line.
func (s *Store) UnitByCode(ctx context.Context, code string) (org.Unit, error) {
	var u org.Unit
	err := s.db.GetContext(ctx, &u, `SELECT `+unitColumns+` FROM units u WHERE u.code = upper($1)`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFoundf("đơn vị", "unit")
	}
	if err != nil {
		return u, translate(fmt.Errorf("unit %s: %w", code, err))
	}
	return u, nil
}
