"""Checks that run on computed or published tables."""
