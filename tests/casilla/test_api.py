"""PREP Casilla's API: pairing, «yo», a phone given de baja, the per-device limit, and uploads
with the photo's time and the key typed on the phone."""

from datetime import datetime

import pytest
from django.utils import timezone

from prep.bitacora.models import Entrada
from prep.cuentas import emparejamiento
from prep.cuentas.models import Dispositivo
from prep.digitalizacion.models import Imagen
from tests.casilla.ayudas import URL_YO, bearer, codigo_para, coordinador, emparejar
from tests.digitalizacion.fabricas import foto_de, sin_qr
from tests.fabricas import ActaEsperadaFactory, EleccionFactory

pytestmark = pytest.mark.django_db


def _emparejado(client, centro) -> tuple[Dispositivo, str]:
    respuesta = emparejar(client, codigo_para(centro, "tel-prueba"))
    assert respuesta.status_code == 200, respuesta.content
    datos = respuesta.json()
    return Dispositivo.objects.get(nombre=datos["dispositivo"]), datos["token"]


def test_emparejar_da_un_token_que_sirve_y_se_guarda_como_huella(client, centro, eleccion):
    respuesta = emparejar(client, codigo_para(centro, "tel-prueba"), REMOTE_ADDR="10.1.1.1")
    assert respuesta.status_code == 200
    datos = respuesta.json()
    assert (datos["dispositivo"], datos["centro"]) == ("tel-prueba", centro.clave)
    assert datos["centro_nombre"] == centro.nombre
    assert Dispositivo.objects.get().token_sha256 == Dispositivo.huella(datos["token"])
    yo = client.get(URL_YO, **bearer(datos["token"]))
    assert yo.status_code == 200
    cuerpo = yo.json()
    assert cuerpo["dispositivo"] == "tel-prueba" and cuerpo["centro"] == centro.clave
    assert cuerpo["elecciones"] == [{"tipo": "GOB", "nombre": eleccion.nombre}]
    assert cuerpo["max_bytes"] > 0
    entrada = Entrada.objects.get(accion="dispositivo.emparejar")
    assert entrada.despues["direccion"] == "10.1.1.1"


@pytest.mark.parametrize("codigo", ["AAAA-AAAA", "", "ñ" * 300])
def test_un_codigo_equivocado_responde_422_en_espanol(client, centro, codigo):
    respuesta = emparejar(client, codigo)
    assert respuesta.status_code == 422
    assert respuesta.json()["codigo"] == "codigo_emparejamiento_invalido"
    assert "pida uno nuevo a la coordinación" in respuesta.json()["mensaje"]
    assert not Dispositivo.objects.exists()


def test_demasiados_intentos_responden_429_con_retry_after(client):
    for _ in range(emparejamiento.MAXIMO_FALLOS):
        emparejar(client, "AAAA-AAAA", REMOTE_ADDR="10.2.2.2")
    respuesta = emparejar(client, "AAAA-AAAA", REMOTE_ADDR="10.2.2.2")
    assert respuesta.status_code == 429
    assert respuesta.json()["codigo"] == "demasiados_intentos"
    assert int(respuesta["Retry-After"]) > 0


def test_el_cuerpo_malformado_no_empareja(client):
    respuesta = client.post(
        "/api/v1/casilla/emparejar", "no es json", content_type="application/json"
    )
    assert respuesta.status_code == 400
    assert respuesta.json()["codigo"] == "cuerpo_ilegible"


def test_un_telefono_dado_de_baja_lo_sabe_en_su_siguiente_solicitud(
    client, centro, esperada, subir
):
    telefono, token = _emparejado(client, centro)
    emparejamiento.dar_de_baja(coordinador(centro), telefono)
    for respuesta in (client.get(URL_YO, **bearer(token)), subir(foto_de(esperada), token)):
        assert respuesta.status_code == 401
        assert respuesta.json()["codigo"] == "dispositivo_revocado"
        assert "fue dado de baja" in respuesta.json()["mensaje"]
    assert not Imagen.objects.exists()
    # An unknown token is told only that it is not valid.
    desconocido = client.get(URL_YO, **bearer("x" * 43))
    assert (desconocido.status_code, desconocido.json()["codigo"]) == (401, "no_autenticado")


def test_el_limite_por_dispositivo_responde_429_y_no_recibe(
    client, centro, esperada, subir, settings, monkeypatch
):
    settings.PREP_SOLICITUDES_POR_MINUTO = {"TELEFONO": 2, "ESCANER": 600}
    _, token = _emparejado(client, centro)
    # One instant for the rest of the test: the count never crosses into a new minute.
    instante = timezone.now()
    monkeypatch.setattr(emparejamiento.timezone, "now", lambda: instante)
    assert client.get(URL_YO, **bearer(token)).status_code == 200
    assert client.get(URL_YO, **bearer(token)).status_code == 200
    respuesta = subir(foto_de(esperada), token)
    assert respuesta.status_code == 429
    assert respuesta.json()["codigo"] == "demasiadas_solicitudes"
    assert 1 <= int(respuesta["Retry-After"]) <= 61
    assert not Imagen.objects.exists()


