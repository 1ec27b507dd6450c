"""Tests of the domain operations over a real database (SQLite; PostgreSQL when TEST_DATABASE_URL is set)."""
