"""`huella_software` in the manifest: every corte names the software that made it (the value
`prep huella` prints), under the signature; `prep verificar` shows it and still accepts the
cortes written before the field existed."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.difusion.models import publicados
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from prep.publicacion.manifiesto import FIRMA, MANIFIESTO, ULTIMO, construir, firmar, leer
from tests.publicacion.cortes_de_prueba import (
    escribir_corte,
    escribir_publicacion,
    momento_de,
    nueva_llave,
)
from tests.publicacion.eleccion import Eleccion

RAIZ = Path(__file__).resolve().parents[2]
OTRA = "ab" * 32


def _verificar(ruta: Path) -> tuple[list[str], CommandError | None]:
    salida = io.StringIO()
    try:
        call_command("verificar", str(ruta), stdout=salida)
    except CommandError as exc:
        return salida.getvalue().splitlines(), exc
    return salida.getvalue().splitlines(), None


def _firmar_con_huella(carpeta: Path, llave, software: str) -> None:
    """Sign `carpeta`'s manifest again, now naming `software`."""
    previo = leer((carpeta / MANIFIESTO).read_bytes())
    datos = construir(
        previo.corte,
        previo.momento,
        previo.final,
        previo.anterior,
        previo.archivos,
        huella_software=software,
    )
    (carpeta / MANIFIESTO).write_bytes(datos)
    (carpeta / FIRMA).write_bytes(firmar(datos, llave))


@pytest.mark.django_db
@pytest.mark.un_motor
def test_el_corte_mas_reciente_lleva_la_huella_que_imprime_prep_huella(tmp_path, settings):
    settings.PREP_PUBLICACION_DIR = tmp_path / "publicacion"
    settings.PREP_LLAVE_FIRMA = tmp_path / "llaves" / "firma.pem"
    eleccion = Eleccion(tmp_path, casillas=8)
    eleccion.registrar(5)
    publicar(eleccion.inicio, difusores=publicados)
    publicar(eleccion.minuto(20), difusores=publicados)

    impresa = subprocess.run(
        [sys.executable, "-m", "prep.cli", "huella", "--json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(RAIZ)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    software = json.loads(impresa)["huella_software"]
    manifiesto = json.loads((raiz() / ULTIMO / MANIFIESTO).read_bytes())
    assert manifiesto["corte"] == 2
    assert manifiesto["huella_software"] == software

    lineas, error = _verificar(raiz())
    assert error is None, lineas
    assert f"Software: huella {software} (cortes 1, 2)" in lineas


def test_un_corte_anterior_al_campo_se_sigue_verificando(tmp_path):
    corte = escribir_corte(tmp_path / "publicacion", 1, nueva_llave())
    assert leer((corte / MANIFIESTO).read_bytes()).huella_software is None
    lineas, error = _verificar(corte)
    assert error is None, lineas
    assert "Software: el manifiesto no nombra la huella del software" in lineas


def test_cada_huella_con_sus_cortes(tmp_path):
    """A publication whose software changed (or that began before the field): each fingerprint
    is named with the cortes that carry it."""
    llave = nueva_llave()
    publicacion = tmp_path / "publicacion"
    carpetas = escribir_publicacion(publicacion, 3, llave)
    # Corte 3's manifest chains to corte 2's bytes: signing 3 again keeps the chain.
    _firmar_con_huella(carpetas[2], llave, OTRA)
    lineas, error = _verificar(publicacion)
    assert error is None, lineas
    assert "Software: el manifiesto no nombra la huella del software (cortes 1, 2)" in lineas
    assert f"Software: huella {OTRA} (cortes 3)" in lineas


def test_la_huella_va_bajo_la_firma(tmp_path):
    llave = nueva_llave()
    corte = escribir_corte(tmp_path / "publicacion", 1, llave)
    _firmar_con_huella(corte, llave, OTRA)
    assert leer((corte / MANIFIESTO).read_bytes()).huella_software == OTRA
    manifiesto = corte / MANIFIESTO
    manifiesto.write_bytes(manifiesto.read_bytes().replace(OTRA.encode(), b"cd" * 32))
    lineas, error = _verificar(corte)
    assert error is not None and error.returncode == 1, lineas
    assert any(linea.startswith("FIRMA INVÁLIDA") for linea in lineas), lineas


def test_huella_que_no_es_un_sha256(tmp_path):
    with pytest.raises(ValueError, match="SHA-256"):
        construir(1, momento_de(1), False, None, [], huella_software="no")
    datos = json.loads(construir(1, momento_de(1), False, None, [], huella_software=OTRA))
    datos["huella_software"] = "XYZ"
    with pytest.raises(ValueError, match="huella_software"):
        leer(json.dumps(datos).encode())
