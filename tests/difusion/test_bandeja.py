"""The difusor's inbox (`prep difusor bandeja`): each complete package that the push leaves is
received in corte order; a published one leaves the inbox, a refused one goes to rechazados/;
temporary upload names are never taken; the watching mode publishes a package as it arrives."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.difusion.bandeja import RECHAZADOS, pendientes, procesar
from prep.difusion.paquete import empaquetar
from prep.difusion.recepcion import Resultado
from prep.publicacion.llaves import publica_pem
from prep.publicacion.manifiesto import ULTIMO
from tests.publicacion.cortes_de_prueba import (
    alterar_miembro,
    escribir_publicacion,
    nueva_llave,
)

RAIZ = Path(__file__).resolve().parents[2]


@pytest.fixture
def entorno(tmp_path):
    """Three chained cortes' packages (not yet in the inbox), the inbox, DESTINO and the
    institute's public key file."""
    llave = nueva_llave()
    carpetas = escribir_publicacion(tmp_path / "instituto", 3, llave)
    # Uncompressed .tar, as a difusor may also be sent, so one byte can be altered in place.
    paquetes = [empaquetar(c, tmp_path / "paquetes" / f"{c.name}.tar") for c in carpetas]
    bandeja, destino = tmp_path / "bandeja", tmp_path / "destino"
    bandeja.mkdir()
    publica = tmp_path / "instituto.pem"
    publica.write_bytes(publica_pem(llave.public_key()))
    return paquetes, bandeja, destino, publica


def dejar(paquete: Path, bandeja: Path) -> Path:
    """What the SFTP push does: a temporary hidden name, then a rename."""
    temporal = bandeja / f".{paquete.name}.x1.parcial"
    temporal.write_bytes(paquete.read_bytes())
    final = bandeja / paquete.name
    os.replace(temporal, final)
    return final


def test_procesa_en_orden_de_corte_y_vacia_la_bandeja(entorno):
    paquetes, bandeja, destino, _publica = entorno
    for paquete in reversed(paquetes):  # arrival order does not matter
        dejar(paquete, bandeja)
    (bandeja / f".{paquetes[0].name}.x2.parcial").write_bytes(b"a medio subir")
    assert [p.name for p in pendientes(bandeja)] == [p.name for p in paquetes]
    recepciones = procesar(bandeja, destino)
    assert [r.resultado for r in recepciones] == [Resultado.ACEPTADO] * 3
    assert [r.corte for r in recepciones] == [1, 2, 3]
    assert (destino / ULTIMO).resolve().name == paquetes[-1].name.removesuffix(".tar")
    assert sorted(p.name for p in bandeja.iterdir()) == [f".{paquetes[0].name}.x2.parcial"]


def test_un_paquete_alterado_va_a_rechazados_y_el_sitio_sigue(entorno):
    paquetes, bandeja, destino, publica = entorno
    dejar(paquetes[0], bandeja)
    procesar(bandeja, destino)
    alterado = dejar(paquetes[1], bandeja)
    corte = alterado.name.removesuffix(".tar")
    alterar_miembro(alterado, f"{corte}/datos/corte.json", 10)
    salida = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "difusor",
            "bandeja",
            str(bandeja),
            str(destino),
            "--llave",
            str(publica),
            "--una-vez",
            stdout=salida,
        )
    assert error.value.returncode == 1
    assert "Paquete rechazado" in salida.getvalue()
    assert (destino / ULTIMO).resolve().name == paquetes[0].name.removesuffix(".tar")
    assert (bandeja / RECHAZADOS / alterado.name).is_file()
    assert pendientes(bandeja) == []


def test_una_bandeja_que_no_existe_se_explica(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("difusor", "bandeja", str(tmp_path / "nada"), str(tmp_path / "d"), "--una-vez")
    assert error.value.returncode == 2
    assert "no existe o no es una carpeta" in str(error.value)


def test_vigilando_publica_cada_paquete_al_llegar(entorno):
    """The long-running mode, as a real `prep` process: each package is published soon after
    its rename, and SIGTERM ends it cleanly."""
    paquetes, bandeja, destino, publica = entorno
    orden = ["difusor", "bandeja", str(bandeja), str(destino), "--llave", str(publica)]
    proceso = subprocess.Popen(
        [sys.executable, "-m", "prep.cli", *orden],
        cwd=RAIZ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Esperando paquetes" in proceso.stdout.readline()
        for paquete in paquetes:
            dejar(paquete, bandeja)
            linea = proceso.stdout.readline()
            while "publicado en" not in linea:
                assert linea, proceso.stderr.read()
                linea = proceso.stdout.readline()
            assert (destino / ULTIMO).resolve().name == paquete.name.removesuffix(".tar")
        proceso.terminate()
        assert proceso.wait(timeout=10) == 0
    finally:
        proceso.kill()
        proceso.wait()
