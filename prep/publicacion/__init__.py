"""Publicación: results databases in the INE layout, and (later) cortes and the public site."""
