"""The monitoring endpoints of a real `prep servir` child process, over HTTP: Prometheus's view of
/metricas with its token, a server whose database is down (alive, not ready), and a server on
an espejo of a real PostgreSQL pair (not ready until it is promoted)."""

import time

import httpx
import pytest
from django.db import connection

from prep.servidor import servidor
from prep.servidor.servidor import ServidorHijo
from tests.monitoreo.ayudas import GOB, E, escena, muestras
from tests.servicios.postgres import HOST, Nodo, ParReplicado

TOKEN = "token-de-prometheus-de-prueba-abcdef0123456789"


def listo(prep_servir: ServidorHijo) -> httpx.Response:
    return httpx.get(prep_servir.url + "/salud/listo", timeout=10)


@pytest.mark.django_db(transaction=True)
def test_prometheus_lee_las_metricas_de_prep_servir(tmp_path, monkeypatch):
    escena()
    monkeypatch.setenv("PREP_METRICAS_TOKEN", TOKEN)
    with ServidorHijo(tmp_path / "servidor.log", hilos=4) as prep_servir:
        metricas = prep_servir.url + "/metricas"
        sin_token = httpx.get(metricas)
        assert sin_token.status_code == 401
        assert sin_token.json()["codigo"] == "no_autenticado"
        respuesta = httpx.get(metricas, headers={"Authorization": f"Bearer {TOKEN}"})
        assert respuesta.status_code == 200
        m = muestras(respuesta.text)
        assert m.valor("prep_actas", eleccion="GOB", estado=E.VERIFICADA) == GOB[E.VERIFICADA]
        assert m.valor("prep_actas", eleccion="GOB", estado=E.ESPERADA) == GOB[None]
        assert m.valor("prep_cola_pendientes", cola="conflicto") == GOB[E.EN_CONFLICTO]
        assert m.valor("prep_corte_ultimo_numero") == 7
        assert m.valor("prep_difusor_estado", difusor="Suspendido", estado="suspendido") == 1
        assert m.valor("prep_metricas_consulta_correcta") == 1
        assert m.valor("process_resident_memory_bytes") > 0

        assert listo(prep_servir).json()["estado"] == "listo"
        cabeza = httpx.head(prep_servir.url + "/salud/vivo")
        assert (cabeza.status_code, cabeza.content) == (200, b"")
        # The balancer probes by address; the metrics keep Django's Host check.
        otro_host = {"Host": "10.20.30.40:8000"}
        assert httpx.get(prep_servir.url + "/salud/listo", headers=otro_host).status_code == 200
        autorizado = {"Authorization": f"Bearer {TOKEN}", **otro_host}
        assert httpx.get(metricas, headers=autorizado).status_code == 400


@pytest.fixture
def base_caida(monkeypatch, tmp_path):
    """`prep servir` children get a database that does not answer."""
    if connection.vendor == "postgresql":
        url = "postgres://postgres@127.0.0.1:1/prep?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path / 'no-existe' / 'prep.sqlite3'}"
    monkeypatch.setattr(servidor, "url_de_la_base", lambda: url)


def test_con_la_base_caida_esta_vivo_pero_no_listo(base_caida, tmp_path):
    registro = tmp_path / "servidor.log"
    with ServidorHijo(registro, hilos=4) as prep_servir:
        vivo = httpx.get(prep_servir.url + "/salud/vivo")
        assert (vivo.status_code, vivo.json()) == (200, {"estado": "vivo"})
        respuesta = listo(prep_servir)
        assert respuesta.status_code == 503
        assert respuesta.headers["Retry-After"] == "5"
        assert respuesta.json()["comprobaciones"] == {
            "base_de_datos": {"estado": "falla", "mensaje": "la base de datos no responde"},
            "almacen_de_imagenes": {"estado": "ok", "copias": 1, "responden": 1, "requeridas": 1},
        }
        cabeza = httpx.head(prep_servir.url + "/salud/listo", timeout=10)
        assert (cabeza.status_code, cabeza.content) == (503, b"")
        # The scrape still answers: the process's metrics, and that the database did not.
        metricas = httpx.get(prep_servir.url + "/metricas", timeout=10)
        assert metricas.status_code == 200
        m = muestras(metricas.text)
        assert m.valor("prep_metricas_consulta_correcta") == 0
        assert m.valor("process_resident_memory_bytes") > 0
        assert not any(n.startswith("prep_actas") for n in m.nombres())
    # Logged once, not once per probe.
    assert registro.read_text().count("salud: base de datos falla") == 1


def _url(par: ParReplicado, nodo: Nodo) -> str:
    """PREP_DATABASE_URL naming only `nodo` (no target_session_attrs: connect to it as is)."""
    return (
        f"postgres://prep:{par.clave_app}@{HOST}:{nodo.puerto}/prep?sslmode=verify-full"
        f"&sslrootcert={par.ca / 'ca.pem'}&connect_timeout=2"
    )


@pytest.mark.lento
def test_el_espejo_no_recibe_trafico_hasta_su_promocion(tmp_path, monkeypatch):
    with ParReplicado() as par:
        primario, espejo = par.db1, par.db2
        monkeypatch.setattr(servidor, "url_de_la_base", lambda: _url(par, primario))
        with ServidorHijo(tmp_path / "primario.log", hilos=2) as en_primario:
            monkeypatch.setattr(servidor, "url_de_la_base", lambda: _url(par, espejo))
            with ServidorHijo(tmp_path / "espejo.log", hilos=2) as en_espejo:
                assert listo(en_primario).status_code == 200
                respuesta = listo(en_espejo)
                assert respuesta.status_code == 503
                assert respuesta.json()["comprobaciones"]["base_de_datos"] == {
                    "estado": "falla",
                    "mensaje": "la base de datos es un espejo en recuperación (sólo lectura)",
                }
                par.matar_primario()
                caido = listo(en_primario)
                assert caido.status_code == 503
                assert caido.json()["comprobaciones"]["base_de_datos"]["mensaje"] == (
                    "la base de datos no responde"
                )
                par.promover_espejo()
                # The same process, never restarted, takes traffic once its node is primary.
                limite = time.monotonic() + 30
                while (respuesta := listo(en_espejo)).status_code != 200:
                    assert time.monotonic() < limite, respuesta.json()
                    time.sleep(0.2)
                assert respuesta.json()["estado"] == "listo"