def test_la_foto_guarda_su_dispositivo_la_hora_de_la_toma_y_la_de_llegada(
    client, centro, esperada, subir
):
    telefono, token = _emparejado(client, centro)
    respuesta = subir(foto_de(esperada), token, tomada="2027-06-06T21:47:05-06:00")
    assert respuesta.status_code == 201, respuesta.content
    datos = respuesta.json()
    assert datos["dispositivo"] == f"dispositivo:{telefono.nombre}"
    assert datetime.fromisoformat(datos["tomada"]) == datetime.fromisoformat(
        "2027-06-06T21:47:05-06:00"
    )
    imagen = Imagen.objects.get()
    assert imagen.dispositivo == telefono and imagen.origen == "CASILLA"
    assert (timezone.now() - imagen.momento).total_seconds() < 60
    entrada = Entrada.objects.get(accion="digitalizacion.recibir")
    assert datetime.fromisoformat(entrada.despues["tomada"]) == imagen.tomada
    # The same bytes again: the same record (a retry never makes a second one).
    otra = subir(foto_de(esperada), token, tomada="2027-06-06T21:50:00-06:00")
    assert otra.status_code == 200 and otra.json()["sha256"] == datos["sha256"]
    assert Imagen.objects.count() == 1


@pytest.mark.parametrize("tomada", ["ayer", "2027-06-06T21:47:05", "2027-13-01T00:00:00Z"])
def test_una_hora_de_toma_invalida_se_rechaza_sin_guardar(client, centro, esperada, subir, tomada):
    _, token = _emparejado(client, centro)
    respuesta = subir(foto_de(esperada), token, tomada=tomada)
    assert respuesta.status_code == 422
    assert "ISO 8601" in respuesta.json()["mensaje"]
    assert not Imagen.objects.exists()


def test_sin_qr_la_clave_tecleada_clasifica_la_foto(client, centro, esperada, subir):
    _, token = _emparejado(client, centro)
    clave = esperada.clave
    respuesta = subir(sin_qr(foto_de(esperada)), token, clave=clave, confirmacion=clave.lower())
    assert respuesta.status_code == 201, respuesta.content
    datos = respuesta.json()
    assert (datos["estado"], datos["acta"], datos["clave_tecleada"]) == (
        "clasificada",
        clave,
        clave,
    )
    assert Imagen.objects.get().acta.acta_esperada == esperada


def test_la_clave_tecleada_sigue_las_reglas_de_la_clasificacion(
    client, centro, esperada, ajena, subir
):
    _, token = _emparejado(client, centro)
    foto = sin_qr(foto_de(esperada))
    distintas = subir(foto, token, clave=esperada.clave, confirmacion=ajena.clave)
    assert (distintas.status_code, distintas.json()["codigo"]) == (422, "claves_distintas")
    assert not Imagen.objects.exists()
    # Another centro's acta waits in the queue, as one read from its QR code would.
    fuera = subir(foto, token, clave=ajena.clave, confirmacion=ajena.clave)
    assert fuera.status_code == 201
    assert fuera.json()["estado"] == "pendiente_clasificacion"
    assert "no corresponde al centro" in fuera.json()["motivo"]


def test_una_clave_de_varias_elecciones_pide_la_eleccion(client, centro, esperada, subir):
    # The same casilla's acta of another election with the same tipo de acta: same key.
    otra = ActaEsperadaFactory(
        eleccion=EleccionFactory(tipo="AYUN", nombre="Ayuntamientos", tipo_acta="5"),
        casilla=esperada.casilla,
    )
    assert otra.clave == esperada.clave
    _, token = _emparejado(client, centro)
    foto = sin_qr(foto_de(esperada))
    ambigua = subir(foto, token, clave=esperada.clave, confirmacion=esperada.clave)
    assert ambigua.json()["estado"] == "pendiente_clasificacion"
    assert "varias actas" in ambigua.json()["motivo"]
    foto2 = sin_qr(foto_de(esperada, semilla=2))
    elegida = subir(
        foto2, token, clave=esperada.clave, confirmacion=esperada.clave, eleccion="ayun"
    )
    assert (elegida.json()["estado"], elegida.json()["eleccion"]) == ("clasificada", "AYUN")


def test_el_qr_del_acta_prevalece_sobre_la_clave_tecleada(client, centro, esperada, subir):
    otra = ActaEsperadaFactory(
        eleccion=esperada.eleccion, casilla__seccion__distrito_local=centro.distritos.get()
    )
    _, token = _emparejado(client, centro)
    respuesta = subir(foto_de(esperada), token, clave=otra.clave, confirmacion=otra.clave)
    assert respuesta.json()["acta"] == esperada.clave
