"""Shared pytest setup: hypothesis profiles and isolation of the folders the application writes.

Area-specific fixtures belong in `tests/<area>/conftest.py`. The `lento`, `motor` and `un_motor`
markers are registered in pyproject.toml (`--strict-markers` rejects unregistered ones).
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import expect

# Real services for any area's tests: an sshd (SFTP) and an S3 API server (moto).
from tests.servicios.s3 import bucket_s3, servidor_s3  # noqa: F401 (fixtures)
from tests.servicios.sshd import servidor_sftp  # noqa: F401 (fixture)

# `dev` (default): quick local runs. `ci` (CI=true): no per-example deadline, since a shared
# 2-core machine has noisy timings, and more examples. HYPOTHESIS_PROFILE=name picks one by hand.
hypothesis_settings.register_profile("dev", max_examples=50)
hypothesis_settings.register_profile("ci", max_examples=150, deadline=None, print_blob=True)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").strip().lower() in {"1", "true"} else "dev")
)

# Browser assertions wait for a state and return as soon as it holds. The suite runs its SQLite
# and PostgreSQL passes at once on 2 cores, where the phone app's checks of a 1240×1600 photo
# (luminance, Laplacian, jsQR) take several seconds; Playwright's 5 s default was too short there.
expect.set_options(timeout=20_000)


# Fixtures that give a test the test database (pytest-django).
_FIXTURES_DE_BASE = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def _usa_la_base(item) -> bool:
    """True when the test gets the test database (its `django_db` mark or a fixture)."""
    return item.get_closest_marker("django_db") is not None or bool(
        _FIXTURES_DE_BASE & set(getattr(item, "fixturenames", ()))
    )


def _depende_del_motor(item) -> bool:
    """True when the test's outcome can depend on the database engine: marked `motor` (a `prep`
    child process on the configured database), or on the test database and not marked
    `un_motor` (the database only prepares what it tests)."""
    if item.get_closest_marker("motor") is not None:
        return True
    return item.get_closest_marker("un_motor") is None and _usa_la_base(item)


def pytest_collection_modifyitems(config, items):
    """With PREP_PRUEBAS_SOLO_BASE=1 (the second run of scripts/test.sh, on PostgreSQL) keep only
    the tests whose outcome can depend on the database engine. The rest gave their answer in the
    first run; running them again would only repeat it."""
    if os.environ.get("PREP_PRUEBAS_SOLO_BASE") != "1":
        return
    quedan, fuera = [], []
    for item in items:
        (quedan if _depende_del_motor(item) else fuera).append(item)
    if fuera:
        config.hook.pytest_deselected(items=fuera)
        items[:] = quedan


@pytest.fixture(autouse=True)
def _carpetas_aisladas(tmp_path, monkeypatch, settings):
    """Point the publication and var folders into the test's tmp_path (never ./publicacion).

    Django settings for code in this process; environment variables for `prep` subprocesses.
    The folders are not created: code that writes there creates them as it would in production.
    """
    publicacion, var = tmp_path / "publicacion", tmp_path / "var"
    settings.PREP_PUBLICACION_DIR = publicacion
    settings.VAR_DIR = var
    monkeypatch.setenv("PREP_PUBLICACION_DIR", str(publicacion))
    monkeypatch.setenv("PREP_VAR_DIR", str(var))
    llave = var / "llaves" / "firma_ed25519.pem"
    settings.PREP_LLAVE_FIRMA = llave
    monkeypatch.setenv("PREP_LLAVE_FIRMA", str(llave))


@pytest.fixture(autouse=True)
def _bitacora_encadenada_al_momento(request):
    """A test inside one transaction that is never committed (`django_db` without
    `transaction=True`) would never see its bitácora entries chained on PostgreSQL, where a
    trigger deferred to COMMIT chains them: there it fires at each insert instead."""
    marca = request.node.get_closest_marker("django_db")
    transaccional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marca is not None and (marca.kwargs.get("transaction") or (marca.args and marca.args[0]))
    )
    if transaccional or not _usa_la_base(request.node):
        return
    request.getfixturevalue("db")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS bitacora_entrada_encadenar IMMEDIATE")
