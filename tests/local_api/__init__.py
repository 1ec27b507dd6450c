"""Tests of the local Bot API server."""
