"""Captura."""
