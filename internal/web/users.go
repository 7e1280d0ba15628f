package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/org"
	"congquy/internal/store"
)

// usersData is the administrator's list of users.
type usersData struct {
	Users  []store.UserRow
	Units  []org.Unit
	Query  string
	UnitID int64
	Status string
	Pager  pager
}

// usersList shows the users of the administrator's subtrees: searchable, filtered by
// unit and status, paged.
func (s *Server) usersList(c echo.Context) error {
	ctx := c.Request().Context()
	a := mustActor(c)
	q := strings.TrimSpace(c.QueryParam("q"))
	if r := []rune(q); len(r) > 100 {
		q = string(r[:100])
	}
	unitID, _ := strconv.ParseInt(c.QueryParam("unit"), 10, 64)
	status := c.QueryParam("status")
	pg := pageParam(c)
	rows, total, err := s.store.ListUsers(ctx, store.UserFilter{
		Within: a.Scope(auth.PermUsersManage), Query: q, UnitID: unitID, Status: status, Sort: c.QueryParam("sort"), Page: pg,
	})
	if err != nil {
		return err
	}
	units, err := s.store.AssignableUnits(ctx, a, 0)
	if err != nil {
		return err
	}
	return s.show(c, "users/list", "users.title", usersData{
		Users: rows, Units: units, Query: q, UnitID: unitID, Status: status, Pager: newPager(c, pg, total),
	})
}

// userFormData is the create and edit form.
type userFormData struct {
	ID    int64
	Form  auth.UserForm
	Units []org.Unit
	Roles []auth.Role
	Error *apperr.Error
}

// HasRole reports whether the form has the role ticked.
func (d userFormData) HasRole(r auth.Role) bool {
	for _, x := range d.Form.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// userNew shows the form for a new user.
func (s *Server) userNew(c echo.Context) error {
	return s.showUserForm(c, http.StatusOK, userFormData{Form: auth.UserForm{Lang: "vi"}})
}

func (s *Server) showUserForm(c echo.Context, status int, d userFormData) error {
	units, err := s.store.AssignableUnits(c.Request().Context(), mustActor(c), 0)
	if err != nil {
		return err
	}
	d.Units, d.Roles = units, auth.Roles
	title := "users.new_title"
	if d.ID != 0 {
		title = "users.edit_title"
	}
	return s.render(c, status, "users/form", "", s.newPage(c, title, d))
}

// userFormValues reads the fields an administrator may set, and nothing else (no id,
// creator, status or approval from the request: TESTING.md row 18).
func userFormValues(c echo.Context) auth.UserForm {
	unitID, _ := strconv.ParseInt(c.FormValue("unit_id"), 10, 64)
	f := auth.UserForm{Login: c.FormValue("login"), FullName: c.FormValue("full_name"), Email: c.FormValue("email"),
		UnitID: unitID, Lang: c.FormValue("lang")}
	if params, err := c.FormParams(); err == nil {
		for _, r := range params["roles"] {
			f.Roles = append(f.Roles, auth.Role(r))
		}
	}
	return f
}

// userCreate creates a user with a temporary password, shown once.
func (s *Server) userCreate(c echo.Context) error {
	a := mustActor(c)
	f := userFormValues(c)
	temp := auth.GeneratePassword()
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return err
	}
	u, err := s.store.CreateUser(c.Request().Context(), a, f, hash)
	if ae, ok := apperr.As(err); ok && (ae.Code == apperr.Invalid || ae.Code == apperr.Conflict) {
		return s.showUserForm(c, statusOf[ae.Code], userFormData{Form: f, Error: ae})
	}
	if err != nil {
		return err
	}
	s.securityLog(c, "user_create", &a, "target_user_id", u.ID, "roles", len(u.Grants))
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.show(c, "users/password", "users.created_title", passwordShown{User: u, Password: temp})
}

// passwordShown is the page that shows a temporary password once.
type passwordShown struct {
	User     auth.User
	Password string
	Reset    bool
}

// userDetailData is one user's page.
type userDetailData struct {
	User   store.UserDetail
	Units  []org.Unit // where roles may be granted: the user's subtree within the admin's scope
	Roles  []auth.Role
	Self   bool
	Action string // the confirmation asked for: "disable" or "reset"
}

// Has reports whether the user holds the role on the unit.
func (d userDetailData) Has(r auth.Role, unit int64) bool {
	for _, g := range d.User.Grants {
		if g.Role == r && g.UnitID == unit {
			return true
		}
	}
	return false
}

// userShow shows a user of the administrator's scope with its roles per unit and its
// history; a user of another subtree is not found.
func (s *Server) userShow(c echo.Context) error {
	d, err := s.userDetail(c)
	if err != nil {
		return err
	}
	return s.show(c, "users/detail", "users.detail_title", d)
}

