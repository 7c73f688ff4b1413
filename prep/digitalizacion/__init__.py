"""Digitalización."""
