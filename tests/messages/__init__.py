"""Tests of the renderer and of every template in both languages."""
