"""Pairing codes, giving a device de baja and the per-device rate limit (domain services)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prep.bitacora.models import Entrada
from prep.cuentas import emparejamiento
from prep.cuentas.identidad import actor_de_token
from prep.cuentas.models import Dispositivo, Emparejamiento, IntentoEmparejamiento
from prep.errores import Codigo, Demasiadas, ErrorDeDominio, SinPermiso
from tests.casilla.ayudas import coordinador
from tests.fabricas import CentroFactory, dispositivo

pytestmark = pytest.mark.django_db


def test_el_codigo_se_guarda_solo_como_huella_y_vale_una_vez():
    centro = CentroFactory()
    registro, codigo = emparejamiento.emitir_emparejamiento(coordinador(centro), centro, "tel-1")
    assert len(codigo) == emparejamiento.LARGO
    assert set(codigo) <= set(emparejamiento.ALFABETO)
    assert codigo not in registro.codigo_sha256
    # Typed as people type it: lower case, with the hyphen and spaces of the display.
    tecleado = f" {emparejamiento.mostrar_codigo(codigo).lower()} "
    nuevo, token = emparejamiento.canjear(tecleado, "10.0.0.7")
    assert (nuevo.nombre, nuevo.centro, nuevo.tipo) == ("tel-1", centro, "TELEFONO")
    assert nuevo.token_sha256 == Dispositivo.huella(token) and token not in nuevo.token_sha256
    assert actor_de_token(token).centro == centro
    registro.refresh_from_db()
    assert registro.usado is not None and registro.dispositivo == nuevo
    with pytest.raises(ErrorDeDominio) as otra_vez:
        emparejamiento.canjear(codigo, "10.0.0.7")
    assert otra_vez.value.codigo == Codigo.CODIGO_EMPAREJAMIENTO_INVALIDO
    assert Dispositivo.objects.count() == 1
    acciones = list(Entrada.objects.order_by("numero").values_list("accion", flat=True))
    assert acciones[-2:] == ["dispositivo.emparejamiento", "dispositivo.emparejar"]


def test_un_codigo_vencido_no_empareja_nada():
    centro = CentroFactory()
    registro, codigo = emparejamiento.emitir_emparejamiento(coordinador(centro), centro)
    Emparejamiento.objects.filter(pk=registro.pk).update(vence=timezone.now())
    with pytest.raises(ErrorDeDominio, match="venció"):
        emparejamiento.canjear(codigo, None)
    assert not Dispositivo.objects.exists()


def test_nombre_libre_por_omision_y_repetido_rechazado():
    centro = CentroFactory(clave="CATD07")
    actor = coordinador(centro)
    primero, _ = emparejamiento.emitir_emparejamiento(actor, centro)
    assert primero.nombre == "CATD07-tel-01"
    segundo, _ = emparejamiento.emitir_emparejamiento(actor, centro)
    assert segundo.nombre == "CATD07-tel-02"
    with pytest.raises(ErrorDeDominio, match="ya hay un dispositivo o un código vigente"):
        emparejamiento.emitir_emparejamiento(actor, centro, "CATD07-tel-01")


def test_un_coordinador_solo_empareja_y_da_de_baja_en_su_centro():
    suyo, otro = CentroFactory(), CentroFactory()
    actor = coordinador(suyo)
    with pytest.raises(SinPermiso):
        emparejamiento.emitir_emparejamiento(actor, otro)
    ajeno, _ = dispositivo(otro)
    with pytest.raises(SinPermiso):
        emparejamiento.dar_de_baja(actor, ajeno)
    ajeno.refresh_from_db()
    assert ajeno.revocado is None
    # The administrador (no centro) manages every centro's devices.
    assert emparejamiento.dar_de_baja(coordinador(None), ajeno) is True


def test_dar_de_baja_avisa_al_telefono_y_no_se_repite():
    centro = CentroFactory()
    telefono, token = dispositivo(centro)
    actor = coordinador(centro)
    assert emparejamiento.dar_de_baja(actor, telefono) is True
    assert emparejamiento.dar_de_baja(actor, telefono) is False
    assert actor_de_token(token) is None
    baja = emparejamiento.token_dado_de_baja(token)
    assert baja == telefono and baja.revocado_por == actor.nombre
    mensaje = str(emparejamiento.error_de_revocado(baja))
    assert "fue dado de baja" in mensaje and "siguen en el teléfono" in mensaje
    assert Entrada.objects.filter(accion="dispositivo.revocar").count() == 1


def test_demasiados_codigos_equivocados_desde_una_direccion():
    for _ in range(emparejamiento.MAXIMO_FALLOS):
        with pytest.raises(ErrorDeDominio):
            emparejamiento.canjear("AAAA-AAAA", "10.0.0.9")
    # Even a good code waits: the address is guessing.
    centro = CentroFactory()
    _, codigo = emparejamiento.emitir_emparejamiento(coordinador(centro), centro)
    with pytest.raises(Demasiadas) as espera:
        emparejamiento.canjear(codigo, "10.0.0.9")
    assert espera.value.codigo == Codigo.DEMASIADOS_INTENTOS
    assert 0 < espera.value.segundos <= emparejamiento.VENTANA_FALLOS.total_seconds() + 1
    # Another address is not affected, and once the window passes this one may try again.
    assert emparejamiento.canjear(codigo, "10.0.0.10")[0].centro == centro
    IntentoEmparejamiento.objects.update(momento=timezone.now() - timedelta(minutes=11))
    with pytest.raises(ErrorDeDominio) as otra:
        emparejamiento.canjear("AAAA-AAAA", "10.0.0.9")
    assert otra.value.codigo == Codigo.CODIGO_EMPAREJAMIENTO_INVALIDO


def test_limite_de_solicitudes_por_minuto(settings, monkeypatch):
    settings.PREP_SOLICITUDES_POR_MINUTO = {"TELEFONO": 3, "ESCANER": 600}
    telefono, token = dispositivo(CentroFactory())
    actor = actor_de_token(token)
    # One instant for the whole count: it never crosses into a new minute.
    instante = timezone.now()
    monkeypatch.setattr(emparejamiento.timezone, "now", lambda: instante)
    for _ in range(3):
        emparejamiento.contar_solicitud(actor)
    with pytest.raises(Demasiadas) as exceso:
        emparejamiento.contar_solicitud(actor)
    assert exceso.value.codigo == Codigo.DEMASIADAS_SOLICITUDES
    assert 1 <= exceso.value.segundos <= 61
    telefono.refresh_from_db()
    assert telefono.ultima_vez is not None
    # A new minute starts the count again.
    Dispositivo.objects.filter(pk=telefono.pk).update(
        ventana=telefono.ventana - timedelta(minutes=1)
    )
    emparejamiento.contar_solicitud(actor)
    telefono.refresh_from_db()
    assert telefono.solicitudes == 1


def test_contar_una_solicitud_cuesta_dos_consultas():
    _, token = dispositivo(CentroFactory())
    actor = actor_de_token(token)
    with CaptureQueriesContext(connection) as consultas:
        emparejamiento.contar_solicitud(actor)
    assert len(consultas) == 2
    # A person is not counted.
    persona = coordinador(None)
    with CaptureQueriesContext(connection) as consultas:
        emparejamiento.contar_solicitud(persona)
    assert len(consultas) == 0
