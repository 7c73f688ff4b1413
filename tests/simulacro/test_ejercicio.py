"""`prep simulacro ejecutar`: the drill through the real HTTP API, here and against a remote
deployment, its report, and its refusals of bad options."""

import json
import os
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from prep.actas.models import Acta
from prep.bitacora.servicios import verificar_base
from prep.captura.models import Captura
from prep.digitalizacion.models import Imagen
from prep.reglas.acta import Registro
from prep.servidor.servidor import Hijo, ServidorHijo, url_de_la_base
from prep.simulacro.equipo import FOTOS_POR_TELEFONO, cargar
from prep.simulacro.medicion import FASES
from tests.servicios.web import ServidorWeb

RAIZ = Path(__file__).resolve().parents[2]
ENDPOINTS = {
    "POST /entrar/",
    "POST /acopio/",
    "POST /imagenes",
    "POST /captura/siguiente",
    "POST /captura/{acta_id}",
    "GET /verificacion/conflictos",
    "GET /verificacion/{acta_id}",
    "POST /verificacion/{acta_id}",
}


def _prep(cwd: Path, *argumentos: str, base: str | None = None) -> subprocess.CompletedProcess:
    entorno = dict(os.environ, PYTHONPATH=str(RAIZ), PREP_DATABASE_URL=base or url_de_la_base())
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", *argumentos],
        cwd=cwd,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _esperadas(sintetica) -> dict[str, int]:
    llegan = [a for a in sintetica.actas if a.registro is not Registro.PENDIENTE]
    return {
        "acopio": len(llegan),
        "con_imagen": sum(a.registro is Registro.CAPTURADA for a in llegan),
    }


@pytest.mark.lento
@pytest.mark.django_db(transaction=True)
def test_simulacro_local_lleva_cada_acta_hasta_un_corte_publicado(tmp_path):
    informe = tmp_path / "informe.json"
    corrida = _prep(
        tmp_path, "simulacro", "ejecutar", "--casillas", "60", "--capturistas", "3",
        "--verificadores", "2", "--error-captura", "0.15", "--informe", str(informe),
    )  # fmt: skip
    assert corrida.returncode == 0, corrida.stdout + corrida.stderr
    assert "Sin errores." in corrida.stdout
    datos = json.loads(informe.read_text())
    actas = Acta.objects.exclude(estado=Acta.Estado.ESPERADA)
    con_imagen = Acta.objects.filter(estado=Acta.Estado.VERIFICADA).count()
    fases = datos["fases"]
    assert set(fases) == set(FASES)
    assert fases["acopio"]["actas"] == actas.count()
    assert fases["digitalización"]["actas"] == con_imagen > 0
    capturas = Captura.objects.filter(numero__lte=2).count()  # a third is the verificador's
    assert fases["captura"]["actas"] == 2 * con_imagen == capturas
    assert fases["verificación"]["actas"] == fases["publicación"]["actas"] == con_imagen
    # With 15 % of captures misread, conflicts occur, and the verificadores resolved them all.
    assert datos["conflictos_resueltos"] > 0
    assert not Acta.objects.filter(estado=Acta.Estado.EN_CONFLICTO).exists()
    assert set(datos["endpoints"]) >= ENDPOINTS
    for endpoint in ENDPOINTS:
        medido = datos["endpoints"][endpoint]
        assert medido["peticiones"] > 0 and 0 < medido["p50_ms"] <= medido["p99_ms"]
        assert set(medido["estados"]) <= {"200", "201", "204", "302"}
    publicadas = datos["acopio_a_publicacion"]
    assert publicadas["actas"] == con_imagen and publicadas["p50_s"] > 0
    assert datos["cortes"] and datos["cortes"][-1]["actas_capturadas"]
    sin_acta = Acta.objects.filter(estado=Acta.Estado.SIN_ACTA).count()
    assert datos["cuentas"]["sin_acta"] == sin_acta
    # Sin Acta count as captured in the published figures.
    assert sum(datos["cortes"][-1]["actas_capturadas"].values()) == con_imagen + sin_acta
    assert datos["errores"] == {}
    # PREP Casilla photos come from the phones of the casillas' groups: none sends much more
    # than a casilla's phone would (two actas a casilla here), so none meets the rate limit.
    fotos = Imagen.objects.filter(dispositivo__tipo="TELEFONO").values_list("dispositivo_id")
    por_telefono = Counter(fotos)
    assert por_telefono and max(por_telefono.values()) <= FOTOS_POR_TELEFONO + 1
    # Every change of the night in the bitácora's chain, under all that concurrency.
    assert verificar_base().integra
    assert any(linea.startswith("Bitácora:") for linea in datos["comprobacion"])


