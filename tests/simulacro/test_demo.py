"""`prep demo`: a synthetic election through every phase over the HTTP API, to the results
databases."""

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone
from rich.console import Console

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.captura.models import Captura
from prep.catalogo.models import (
    ActaEsperada,
    Boleta,
    Candidatura,
    Casilla,
    Municipio,
    ProcesoElectoral,
)
from prep.digitalizacion.models import Imagen
from prep.publicacion.base_datos import calcular, leer, texto_base
from prep.simulacro.management.commands.demo import Command

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


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`prep demo` from a fresh folder, as the README runs it (a smaller state)."""
    carpeta = tmp_path_factory.mktemp("demo")
    corrida = _demo(carpeta, "--casillas", "120")
    assert corrida.returncode == 0, corrida.stderr
    return carpeta, corrida.stdout


def test_publica_al_menos_dos_cortes_y_el_ultimo(demo):
    carpeta, salida = demo
    publicacion = carpeta / "publicacion"
    cortes = sorted(p.name for p in publicacion.glob("*_PREP"))
    assert len(cortes) >= 2
    assert (publicacion / "ultimo").is_symlink()
    assert os.readlink(publicacion / "ultimo") == cortes[-1]
    assert "Listo" in salida and "resueltos por el verificador" in salida
    info = json.loads((publicacion / "ultimo" / "datos" / "corte.json").read_text())
    assert [e["tipo"] for e in info["elecciones"]] == ["GOB", "AYUN"]
    base = publicacion / "ultimo" / info["bases"]["archivo"]
    assert hashlib.sha256(base.read_bytes()).hexdigest() == info["bases"]["sha256"]


def test_dice_como_probar_prep_casilla_con_un_telefono(demo):
    """The printed code pairs a phone of the demo's first CATD, on this machine's address."""
    carpeta, salida = demo
    codigo = re.search(r"código (\w{4}-\w{4}) para (\S+) de (\S+);", salida)
    assert codigo, salida
    url = re.search(r"abra en el teléfono (https://\S+/casilla/#codigo=(\w{8}))", salida)
    assert url and url.group(2) == codigo.group(1).replace("-", "")
    assert "--certificado" in salida and (carpeta / "var" / "tls" / "cert.pem").is_file()
    entorno = {"PREP_VAR_DIR": str(carpeta / "var"), "PREP_DATABASE_URL": ""}
    comprobar = (
        "from prep.cuentas.emparejamiento import canjear;"
        f"print(canjear('{codigo.group(1)}', None)[0].centro.clave)"
    )
    canjeado = _prep("django", "shell", "--no-imports", "-c", comprobar, entorno=entorno)
    assert canjeado.returncode == 0, canjeado.stderr
    assert canjeado.stdout.strip() == codigo.group(3)


def test_prep_verificar_acepta_la_publicacion(demo):
    carpeta, _ = demo
    resultado = _prep("verificar", str(carpeta / "publicacion"))
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "publicación íntegra" in resultado.stdout


def test_cada_base_pasa_verificar_base(demo, tmp_path):
    carpeta, _ = demo
    ultimo = carpeta / "publicacion" / "ultimo"
    info = json.loads((ultimo / "datos" / "corte.json").read_text())
    with zipfile.ZipFile(ultimo / info["bases"]["archivo"]) as bases:
        bases.extractall(tmp_path)
    csvs = sorted(b for b in tmp_path.rglob("*_2027.csv") if "_CANDIDATURAS_" not in b.name)
    assert len(csvs) == 2
    for base in csvs:
        resultado = _prep("verificar-base", str(base))
        assert resultado.returncode == 0, resultado.stdout + resultado.stderr
        assert (
            resultado.stdout.strip().splitlines()[-1] == f"filas en desacuerdo: 0 de {_filas(base)}"
        )


def _prep(*argumentos: str, entorno: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", *argumentos],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(RAIZ), **(entorno or {})},
        timeout=120,
    )


def _filas(base: Path) -> int:
    lineas = base.read_text(encoding="utf-8-sig").splitlines()
    return sum(1 for _ in csv.reader(lineas[7:]))


def test_el_resumen_omite_lo_que_no_compitio(tmp_path):
    """An option that ran nowhere (its votes published as null) is not among the leaders."""
    datos = tmp_path / "ultimo" / "datos"
    datos.mkdir(parents=True)
    columnas = [{"corto": c} for c in ("PAN", "MORENA", "CAND_IND_2", "NULOS")]
    totales = {
        "actas_esperadas": 3, "actas_capturadas": 3, "actas_contabilizadas": 3,
        "porcentaje_actas_contabilizadas": "100.0000",
        "porcentaje_participacion_ciudadana": "60.0000", "votos": [10, 30, None, 2],
    }  # fmt: skip
    (datos / "AYUN.json").write_text(json.dumps({"totales": totales}))
    corte = {
        "corte": 1, "texto": "06/06/2027 20:00", "bases": {"archivo": "b.zip", "sha256": "0"},
        "elecciones": [{"nombre": "Ayuntamientos", "resumen": "datos/AYUN.json",
                        "columnas": columnas}],
    }  # fmt: skip
    (datos / "corte.json").write_text(json.dumps(corte))
    resultado = SimpleNamespace(
        publicacion=tmp_path, cortes=[], conflictos=0, sintetica=SimpleNamespace(actas=[1, 2, 3])
    )
    salida = StringIO()
    Command()._resumen(Console(file=salida, width=200), resultado, 1.0)
    assert "Ayuntamientos: MORENA 30, PAN 10, NULOS 2" in salida.getvalue()


def test_argumentos_invalidos(tmp_path):
    resultado = _demo(tmp_path, "--casillas", "0")
    assert resultado.returncode != 0
    assert "--casillas debe estar entre 1 y 200,000" in resultado.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.un_motor  # the demo runs on the embedded default; PostgreSQL: test_extremo_a_extremo
def test_cada_acta_cruza_las_fases_por_la_api():
    call_command("demo", casillas=150, semilla=7, stdout=StringIO())
    # Gubernatura and ayuntamientos: an acta of each in every casilla with sección; one of
    # voto anticipado per municipio (ayuntamientos) and the vote from abroad (gubernatura).
    ordinarias = Casilla.objects.filter(seccion__isnull=False).count()
    sin_seccion = Casilla.objects.filter(seccion__isnull=True)
    assert set(sin_seccion.values_list("tipo", flat=True)) == {"A", "M"}
    assert sin_seccion.filter(tipo="A").count() == Municipio.objects.count()
    assert ActaEsperada.objects.count() == 2 * ordinarias + sin_seccion.count()
    # Each municipio with its own contenders and candidates.
    assert Boleta.objects.filter(eleccion__tipo="AYUN").count() == Municipio.objects.count()
    assert Candidatura.objects.filter(columna__clave="CAND_IND_1").exists()
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
    primera, segunda = calcular(leer()), calcular(leer())
    assert [texto_base(c, corte, False) for c in primera] == [
        texto_base(c, corte, False) for c in segunda
    ]


@pytest.mark.django_db(transaction=True)
def test_no_borra_un_proceso_que_no_es_de_demostracion():
    ProcesoElectoral.objects.create(nombre="Proceso Electoral Local 2027", anio=2027)
    with pytest.raises(Exception, match="no es de demostración"):
        call_command("demo", casillas=50)
    assert ProcesoElectoral.objects.count() == 1
