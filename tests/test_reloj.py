"""The election-night clock: real by default, simulated by PREP_RELOJ (compressed or slowed
night, or stepped by hand through a file), malformed values refused at configuration and at
startup, and the split between the night's timestamps (simulated) and the bitácora's (real)."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from prep import reloj
from prep.acopio.models import Acopio
from prep.acopio.servicios import registrar_acopio
from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.catalogo.claves import carga_qr
from prep.cuentas.models import Rol
from tests.cuentas.ayudas import actor
from tests.fabricas import ActaEsperadaFactory, CentroFactory, DistritoFactory

RAIZ = Path(__file__).resolve().parent.parent
INICIO_SIMULADO = datetime.fromisoformat("2027-06-06T19:30:00-06:00")
INICIO_REAL = datetime.fromisoformat("2026-11-24T21:00:00+00:00")
TEXTO = "2027-06-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00+00:00"
FORMA = "se espera «<inicio simulado ISO> x<factor> desde <inicio real ISO>»"


@pytest.fixture(autouse=True)
def _reloj_real():
    """Every test starts and ends with the real clock."""
    reloj.configurar(None)
    yield
    reloj.configurar(None)


def _real_en(monkeypatch, momento: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: momento)


def test_por_omision_es_el_reloj_real():
    assert not reloj.simulado()
    antes = timezone.now()
    momento = reloj.ahora()
    assert antes <= momento <= timezone.now()
    assert timezone.is_aware(momento)


def test_simulado_avanza_factor_veces_desde_su_inicio(monkeypatch):
    reloj.configurar(TEXTO)
    assert reloj.simulado()
    _real_en(monkeypatch, INICIO_REAL)
    assert reloj.ahora() == INICIO_SIMULADO
    _real_en(monkeypatch, INICIO_REAL + timedelta(minutes=1))
    assert reloj.ahora() == INICIO_SIMULADO + timedelta(hours=1)
    _real_en(monkeypatch, INICIO_REAL + timedelta(minutes=5, seconds=30))
    assert reloj.ahora() == datetime.fromisoformat("2027-06-07T01:00:00-06:00")
    assert timezone.is_aware(reloj.ahora())


@pytest.mark.parametrize(
    ("factor", "real", "simulado"),
    [
        ("1.5", timedelta(minutes=10), timedelta(minutes=15)),
        ("0.5", timedelta(minutes=10), timedelta(minutes=5)),
        ("2.25", timedelta(seconds=4), timedelta(seconds=9)),
    ],
)
def test_factor_decimal(monkeypatch, factor, real, simulado):
    reloj.configurar(f"2027-06-06T19:30:00-06:00 x{factor} desde 2026-11-24T21:00:00+00:00")
    _real_en(monkeypatch, INICIO_REAL + real)
    assert reloj.ahora() == INICIO_SIMULADO + simulado


def test_texto_simulado_produce_el_valor_de_prep_reloj(monkeypatch):
    texto = reloj.texto_simulado(INICIO_SIMULADO, 60, INICIO_REAL)
    assert texto == TEXTO
    reloj.configurar(texto)
    _real_en(monkeypatch, INICIO_REAL + timedelta(seconds=30))
    assert reloj.ahora() == INICIO_SIMULADO + timedelta(minutes=30)
    assert "x1.5 desde" in reloj.texto_simulado(INICIO_SIMULADO, 1.5, INICIO_REAL)


@pytest.mark.parametrize(
    ("texto", "motivo"),
    [
        ("mañana a las 8", "no tiene la forma esperada"),
        ("2027-06-06T19:30:00-06:00 x60", "no tiene la forma esperada"),
        ("2027-06-06T19:30:00-06:00 60 desde 2026-11-24T21:00:00+00:00", "forma esperada"),
        ("2027-06-06T19:30:00-06:00 x-2 desde 2026-11-24T21:00:00+00:00", "forma esperada"),
        ("2027-06-06T19:30:00-06:00 x1e3 desde 2026-11-24T21:00:00+00:00", "forma esperada"),
        ("2027-06-06T19:30:00-06:00 x0 desde 2026-11-24T21:00:00+00:00", "debe ser positivo"),
        ("2027-06-06T19:30:00-06:00 x0.0 desde 2026-11-24T21:00:00+00:00", "debe ser positivo"),
        ("2027-13-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00+00:00", "no es una fecha"),
        ("2027-06-06T19:30:00 x60 desde 2026-11-24T21:00:00+00:00", "no indica su zona"),
        ("2027-06-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00", "no indica su zona"),
    ],
)
def test_valores_mal_formados_se_rechazan(texto, motivo):
    reloj.configurar(TEXTO)
    with pytest.raises(ValueError, match="PREP_RELOJ inválido") as error:
        reloj.configurar(texto)
    assert motivo in str(error.value)
    assert FORMA in str(error.value)
    # The clock stays as it was.
    assert reloj.simulado()


@pytest.mark.parametrize(
    ("inicio_simulado", "factor", "inicio_real"),
    [
        (INICIO_SIMULADO, 0, INICIO_REAL),
        (INICIO_SIMULADO, -1, INICIO_REAL),
        (INICIO_SIMULADO.replace(tzinfo=None), 60, INICIO_REAL),
    ],
)
def test_texto_simulado_rechaza_valores_invalidos(inicio_simulado, factor, inicio_real):
    with pytest.raises(ValueError, match=FORMA):
        reloj.texto_simulado(inicio_simulado, factor, inicio_real)


@pytest.mark.parametrize("texto", [None, "", "   "])
def test_configurar_sin_texto_vuelve_al_reloj_real(texto):
    reloj.configurar(TEXTO)
    reloj.configurar(texto)
    assert not reloj.simulado()
    assert abs(reloj.ahora() - timezone.now()) < timedelta(seconds=5)


def test_reloj_de_archivo_marca_la_hora_escrita_y_no_avanza_solo(monkeypatch, tmp_path):
    hora = tmp_path / "hora"
    reloj.mover(hora, INICIO_SIMULADO)
    reloj.configurar(reloj.texto_archivo(hora))
    assert reloj.simulado()
    _real_en(monkeypatch, INICIO_REAL)
    assert reloj.ahora() == INICIO_SIMULADO
    _real_en(monkeypatch, INICIO_REAL + timedelta(hours=3))
    assert reloj.ahora() == INICIO_SIMULADO
    reloj.mover(hora, INICIO_SIMULADO + timedelta(minutes=20))
    assert reloj.ahora() == INICIO_SIMULADO + timedelta(minutes=20)
    assert timezone.is_aware(reloj.ahora())
    # Its lapses last as long as real ones (a period's time to push a corte, say).
    assert reloj.segundos_reales(timedelta(minutes=20)) == 1200
    assert [p.name for p in tmp_path.iterdir()] == ["hora"]


def test_texto_archivo_nombra_la_ruta_absoluta(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert reloj.texto_archivo(Path("hora")) == f"archivo {tmp_path / 'hora'}"
    reloj.mover(Path("hora"), INICIO_SIMULADO)
    reloj.configurar("archivo hora")
    monkeypatch.chdir(RAIZ)
    assert reloj.ahora() == INICIO_SIMULADO


@pytest.mark.parametrize(
    ("contenido", "motivo"),
    [
        (None, "no se puede leer"),
        ("", "no es una fecha"),
        ("mañana a las 8", "no es una fecha"),
        ("2027-06-06T19:30:00", "no indica su zona"),
    ],
)
def test_reloj_de_archivo_sin_una_hora_se_rechaza(monkeypatch, tmp_path, contenido, motivo):
    hora = tmp_path / "hora"
    if contenido is not None:
        hora.write_text(contenido)
    reloj.configurar(TEXTO)
    with pytest.raises(ValueError, match="PREP_RELOJ inválido") as error:
        reloj.configurar(reloj.texto_archivo(hora))
    assert motivo in str(error.value)
    # The clock stays as it was.
    _real_en(monkeypatch, INICIO_REAL)
    assert reloj.ahora() == INICIO_SIMULADO


def test_reloj_de_archivo_que_se_pierde_lo_dice_al_leerlo(tmp_path):
    hora = tmp_path / "hora"
    reloj.mover(hora, INICIO_SIMULADO)
    reloj.configurar(reloj.texto_archivo(hora))
    hora.unlink()
    with pytest.raises(ValueError, match=f"PREP_RELOJ inválido .*no se puede leer «{hora}»"):
        reloj.ahora()


def test_mover_exige_zona_horaria(tmp_path):
    with pytest.raises(ValueError, match="no indica su zona horaria"):
        reloj.mover(tmp_path / "hora", INICIO_SIMULADO.replace(tzinfo=None))
    assert not (tmp_path / "hora").exists()


def _python(codigo: str, tmp_path: Path, prep_reloj: str) -> subprocess.CompletedProcess:
    entorno = dict(os.environ, PREP_RELOJ=prep_reloj, DJANGO_SETTINGS_MODULE="prep.settings")
    entorno["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(RAIZ), entorno.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [sys.executable, "-c", codigo],
        cwd=tmp_path,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prep_reloj_se_lee_al_importar(tmp_path):
    real = timezone.now().astimezone(UTC)
    texto = reloj.texto_simulado(INICIO_SIMULADO, 1, real)
    codigo = "import django; django.setup(); from prep import reloj; print(reloj.ahora())"
    resultado = _python(codigo, tmp_path, texto)
    assert resultado.returncode == 0, resultado.stderr
    momento = datetime.fromisoformat(resultado.stdout.strip())
    assert INICIO_SIMULADO <= momento < INICIO_SIMULADO + timedelta(minutes=5)


def test_otro_proceso_lee_la_hora_que_este_mueve(tmp_path):
    hora = tmp_path / "hora"
    reloj.mover(hora, INICIO_SIMULADO)
    codigo = (
        "import sys, django; django.setup(); from prep import reloj; print(reloj.ahora());"
        " sys.stdout.flush(); sys.stdin.readline(); print(reloj.ahora())"
    )
    entorno = dict(os.environ, PREP_RELOJ=reloj.texto_archivo(hora))
    entorno.update(DJANGO_SETTINGS_MODULE="prep.settings", PYTHONPATH=str(RAIZ))
    with subprocess.Popen(
        [sys.executable, "-c", codigo],
        cwd=RAIZ,
        env=entorno,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as otro:
        antes = otro.stdout.readline()
        reloj.mover(hora, INICIO_SIMULADO + timedelta(minutes=20))
        despues, errores = otro.communicate("\n", timeout=120)
    assert otro.returncode == 0, errores
    assert datetime.fromisoformat(antes.strip()) == INICIO_SIMULADO
    assert datetime.fromisoformat(despues.strip()) == INICIO_SIMULADO + timedelta(minutes=20)


def test_prep_no_arranca_con_prep_reloj_mal_formado(tmp_path):
    # `prep --help` loads no settings; an order's help does.
    codigo = "from prep.cli import main; main(['prep', 'catalogo', '--help'])"
    resultado = _python(codigo, tmp_path, "x60")
    assert resultado.returncode != 0
    assert "PREP_RELOJ inválido («x60»)" in resultado.stderr
    assert FORMA in resultado.stderr
    assert "uso:" not in resultado.stdout


@pytest.mark.django_db
def test_con_reloj_simulado_el_acopio_lleva_hora_simulada_y_la_bitacora_la_real():
    distrito = DistritoFactory()
    acopiador = actor(Rol.ACOPIADOR, CentroFactory(clave="CATD01", distritos=[distrito]), "ana")
    esperada = ActaEsperadaFactory(casilla__seccion__distrito_local=distrito)
    reloj.configurar(reloj.texto_simulado(INICIO_SIMULADO, 60, timezone.now()))

    antes = timezone.now()
    registrar_acopio(acopiador, qr=carga_qr(esperada.eleccion.tipo, esperada.clave))
    despues = timezone.now()

    acta = Acta.objects.get(acta_esperada=esperada)
    # A few real seconds since the clock was configured: a few simulated minutes.
    assert INICIO_SIMULADO <= acta.fecha_hora_acopio < INICIO_SIMULADO + timedelta(minutes=10)
    assert Acopio.objects.get(acta=acta).momento == acta.fecha_hora_acopio
    entrada = Entrada.objects.get(accion="acopio.registrar")
    assert datetime.fromisoformat(entrada.despues["fecha_hora_acopio"]) == acta.fecha_hora_acopio
    assert antes <= entrada.momento <= despues
