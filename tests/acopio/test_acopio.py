"""Acopio over HTTP (API and page) and through its service: QR or key typed twice, duplicates,
fuera de catálogo, Sin Acta, PREP Casilla actas, scope and permissions."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from prep.acopio.models import Acopio
from prep.acopio.servicios import registrar_acopio
from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.catalogo.claves import carga_qr
from prep.cuentas.identidad import SISTEMA
from prep.cuentas.models import Rol
from prep.errores import SinPermiso
from prep.reglas.acta import CausaSinActa
from tests.cuentas.ayudas import actor, persona
from tests.fabricas import ActaEsperadaFactory, EleccionFactory, EntidadFactory, MunicipioFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/acopio/"
CAUSA = CausaSinActa.PAQUETE_SIN_SOBRE.value


def acopiar(cliente: Client, url: str = URL, **datos):
    return cliente.post(url, datos, content_type="application/json")


def qr(esperada) -> str:
    return carga_qr(esperada.eleccion.tipo, esperada.clave)


def sin_cambios() -> tuple:
    """What a refused request must leave as it was (its own refusal entry aside)."""
    cambios = Entrada.objects.exclude(accion="solicitud.rechazada")
    return (Acta.objects.count(), Acopio.objects.count(), cambios.count())


# --- the API --------------------------------------------------------------------------------


def test_acopio_por_qr(cliente, esperada):
    respuesta = acopiar(cliente, qr=qr(esperada))
    assert respuesta.status_code == 201, respuesta.json()
    datos = respuesta.json()
    assert datos["clave"] == esperada.clave
    assert (datos["estado"], datos["centro"], datos["metodo"]) == ("acopiada", "CATD01", "QR")
    assert datos["duplicado"] is False and datos["fuera_de_catalogo"] is False
    assert f"Acta {esperada.clave} (GOB) acopiada a las" in datos["mensaje"]
    acta = Acta.objects.get(acta_esperada=esperada)
    assert acta.estado == Acta.Estado.ACOPIADA
    assert timezone.now() - acta.fecha_hora_acopio < timedelta(minutes=1)
    entrada = Entrada.objects.get(accion="acopio.registrar")
    assert (entrada.actor, entrada.objeto) == ("usuario:ana", f"acta:{acta.pk}")
    assert entrada.antes["estado"] == "esperada"
    assert entrada.despues["estado"] == "acopiada"
    assert entrada.despues["detalle"] == {"centro": "CATD01", "metodo": "QR"}
    assert verificar_base().integra


def test_un_acopio_repetido_responde_con_el_registro_existente(cliente, esperada):
    primera = acopiar(cliente, qr=qr(esperada)).json()
    antes = sin_cambios()
    segunda = acopiar(cliente, clave=esperada.clave, confirmacion=esperada.clave)
    assert segunda.status_code == 200
    datos = segunda.json()
    assert datos["duplicado"] is True
    assert datos["momento"] == primera["momento"]
    assert datos["metodo"] == "QR"  # the record made the first time
    assert "ya estaba acopiada desde las" in datos["mensaje"]
    assert sin_cambios() == antes


def test_clave_tecleada_dos_veces(cliente, esperada):
    # Spaces, lower case and the spreadsheet's quotes are not part of the key.
    clave = esperada.clave
    escrita = f" '{clave.lower()}' "
    respuesta = acopiar(cliente, clave=escrita, confirmacion=clave)
    assert respuesta.status_code == 201, respuesta.json()
    assert respuesta.json()["metodo"] == "CLAVE"


@pytest.mark.parametrize(
    ("datos", "codigo", "mensaje"),
    [
        (
            {"clave": "040001B0100", "confirmacion": "040001B0100"},
            "clave_invalida",
            "no tiene la forma",
        ),
        ({"clave": "X", "confirmacion": "Y"}, "claves_distintas", "no coinciden"),
        ({"clave": "X"}, "falta_clave", "una segunda vez"),
        ({}, "falta_clave", "lea el código QR del acta o teclee su clave"),
        ({"qr": "PREP|GOB"}, "qr_invalido", "no es el código QR de un acta PREP"),
        ({"qr": "https://ejemplo.mx"}, "qr_invalido", "no es el código QR"),
        ({"qr": "PREP|GOB|X", "clave": "X"}, "datos_invalidos", "no los dos"),
        ({"qr": "PREP|NADA|040001B01005"}, "eleccion_invalida", "elección desconocida"),
    ],
)
def test_identificaciones_malas_se_rechazan_sin_cambiar_nada(
    cliente, esperada, datos, codigo, mensaje
):
    antes = sin_cambios()
    respuesta = acopiar(cliente, **datos)
    assert respuesta.status_code == 422
    assert respuesta.json()["codigo"] == codigo
    assert mensaje in respuesta.json()["mensaje"]
    assert sin_cambios() == antes


def test_claves_distintas_por_un_digito(cliente, esperada):
    otra = esperada.clave[:-1] + "9"
    respuesta = acopiar(cliente, clave=esperada.clave, confirmacion=otra)
    assert (
        respuesta.json()["mensaje"] == "las dos claves tecleadas no coinciden; vuelva a teclearlas"
    )
    assert not Acta.objects.exists()


def test_un_cuerpo_que_no_es_json_se_rechaza_en_espanol(cliente):
    respuesta = cliente.post(URL, "no es json", content_type="application/json")
    assert respuesta.status_code in (400, 422)
    assert not Acta.objects.exists()


def test_una_clave_fuera_del_catalogo_se_registra_como_tal(cliente, esperada):
    clave = esperada.clave[:2] + "9999" + esperada.clave[6:]
    respuesta = acopiar(cliente, qr=f"PREP|GOB|{clave}")
    assert respuesta.status_code == 201, respuesta.json()
    datos = respuesta.json()
    assert datos["fuera_de_catalogo"] is True
    assert datos["estado"] == "fuera_de_catalogo"
    assert "no está en el catálogo de GOB" in datos["mensaje"]
    acta = Acta.objects.get(acta_esperada=None)
    assert (acta.identificacion, acta.eleccion.tipo) == (clave, "GOB")
    acciones = list(Entrada.objects.values_list("accion", flat=True))
    assert acciones == ["acta.fuera_de_catalogo", "acopio.registrar"]
    assert Entrada.objects.get(accion="acta.fuera_de_catalogo").actor == "usuario:ana"
    repetida = acopiar(cliente, clave=clave, confirmacion=clave)  # tipo de acta 5 → GOB
    assert repetida.status_code == 200 and repetida.json()["duplicado"] is True
    assert Acta.objects.count() == 1


def test_una_clave_ambigua_pide_la_eleccion(cliente, esperada):
    otra = EleccionFactory(tipo="AYUN", tipo_acta="5", proceso=esperada.eleccion.proceso)
    ActaEsperadaFactory(eleccion=otra, casilla=esperada.casilla)
    ambigua = acopiar(cliente, clave=esperada.clave, confirmacion=esperada.clave)
    assert ambigua.status_code == 422
    assert ambigua.json()["codigo"] == "eleccion_ambigua"
    elegida = acopiar(cliente, clave=esperada.clave, confirmacion=esperada.clave, eleccion="GOB")
    assert elegida.status_code == 201
    assert elegida.json()["eleccion"] == "GOB"


def test_voto_anticipado_se_acopia_con_su_clave_propia(cliente, eleccion, distrito):
    """B4: the A actas of two municipios share their published key; the acopio asks for the
    acta's own key (QR or typed), which names its municipio."""
    entidad = EntidadFactory()
    actas = [
        ActaEsperadaFactory(
            eleccion=eleccion,
            casilla__seccion=None,
            casilla__tipo="A",
            casilla__entidad=entidad,
            casilla__municipio=MunicipioFactory(entidad=entidad, numero=n),
            casilla__distrito_local=distrito,
        )
        for n in (1, 2)
    ]
    compartida = actas[0].clave_publicada
    assert compartida == actas[1].clave_publicada == "040000A01005"
    ambigua = acopiar(cliente, clave=compartida, confirmacion=compartida)
    assert ambigua.status_code == 422
    assert "comparten las actas de voto anticipado" in ambigua.json()["mensaje"]
    assert "040000A01005_M001" in ambigua.json()["mensaje"]
    assert sin_cambios() == (0, 0, 0)
    propia = acopiar(cliente, clave="040000A01005_M002", confirmacion="04-0000-A01-005_m002")
    assert propia.status_code == 201, propia.json()
    assert Acta.objects.get().acta_esperada == actas[1]
    assert acopiar(cliente, qr=qr(actas[0])).status_code == 201


