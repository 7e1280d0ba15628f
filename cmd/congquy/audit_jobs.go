package main

import (
	"context"
	"crypto/ed25519"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"congquy/internal/audit"
	"congquy/internal/auth"
	"congquy/internal/store"
)

// Intervals of the audit trail's background work in `serve`.
const (
	sealBatch       = 5000
	checkpointEvery = time.Hour
)

// startAuditJobs runs the sealer and the scheduled checkpoints until ctx is done, and
// exports the sealer's figures to reg.
func startAuditJobs(ctx context.Context, e *env, st *store.Store, reg *prometheus.Registry, signer func() (ed25519.PrivateKey, error)) {
	sealed := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "congquy_audit_sealed_events_total", Help: "Audit events sealed into their hash chains."})
	lag := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "congquy_audit_seal_lag_seconds", Help: "Time from an audit event to its sealing.",
		Buckets: []float64{.05, .1, .2, .5, 1, 2, 5, 10, 30, 60, 300}})
	last := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "congquy_audit_seal_lag_last_seconds", Help: "Lag of the last event sealed."})
	reg.MustRegister(sealed, lag, last)
	st.ObserveSeals(func(d time.Duration) {
		sealed.Inc()
		lag.Observe(d.Seconds())
		last.Set(d.Seconds())
	})
	if e.cfg.SealInterval > 0 {
		go runSealer(ctx, e, st)
	} else {
		e.log.Warn("audit sealer off in this process (CONGQUY_AUDIT_SEAL_INTERVAL=off): events stay unsealed until another sealer runs")
	}
	go runCheckpoints(ctx, e, st, signer)
}

// runSealer seals committed events every SealInterval, at once again while batches are full.
func runSealer(ctx context.Context, e *env, st *store.Store) {
	t := time.NewTicker(e.cfg.SealInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := st.SealAudit(ctx, sealBatch)
			if err != nil {
				if ctx.Err() == nil {
					e.log.Error("audit sealer", "error", err.Error())
				}
				break
			}
			if n < sealBatch {
				break
			}
		}
	}
}

// runCheckpoints signs the chain heads every checkpointEvery.
func runCheckpoints(ctx context.Context, e *env, st *store.Store, signer func() (ed25519.PrivateKey, error)) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		key, err := signer()
		if err == nil {
			_, err = st.Checkpoint(ctx, auth.System("schedule"), key, "schedule")
		}
		if err != nil && ctx.Err() == nil {
			e.log.Error("scheduled audit checkpoint", "error", err.Error())
		}
	}
}

// keySigner returns the signing key from the configured file, created on first use.
func keySigner(e *env) func() (ed25519.PrivateKey, error) {
	return func() (ed25519.PrivateKey, error) {
		k, created, err := audit.LoadOrCreateKey(e.cfg.SigningKeyFile)
		if created {
			e.log.Info("created the audit signing key", "file", e.cfg.SigningKeyFile)
		}
		return k, err
	}
}
