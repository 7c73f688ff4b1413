"""Upload API: real acta photos from the simulacro, their QR codes read by zxing-cpp, the image
store, the acta's life cycle and the bitácora."""

import hashlib
import threading

import pytest
from django.db import connections

from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.bitacora.models import Entrada
from prep.cuentas.identidad import SISTEMA
from prep.digitalizacion.almacen import AlmacenLocal, almacen
from prep.digitalizacion.models import Imagen
from prep.digitalizacion.servicios import recibir_imagen
from tests.digitalizacion.fabricas import como_pdf, como_png, foto_de, sin_qr
from tests.digitalizacion.fixtures import URL_API

pytestmark = pytest.mark.django_db


def _acta(esperada) -> Acta:
    return Acta.objects.get(acta_esperada=esperada)


def _acciones(objeto: str) -> list[str]:
    return list(Entrada.objects.filter(objeto=objeto).values_list("accion", flat=True))


def test_una_foto_con_qr_se_clasifica_y_el_acta_queda_digitalizada(subir, esperada, telefono):
    datos = foto_de(esperada)
    respuesta = subir(datos, telefono[1], nombre="foto 1.jpg")
    assert respuesta.status_code == 201, respuesta.content
    cuerpo = respuesta.json()
    sha = hashlib.sha256(datos).hexdigest()
    assert cuerpo["sha256"] == sha
    assert cuerpo["estado"] == "clasificada"
    assert cuerpo["acta"] == esperada.clave
    assert cuerpo["eleccion"] == "GOB"
    assert cuerpo["motivo"] == ""
    assert cuerpo["usada"] is True
    assert cuerpo["qr_leido"] == f"PREP|GOB|{esperada.clave}"
    assert (cuerpo["tipo"], cuerpo["tamano"], cuerpo["nombre"]) == (
        "image/jpeg",
        len(datos),
        "foto 1.jpg",
    )
    assert cuerpo["url"] == f"/digitalizacion/imagen/{sha}/"
    acta = _acta(esperada)
    assert acta.estado == Acta.Estado.DIGITALIZADA
    assert acta.codigo_integridad == sha
    assert (acta.origen, acta.digitalizacion) == ("CASILLA", "Móvil")
    assert acta.fecha_hora_acopio is not None  # reception of a PREP Casilla image
    assert almacen().leer(sha) == datos
    assert _acciones(f"imagen:{sha}") == ["digitalizacion.recibir"]
    assert _acciones(f"acta:{acta.pk}") == ["digitalizacion.digitalizar"]
    entrada = Entrada.objects.get(objeto=f"acta:{acta.pk}")
    assert entrada.actor == f"dispositivo:{telefono[0].nombre}"
    assert entrada.antes["estado"] == "esperada"
    assert entrada.despues["codigo_integridad"] == sha


def test_los_mismos_bytes_dos_veces_responden_con_el_registro_existente(
    subir, esperada, telefono, monkeypatch
):
    datos = foto_de(esperada)
    primera = subir(datos, telefono[1])
    entradas = Entrada.objects.count()
    escrituras = []
    original = AlmacenLocal.guardar
    monkeypatch.setattr(
        AlmacenLocal, "guardar", lambda self, d: escrituras.append(1) or original(self, d)
    )
    segunda = subir(datos, telefono[1], nombre="otro nombre.jpg")
    assert (primera.status_code, segunda.status_code) == (201, 200)
    assert segunda.json() == primera.json()
    assert Imagen.objects.count() == 1
    assert Entrada.objects.count() == entradas
    assert escrituras == []


