"""Web Push: a resident's devices and the encrypted messages sent to them."""
