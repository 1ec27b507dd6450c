"""Benchmarks of ASN Karier against the framework's own ceiling and Telegram's limits (issue #6).

Run ``python -m bench`` from the repository root; see `bench.run` for the options and
bench/RESULTS.md for the last full run.
"""
