"""Actas fuera de catálogo (R7): one record per election and key read, guaranteed by the
database, even when two centros register the same key at the same instant."""

import time
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.db.models.query import QuerySet

from prep.actas.models import Acta
from prep.actas.servicios import registrar_fuera_de_catalogo
from prep.bitacora.models import Entrada
from tests.concurrencia import en_hilos
from tests.fabricas import ActaEsperadaFactory, EleccionFactory

HORA = datetime(2027, 6, 7, 2, 0, tzinfo=UTC)
CLAVE = "049999B01005"


def _entradas() -> int:
    return Entrada.objects.filter(accion="acta.fuera_de_catalogo").count()


@pytest.mark.django_db
def test_la_misma_clave_normalizada_da_la_misma_acta():
    eleccion = EleccionFactory()
    primera = registrar_fuera_de_catalogo(eleccion, CLAVE, momento=HORA)
    for variante in (CLAVE, " 049999b0100 5 ", "'049999-B01005"):
        assert registrar_fuera_de_catalogo(eleccion, variante).pk == primera.pk
    assert primera.identificacion == CLAVE
    assert Acta.objects.count() == 1
    assert _entradas() == 1


@pytest.mark.django_db
def test_la_misma_clave_en_otra_eleccion_es_otra_acta():
    gubernatura = EleccionFactory()
    diputaciones = EleccionFactory(tipo="DIP_LOC", nombre="Diputaciones locales", tipo_acta="6")
    una = registrar_fuera_de_catalogo(gubernatura, CLAVE, momento=HORA)
    otra = registrar_fuera_de_catalogo(diputaciones, CLAVE, momento=HORA)
    assert una.pk != otra.pk


@pytest.mark.django_db
def test_la_base_rechaza_un_duplicado_fuera_de_catalogo():
    acta = registrar_fuera_de_catalogo(EleccionFactory(), CLAVE, momento=HORA)
    # A second row equal to the first, inserted behind the services' back.
    copia = Acta.objects.get(pk=acta.pk)
    copia.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copia.save(force_insert=True)
    assert Acta.objects.count() == 1


@pytest.mark.django_db
def test_la_restriccion_no_toca_a_las_actas_esperadas():
    # Actas esperadas all have an empty identification; the constraint only covers the others.
    eleccion = EleccionFactory()
    for _ in range(2):
        Acta.objects.create(eleccion=eleccion, acta_esperada=ActaEsperadaFactory(eleccion=eleccion))
    assert Acta.objects.filter(identificacion="").count() == 2


@pytest.mark.django_db
def test_quien_pierde_la_carrera_recibe_el_acta_existente_y_su_transaccion_sigue_viva():
    eleccion = EleccionFactory()
    ganadora = registrar_fuera_de_catalogo(eleccion, CLAVE, momento=HORA)
    get = QuerySet.get
    llamadas = []

    def get_tardio(queryset, *args, **kwargs):
        # The first lookup misses, as if the winner committed right after it.
        llamadas.append(kwargs)
        if len(llamadas) == 1:
            raise Acta.DoesNotExist
        return get(queryset, *args, **kwargs)

    with transaction.atomic():
        with mock.patch.object(QuerySet, "get", autospec=True, side_effect=get_tardio):
            perdedora = registrar_fuera_de_catalogo(eleccion, CLAVE, momento=HORA)
        # The caller's transaction can go on, as acopio does with the acta it got.
        assert Acta.objects.select_for_update().get(pk=perdedora.pk).pk == ganadora.pk
    assert len(llamadas) == 2
    assert Acta.objects.count() == 1
    assert _entradas() == 1


@pytest.mark.django_db(transaction=True)
def test_dos_centros_registran_la_misma_clave_a_la_vez():
    eleccion = EleccionFactory()

    def centro(_i: int) -> int:
        with transaction.atomic():
            acta = registrar_fuera_de_catalogo(eleccion, CLAVE, momento=HORA)
            pk = Acta.objects.select_for_update().get(pk=acta.pk).pk
            # The caller's work after the insert (acopio, bitácora) keeps the transaction
            # open, so on PostgreSQL the other centro's insert meets an uncommitted row.
            time.sleep(0.3)
        return pk

    resultados = en_hilos(centro, [0, 1])
    assert resultados[0] is not None and resultados[0] == resultados[1]
    assert list(Acta.objects.values_list("pk", flat=True)) == [resultados[0]]
    assert _entradas() == 1
