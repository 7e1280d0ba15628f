package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// APIClient posts to congquy's JSON API with bearer tokens, as an integration would.
type APIClient struct {
	Base string
	HTTP *http.Client

	mu     sync.Mutex
	errors map[string]int
}

// NewAPIClient returns a client with a connection pool sized for the load.
func NewAPIClient(base string, conns int) *APIClient {
	return &APIClient{Base: base, HTTP: &http.Client{Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}, errors: map[string]int{}}
}

// Approve approves (and so posts) one submitted voucher, with a fresh Idempotency-Key.
func (c *APIClient) Approve(ctx context.Context, p Pending) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/api/v1/vouchers/"+strconv.FormatInt(p.ID, 10)+"/approve", nil)
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Idempotency-Key", newKey())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.count("transport: " + err.Error())
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.count(fmt.Sprintf("%d %.120s", resp.StatusCode, body))
		return fmt.Errorf("approve %d: %d", p.ID, resp.StatusCode)
	}
	return nil
}

func (c *APIClient) count(what string) {
	c.mu.Lock()
	c.errors[what]++
	c.mu.Unlock()
}

// Errors returns the errors seen so far by kind, and forgets them.
func (c *APIClient) Errors() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.errors
	c.errors = map[string]int{}
	return e
}

func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
