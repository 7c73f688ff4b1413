"""Domain services of the blind double capture: work queue, claims, two different people,
comparison, idempotency, permissions and scope, and the bitácora of every change."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.bitacora.models import Entrada
from prep.captura.models import Asignacion, Captura
from prep.captura.servicios import capturar, siguiente_acta
from prep.cuentas.identidad import SISTEMA, actor_de_usuario
from prep.cuentas.models import Rol
from prep.errores import Codigo, ErrorDeDominio, SinPermiso
from tests.captura.ayudas import cifras, entradas
from tests.fabricas import UsuarioFactory

pytestmark = pytest.mark.django_db
E = Acta.Estado


def _capturar(actor, acta, datos=None):
    """Claim the acta from the queue, then capture it (the only way a capture is accepted)."""
    asignacion = siguiente_acta(actor)
    assert asignacion is not None and asignacion.acta_id == acta.pk
    return capturar(acta, actor, datos or cifras())


def _estado(acta) -> str:
    acta.refresh_from_db()
    return acta.estado


# --- The work queue ---------------------------------------------------------------------------


def test_la_cola_entrega_la_mas_antigua_y_repetir_la_pregunta_da_la_misma(lista, ana):
    primera, _segunda = lista(), lista()
    asignacion = siguiente_acta(ana)
    assert asignacion.acta_id == primera.pk
    assert asignacion.expira > timezone.now()
    assert siguiente_acta(ana).pk == asignacion.pk
    assert Asignacion.objects.count() == 1


def test_dos_capturistas_reciben_actas_distintas(lista, ana, beto):
    primera, segunda = lista(), lista()
    assert siguiente_acta(ana).acta_id == primera.pk
    assert siguiente_acta(beto).acta_id == segunda.pk
    assert siguiente_acta(ana).acta_id == primera.pk


def test_la_cola_nunca_devuelve_un_acta_que_la_persona_capturo(lista, ana, beto):
    acta = lista()
    _capturar(ana, acta)
    assert siguiente_acta(ana) is None
    assert siguiente_acta(beto).acta_id == acta.pk


def test_la_cola_ordena_por_tiempo_de_espera_en_el_estado_actual(lista, ana, beto):
    primera, segunda = lista(), lista()
    _capturar(ana, primera)
    # `primera` now waits for its second capture only since ana's capture: `segunda` has
    # waited longer (for its first one).
    assert siguiente_acta(beto).acta_id == segunda.pk
    capturar(segunda, beto, cifras())
    assert siguiente_acta(beto).acta_id == primera.pk


def test_la_cola_solo_entrega_actas_del_alcance_del_centro(lista, ana):
    lista(ajena=True)
    assert siguiente_acta(ana) is None
    propia = lista()
    assert siguiente_acta(ana).acta_id == propia.pk


def test_la_cola_no_entrega_actas_que_no_esperan_captura(lista, ana, eleccion):
    acta = lista()
    aplicar(acta, SISTEMA, "prueba", E.CAPTURADA_1)
    aplicar(acta, SISTEMA, "prueba", E.CAPTURADA_2)
    assert siguiente_acta(ana) is None


def test_una_asignacion_vencida_pasa_a_otra_persona(lista, ana, beto):
    acta = lista()
    siguiente_acta(ana)
    assert siguiente_acta(beto) is None
    Asignacion.objects.update(expira=timezone.now() - timedelta(seconds=1))
    assert siguiente_acta(beto).acta_id == acta.pk
    with pytest.raises(ErrorDeDominio, match="no le está asignada") as error:
        capturar(acta, ana, cifras())
    assert error.value.codigo == "sin_asignacion"
    assert not Captura.objects.exists()


def test_el_plazo_de_la_asignacion_sale_del_ajuste(lista, ana, settings):
    settings.PREP_CAPTURA_PLAZO_SEGUNDOS = 90
    lista()
    antes = timezone.now()
    asignacion = siguiente_acta(ana)
    assert timedelta(seconds=89) < asignacion.expira - antes <= timedelta(seconds=91)


def test_una_asignacion_vencida_que_nadie_tomo_aun_vale(lista, ana):
    acta = lista()
    siguiente_acta(ana)
    Asignacion.objects.update(expira=timezone.now() - timedelta(seconds=1))
    capturar(acta, ana, cifras())
    assert _estado(acta) == E.CAPTURADA_1


def test_capturar_sin_asignacion_se_rechaza(lista, ana):
    acta = lista()
    with pytest.raises(ErrorDeDominio, match="pida la siguiente acta"):
        capturar(acta, ana, cifras())
    assert _estado(acta) == E.DIGITALIZADA


# --- Blind double capture -----------------------------------------------------------------------


def test_primera_captura_deja_el_acta_capturada_1_con_su_hora(lista, ana):
    acta = lista()
    captura = _capturar(ana, acta)
    acta.refresh_from_db()
    assert acta.estado == E.CAPTURADA_1
    assert acta.fecha_hora_captura == captura.momento
    assert acta.cifras == {}
    assert (captura.numero, captura.ronda, captura.imagen) == (1, 1, acta.codigo_integridad)
    assert not Asignacion.objects.exists()


def test_la_segunda_captura_de_la_misma_persona_no_cuenta(lista, ana):
    acta = lista()
    _capturar(ana, acta)
    numero_bitacora = Entrada.objects.count()
    with pytest.raises(ErrorDeDominio, match="usted ya capturó esta acta") as error:
        capturar(acta, ana, cifras(PAN=121))
    assert error.value.codigo == "captura_repetida"
    assert _estado(acta) == E.CAPTURADA_1
    assert Captura.objects.count() == 1
    assert Entrada.objects.count() == numero_bitacora


def test_repetir_la_misma_captura_devuelve_la_existente_sin_escribir(lista, ana):
    acta = lista()
    primera = _capturar(ana, acta)
    numero_bitacora = Entrada.objects.count()
    repetida = capturar(acta, ana, cifras())
    assert repetida.pk == primera.pk
    assert Captura.objects.count() == 1
    assert Entrada.objects.count() == numero_bitacora
    assert _estado(acta) == E.CAPTURADA_1


def test_la_base_de_datos_tambien_impide_dos_capturas_de_una_persona(lista, ana):
    acta = lista()
    primera = _capturar(ana, acta)
    with pytest.raises(IntegrityError), transaction.atomic():
        Captura.objects.create(
            acta=acta, usuario_id=primera.usuario_id, ronda=1, numero=2, cifras=cifras()
        )


def test_dos_capturas_iguales_dejan_el_acta_verificada(lista, ana, beto):
    acta = lista()
    _capturar(ana, acta, cifras(PAN="ILEGIBLE"))
    segunda = _capturar(beto, acta, cifras(PAN="ILEGIBLE"))
    acta.refresh_from_db()
    assert segunda.numero == 2
    assert acta.estado == E.VERIFICADA
    assert acta.cifras == cifras(PAN="ILEGIBLE")
    assert acta.fecha_hora_captura <= acta.fecha_hora_verificacion
    ultima = entradas(acta)[-1]
    assert (ultima.actor, ultima.accion) == ("sistema", "captura.comparacion")
    assert ultima.despues["estado"] == E.VERIFICADA
    assert ultima.despues["detalle"]["evaluacion"] == {
        "contabilizada": True,
        "observaciones": ["Ilegible"],
        "total_votos_calculado": 7,
        "con_inconsistencia": True,
    }


def test_dos_capturas_distintas_dejan_el_acta_en_conflicto(lista, ana, beto):
    acta = lista()
    _capturar(ana, acta)
    _capturar(beto, acta, cifras(PAN=12, TOTAL_VOTOS_ASENTADO=19))
    acta.refresh_from_db()
    assert acta.estado == E.EN_CONFLICTO
    assert acta.cifras == {}
    assert acta.fecha_hora_verificacion is None
    assert entradas(acta)[-1].despues["detalle"]["difieren"] == ["PAN", "TOTAL_VOTOS_ASENTADO"]


def test_cada_cambio_deja_su_entrada_en_la_bitacora(lista, ana, beto):
    acta = lista()
    primera = _capturar(ana, acta)
    segunda = _capturar(beto, acta)
    registro = [
        (e.actor, e.accion, e.antes.get("estado"), e.despues.get("estado")) for e in entradas(acta)
    ]
    assert registro == [
        ("sistema", "prueba.digitalizar", "esperada", "digitalizada"),
        ("usuario:ana", "captura.primera", "digitalizada", "capturada_1"),
        ("usuario:beto", "captura.segunda", "capturada_1", "capturada_2"),
        ("sistema", "captura.comparacion", "capturada_2", "verificada"),
    ]
    detalles = [e.despues["detalle"] for e in entradas(acta)[1:3]]
    assert detalles[0] == {"captura": primera.pk, "ronda": 1, "cifras": cifras()}
    assert detalles[1]["captura"] == segunda.pk


def test_una_imagen_nueva_abre_otra_ronda_de_captura(lista, ana, beto):
    acta = lista()
    _capturar(ana, acta)
    _capturar(beto, acta)
    aplicar(acta, SISTEMA, "prueba.retoma", E.DIGITALIZADA, codigo_integridad="f" * 64)
    _capturar(beto, acta, cifras(PAN=130))
    _capturar(ana, acta, cifras(PAN=130))
    acta.refresh_from_db()
    assert acta.estado == E.VERIFICADA
    assert acta.cifras["votos"]["PAN"] == 130
    rondas = list(Captura.objects.filter(acta=acta).values_list("ronda", "numero", "imagen"))
    assert [(r, n) for r, n, _ in rondas] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert rondas[-1][2] == "f" * 64


# --- Validation, permissions, scope -------------------------------------------------------------


@pytest.mark.parametrize(
    ("datos", "mensaje"),
    [
        ({"PAN": 1}, "deben traer «votos»"),
        ({"votos": {"PAN": 1, "NO_REGISTRADAS": 0, "NULOS": 0}}, "faltan cifras del acta"),
        (cifras(PAN=-3), "PAN: cifra negativa"),
        (cifras(NULOS="7"), "NULOS: cifra no válida"),
        (cifras(PAN="NO_APLICA"), "PAN: «no aplica» no se captura"),
        (cifras(TOTAL_VOTOS_SACADOS=True), "TOTAL_VOTOS_SACADOS: cifra no válida"),
        ({**cifras(), "votos": {"PAN": 1, "NULOS": 0}}, "faltan campos de votos del acta"),
        ({**cifras(), "OTRA": 1}, "campos desconocidos: OTRA"),
    ],
)
def test_cifras_invalidas_se_rechazan_sin_cambiar_nada(lista, ana, datos, mensaje):
    acta = lista()
    siguiente_acta(ana)
    numero_bitacora = Entrada.objects.count()
    with pytest.raises(ErrorDeDominio, match=mensaje) as error:
        capturar(acta, ana, datos)
    assert error.value.codigo == Codigo.CIFRAS_INVALIDAS
    assert _estado(acta) == E.DIGITALIZADA
    assert not Captura.objects.exists()
    assert Entrada.objects.count() == numero_bitacora


@pytest.mark.parametrize("rol", [r for r in Rol if r != Rol.CAPTURISTA])
def test_solo_un_capturista_captura(lista, centro, rol):
    acta = lista()
    centro_del_rol = None if rol in (Rol.ADMINISTRADOR, Rol.AUDITOR) else centro
    actor = actor_de_usuario(UsuarioFactory(perfil__rol=rol, perfil__centro=centro_del_rol))
    with pytest.raises(SinPermiso):
        siguiente_acta(actor)
    with pytest.raises(SinPermiso):
        capturar(acta, actor, cifras())
    assert _estado(acta) == E.DIGITALIZADA


def test_capturar_un_acta_fuera_del_alcance_se_rechaza(lista, ana):
    ajena = lista(ajena=True)
    with pytest.raises(SinPermiso, match="no atiende el centro"):
        capturar(ajena, ana, cifras())
    assert _estado(ajena) == E.DIGITALIZADA


def test_un_acta_que_no_espera_captura_se_rechaza(lista, ana, beto, centro):
    acta = lista()
    _capturar(ana, acta)
    _capturar(beto, acta)
    tercera = actor_de_usuario(UsuarioFactory(perfil__rol=Rol.CAPTURISTA, perfil__centro=centro))
    with pytest.raises(ErrorDeDominio, match="no espera captura"):
        capturar(acta, tercera, cifras())
    assert Captura.objects.count() == 2
