"""`prep difusor empaquetar`: the package of a corte made by the real generator, in the documented
format (it passes `prep verificar`), the same bytes every time, and never from a damaged corte."""

import gzip
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.difusion.paquete import empaquetar
from prep.errores import ErrorDeDominio
from prep.publicacion.manifiesto import FIRMA, LLAVE_PUBLICA, MANIFIESTO, leer
from prep.publicacion.verificacion_corte import ANTERIOR
from tests.publicacion.cortes_de_prueba import alterar_byte

pytestmark = pytest.mark.django_db


def verificar(*argumentos) -> str:
    salida = io.StringIO()
    call_command("verificar", *map(str, argumentos), stdout=salida)
    return salida.getvalue()


def difusor(*argumentos) -> str:
    salida = io.StringIO()
    call_command("difusor", *map(str, argumentos), stdout=salida)
    return salida.getvalue()


def miembros(paquete: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(paquete) as tar:
        return {m.name: m for m in tar.getmembers()}


def test_el_paquete_pasa_prep_verificar_con_el_eslabon_al_anterior(cortes, tmp_path):
    paquete = empaquetar(cortes[1], tmp_path / "paquete.tar.gz")
    salida = verificar(paquete, "--llave", cortes[0] / LLAVE_PUBLICA)
    manifiesto = leer((cortes[1] / MANIFIESTO).read_bytes())
    assert f"corte 2 íntegro: {len(manifiesto.archivos)} archivos verificados" in salida
    assert "nota:" not in salida  # the chain link was checked
    nombre = cortes[1].name
    encontrados = miembros(paquete)
    archivos = {n for n, m in encontrados.items() if m.isfile()}
    assert archivos == {
        *(f"{nombre}/{a.ruta}" for a in manifiesto.archivos),
        f"{nombre}/{MANIFIESTO}",
        f"{nombre}/{FIRMA}",
        ANTERIOR,
    }
    # Files the generator hard-linked to corte 1 travel as plain files: no link in a package.
    assert all(m.isfile() or m.isdir() for m in encontrados.values())
    with tarfile.open(paquete) as tar:
        assert tar.extractfile(ANTERIOR).read() == (cortes[0] / MANIFIESTO).read_bytes()
        for archivo in manifiesto.archivos:
            assert (
                tar.extractfile(f"{nombre}/{archivo.ruta}").read()
                == (cortes[1] / archivo.ruta).read_bytes()
            )


def test_el_primer_corte_no_lleva_anterior(cortes, tmp_path):
    paquete = empaquetar(cortes[0], tmp_path / "uno.tar.gz")
    assert not any(n.startswith("anterior") for n in miembros(paquete))
    assert "corte 1 íntegro" in verificar(paquete)


def test_sin_el_corte_anterior_al_lado_no_lleva_anterior(cortes, tmp_path):
    (cortes[1] / MANIFIESTO).rename(tmp_path / "fuera.json")
    paquete = empaquetar(cortes[2], tmp_path / "tres.tar.gz")
    assert ANTERIOR not in miembros(paquete)
    assert "no trae anterior/manifest.json" in verificar(paquete)


def test_el_mismo_corte_da_los_mismos_bytes(cortes, tmp_path):
    primero = empaquetar(cortes[2], tmp_path / "a" / "tres.tar.gz").read_bytes()
    # Nothing of the disk leaks into the package: not the files' times nor the package's name.
    for ruta in cortes[2].rglob("*"):
        os.utime(ruta, (1_000_000_000, 1_000_000_000), follow_symlinks=False)
    segundo = empaquetar(cortes[2], tmp_path / "b" / "otro.tar.gz").read_bytes()
    assert primero == segundo
    momento = int(leer((cortes[2] / MANIFIESTO).read_bytes()).momento.timestamp())
    assert primero[3] == 0  # gzip header: no file name
    assert int.from_bytes(primero[4:8], "little") == momento
    sin_comprimir = empaquetar(cortes[2], tmp_path / "tres.tar").read_bytes()
    assert gzip.decompress(primero) == sin_comprimir
    nombres = list(miembros(tmp_path / "tres.tar"))
    assert nombres == sorted(nombres)
    for miembro in miembros(tmp_path / "tres.tar").values():
        assert (miembro.uid, miembro.gid, miembro.uname, miembro.gname) == (0, 0, "", "")
        assert miembro.mtime == momento
        assert miembro.mode == (0o755 if miembro.isdir() else 0o644)


def test_un_corte_alterado_no_se_empaqueta_y_el_paquete_anterior_queda(cortes, tmp_path):
    destino = tmp_path / "salida" / "tres.tar.gz"
    destino.parent.mkdir()
    destino.write_bytes(b"paquete de antes")
    alterar_byte(cortes[2] / "datos" / "corte.json", 5)
    with pytest.raises(ErrorDeDominio) as error:
        empaquetar(cortes[2], destino)
    assert error.value.codigo == "corte_alterado"
    assert "no se verifica; no se empaqueta" in str(error.value)
    assert "ALTERADO datos/corte.json" in str(error.value)
    assert destino.read_bytes() == b"paquete de antes"
    assert [p.name for p in destino.parent.iterdir()] == ["tres.tar.gz"]


def test_orden_empaquetar(cortes, tmp_path, settings):
    paquete = tmp_path / "ultimo.tar.gz"
    lineas = difusor("empaquetar", "ultimo", paquete).splitlines()
    assert lineas[0].startswith(f"Paquete del corte 3 ({cortes[2].name}) escrito en {paquete}")
    assert (
        lineas[1] == "Lleva anterior/manifest.json para comprobar el eslabón con el corte anterior."
    )
    assert lineas[2] == f"SHA-256 del paquete: {hashlib.sha256(paquete.read_bytes()).hexdigest()}"
    assert "Paquete del corte 1" in difusor("empaquetar", cortes[0].name, tmp_path / "1.tgz")
    assert "Paquete del corte 2" in difusor("empaquetar", cortes[1], tmp_path / "2.tar")
    with pytest.raises(CommandError, match=r"debe terminar en \.tar\.gz"):
        difusor("empaquetar", cortes[0], tmp_path / "corte.zip")
    with pytest.raises(CommandError, match="no es la carpeta de un corte"):
        difusor("empaquetar", tmp_path, tmp_path / "x.tar.gz")
    with pytest.raises(CommandError, match="dentro del corte"):
        difusor("empaquetar", cortes[0], cortes[0] / "x.tar.gz")


def test_el_paquete_de_diferencias_lleva_solo_lo_que_cambio(cortes, tmp_path):
    paquete = tmp_path / "diferencias.tar"
    salida = difusor("empaquetar", cortes[1], paquete, "--diferencias")
    uno = leer((cortes[0] / MANIFIESTO).read_bytes()).por_ruta()
    dos = leer((cortes[1] / MANIFIESTO).read_bytes())
    cambiados = {a.ruta for a in dos.archivos if uno.get(a.ruta) != a}
    assert 0 < len(cambiados) < len(dos.archivos)
    nombre = cortes[1].name
    archivos = {n for n, m in miembros(paquete).items() if m.isfile()}
    assert archivos == {
        *(f"{nombre}/{r}" for r in cambiados | {LLAVE_PUBLICA}),
        f"{nombre}/{MANIFIESTO}",
        f"{nombre}/{FIRMA}",
        ANTERIOR,
    }
    assert f"{len(archivos) - 1} archivos" in salida  # anterior/manifest.json aside
    # `prep verificar` accepts it, naming what it leaves to the previous corte.
    verificado = verificar(paquete, "--llave", cortes[0] / LLAVE_PUBLICA)
    assert "corte 2 íntegro" in verificado
    heredados = len(dos.archivos) - len(cambiados | {LLAVE_PUBLICA})
    assert f"paquete de diferencias: {heredados:,} archivos sin cambio" in verificado


def test_sin_el_anterior_no_hay_paquete_de_diferencias(cortes, tmp_path):
    with pytest.raises(ErrorDeDominio, match="necesita el corte anterior junto a él"):
        empaquetar(cortes[0], tmp_path / "uno.tar.gz", diferencias=True)