def test_retomas_se_guardan_y_el_escaner_reemplaza_a_la_foto(subir, esperada, telefono, escaner):
    foto, retoma, escaneo = foto_de(esperada, 1), foto_de(esperada, 2), foto_de(esperada, 3)
    assert subir(foto, telefono[1]).status_code == 201
    # A second phone shot is kept, but the first one stays in use.
    cuerpo = subir(retoma, telefono[1]).json()
    assert (cuerpo["estado"], cuerpo["acta"], cuerpo["usada"]) == (
        "clasificada",
        esperada.clave,
        False,
    )
    acta = _acta(esperada)
    assert acta.codigo_integridad == hashlib.sha256(foto).hexdigest()
    assert not acta.cotejada
    # The paper reaches the CATD and is scanned: the scan is used from now on (R-DIG3) and
    # confirms the casilla's image (R-DIG1). No state change.
    cuerpo = subir(escaneo, escaner[1]).json()
    assert cuerpo["usada"] is True
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.DIGITALIZADA
    assert acta.codigo_integridad == hashlib.sha256(escaneo).hexdigest()
    assert (acta.origen, acta.digitalizacion, acta.cotejada) == ("CATD", "Escáner", True)
    assert acta.imagenes.count() == 3
    cambio = Entrada.objects.filter(objeto=f"acta:{acta.pk}").last()
    assert cambio.accion == "digitalizacion.retoma"
    assert cambio.antes["codigo_integridad"] == hashlib.sha256(foto).hexdigest()
    assert cambio.despues["codigo_integridad"] == hashlib.sha256(escaneo).hexdigest()


def test_un_acta_mas_avanzada_solo_guarda_la_retoma(subir, esperada, telefono):
    subir(foto_de(esperada, 1), telefono[1])
    acta = aplicar(_acta(esperada), SISTEMA, "prueba", Acta.Estado.CAPTURADA_1)
    entradas = Entrada.objects.count()
    respuesta = subir(foto_de(esperada, 2), telefono[1])
    assert respuesta.status_code == 201
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.CAPTURADA_1
    assert Entrada.objects.count() == entradas + 1  # only the image's reception


@pytest.mark.parametrize("estado", [Acta.Estado.ACOPIADA, Acta.Estado.SIN_ACTA])
def test_de_acopiada_o_sin_acta_pasa_a_digitalizada(subir, esperada, escaner, estado):
    acta = Acta.objects.create(acta_esperada=esperada, eleccion=esperada.eleccion)
    campos = {"causa_sin_acta": "Paquete no entregado"} if estado == Acta.Estado.SIN_ACTA else {}
    aplicar(acta, SISTEMA, "prueba", estado, **campos)
    assert subir(foto_de(esperada), escaner[1]).status_code == 201
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.DIGITALIZADA
    assert (acta.origen, acta.digitalizacion, acta.causa_sin_acta) == ("CATD", "Escáner", "")


@pytest.mark.parametrize(
    ("convertir", "tipo"), [(como_png, "image/png"), (como_pdf, "application/pdf")]
)
def test_png_y_pdf_se_leen_y_clasifican(subir, esperada, escaner, convertir, tipo):
    datos = convertir(foto_de(esperada))
    respuesta = subir(datos, escaner[1], nombre="escaneo.bin")
    assert respuesta.status_code == 201, respuesta.content
    cuerpo = respuesta.json()
    assert (cuerpo["tipo"], cuerpo["estado"], cuerpo["acta"]) == (
        tipo,
        "clasificada",
        esperada.clave,
    )
    assert almacen().leer(cuerpo["sha256"]) == datos


def test_origen_y_metodo_declarados(subir, esperada, digitalizador, client):
    client.force_login(digitalizador)
    respuesta = subir(foto_de(esperada), origen="CASILLA", digitalizacion="Móvil")
    assert respuesta.status_code == 201
    assert (respuesta.json()["origen"], respuesta.json()["digitalizacion"]) == ("CASILLA", "Móvil")
    assert respuesta.json()["subida_por"] == f"usuario:{digitalizador.username}"


