"""The coordinator's tablero: counts per state and centro, queues, acopio → verificación times,
each scoped to the viewer's centro, from a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from prep.acopio.models import Acopio
from prep.actas.models import Acta
from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Centro, Rol
from prep.digitalizacion.models import Imagen
from prep.tablero.consultas import tablero
from tests.cuentas.ayudas import persona
from tests.fabricas import (
    ActaEsperadaFactory,
    ActaFactory,
    CentroFactory,
    DistritoFactory,
    EleccionFactory,
)

pytestmark = pytest.mark.django_db
E = Acta.Estado
HORA = datetime(2027, 6, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def escena():
    """Two CATDs of one distrito each, a CCV serving everything, and actas in several states."""
    eleccion = EleccionFactory(tipo="GOB", tipo_acta="5")
    uno, dos = DistritoFactory(), DistritoFactory()
    a = CentroFactory(clave="CATD-A", distritos=[uno])
    b = CentroFactory(clave="CATD-B", distritos=[dos])
    ccv = CentroFactory(clave="CCV-1", tipo=Centro.Tipo.CCV)

    def acta(distrito, estado=None, **campos):
        esperada = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)
        if estado is None:
            return esperada  # nobody touched it yet: no Acta record
        return ActaFactory(acta_esperada=esperada, estado=estado, **campos)

    for minutos in range(1, 11):  # verified in 1..10 minutes
        acta(
            uno,
            E.VERIFICADA,
            fecha_hora_acopio=HORA,
            fecha_hora_verificacion=HORA + timedelta(minutes=minutos),
        )
    acta(
        uno,
        E.VERIFICADA,
        fecha_hora_acopio=HORA,
        fecha_hora_verificacion=HORA - timedelta(minutes=3),
    )
    acta(uno, E.EN_CONFLICTO)
    acta(uno, E.DIGITALIZADA)
    acta(uno, E.CAPTURADA_1)
    acta(uno)
    acta(dos, E.ACOPIADA)
    acta(dos, E.CAPTURADA_2)
    acta(dos)
    acta(dos)
    cotejo = acta(dos, E.DIGITALIZADA, origen=Acta.Origen.CASILLA)
    Acopio.objects.create(
        acta=cotejo, centro=b, momento=HORA, registrado_por="x", metodo="QR", requiere_cotejo=True
    )
    fuera = ActaFactory(
        acta_esperada=None,
        eleccion=eleccion,
        estado=E.FUERA_DE_CATALOGO,
        identificacion="049999B01005",
    )
    Acopio.objects.create(acta=fuera, centro=a, momento=HORA, registrado_por="x", metodo="QR")
    for n, centro in enumerate((a, a, b)):
        Imagen.objects.create(
            sha256=f"{n:064d}", tamano=1, tipo=Imagen.Tipo.JPEG, ancho=1, alto=1,
            origen=Acta.Origen.CATD, digitalizacion=Acta.Digitalizacion.ESCANER,
            estado=Imagen.Estado.PENDIENTE, centro=centro, subida_por="x",
        )  # fmt: skip
    return {"a": a, "b": b, "ccv": ccv}


def ver(rol, centro=None):
    return tablero(actor_de_usuario(persona(rol, centro)))


def test_el_administrador_ve_todo_por_estado_y_por_centro(escena):
    t = ver(Rol.ADMINISTRADOR)
    assert t.alcance == "todos los centros"
    assert t.por_estado[E.VERIFICADA] == 11
    assert t.por_estado[E.ESPERADA] == 3  # no record yet
    assert t.por_estado[E.FUERA_DE_CATALOGO] == 1
    assert t.total == 11 + 1 + 2 + 1 + 3 + 1 + 1 + 1
    filas = {f.centro.clave: f for f in t.por_centro}
    assert filas["CATD-A"].total == 11 + 1 + 1 + 1 + 1 + 1  # + its fuera de catálogo
    assert filas["CATD-A"].por_estado[E.FUERA_DE_CATALOGO] == 1
    assert filas["CATD-B"].total == 5
    assert filas["CATD-B"].por_estado[E.ESPERADA] == 2
    assert filas["CCV-1"].total == t.total - 1  # every acta of the catálogo


def test_el_coordinador_ve_solo_su_centro(escena):
    t = ver(Rol.COORDINADOR, escena["b"])
    assert t.alcance.startswith("CATD-B")
    assert t.total == 5
    assert [f.centro.clave for f in t.por_centro] == ["CATD-B"]
    assert t.pendientes == {
        "clasificacion": 1,
        "digitalizacion": 1,
        "captura": 1,
        "verificacion": 1,
        "conflicto": 0,
        "cotejo": 1,
    }
    assert t.tiempos.actas == 0 and t.tiempos.mediana is None


def test_colas_pendientes_del_administrador(escena):
    assert ver(Rol.AUDITOR).pendientes == {
        "clasificacion": 3,
        "digitalizacion": 1,
        "captura": 3,
        "verificacion": 1,
        "conflicto": 1,
        "cotejo": 1,
    }


def test_tiempo_de_acopio_a_verificacion(escena):
    tiempos = ver(Rol.COORDINADOR, escena["a"]).tiempos
    assert tiempos.actas == 10
    assert tiempos.mediana == timedelta(minutes=5)  # nearest rank: the 5th of 10
    assert tiempos.p90 == timedelta(minutes=9)
    assert tiempos.negativos == 1  # verified before its acopio (T-A3): flagged, not averaged


def test_las_consultas_no_dependen_del_numero_de_actas_ni_de_centros(
    escena, django_assert_max_num_queries
):
    actor = actor_de_usuario(persona(Rol.ADMINISTRADOR))
    with django_assert_max_num_queries(16):
        tablero(actor)
    for i in range(5):
        CentroFactory(clave=f"CATD-X{i}", distritos=[DistritoFactory()])
    with django_assert_max_num_queries(16):
        tablero(actor)


def test_la_pagina_y_la_api(escena):
    cliente = Client()
    cliente.force_login(persona(Rol.COORDINADOR, escena["a"]))
    texto = cliente.get("/tablero/").content.decode()
    assert "Tablero de operación · CATD-A" in texto
    assert "Actas en conflicto" in texto
    assert "<td>Mediana (h:mm:ss)</td><td>0:05:00</td>" in texto
    assert 'http-equiv="refresh"' in texto
    datos = cliente.get("/api/v1/tablero/").json()
    assert datos["por_estado"]["verificada"] == 11
    assert datos["tiempos"] == {"actas": 10, "mediana_s": 300.0, "p90_s": 540.0, "negativos": 1}
    assert datos["por_centro"][0]["clave"] == "CATD-A"


@pytest.mark.parametrize("rol", [Rol.ACOPIADOR, Rol.CAPTURISTA, Rol.VERIFICADOR, Rol.DIGITALIZADOR])
def test_los_operadores_no_ven_el_tablero(escena, rol):
    cliente = Client()
    cliente.force_login(persona(rol, escena["a"]))
    pagina = cliente.get("/tablero/")
    assert pagina.status_code == 403
    assert "no permite ver el tablero de operación" in pagina.content.decode()
    assert cliente.get("/api/v1/tablero/").status_code == 403
