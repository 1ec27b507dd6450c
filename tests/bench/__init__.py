"""A smoke test that the benchmarks run (their figures are printed, never asserted)."""