def test_qr_ilegible_va_a_la_cola_y_se_clasifica_a_mano(
    subir, esperada, telefono, digitalizador, client
):
    datos = sin_qr(foto_de(esperada))
    respuesta = subir(datos, telefono[1])
    assert respuesta.status_code == 201
    cuerpo = respuesta.json()
    sha = cuerpo["sha256"]
    assert (cuerpo["estado"], cuerpo["acta"]) == ("pendiente_clasificacion", None)
    assert cuerpo["motivo"] == "no se encontró un código QR legible"
    assert almacen().existe(sha)  # never dropped
    assert not Acta.objects.filter(acta_esperada=esperada).exists()

    client.force_login(digitalizador)
    cola = client.get(f"{URL_API}/pendientes")
    assert [i["sha256"] for i in cola.json()] == [sha]

    url = f"{URL_API}/{sha}/clasificar"
    distinta = client.post(
        url,
        {"clave": esperada.clave, "confirmacion": esperada.clave[:-1] + "9"},
        content_type="application/json",
    )
    assert distinta.status_code == 422
    assert distinta.json() == {
        "codigo": "claves_distintas",
        "mensaje": "las dos capturas de la clave no coinciden",
    }
    assert Imagen.objects.get(sha256=sha).estado == "pendiente_clasificacion"
    desconocida = client.post(
        url,
        {"clave": "049999B01005", "confirmacion": "049999B01005"},
        content_type="application/json",
    )
    assert (desconocida.status_code, desconocida.json()["codigo"]) == (422, "clave_desconocida")

    datos_clave = {"clave": f"'{esperada.clave.lower()}'", "confirmacion": esperada.clave}
    bien = client.post(url, datos_clave, content_type="application/json")
    assert bien.status_code == 200, bien.content
    assert (bien.json()["estado"], bien.json()["acta"]) == ("clasificada", esperada.clave)
    assert bien.json()["clasificada_por"] == f"usuario:{digitalizador.username}"
    acta = _acta(esperada)
    assert (acta.estado, acta.codigo_integridad) == (Acta.Estado.DIGITALIZADA, sha)
    assert _acciones(f"imagen:{sha}") == ["digitalizacion.recibir", "digitalizacion.clasificar"]
    entradas = Entrada.objects.count()
    otra_vez = client.post(url, datos_clave, content_type="application/json")
    assert otra_vez.status_code == 200
    assert Entrada.objects.count() == entradas
    assert client.get(f"{URL_API}/pendientes").json() == []


def test_clave_fuera_del_catalogo_va_a_la_cola(subir, esperada, telefono):
    esperada.casilla.numero = 7  # the QR names a casilla the catálogo does not have
    datos = foto_de(esperada)
    cuerpo = subir(datos, telefono[1]).json()
    assert cuerpo["estado"] == "pendiente_clasificacion"
    assert "no está en el catálogo" in cuerpo["motivo"]


def test_un_acta_de_otro_centro_espera_en_la_cola_con_su_motivo(
    subir, ajena, centro, telefono, digitalizador, client
):
    cuerpo = subir(foto_de(ajena), telefono[1]).json()
    assert cuerpo["estado"] == "pendiente_clasificacion"
    assert cuerpo["motivo"] == f"el acta {ajena.clave} no corresponde al centro {centro.clave}"
    assert not Acta.objects.filter(acta_esperada=ajena).exists()
    client.force_login(digitalizador)
    respuesta = client.post(
        f"{URL_API}/{cuerpo['sha256']}/clasificar",
        {"clave": ajena.clave, "confirmacion": ajena.clave},
        content_type="application/json",
    )
    assert respuesta.status_code == 403
    assert respuesta.json()["codigo"] == "sin_permiso"
    assert Imagen.objects.get().estado == "pendiente_clasificacion"


def test_la_cola_es_del_centro(subir, esperada, telefono, client):
    from prep.cuentas.models import Rol
    from tests.fabricas import UsuarioFactory

    sha = subir(sin_qr(foto_de(esperada)), telefono[1]).json()["sha256"]
    de_otro_centro = UsuarioFactory(perfil__rol=Rol.COORDINADOR)
    client.force_login(de_otro_centro)
    assert client.get(f"{URL_API}/pendientes").json() == []
    respuesta = client.post(
        f"{URL_API}/{sha}/clasificar",
        {"clave": esperada.clave, "confirmacion": esperada.clave},
        content_type="application/json",
    )
    assert respuesta.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_la_misma_imagen_a_la_vez_desde_varios_hilos_se_guarda_una_vez(esperada, actor_telefono):
    datos, barrera, resultados = foto_de(esperada), threading.Barrier(4), []

    def _subir():
        try:
            barrera.wait()
            resultados.append(recibir_imagen(datos, "a.jpg", actor_telefono).creada)
        finally:
            connections.close_all()

    hilos = [threading.Thread(target=_subir) for _ in range(4)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(60)
    assert sorted(resultados) == [False, False, False, True]
    assert Imagen.objects.count() == 1
    assert Entrada.objects.filter(accion="digitalizacion.recibir").count() == 1
    assert Entrada.objects.filter(accion="digitalizacion.digitalizar").count() == 1