@pytest.mark.lento
@pytest.mark.django_db(transaction=True)
def test_simulacro_contra_un_despliegue_remoto(tmp_path, settings, monkeypatch):
    """`preparar` on the deployment; `ejecutar --url` from a machine with no access to its
    database (its own, empty, stays untouched)."""
    archivo = tmp_path / "equipo.json"
    salida = StringIO()
    call_command(
        "simulacro", "preparar", "--casillas", "30", "--capturistas", "2",
        "--verificadores", "1", "--equipo", str(archivo), "--reloj", "120", stdout=salida,
    )  # fmt: skip
    _eleccion, sintetica, _equipo = cargar(archivo)
    # The operator starts the deployment's processes with the clock `preparar` printed.
    (linea,) = [x for x in salida.getvalue().splitlines() if "PREP_RELOJ='" in x]
    reloj = linea.split("PREP_RELOJ='", 1)[1].split("'", 1)[0]
    assert " x120.0 desde " in reloj or " x120 desde " in reloj
    publicacion = Path(settings.PREP_PUBLICACION_DIR)
    publicacion.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("PREP_RELOJ", reloj)
    sitio = ServidorWeb(publicacion)
    try:
        with (
            Hijo(["publicar", "--programado"], tmp_path / "publicador.log"),
            ServidorHijo(tmp_path / "servidor.log", 8) as servidor,
        ):
            cliente = tmp_path / "cliente"
            cliente.mkdir()
            base_del_cliente = cliente / "ajena.sqlite3"
            corrida = _prep(
                cliente, "simulacro", "ejecutar", "--url", servidor.url, "--equipo", str(archivo),
                "--sitio", sitio.url, "--informe", str(cliente / "informe.json"),
                base=f"sqlite:///{base_del_cliente}",
            )  # fmt: skip
    finally:
        sitio.detener()
    assert corrida.returncode == 0, corrida.stdout + corrida.stderr
    assert not base_del_cliente.exists() or base_del_cliente.stat().st_size == 0
    datos = json.loads((cliente / "informe.json").read_text())
    esperadas = _esperadas(sintetica)
    assert datos["fases"]["acopio"]["actas"] == esperadas["acopio"]
    assert datos["cuentas"]["verificadas"] == esperadas["con_imagen"]
    assert datos["cuentas"]["publicadas"] == esperadas["con_imagen"]
    assert Acta.objects.filter(estado=Acta.Estado.VERIFICADA).count() == esperadas["con_imagen"]


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["--url", "ftp://prep.example"], "--url debe ser http:// o https://"),
        (["--url", "http://127.0.0.1:9"], "con --url hace falta --equipo"),
        (["--error-captura", "2"], "--error-captura debe estar entre 0 y 1"),
        (["--capturistas", "1"], "--capturistas debe estar entre 2 y 1,000"),
        (["--limite", "cero"], "--limite debe ser un número entero"),
        (["--casillas", "0"], "--casillas debe estar entre 1 y 200,000"),
    ],
)
def test_opciones_invalidas_se_rechazan_en_espanol(tmp_path, argumentos, mensaje):
    corrida = _prep(tmp_path, "simulacro", "ejecutar", *argumentos, base="sqlite:///:memory:")
    assert corrida.returncode != 0
    assert mensaje in corrida.stderr


def test_un_archivo_de_equipo_ajeno_se_rechaza(tmp_path):
    archivo = tmp_path / "equipo.json"
    archivo.write_text("{}")
    corrida = _prep(
        tmp_path, "simulacro", "ejecutar", "--url", "http://127.0.0.1:9", "--equipo",
        str(archivo), base="sqlite:///:memory:",
    )  # fmt: skip
    assert corrida.returncode != 0
    assert "no es un archivo de equipo de simulacro" in corrida.stderr
