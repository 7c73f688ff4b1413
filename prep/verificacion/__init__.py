"""Verificación."""
