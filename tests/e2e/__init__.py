"""End-to-end tests: the real Application over HTTP against the local Bot API server, read from the phones."""
