"""/metricas through Django's test client: the figures against the data created, a fixed number
of queries whatever the number of actas, the request metrics' labels, and who may read it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prep import reloj
from prep.actas.models import Acta
from prep.tablero.consultas import ORDEN_ESTADOS, actas_por_estado, pendientes
from tests.fabricas import ActaEsperadaFactory, ActaFactory
from tests.monitoreo.ayudas import DIP_LOC, EDAD_CORTE, GOB, E, escena, muestras

TOKEN = "un-token-de-metricas-de-prueba-0123456789"


def leer(cliente: Client | None = None, **extra):
    respuesta = (cliente or Client()).get("/metricas", **extra)
    assert respuesta.status_code == 200, respuesta.content
    assert respuesta["Content-Type"].startswith("text/plain; version=0.0.4")
    assert respuesta["Cache-Control"] == "no-store"
    return muestras(respuesta.content.decode())


@pytest.fixture
def reloj_real():
    reloj.configurar(None)
    yield
    reloj.configurar(None)


# --- the figures ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_las_cifras_cuadran_con_la_base(reloj_real):
    escena()
    m = leer()
    for tipo, estados in (("GOB", GOB), ("DIP_LOC", DIP_LOC)):
        for estado in ORDEN_ESTADOS:
            esperado = estados.get(estado, 0) + (estados[None] if estado == E.ESPERADA else 0)
            if tipo == "GOB" and estado == E.FUERA_DE_CATALOGO:
                esperado = 1
            assert m.valor("prep_actas", eleccion=tipo, estado=estado) == esperado, (tipo, estado)
        assert m.valor("prep_actas_esperadas", eleccion=tipo) == sum(estados.values())
    # Summed over the elecciones, the same as the coordinator's tablero.
    por_estado = actas_por_estado(None)
    for estado in ORDEN_ESTADOS:
        suma = sum(m.valor("prep_actas", eleccion=t, estado=estado) for t in ("GOB", "DIP_LOC"))
        assert suma == por_estado[estado]
    colas = {"clasificacion": 2, "digitalizacion": 1, "captura": 1 + 2, "verificacion": 1}
    colas |= {"conflicto": 2, "cotejo": 1}
    assert colas == pendientes(None, por_estado)
    for cola, n in colas.items():
        assert m.valor("prep_cola_pendientes", cola=cola) == n
    assert m.valor("prep_captura_asignaciones_vigentes") == 1  # the expired one is free
    assert m.valor("prep_metricas_consulta_correcta") == 1


@pytest.mark.django_db
def test_el_corte_la_publicacion_y_los_difusores(reloj_real):
    corte = escena().corte
    m = leer()
    assert m.valor("prep_corte_ultimo_numero") == 7
    assert m.valor("prep_corte_ultimo_momento_segundos") == corte.momento.timestamp()
    assert m.valor("prep_corte_ultimo_creado_segundos") == corte.creado.timestamp()
    edad = m.valor("prep_corte_edad_segundos")
    assert EDAD_CORTE.total_seconds() <= edad < EDAD_CORTE.total_seconds() + 30
    assert m.valor("prep_corte_ultimo_duracion_segundos") == 17.0
    assert m.valor("prep_publicacion_abierta") == 1
    assert m.valor("prep_reloj_factor") == 1
    estados = {
        (d, e): m.valor("prep_difusor_estado", difusor=d, estado=e)
        for d in ("Activo", "Suspendido", "Baja")
        for e in ("activo", "suspendido", "baja")
    }
    assert {clave for clave, valor in estados.items() if valor == 1} == {
        ("Activo", "activo"),
        ("Suspendido", "suspendido"),
        ("Baja", "baja"),
    }
    assert m.valor("prep_difusor_fallos_consecutivos", difusor="Suspendido") == 3
    assert m.valor("prep_difusor_fallos_consecutivos", difusor="Activo") == 0
    # The newest period counts, not the older ones.
    assert m.valor("prep_difusor_ultimo_periodo_correcto", difusor="Activo") == 1
    assert m.valor("prep_difusor_ultimo_periodo_correcto", difusor="Suspendido") == 0
    assert m.valor("prep_difusor_ultimo_corte_servido", difusor="Activo") == 7
    assert not m.tiene("prep_difusor_ultimo_corte_servido", difusor="Suspendido")
    assert m.valor("prep_difusor_ultimo_corte_entregado", difusor="Activo") == 7
    assert m.valor("prep_difusor_ultimo_corte_entregado", difusor="Suspendido") == 5
    assert not m.tiene("prep_difusor_ultimo_periodo_correcto", difusor="Baja")


@pytest.mark.django_db
def test_con_el_reloj_simulado_la_edad_del_corte_es_real(reloj_real):
    """The calendar opens on the election-night clock; a corte's age is in real seconds, and
    the clock's factor lets an alert turn it into the night's."""
    corte = escena().corte
    inicio_real = timezone.now()
    # The night at 19:50, running 60 times faster: publication (20:00) 10 night minutes away.
    noche = timezone.localtime(inicio_real).replace(hour=19, minute=50)
    reloj.configurar(reloj.texto_simulado(noche, 60, inicio_real))
    from prep.publicacion.models import Calendario

    Calendario.objects.update(inicio=noche + timedelta(minutes=10))
    m = leer()
    assert m.valor("prep_reloj_factor") == 60
    assert m.valor("prep_publicacion_abierta") == 0
    edad = m.valor("prep_corte_edad_segundos")
    assert abs(edad - (timezone.now() - corte.creado).total_seconds()) < 5
    # Eleven night minutes later (11 real seconds), publication is open.
    reloj.configurar(reloj.texto_simulado(noche, 60, inicio_real - timedelta(seconds=11)))
    assert leer().valor("prep_publicacion_abierta") == 1


@pytest.mark.django_db
def test_sin_datos(reloj_real):
    m = leer()
    assert m.valor("prep_corte_ultimo_numero") == 0
    assert m.valor("prep_publicacion_abierta") == 0
    assert not {n for n in m.nombres() if n.startswith(("prep_actas", "prep_difusor"))}
    assert m.valor("prep_metricas_consulta_correcta") == 1
    # The process's own metrics, from prometheus_client's collectors.
    assert m.valor("process_resident_memory_bytes") > 0
    assert any(n == "python_info" for n in m.nombres())


@pytest.mark.django_db
def test_las_consultas_no_dependen_del_numero_de_actas(reloj_real):
    escena()
    cliente = Client()
    with CaptureQueriesContext(connection) as antes:
        leer(cliente)
    gob = Acta.objects.filter(eleccion__tipo="GOB").first().eleccion
    for estado in (E.VERIFICADA, E.CAPTURADA_2, E.SIN_ACTA) * 10:
        ActaFactory(acta_esperada=ActaEsperadaFactory(eleccion=gob), estado=estado)
    with CaptureQueriesContext(connection) as despues:
        m = leer(cliente)
    assert m.valor("prep_actas", eleccion="GOB", estado=E.VERIFICADA) == GOB[E.VERIFICADA] + 10
    assert len(despues) == len(antes)
    assert len(antes) <= 12, [q["sql"] for q in antes]


def test_openmetrics_si_el_recolector_lo_pide(db):
    respuesta = Client().get("/metricas", HTTP_ACCEPT="application/openmetrics-text; version=1.0.0")
    assert respuesta["Content-Type"].startswith("application/openmetrics-text")
    assert respuesta.content.endswith(b"# EOF\n")


# --- the request metrics --------------------------------------------------------------------


def test_las_peticiones_se_cuentan_por_patron_de_url(db):
    cliente = Client()
    digesto = "ab" * 32
    antes = leer(cliente)

    def peticiones(m, metodo: str, ruta: str, codigo: str) -> float:
        etiquetas = {"metodo": metodo, "ruta": ruta, "codigo": codigo}
        return m.o_cero("prep_http_peticiones_total", **etiquetas) - antes.o_cero(
            "prep_http_peticiones_total", **etiquetas
        )

    cliente.get("/salud/vivo")
    cliente.head("/salud/vivo")
    cliente.get(f"/api/v1/imagenes/{digesto}")
    cliente.get(f"/no/existe/{digesto}")
    cliente.generic("BREW", "/salud/vivo")
    texto = cliente.get("/metricas").content.decode()
    m = muestras(texto)
    assert digesto not in texto  # the pattern, never the path
    ruta = "api/v1/imagenes/<sha256>"
    assert peticiones(m, "GET", "salud/vivo", "200") == 1
    assert peticiones(m, "HEAD", "salud/vivo", "200") == 1
    assert peticiones(m, "GET", ruta, "401") == 1
    assert peticiones(m, "GET", "(sin ruta)", "404") == 1
    assert peticiones(m, "OTRO", "salud/vivo", "405") == 1
    # The scrape before this one is counted too.
    assert peticiones(m, "GET", "metricas", "200") == 1
    duracion = "prep_http_duracion_segundos_count"
    assert (
        m.o_cero(duracion, metodo="GET", ruta=ruta)
        - antes.o_cero(duracion, metodo="GET", ruta=ruta)
        == 1
    )
    assert not any(n.endswith("_created") for n in m.nombres())


# --- who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direccion", "cabeceras", "codigo"),
    [
        ("127.0.0.1", {}, 200),
        ("127.0.0.53", {}, 200),
        ("::1", {}, 200),
        ("::ffff:127.0.0.1", {}, 200),
        ("10.1.2.3", {}, 403),
        ("::ffff:10.1.2.3", {}, 403),
        ("2001:db8::1", {}, 403),
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 403),
        ("127.0.0.1", {"HTTP_FORWARDED": "for=203.0.113.9"}, 403),
        ("127.0.0.1", {"HTTP_X_REAL_IP": "203.0.113.9"}, 403),
    ],
)
def test_sin_token_solo_esta_maquina(db, settings, direccion, cabeceras, codigo):
    settings.PREP_METRICAS_TOKEN = ""
    respuesta = Client().get("/metricas", REMOTE_ADDR=direccion, **cabeceras)
    assert respuesta.status_code == codigo
    if codigo == 403:
        assert respuesta.json()["codigo"] == "solo_local"
        assert "PREP_METRICAS_TOKEN" in respuesta.json()["mensaje"]


@pytest.mark.parametrize(
    ("autorizacion", "codigo"),
    [
        (None, 401),
        ("Bearer otro-token", 401),
        (f"Bearer {TOKEN}x", 401),
        (f"Basic {TOKEN}", 401),
        (f"Bearer {TOKEN}", 200),
        (f"bearer {TOKEN}", 200),
    ],
)
def test_con_token_se_exige_a_todos(db, settings, autorizacion, codigo):
    """With a token, loopback is not enough: a proxy on the same machine would be loopback."""
    settings.PREP_METRICAS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": autorizacion} if autorizacion else {}
    for direccion in ("127.0.0.1", "10.1.2.3"):
        respuesta = Client().get("/metricas", REMOTE_ADDR=direccion, **extra)
        assert respuesta.status_code == codigo
        if codigo == 401:
            assert respuesta["WWW-Authenticate"] == 'Bearer realm="prep-metricas"'
            assert respuesta.json() == {
                "codigo": "no_autenticado",
                "mensaje": "falta el token de métricas o no es válido",
            }
            assert TOKEN not in respuesta.content.decode()


def test_solo_get_y_head(db):
    cliente = Client()
    assert cliente.head("/metricas").status_code == 200
    assert cliente.post("/metricas").status_code == 405
