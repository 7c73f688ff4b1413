"""Bitácora: append-only, hash-chained audit log of every state change."""
