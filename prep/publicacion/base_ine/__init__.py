"""The results database in the INE/OPL layout (Anexo 18.5; docs/publicacion.md): pure Python, no
Django."""
