"""Failover drill with two real PostgreSQL servers: captures flow through one `prep servir`, the
primary is killed (-9) mid-flow, the espejo is promoted, and the capturistas go on through the
same process, never restarted. Every capture answered with success is in the promoted database
(counted), and every request that failed during the switch failed with PREP's Spanish 503.

The servers are the test's own (tests/servicios/postgres.py, with deploy/postgres's scripts),
whatever database the rest of the suite runs on.
"""

import os
import subprocess
import sys

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from prep import settings as ajustes
from prep.servidor import servidor
from prep.servidor.servidor import ServidorHijo
from prep.web import autenticacion
from tests.continuidad import conmutacion
from tests.servicios.postgres import HOST, ParReplicado

DOS = "postgres://prep:cl%40ve@db1:5432,db2:6432/prep?sslmode=verify-full&sslrootcert=/ca.pem"


@pytest.mark.parametrize(
    ("url", "hosts", "puertos", "opciones"),
    [
        (DOS, "db1,db2", "5432,6432",
         {"sslmode": "verify-full", "sslrootcert": "/ca.pem",
          "target_session_attrs": "read-write"}),
        ("postgres://prep@db1,[::1]:7000/prep?target_session_attrs=any", "db1,::1", "5432,7000",
         {"target_session_attrs": "any"}),
    ],
)  # fmt: skip
def test_una_url_con_varios_servidores(monkeypatch, url, hosts, puertos, opciones):
    monkeypatch.setenv("PREP_DATABASE_URL", url)
    base = ajustes._database()
    assert (base["HOST"], base["PORT"], base["OPTIONS"]) == (hosts, puertos, opciones)
    assert (base["NAME"], base["USER"], base["CONN_HEALTH_CHECKS"]) == ("prep", "prep", True)


def test_una_url_de_un_servidor_no_cambia(monkeypatch):
    monkeypatch.setenv("PREP_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prep")
    base = ajustes._database()
    assert (base["HOST"], base["PORT"], base.get("OPTIONS")) == ("127.0.0.1", 5432, None)
    monkeypatch.delenv("PREP_DATABASE_URL")
    assert ajustes._database()["ENGINE"] == "django.db.backends.sqlite3"


def test_un_servidor_mal_escrito_se_explica(monkeypatch):
    monkeypatch.setenv("PREP_DATABASE_URL", "postgres://prep@db1:5432,db2:x/prep")
    with pytest.raises(ImproperlyConfigured, match="«db2:x» no es válido"):
        ajustes._database()


def test_un_proceso_hijo_recibe_los_dos_servidores(monkeypatch):
    """`Hijo` hands its children url_de_la_base(): every server and every option survive."""
    programa = (
        "import django; django.setup()\n"
        "from prep.servidor.servidor import url_de_la_base; print(url_de_la_base())"
    )
    entorno = {**os.environ, "PREP_DATABASE_URL": DOS, "DJANGO_SETTINGS_MODULE": "prep.settings"}
    hija = subprocess.run(
        [sys.executable, "-c", programa], env=entorno, capture_output=True, text=True, check=True
    ).stdout.strip()
    monkeypatch.setenv("PREP_DATABASE_URL", DOS)
    esperada = ajustes._database()
    monkeypatch.setenv("PREP_DATABASE_URL", hija)
    assert ajustes._database() == esperada


def test_una_base_que_no_responde_es_un_503_en_espanol(client, monkeypatch):
    def caida(_token):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(autenticacion, "actor_de_token", caida)
    respuesta = client.post("/api/v1/imagenes", HTTP_AUTHORIZATION="Bearer token")
    assert (respuesta.status_code, respuesta["Retry-After"]) == (503, "1")
    assert respuesta.json() == {
        "codigo": "base_no_disponible",
        "mensaje": "la base de datos no responde; reintente en unos segundos",
    }