def test_un_acta_de_otro_distrito_se_rechaza(cliente, ajena):
    respuesta = acopiar(cliente, qr=qr(ajena))
    assert respuesta.status_code == 403
    assert respuesta.json() == {
        "codigo": "sin_permiso",
        "mensaje": f"el acta {ajena.clave} pertenece a un distrito que no atiende el centro CATD01",
    }
    assert sin_cambios() == (0, 0, 0)


@pytest.mark.parametrize("rol", [Rol.CAPTURISTA, Rol.DIGITALIZADOR, Rol.AUDITOR])
def test_un_rol_sin_permiso_no_acopia(centro, esperada, rol):
    cliente = Client()
    cliente.force_login(persona(rol, None if rol == Rol.AUDITOR else centro))
    respuesta = acopiar(cliente, qr=qr(esperada))
    assert respuesta.status_code == 403
    assert "no permite registrar el acopio de actas" in respuesta.json()["mensaje"]
    assert sin_cambios() == (0, 0, 0)
    with pytest.raises(SinPermiso):
        registrar_acopio(actor(rol, None if rol == Rol.AUDITOR else centro), qr=qr(esperada))


def test_un_acta_de_prep_casilla_solo_se_sella_y_queda_para_cotejo(cliente, esperada):
    acta = Acta.objects.create(eleccion=esperada.eleccion, acta_esperada=esperada)
    recibida = timezone.now() - timedelta(hours=1)
    aplicar(
        acta, SISTEMA, "digitalizacion.digitalizar", Acta.Estado.DIGITALIZADA,
        origen=Acta.Origen.CASILLA, fecha_hora_acopio=recibida, codigo_integridad="a" * 64,
    )  # fmt: skip
    respuesta = acopiar(cliente, qr=qr(esperada))
    assert respuesta.status_code == 201
    datos = respuesta.json()
    assert datos["estado"] == "digitalizada"  # no regression
    assert datos["requiere_cotejo"] is True
    assert "pendiente de cotejo" in datos["mensaje"]
    acta.refresh_from_db()
    assert acta.fecha_hora_acopio == recibida  # the image's reception stays FECHA_HORA_ACOPIO
    assert Acopio.objects.get().momento > recibida


