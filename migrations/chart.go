package migrations

import (
	"context"
	"database/sql"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/pressly/goose/v3"
)

// Data holds reference data that Go migrations load, each CSV with a sidecar .md naming
// its source.
//
//go:embed data
var Data embed.FS

// goMigrations are the migrations written in Go, registered beside the .sql files.
var goMigrations = []*goose.Migration{
	goose.NewGoMigration(201, &goose.GoFunc{RunTx: loadChartTT24}, &goose.GoFunc{RunTx: unloadChartTT24}),
}

// chartTT24 is the chart of accounts of Circular 24/2024/TT-BTC (see its .md sidecar).
const (
	chartTT24File   = "data/accounts_tt24_2024.csv"
	chartTT24Source = "Thông tư 24/2024/TT-BTC, Phụ lục II (data/accounts_tt24_2024.csv)"
)

// loadChartTT24 inserts the chart's rows.
func loadChartTT24(ctx context.Context, tx *sql.Tx) error {
	rows, err := ChartRows(chartTT24File)
	if err != nil {
		return err
	}
	for _, r := range rows {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO accounts (code, valid_from, valid_to, parent_code, kind, name_vi, name_en, source, verified, note)
			VALUES ($1, $2, NULLIF($3, '')::date, NULLIF($4, ''), $5, $6, $7, $8, $9, $10)`,
			r["code"], r["valid_from"], r["valid_to"], r["parent"], r["kind"], r["name_vi"], r["name_en"],
			chartTT24Source, r["verified"] == "true", r["note"])
		if err != nil {
			return fmt.Errorf("load chart of accounts: account %s: %w", r["code"], err)
		}
	}
	return nil
}

func unloadChartTT24(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE source = $1`, chartTT24Source)
	return err
}

// ChartRows reads a chart CSV into one map per row, keyed by the header's column names.
func ChartRows(name string) ([]map[string]string, error) {
	f, err := Data.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		row := map[string]string{}
		for i, h := range header {
			row[h] = strings.TrimSpace(rec[i])
		}
		out = append(out, row)
	}
}
