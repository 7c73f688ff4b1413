"""Domain services of the acta record: validation, idempotency, Sin Acta, fuera de catálogo."""

from datetime import UTC, datetime, timedelta

import pytest

from prep.actas.models import Acta
from prep.actas.servicios import (
    CifrasActa,
    registrar_fuera_de_catalogo,
    registrar_resultado,
    registrar_sin_acta,
)
from prep.errores import ErrorDeDominio
from prep.reglas.acta import CausaSinActa
from prep.reglas.cifras import Lectura
from tests.fabricas import ActaEsperadaFactory, EleccionFactory

pytestmark = pytest.mark.django_db
HORA = datetime(2027, 6, 7, 2, 0, tzinfo=UTC)


def _cifras(**votos) -> CifrasActa:
    return CifrasActa({"PAN": 10, "NO_REGISTRADAS": 0, "NULOS": 2, **votos})


def test_registra_y_deja_el_acta_verificada():
    esperada = ActaEsperadaFactory()
    acta = registrar_resultado(esperada, _cifras(PAN=Lectura.ILEGIBLE), momento=HORA)
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.VERIFICADA
    assert acta.cifras == {"votos": {"PAN": "ILEGIBLE", "NO_REGISTRADAS": 0, "NULOS": 2}}
    assert acta.fecha_hora_verificacion == HORA


def test_repetir_la_misma_peticion_no_duplica_ni_cambia_nada():
    esperada = ActaEsperadaFactory()
    primera = registrar_resultado(esperada, _cifras(), momento=HORA)
    segunda = registrar_resultado(esperada, _cifras(), momento=HORA + timedelta(hours=1))
    assert primera.pk == segunda.pk
    assert Acta.objects.count() == 1
    segunda.refresh_from_db()
    assert segunda.fecha_hora_verificacion == HORA


def test_una_nueva_verificacion_reemplaza_las_cifras():
    esperada = ActaEsperadaFactory()
    registrar_resultado(esperada, _cifras(), momento=HORA)
    acta = registrar_resultado(esperada, _cifras(PAN=60), momento=HORA + timedelta(hours=1))
    assert acta.cifras["votos"]["PAN"] == 60
    assert Acta.objects.count() == 1


@pytest.mark.parametrize(
    ("cifras", "mensaje"),
    [
        (CifrasActa({"PAN": 1, "NULOS": 0}), "faltan campos de votos del acta: NO_REGISTRADAS"),
        (
            CifrasActa({"PAN": 1, "NO_REGISTRADAS": 0, "NULOS": 0, "PRI": 3}),
            "que esta acta no tiene: PRI",
        ),
        (CifrasActa({"PAN": -1, "NO_REGISTRADAS": 0, "NULOS": 0}), "PAN: cifra negativa"),
        (CifrasActa({"PAN": "diez", "NO_REGISTRADAS": 0, "NULOS": 0}), "PAN: cifra no válida"),
        (
            CifrasActa({"PAN": 1, "NO_REGISTRADAS": 0, "NULOS": 0}, {"OTRA": 3}),
            "campos desconocidos: OTRA",
        ),
    ],
)
def test_cifras_invalidas_se_rechazan_sin_cambiar_nada(cifras, mensaje):
    esperada = ActaEsperadaFactory()
    with pytest.raises(ErrorDeDominio, match=mensaje):
        registrar_resultado(esperada, cifras, momento=HORA)
    assert not Acta.objects.exists()


def test_las_horas_deben_ir_en_orden():
    esperada = ActaEsperadaFactory()
    with pytest.raises(ErrorDeDominio, match="acopio ≤ captura ≤ verificación"):
        registrar_resultado(esperada, _cifras(), momento=HORA, acopio=HORA + timedelta(minutes=1))
    assert not Acta.objects.exists()


def test_sin_acta_con_su_causa_es_idempotente():
    esperada = ActaEsperadaFactory()
    registrar_sin_acta(esperada, CausaSinActa.CASILLA_NO_INSTALADA, momento=HORA)
    acta = registrar_sin_acta(esperada, CausaSinActa.CASILLA_NO_INSTALADA, momento=HORA)
    assert acta.estado == Acta.Estado.SIN_ACTA
    assert acta.causa_sin_acta == "Sin Acta por casilla no instalada"
    assert Acta.objects.count() == 1


def test_sin_acta_no_pisa_un_acta_con_cifras():
    esperada = ActaEsperadaFactory()
    registrar_resultado(esperada, _cifras(), momento=HORA)
    with pytest.raises(ErrorDeDominio, match="ya tiene imagen o cifras"):
        registrar_sin_acta(esperada, CausaSinActa.PAQUETE_SIN_SOBRE)
    assert Acta.objects.get().estado == Acta.Estado.VERIFICADA


def test_un_sin_acta_puede_reemplazarse_cuando_aparece_el_acta():
    esperada = ActaEsperadaFactory()
    registrar_sin_acta(esperada, CausaSinActa.PAQUETE_NO_ENTREGADO, momento=HORA)
    acta = registrar_resultado(esperada, _cifras(), momento=HORA + timedelta(hours=2))
    assert (acta.estado, acta.causa_sin_acta) == (Acta.Estado.VERIFICADA, "")


def test_fuera_de_catalogo():
    eleccion = EleccionFactory()
    primera = registrar_fuera_de_catalogo(eleccion, " 049999B0100 5 ", momento=HORA)
    segunda = registrar_fuera_de_catalogo(eleccion, "049999B0100 5", momento=HORA)
    assert primera.pk == segunda.pk
    assert (primera.estado, primera.acta_esperada) == (Acta.Estado.FUERA_DE_CATALOGO, None)
    with pytest.raises(ErrorDeDominio, match="falta la identificación"):
        registrar_fuera_de_catalogo(eleccion, "  ")
