"""Empaquetado over HTTP: a paquete's actas recorded all or nothing, idempotent, in scope."""

import pytest
from django.test import Client

from prep.acopio.models import Acopio
from prep.acopio.servicios import registrar_acopio
from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.catalogo.claves import carga_qr
from prep.cuentas.identidad import SISTEMA
from prep.cuentas.models import Rol
from prep.empaquetado.models import Empaquetado
from tests.cuentas.ayudas import persona
from tests.fabricas import ActaEsperadaFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/empaquetado/"


@pytest.fixture
def lista(acopiador, eleccion, distrito):
    """Makes actas of the centro that arrived and were digitized: ready to be packaged."""

    def hacer(digitalizada: bool = True, **cambios):
        esperada = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)
        registrar_acopio(acopiador, qr=carga_qr("GOB", esperada.clave))
        acta = Acta.objects.get(acta_esperada=esperada)
        if digitalizada:
            aplicar(acta, SISTEMA, "digitalizacion.digitalizar", "digitalizada", **cambios)
        return esperada

    return hacer


def empaquetar(cliente: Client, paquete: str, actas: list[str]):
    return cliente.post(URL, {"paquete": paquete, "actas": actas}, content_type="application/json")


def test_empaquetar_un_lote(cliente, lista):
    a, b = lista(), lista()
    antes = Entrada.objects.count()
    respuesta = empaquetar(cliente, "PAQ-001", [carga_qr("GOB", a.clave), b.clave])
    assert respuesta.status_code == 201, respuesta.json()
    datos = respuesta.json()
    assert (datos["paquete"], datos["centro"], datos["nuevas"]) == ("PAQ-001", "CATD01", 2)
    assert [x["clave"] for x in datos["actas"]] == [a.clave, b.clave]
    assert "2 actas empaquetadas ahora, 0 ya lo estaban" in datos["mensaje"]
    assert Empaquetado.objects.filter(paquete="PAQ-001").count() == 2
    entradas = Entrada.objects.filter(accion="empaquetado.registrar")
    assert entradas.count() == Entrada.objects.count() - antes == 2
    assert entradas.first().despues["paquete"] == "PAQ-001"
    assert verificar_base().integra
    contenido = cliente.get(URL + "PAQ-001").json()
    assert [c["clave"] for c in contenido] == [a.clave, b.clave]
    assert contenido[0]["registrado_por"] == "usuario:ana"


def test_repetir_el_mismo_paquete_no_cambia_nada(cliente, lista):
    a = lista()
    empaquetar(cliente, "PAQ-001", [a.clave])
    antes = Entrada.objects.count()
    respuesta = empaquetar(cliente, "PAQ-001", [a.clave, carga_qr("GOB", a.clave)])
    assert respuesta.status_code == 200
    assert respuesta.json()["nuevas"] == 0
    assert Entrada.objects.count() == antes
    assert Empaquetado.objects.count() == 1


def test_un_lote_con_problemas_no_empaqueta_nada_y_los_dice_todos(cliente, lista, ajena, eleccion):
    buena, sin_imagen, en_otro = lista(), lista(digitalizada=False), lista()
    empaquetar(cliente, "PAQ-009", [en_otro.clave])
    sin_acopio = ActaEsperadaFactory(
        eleccion=eleccion, casilla__seccion=buena.casilla.seccion, casilla__numero=7
    )
    Acta.objects.create(eleccion=eleccion, acta_esperada=ajena)
    cambios = Entrada.objects.exclude(accion="solicitud.rechazada")  # a refusal is recorded
    antes = (Empaquetado.objects.count(), cambios.count())
    respuesta = empaquetar(
        cliente,
        "PAQ-001",
        [buena.clave, sin_imagen.clave, en_otro.clave, sin_acopio.clave, ajena.clave, "basura"],
    )
    assert respuesta.status_code == 422
    mensaje = respuesta.json()["mensaje"]
    assert mensaje.startswith("no se empaquetó ninguna acta; revise:")
    assert f"2 ({sin_imagen.clave}): aún no se digitaliza" in mensaje
    assert f"3 ({en_otro.clave}): ya está en el paquete PAQ-009" in mensaje
    assert f"4 ({sin_acopio.clave}): no hay registro de esta acta" in mensaje
    assert f"5 ({ajena.clave}): pertenece a un distrito que no atiende el centro CATD01" in mensaje
    assert "6 (basura): «BASURA» no tiene la forma de una CLAVE_ACTA" in mensaje
    assert buena.clave not in mensaje
    assert (Empaquetado.objects.count(), cambios.count()) == antes


def test_un_acta_de_prep_casilla_espera_su_cotejo(cliente, lista):
    pendiente = lista(origen=Acta.Origen.CASILLA)
    Acopio.objects.filter(acta__acta_esperada=pendiente).update(requiere_cotejo=True)
    respuesta = empaquetar(cliente, "PAQ-001", [pendiente.clave])
    assert respuesta.status_code == 422
    assert "cotejo pendiente" in respuesta.json()["mensaje"]
    Acta.objects.filter(acta_esperada=pendiente).update(cotejada=True)
    assert empaquetar(cliente, "PAQ-001", [pendiente.clave]).status_code == 201


@pytest.mark.parametrize(
    ("paquete", "actas", "codigo"),
    [
        ("", ["x"], "paquete_invalido"),
        ("PAQ 1", ["x"], "paquete_invalido"),
        ("P1", [" ", ""], "sin_actas"),
    ],
)
def test_datos_malos(cliente, paquete, actas, codigo):
    respuesta = empaquetar(cliente, paquete, actas)
    assert respuesta.status_code == 422
    assert respuesta.json()["codigo"] == codigo


def test_un_capturista_no_empaqueta(centro, lista):
    a = lista()
    cliente = Client()
    cliente.force_login(persona(Rol.CAPTURISTA, centro))
    respuesta = empaquetar(cliente, "PAQ-001", [a.clave])
    assert respuesta.status_code == 403
    assert "no permite registrar el empaquetado de actas" in respuesta.json()["mensaje"]
    assert cliente.get(URL + "PAQ-001").status_code == 403
    assert not Empaquetado.objects.exists()


def test_la_pagina_registra_el_paquete(cliente, lista):
    a, b = lista(), lista()
    texto = cliente.get("/empaquetado/").content.decode()
    assert "autofocus" in texto.split('name="paquete"')[1].split(">")[0]
    actas = f"{carga_qr('GOB', a.clave)}\r\n{b.clave}\r\n"
    respuesta = cliente.post("/empaquetado/", {"paquete": "PAQ-7", "actas": actas}, follow=True)
    texto = respuesta.content.decode()
    assert "Paquete PAQ-7: 2 actas empaquetadas ahora" in texto
    assert "<td>PAQ-7</td><td>2</td>" in texto
    mala = cliente.post("/empaquetado/", {"paquete": "PAQ-8", "actas": "nada"})
    assert mala.status_code == 422
    assert "no se empaquetó ninguna acta" in mala.content.decode()
