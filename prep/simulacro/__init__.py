"""Simulacros: synthetic elections at any scale, and the demo."""
