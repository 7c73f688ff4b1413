"""Difusión: the official mirrors (difusores oficiales) that republish each corte."""
