package auth

import "crypto/rand"

// randRead fills b with random bytes; crypto/rand never fails on supported systems.
func randRead(b []byte) (int, error) { return rand.Read(b) }