# --- Sin Acta -------------------------------------------------------------------------------


def test_paquete_sin_acta(cliente, esperada):
    clave = esperada.clave
    respuesta = acopiar(cliente, URL + "sin-acta", clave=clave, confirmacion=clave, causa=CAUSA)
    assert respuesta.status_code == 201, respuesta.json()
    datos = respuesta.json()
    assert (datos["estado"], datos["con_acta"], datos["causa_sin_acta"]) == (
        "sin_acta",
        False,
        CAUSA,
    )
    entrada = Entrada.objects.get(accion="acta.sin_acta")
    assert entrada.actor == "usuario:ana"
    assert entrada.despues["causa_sin_acta"] == CAUSA
    repetida = acopiar(cliente, URL + "sin-acta", clave=clave, confirmacion=clave, causa=CAUSA)
    assert repetida.status_code == 200
    assert "ya estaba registrada como Sin Acta" in repetida.json()["mensaje"]
    assert Entrada.objects.count() == 1


def test_si_despues_llega_el_acta_se_registra_su_llegada(cliente, esperada):
    clave = esperada.clave
    acopiar(cliente, URL + "sin-acta", clave=clave, confirmacion=clave, causa=CAUSA)
    respuesta = acopiar(cliente, qr=qr(esperada))
    assert respuesta.status_code == 201
    datos = respuesta.json()
    assert datos["con_acta"] is True and datos["estado"] == "sin_acta"
    assert "antes registrada como Sin Acta" in datos["mensaje"]


