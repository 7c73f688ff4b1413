"""Concurrent capturistas: the queue never hands the same acta to two of them, and every acta
ends with exactly two captures by two different people. Real threads, real connections."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from prep.actas.models import Acta
from prep.captura.models import Captura
from prep.captura.servicios import capturar, siguiente_acta
from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Rol
from tests.captura.ayudas import cifras
from tests.concurrencia import en_hilos
from tests.fabricas import UsuarioFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _capturistas(centro, n: int):
    return [
        actor_de_usuario(UsuarioFactory(perfil__rol=Rol.CAPTURISTA, perfil__centro=centro))
        for _ in range(n)
    ]


def test_capturistas_simultaneos_nunca_reciben_la_misma_acta(lista, centro):
    actas = {lista().pk for _ in range(10)}
    actores = _capturistas(centro, 6)
    asignadas = en_hilos(lambda actor: siguiente_acta(actor).acta_id, actores)
    assert len(set(asignadas)) == len(actores)
    assert set(asignadas) <= actas


def test_la_cola_se_vacia_con_dos_capturas_de_personas_distintas_por_acta(lista, centro):
    actas = [lista() for _ in range(8)]
    actores = _capturistas(centro, 4)

    def trabajar(actor) -> int:
        hechas = 0
        limite = time.monotonic() + 60
        # An empty queue is not the end while another capturista holds an acta: its second
        # capture may still come to this one (stopping there left an acta with one capture).
        while Acta.objects.exclude(estado=Acta.Estado.VERIFICADA).exists():
            assert time.monotonic() < limite, "la cola no se vació en un minuto"
            asignacion = siguiente_acta(actor)
            if asignacion is None:
                time.sleep(0.01)
                continue
            capturar(Acta(pk=asignacion.acta_id), actor, cifras())
            hechas += 1
        return hechas

    assert sum(en_hilos(trabajar, actores)) == 2 * len(actas)
    assert set(Acta.objects.values_list("estado", flat=True)) == {Acta.Estado.VERIFICADA}
    for acta in actas:
        personas = list(Captura.objects.filter(acta=acta).values_list("usuario_id", flat=True))
        assert len(personas) == 2 and len(set(personas)) == 2


def test_en_postgresql_una_fila_bloqueada_se_salta_sin_esperar(lista, ana):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED es de PostgreSQL; SQLite serializa a quien escribe")
    primera, segunda = lista(), lista()
    bloqueada, soltar = threading.Event(), threading.Event()

    def retener() -> None:
        # Another capturista's transaction, in the middle of claiming `primera`.
        try:
            with transaction.atomic():
                Acta.objects.select_for_update().get(pk=primera.pk)
                bloqueada.set()
                soltar.wait(timeout=30)
        finally:
            connections.close_all()

    hilo = threading.Thread(target=retener)
    hilo.start()
    try:
        assert bloqueada.wait(timeout=10)
        inicio = time.monotonic()
        asignacion = siguiente_acta(ana)
        assert time.monotonic() - inicio < 2
        assert asignacion.acta_id == segunda.pk
    finally:
        soltar.set()
        hilo.join(timeout=30)
