"""Cortes made by the real generator for the package and reception tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from prep.difusion.models import publicados
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from tests.difusion.difusores_reales import Noche, preparar_noche
from tests.publicacion.eleccion import Eleccion


@pytest.fixture
def cortes(db, tmp_path) -> list[Path]:
    """Three consecutive cortes published by `prep.publicacion.corte.publicar` under
    PREP_PUBLICACION_DIR, 20 minutes apart, each with more actas (and images) than the last."""
    eleccion = Eleccion(tmp_path)
    carpetas = []
    for minuto, (actas, imagenes) in zip((0, 20, 40), ((12, 4), (12, 3), (12, 0)), strict=True):
        eleccion.registrar(actas, con_imagen=imagenes)
        carpetas.append(raiz() / publicar(eleccion.minuto(minuto), difusores=publicados).carpeta)
    return carpetas


@pytest.fixture
def noche(db, tmp_path, servidor_sftp, bucket_s3, monkeypatch) -> Iterator[Noche]:
    """A synthetic election with two real difusores (SFTP and S3); see difusores_reales."""
    noche = preparar_noche(tmp_path, servidor_sftp, bucket_s3, monkeypatch)
    with noche.web:
        yield noche