def test_un_acta_que_llego_no_puede_ser_sin_acta(cliente, esperada):
    acopiar(cliente, qr=qr(esperada))
    antes = sin_cambios()
    clave = esperada.clave
    respuesta = acopiar(cliente, URL + "sin-acta", clave=clave, confirmacion=clave, causa=CAUSA)
    assert respuesta.status_code == 409
    assert "ya llegó en papel" in respuesta.json()["mensaje"]
    assert sin_cambios() == antes


def test_sin_acta_con_causa_desconocida_o_fuera_de_catalogo(cliente, esperada):
    clave = esperada.clave
    mala = acopiar(cliente, URL + "sin-acta", clave=clave, confirmacion=clave, causa="se mojó")
    assert mala.status_code == 422
    assert mala.json()["codigo"] == "causa_invalida"
    fuera = esperada.clave[:2] + "9999" + esperada.clave[6:]
    respuesta = acopiar(cliente, URL + "sin-acta", clave=fuera, confirmacion=fuera, causa=CAUSA)
    assert respuesta.json()["codigo"] == "fuera_de_catalogo"
    assert sin_cambios() == (0, 0, 0)


# --- the page -------------------------------------------------------------------------------


def test_la_pagina_pone_el_foco_en_el_campo_del_lector(cliente):
    respuesta = cliente.get("/acopio/")
    assert respuesta.status_code == 200
    texto = respuesta.content.decode()
    assert 'name="qr-qr"' in texto
    assert texto.count("autofocus") == 1
    assert "Teclear la clave (dos veces)" in texto
    assert "Paquete sin acta (Sin Acta)" in texto


def test_la_pagina_registra_y_vuelve_lista_para_la_siguiente(cliente, esperada):
    respuesta = cliente.post("/acopio/", {"forma": "qr", "qr-qr": qr(esperada)}, follow=True)
    assert respuesta.redirect_chain == [("/acopio/", 302)]
    texto = respuesta.content.decode()
    assert f"Acta {esperada.clave} (GOB) acopiada a las" in texto
    assert esperada.clave in texto.split("Últimos acopios del centro")[1]
    assert 'value="PREP' not in texto  # the field is empty again
    repetida = cliente.post("/acopio/", {"forma": "qr", "qr-qr": qr(esperada)}, follow=True)
    assert "ya estaba acopiada" in repetida.content.decode()


def test_la_pagina_rechaza_claves_distintas_y_las_borra(cliente, esperada):
    datos = {"forma": "clave", "clave-clave": esperada.clave, "clave-confirmacion": "123"}
    respuesta = cliente.post("/acopio/", datos)
    assert respuesta.status_code == 422
    texto = respuesta.content.decode()
    assert "las dos claves tecleadas no coinciden" in texto
    assert esperada.clave not in texto
    assert "autofocus" in texto.split('name="clave-clave"')[1].split(">")[0]
    assert not Acta.objects.exists()


def test_la_pagina_registra_sin_acta(cliente, esperada):
    datos = {
        "forma": "sin_acta",
        "sin_acta-clave": esperada.clave,
        "sin_acta-confirmacion": esperada.clave,
        "sin_acta-causa": CAUSA,
    }
    respuesta = cliente.post("/acopio/", datos, follow=True)
    assert f"Sin Acta registrada para {esperada.clave}" in respuesta.content.decode()
    assert Acta.objects.get().estado == Acta.Estado.SIN_ACTA


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_dos_acopios_simultaneos_de_la_misma_acta_dejan_uno(acopiador, esperada):
    resultados, errores = [], []
    salida = threading.Barrier(4)

    def acopiar_en_hilo():
        try:
            salida.wait()
            resultados.append(registrar_acopio(acopiador, qr=qr(esperada)).nuevo)
        except BaseException as exc:  # reported below
            errores.append(exc)
        finally:
            connections.close_all()

    hilos = [threading.Thread(target=acopiar_en_hilo) for _ in range(4)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    assert not errores, errores
    assert sorted(resultados) == [False, False, False, True]
    assert Acopio.objects.count() == 1
    assert Entrada.objects.filter(accion="acopio.registrar").count() == 1
