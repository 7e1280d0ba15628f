package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"congquy/internal/auth"
)

// roleList collects repeated --role flags.
type roleList []auth.Role

func (r *roleList) String() string { return fmt.Sprint(*r) }

func (r *roleList) Set(v string) error {
	if !auth.ValidRole(auth.Role(v)) {
		return fmt.Errorf("unknown role %q (one of %v)", v, auth.Roles)
	}
	*r = append(*r, auth.Role(v))
	return nil
}

// cmdUser manages users from the command line, to bootstrap a deployment without demo
// data: `congquy user create --login … --unit CODE --role admin` prints a temporary
// password that must be changed at first sign-in.
func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: congquy user create --login LOGIN --unit CODE --role ROLE [--role ROLE…] [--name NAME] [--email EMAIL]")
	}
	var login, unit, name, email string
	var roles roleList
	_, err := e.parse("user create", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&login, "login", "", "login (2–64 characters a–z, 0–9, . _ -)")
		fs.StringVar(&unit, "unit", "", "code of the user's unit, e.g. CT-THADS")
		fs.StringVar(&name, "name", "", "full name (default: the login)")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.Var(&roles, "role", "role on the user's unit (repeatable): "+strings.Trim(fmt.Sprint(auth.Roles), "[]"))
	})
	if err != nil {
		return err
	}
	if login == "" || unit == "" {
		return fmt.Errorf("--login and --unit are required")
	}
	if name == "" {
		name = login
	}
	srv, err := e.database(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	st, err := e.openStore(ctx, srv)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	u, err := st.UnitByCode(ctx, unit)
	if err != nil {
		return fmt.Errorf("unit %s: %w", unit, err)
	}
	temp := auth.GeneratePassword()
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return err
	}
	created, err := st.CreateUser(ctx, auth.System("cli"), auth.UserForm{
		Login: login, FullName: name, Email: email, UnitID: u.ID, Roles: roles,
	}, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "created user %s (id %d) in %s with roles %v\n", created.Login, created.ID, u.Code, roles)
	fmt.Fprintf(e.out, "temporary password (shown once; to be changed at first sign-in): %s\n", temp)
	return nil
}
