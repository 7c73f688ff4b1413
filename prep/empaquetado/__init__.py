"""Empaquetado."""
