"""`prep publicar --programado`: each corte at its scheduled time by the election-night clock,
until the calendar's last update closes the publication. The clock runs ×300 (a corte every
four seconds) so the whole night takes a few seconds."""

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from prep import reloj
from prep.cuentas.identidad import SISTEMA
from prep.publicacion import programacion
from prep.publicacion.corte import seguir_calendario
from prep.publicacion.models import Calendario, Corte
from prep.servidor.servidor import url_de_la_base
from tests.publicacion.eleccion import Eleccion

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]
RAIZ = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def noche(tmp_path):
    """A small election, publication from 20:00 to 20:40, and the clock at 19:50 (two real
    seconds before the start: time for a process to start)."""
    eleccion = Eleccion(tmp_path, casillas=20)
    eleccion.registrar(20)
    calendario = Calendario.objects.get()
    programacion.fijar_calendario(SISTEMA, calendario.proceso, eleccion.inicio, eleccion.minuto(40))
    texto = reloj.texto_simulado(eleccion.inicio - timedelta(minutes=10), 300, timezone.now())
    reloj.configurar(texto)
    yield eleccion, texto
    reloj.configurar(None)


def test_cada_corte_a_su_hora_hasta_detenerlo(noche):
    eleccion, _ = noche
    detener = threading.Event()
    hechos: list[Corte] = []

    def avisar(corte: Corte) -> None:
        hechos.append(corte)
        if len(hechos) == 2:
            detener.set()

    quejas: list[str] = []
    hilo = threading.Thread(target=seguir_calendario, args=(detener, avisar, quejas.append))
    hilo.start()
    hilo.join(timeout=60)
    assert not hilo.is_alive()
    assert [c.momento for c in hechos] == [eleccion.minuto(0), eleccion.minuto(20)]
    assert quejas == []


def test_la_orden_sigue_el_calendario_y_termina_al_cierre(noche):
    eleccion, texto = noche
    entorno = {
        **os.environ,
        "PYTHONPATH": RAIZ,
        "PREP_DATABASE_URL": url_de_la_base(),
        "PREP_RELOJ": texto,
    }
    resultado = subprocess.run(
        [sys.executable, "-m", "prep.cli", "publicar", "--programado"],
        env=entorno,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultado.returncode == 0, resultado.stderr
    momentos = list(Corte.objects.order_by("numero").values_list("momento", flat=True))
    assert momentos == [eleccion.minuto(0), eleccion.minuto(20), eleccion.minuto(40)]
    assert Corte.objects.get(numero=3).final
    assert Calendario.objects.get().motivo_cierre == "última actualización"
    assert "corte final" in resultado.stdout
    assert isinstance(momentos[0], datetime)
