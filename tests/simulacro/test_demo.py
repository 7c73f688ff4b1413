"""`prep demo`: the whole pipeline from catálogo to results databases."""

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from prep.actas.models import Acta
from prep.catalogo.models import ActaEsperada, ProcesoElectoral

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
def demo_dos_veces(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("demo")
    primera = _demo(carpeta, "--casillas", "300")
    assert primera.returncode == 0, primera.stderr
    digestos = _digestos(carpeta / "publicacion")
    segunda = _demo(carpeta, "--casillas", "300")
    assert segunda.returncode == 0, segunda.stderr
    return carpeta, primera.stdout, digestos, _digestos(carpeta / "publicacion")


def test_escribe_una_base_por_eleccion_y_el_resumen(demo_dos_veces):
    carpeta, salida, digestos, _ = demo_dos_veces
    archivos = {Path(nombre).name for nombre in digestos}
    assert {"GOB_2027.csv", "DIP_LOC_2027.csv", "resumen.json"} <= archivos
    assert "Listo" in salida
    resumen = json.loads(next((carpeta / "publicacion").rglob("resumen.json")).read_text())
    assert [e["tipo"] for e in resumen["elecciones"]] == ["GOB", "DIP_LOC"]
    for eleccion in resumen["elecciones"]:
        base = next((carpeta / "publicacion").rglob(eleccion["archivo"]))
        assert hashlib.sha256(base.read_bytes()).hexdigest() == eleccion["sha256"]


def test_R16_dos_corridas_dan_los_mismos_bytes(demo_dos_veces):
    _, _, primera, segunda = demo_dos_veces
    assert primera == segunda


def test_cada_base_pasa_verificar_base(demo_dos_veces):
    carpeta, *_ = demo_dos_veces
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
def test_registra_las_actas_con_los_servicios_en_esta_base(capsys):
    call_command("demo", casillas=600, semilla=7)
    esperadas = ActaEsperada.objects.count()
    assert esperadas >= 1200
    registradas = Acta.objects.exclude(estado=Acta.Estado.ESPERADA).count()
    assert registradas >= esperadas
    assert Acta.objects.filter(estado=Acta.Estado.FUERA_DE_CATALOGO).exists()
    assert Acta.objects.filter(estado=Acta.Estado.SIN_ACTA).exists()


@pytest.mark.django_db(transaction=True)
def test_no_borra_un_proceso_que_no_es_de_demostracion():
    ProcesoElectoral.objects.create(nombre="Proceso Electoral Local 2027", anio=2027)
    with pytest.raises(Exception, match="no es de demostración"):
        call_command("demo", casillas=50)
    assert ProcesoElectoral.objects.count() == 1