func (s *Server) userDetail(c echo.Context) (userDetailData, error) {
	ctx := c.Request().Context()
	a := mustActor(c)
	id, err := idParam(c)
	if err != nil {
		return userDetailData{}, err
	}
	u, err := s.store.User(ctx, a, id)
	if err != nil {
		return userDetailData{}, err
	}
	units, err := s.store.AssignableUnits(ctx, a, u.UnitID)
	if err != nil {
		return userDetailData{}, err
	}
	return userDetailData{User: u, Units: units, Roles: auth.Roles, Self: u.ID == a.UserID}, nil
}

// userEdit shows the edit form of a user.
func (s *Server) userEdit(c echo.Context) error {
	d, err := s.userDetail(c)
	if err != nil {
		return err
	}
	u := d.User
	return s.showUserForm(c, http.StatusOK, userFormData{ID: u.ID, Form: auth.UserForm{
		Login: u.Login, FullName: u.FullName, Email: u.Email, UnitID: u.UnitID, Lang: u.Lang}})
}

// userUpdate saves a user's name, e-mail, language and unit.
func (s *Server) userUpdate(c echo.Context) error {
	a := mustActor(c)
	d, err := s.userDetail(c)
	if err != nil {
		return err
	}
	f := userFormValues(c)
	f.Roles = nil
	u, err := s.store.UpdateUser(c.Request().Context(), a, d.User.ID, f)
	if ae, ok := apperr.As(err); ok && ae.Code == apperr.Invalid {
		f.Login = d.User.Login
		return s.showUserForm(c, statusOf[ae.Code], userFormData{ID: d.User.ID, Form: f, Error: ae})
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", s.msg(c, "users.saved"))
	return redirect(c, "/users/"+strconv.FormatInt(u.ID, 10))
}

// userRoles replaces the roles of a user on the units of the administrator's scope. The
// form sends one "grant" per ticked box, as role:unit.
func (s *Server) userRoles(c echo.Context) error {
	a := mustActor(c)
	d, err := s.userDetail(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return err
	}
	var grants []auth.Grant
	for _, v := range params["grant"] {
		role, unit, _ := strings.Cut(v, ":")
		unitID, err := strconv.ParseInt(unit, 10, 64)
		if err != nil {
			return apperr.New(apperr.Invalid, "Vai trò không hợp lệ.", "Unknown role.").OnField("grant")
		}
		grants = append(grants, auth.Grant{Role: auth.Role(role), UnitID: unitID})
	}
	if err := s.store.SetUserRoles(c.Request().Context(), a, d.User.ID, grants); err != nil {
		return err
	}
	s.securityLog(c, "roles_change", &a, "target_user_id", d.User.ID, "grants", len(grants))
	setFlash(c, "success", s.msg(c, "users.roles_saved"))
	return redirect(c, "/users/"+strconv.FormatInt(d.User.ID, 10))
}

// userConfirm asks before an act that cannot be undone quietly: disabling a user or
// resetting its credentials.
func (s *Server) userConfirm(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := s.userDetail(c)
		if err != nil {
			return err
		}
		d.Action = action
		return s.show(c, "users/confirm", "users.confirm_"+action, d)
	}
}

// userDisable disables a user; its sessions and tokens stop working at once.
func (s *Server) userDisable(c echo.Context) error { return s.setDisabled(c, true) }

// userEnable lets a disabled user sign in again.
func (s *Server) userEnable(c echo.Context) error { return s.setDisabled(c, false) }

func (s *Server) setDisabled(c echo.Context, disabled bool) error {
	a := mustActor(c)
	d, err := s.userDetail(c)
	if err != nil {
		return err
	}
	if err := s.store.SetUserDisabled(c.Request().Context(), a, d.User.ID, disabled); err != nil {
		return err
	}
	event, msg := "user_enable", "users.enabled"
	if disabled {
		event, msg = "user_disable", "users.disabled"
	}
	s.securityLog(c, event, &a, "target_user_id", d.User.ID)
	setFlash(c, "success", s.msg(c, msg))
	return redirect(c, "/users/"+strconv.FormatInt(d.User.ID, 10))
}

// userReset gives a user a new temporary password (shown once) and removes its second
// factor, so that it enrols again.
func (s *Server) userReset(c echo.Context) error {
	a := mustActor(c)
	d, err := s.userDetail(c)
	if err != nil {
		return err
	}
	temp := auth.GeneratePassword()
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return err
	}
	if err := s.store.ResetCredentials(c.Request().Context(), a, d.User.ID, hash); err != nil {
		return err
	}
	s.securityLog(c, "credentials_reset", &a, "target_user_id", d.User.ID)
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.show(c, "users/password", "users.reset_title", passwordShown{User: d.User.User, Password: temp, Reset: true})
}