@pytest.mark.lento
def test_conmutacion_por_falla_sin_perder_capturas(tmp_path, monkeypatch):
    with ParReplicado() as par:
        # Replication over TLS, synchronous; the application's user only over TLS.
        assert par.replicacion() == [("espejo", "streaming", "sync", True)]
        with pytest.raises(psycopg.OperationalError, match="no encryption"):
            psycopg.connect(host=HOST, port=par.db1.puerto, dbname="prep", user="prep",
                            password=par.clave_app, sslmode="disable")  # fmt: skip

        url = par.url()
        sintetica, equipo = conmutacion.preparar(url, tmp_path)
        # `prep servir` on both servers, not on the suite's database.
        monkeypatch.setattr(servidor, "url_de_la_base", lambda: url)
        with ServidorHijo(tmp_path / "servidor.log") as prep_servir:
            pid = prep_servir.proceso.pid
            actas = conmutacion.digitalizar(prep_servir.url, sintetica, equipo)
            resultado = conmutacion.simulacro(par, prep_servir.url, sintetica, equipo, actas)
            # The same process served before, during and after the switch.
            assert prep_servir.proceso.poll() is None
            assert prep_servir.proceso.pid == pid

        assert par.primario is par.db2
        assert par.primario.sql("SELECT pg_is_in_recovery()") == [["f"]]
        # Promoted without an espejo, it no longer waits for one (writes would block).
        assert par.primario.sql("SELECT current_setting('synchronous_standby_names') = ''") == [
            ["t"]
        ]

        antes, despues = resultado.antes(), resultado.despues()
        assert len(antes) >= conmutacion.ANTES
        assert despues, "ninguna captura después de la conmutación"
        respondidas = {r.cuerpo["captura_id"]: r for r in resultado.capturas()}
        assert len(respondidas) == 2 * actas

        # Counted in the promoted database: every capture answered with success, by whom and
        # for which acta, and nothing else.
        with par.conectar(par.primario) as conexion:
            filas = conexion.execute(
                "SELECT c.id, c.acta_id, u.username FROM captura_captura c"
                " JOIN auth_user u ON u.id = c.usuario_id"
            ).fetchall()
            estados = conexion.execute(
                "SELECT estado, count(*) FROM actas_acta GROUP BY estado"
            ).fetchall()
        # Both captures of every acta agreed: the flow went on to the end.
        assert estados == [("verificada", actas)]
        en_la_base = {i: (acta, usuario) for i, acta, usuario in filas}
        assert en_la_base == {
            i: (r.cuerpo["acta_id"], r.capturista) for i, r in respondidas.items()
        }
        assert all(r.ruta == f"/captura/{r.cuerpo['acta_id']}" for r in respondidas.values())

        # The switch was seen, and only as PREP's clear, Spanish 503: never a false success.
        fallidas = resultado.fallidas()
        assert fallidas, "ninguna petición vio la caída del primario"
        assert {(r.estado, r.codigo, r.mensaje) for r in fallidas} == {
            (503, "base_no_disponible", "la base de datos no responde; reintente en unos segundos")
        }
        assert all(resultado.muerte <= r.recibida for r in fallidas)
        recuperacion = resultado.recuperacion()
        assert 0 < recuperacion < 30
        print(
            f"\nconmutación: {len(antes)} capturas antes, {len(despues)} después,"
            f" {len(fallidas)} respuestas 503, recuperación {recuperacion:.2f} s"
        )

        # The fallen node comes back as the new primary's espejo, synchronous again, with
        # every capture.
        par.reconstruir_espejo()
        assert par.replicacion() == [("espejo", "streaming", "sync", True)]
        assert par.espejo.sql("SELECT pg_is_in_recovery()") == [["t"]]
        with par.conectar(par.espejo) as conexion:
            [(copiadas,)] = conexion.execute("SELECT count(*) FROM captura_captura").fetchall()
        assert copiadas == len(respondidas)
