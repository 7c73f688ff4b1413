"""Catálogo: proceso electoral, elecciones, geografía, casillas, partidos y actas esperadas."""
