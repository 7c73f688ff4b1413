"""The results database in the INE/OPL layout (spec/publicacion.md): pure Python, no Django."""
