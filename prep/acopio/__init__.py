"""Acopio."""
