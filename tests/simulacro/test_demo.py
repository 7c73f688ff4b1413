"""`prep demo`: a synthetic election through every phase over the HTTP API, to the results
databases."""

import csv
import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.captura.models import Captura
from prep.catalogo.models import ActaEsperada, ProcesoElectoral
from prep.digitalizacion.models import Imagen
from prep.publicacion.base_datos import escribir_bases

RAIZ = Path(__file__).resolve().parents[2]


def _demo(cwd: Path, *argumentos: str) -> subprocess.CompletedProcess:
    entorno = {k: v for k, v in os.environ.items() if k != "PREP_DATABASE_URL"}
    entorno.update(
        PYTHONPATH=str(RAIZ),
        PREP_VAR_DIR=str(cwd / "var"),
        PREP_PUBLICACION_DIR=str(cwd / "publicacion"),
    )
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", "demo", *argumentos],
        cwd=cwd,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _digestos(carpeta: Path) -> dict[str, str]:
    return {
        p.relative_to(carpeta).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(carpeta.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`prep demo` from a fresh folder, as the README runs it (a smaller state)."""
    carpeta = tmp_path_factory.mktemp("demo")
    corrida = _demo(carpeta, "--casillas", "120")
    assert corrida.returncode == 0, corrida.stderr
    return carpeta, corrida.stdout


def test_escribe_una_base_por_eleccion_y_el_resumen(demo):
    carpeta, salida = demo
    archivos = {Path(nombre).name for nombre in _digestos(carpeta / "publicacion")}
    assert {"GOB_2027.csv", "DIP_LOC_2027.csv", "resumen.json"} <= archivos
    assert "Listo" in salida and "resueltos por el verificador" in salida
    resumen = json.loads(next((carpeta / "publicacion").rglob("resumen.json")).read_text())
    assert [e["tipo"] for e in resumen["elecciones"]] == ["GOB", "DIP_LOC"]
    for eleccion in resumen["elecciones"]:
        base = next((carpeta / "publicacion").rglob(eleccion["archivo"]))
        assert hashlib.sha256(base.read_bytes()).hexdigest() == eleccion["sha256"]


def test_cada_base_pasa_verificar_base(demo):
    carpeta, _ = demo
    for base in sorted((carpeta / "publicacion").rglob("*_2027.csv")):
        resultado = subprocess.run(
            [sys.executable, "-m", "prep.cli", "verificar-base", str(base)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(RAIZ)},
            timeout=120,
        )
        assert resultado.returncode == 0, resultado.stdout + resultado.stderr
        assert (
            resultado.stdout.strip().splitlines()[-1] == f"filas en desacuerdo: 0 de {_filas(base)}"
        )


def _filas(base: Path) -> int:
    lineas = base.read_text(encoding="utf-8-sig").splitlines()
    return sum(1 for _ in csv.reader(lineas[7:]))


def test_argumentos_invalidos(tmp_path):
    resultado = _demo(tmp_path, "--casillas", "0")
    assert resultado.returncode != 0
    assert "--casillas debe estar entre 1 y 200,000" in resultado.stderr


@pytest.mark.django_db(transaction=True)
def test_cada_acta_cruza_las_fases_por_la_api(tmp_path):
    call_command("demo", casillas=150, semilla=7, stdout=StringIO())
    esperadas = ActaEsperada.objects.count()
    assert esperadas >= 300
    estados = set(Acta.objects.values_list("estado", flat=True))
    assert {Acta.Estado.VERIFICADA, Acta.Estado.SIN_ACTA} <= estados
    # Nothing half-way: the rest are pendientes (never arrived) and fuera de catálogo.
    assert estados <= {
        Acta.Estado.VERIFICADA,
        Acta.Estado.SIN_ACTA,
        Acta.Estado.FUERA_DE_CATALOGO,
        Acta.Estado.ESPERADA,
    }
    verificadas = Acta.objects.filter(estado=Acta.Estado.VERIFICADA)
    # Each verified acta: acopio, an image classified by its QR, two captures by two people.
    imagenes = dict(Imagen.objects.filter(acta__isnull=False).values_list("sha256", "origen"))
    assert set(imagenes.values()) == {Acta.Origen.CASILLA, Acta.Origen.CATD}
    for acta in verificadas:
        assert acta.fecha_hora_acopio and acta.codigo_integridad in imagenes
        capturistas = set(Captura.objects.filter(acta=acta).values_list("usuario", flat=True))
        assert len(capturistas) >= 2
    # Every change was made by a person or a device through the API; the system only compares
    # the two captures.
    acciones = Entrada.objects.filter(objeto__startswith="acta:")
    del_sistema = set(acciones.filter(actor="sistema").values_list("accion", flat=True))
    assert del_sistema == {"captura.comparacion"}
    por_accion = {
        a: set(acciones.filter(accion=a).values_list("actor", flat=True))
        for a in ("acopio.registrar", "captura.segunda", "verificacion.resolucion")
    }
    assert all(actor.startswith("usuario:demo-acopio-") for actor in por_accion["acopio.registrar"])
    assert all(actor.startswith("usuario:demo-captura") for actor in por_accion["captura.segunda"])
    assert por_accion["verificacion.resolucion"] == {"usuario:demo-verifica01"}
    assert Entrada.objects.filter(actor__startswith="dispositivo:demo-").exists()
    informe = StringIO()
    call_command("bitacora", "verificar", stdout=informe)
    assert "bitácora íntegra" in informe.getvalue()

    # R16: the same database state gives the same bytes.
    corte = timezone.localtime().replace(second=0, microsecond=0)
    primera = escribir_bases(tmp_path / "a", corte)
    segunda = escribir_bases(tmp_path / "b", corte)
    assert [b.sha256 for b in primera] == [b.sha256 for b in segunda]
    assert _digestos(tmp_path / "a") == _digestos(tmp_path / "b")


@pytest.mark.django_db(transaction=True)
def test_no_borra_un_proceso_que_no_es_de_demostracion():
    ProcesoElectoral.objects.create(nombre="Proceso Electoral Local 2027", anio=2027)
    with pytest.raises(Exception, match="no es de demostración"):
        call_command("demo", casillas=50)
    assert ProcesoElectoral.objects.count() == 1
