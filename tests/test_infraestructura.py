"""The infrastructure itself: database selection by environment, the `prep` command, test setup."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

RAIZ = Path(__file__).resolve().parent.parent
URL = os.environ.get("PREP_DATABASE_URL", "").strip()


# --- database -------------------------------------------------------------------------------


@pytest.mark.motor
def test_el_motor_corresponde_a_prep_database_url():
    esperado = dj_database_url.parse(URL)["ENGINE"] if URL else "django.db.backends.sqlite3"
    assert settings.DATABASES["default"]["ENGINE"] == esperado
    assert connection.vendor == ("postgresql" if "postgresql" in esperado else "sqlite")


@pytest.mark.django_db
@pytest.mark.skipif(not URL, reason="sólo con PREP_DATABASE_URL")
def test_postgresql_segun_la_url():
    url = dj_database_url.parse(URL)
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), inet_server_port(), version()")
        base, puerto, version = cursor.fetchone()
    # pytest-django works on its own test database, test_<name from the URL>.
    assert base == f"test_{url['NAME']}"
    assert puerto == int(url["PORT"] or 5432)
    assert version.startswith("PostgreSQL")


@pytest.mark.django_db
@pytest.mark.skipif(bool(URL), reason="sólo con SQLite por omisión")
def test_sqlite_por_omision_en_modo_wal():
    assert connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    # A file under PREP_VAR_DIR (WAL needs a file, not :memory:).
    nombre = Path(connection.settings_dict["NAME"])
    assert nombre.name == "prueba.sqlite3"
    assert nombre.is_file()


# --- the prep command -----------------------------------------------------------------------


def _prep(*args: str, cwd: Path, env: dict[str, str] | None = None):
    """Run the installed `prep` script, importing this checkout's package."""
    junto = Path(sys.executable).parent / "prep"
    ejecutable = str(junto) if junto.exists() else shutil.which("prep")
    assert ejecutable, "falta la orden prep: pip install -e ."
    entorno = dict(os.environ if env is None else env)
    entorno["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(RAIZ), entorno.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [ejecutable, *args], cwd=cwd, env=entorno, capture_output=True, text=True, timeout=120
    )


def test_prep_help_en_espanol(tmp_path):
    resultado = _prep("--help", cwd=tmp_path)
    assert resultado.returncode == 0, resultado.stderr
    assert "Órdenes:" in resultado.stdout
    assert "demo" in resultado.stdout


def test_prep_sin_argumentos_muestra_la_ayuda(tmp_path):
    resultado = _prep(cwd=tmp_path)
    assert resultado.returncode == 0, resultado.stderr
    assert "Órdenes:" in resultado.stdout


def test_prep_desde_otra_carpeta_crea_var_ahi(tmp_path):
    # With no configuration at all, the SQLite default lives in ./var of the current folder
    # (`prep --help` loads no settings: an order that uses the database).
    entorno = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PREP_DATABASE_URL", "PREP_VAR_DIR", "PREP_PUBLICACION_DIR"}
    }
    resultado = _prep("catalogo", "resumen", cwd=tmp_path, env=entorno)
    assert "la base de datos no está lista" in resultado.stderr
    assert (tmp_path / "var" / "prep.sqlite3").is_file()


def test_orden_desconocida_falla(tmp_path):
    resultado = _prep("orden-que-no-existe", cwd=tmp_path)
    assert resultado.returncode == 2
    assert "no existe la orden «orden-que-no-existe»" in resultado.stderr


# --- test setup -----------------------------------------------------------------------------


def test_perfil_de_hypothesis():
    perfil = hypothesis_settings.default
    if os.environ.get("HYPOTHESIS_PROFILE"):
        pytest.skip("perfil elegido a mano")
    nombre = "ci" if os.environ.get("CI", "").strip().lower() in {"1", "true"} else "dev"
    esperado = hypothesis_settings.get_profile(nombre)
    assert (perfil.max_examples, perfil.deadline) == (esperado.max_examples, esperado.deadline)
    if nombre == "ci":
        assert perfil.deadline is None


def test_carpetas_aisladas_en_tmp_path(tmp_path):
    assert Path(settings.PREP_PUBLICACION_DIR) == tmp_path / "publicacion"
    assert Path(settings.VAR_DIR) == tmp_path / "var"
    assert os.environ["PREP_PUBLICACION_DIR"] == str(tmp_path / "publicacion")
    assert os.environ["PREP_VAR_DIR"] == str(tmp_path / "var")


def test_la_corrida_en_postgresql_recoge_solo_lo_que_depende_de_la_base():
    """scripts/test.sh runs the suite again on PostgreSQL with PREP_PRUEBAS_SOLO_BASE=1: the
    tests on the test database and those marked `motor` stay; the rest, and those marked
    `un_motor` (the site's, on the database only to build their corte), are left out."""
    resultado = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "tests/test_infraestructura.py", "tests/site/test_sitio.py"],
        cwd=RAIZ, env={**os.environ, "PREP_PRUEBAS_SOLO_BASE": "1"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "test_sitio.py" not in resultado.stdout
    recogidas = {linea.rpartition("::")[2] for linea in resultado.stdout.splitlines()}
    assert {
        "test_postgresql_segun_la_url",  # django_db
        "test_sqlite_por_omision_en_modo_wal",  # django_db
        "test_el_motor_corresponde_a_prep_database_url",  # motor
    } <= recogidas
    assert "test_prep_help_en_espanol" not in recogidas
    assert "test_la_corrida_en_postgresql_recoge_solo_lo_que_depende_de_la_base" not in recogidas
    assert re.search(r"\d+/\d+ tests collected \(\d+ deselected\)", resultado.stdout)
