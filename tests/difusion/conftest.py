"""Cortes made by the real generator for the package and reception tests."""

from pathlib import Path

import pytest

from prep.publicacion.corte import publicar, raiz
from tests.publicacion.eleccion import Eleccion


@pytest.fixture
def cortes(db, tmp_path) -> list[Path]:
    """Three consecutive cortes published by `prep.publicacion.corte.publicar` under
    PREP_PUBLICACION_DIR, 20 minutes apart, each with more actas (and images) than the last."""
    eleccion = Eleccion(tmp_path)
    carpetas = []
    for minuto, (actas, imagenes) in zip((0, 20, 40), ((12, 4), (12, 3), (12, 0)), strict=True):
        eleccion.registrar(actas, con_imagen=imagenes)
        carpetas.append(raiz() / publicar(eleccion.minuto(minuto)).carpeta)
    return carpetas
