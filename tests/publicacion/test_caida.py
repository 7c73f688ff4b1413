"""`kill -9` of `prep publicar` in the middle of a corte: visitors keep the previous corte, and
the next run leaves a whole, signed, unbroken chain."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from prep import reloj
from prep.difusion.models import publicados
from prep.publicacion.carpetas import PREFIJO_PREPARACION, raiz
from prep.publicacion.corte import publicar
from prep.publicacion.manifiesto import ULTIMO
from prep.publicacion.models import Corte
from prep.publicacion.verificacion_corte import verificar_publicacion
from prep.servidor.servidor import url_de_la_base
from tests.publicacion.eleccion import Eleccion

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]
RAIZ = Path(__file__).resolve().parents[2]


def test_un_generador_muerto_a_la_mitad_no_deja_medio_corte(tmp_path):
    eleccion = Eleccion(tmp_path, casillas=300)
    eleccion.registrar(200, con_imagen=40)
    primero = publicar(eleccion.minuto(0), difusores=publicados)
    eleccion.registrar(300, con_imagen=120)

    entorno = {
        **os.environ,
        "PYTHONPATH": str(RAIZ),
        "PREP_DATABASE_URL": url_de_la_base(),
        "PREP_RELOJ": reloj.texto_simulado(eleccion.minuto(20), 1, timezone.now()),
    }
    proceso = subprocess.Popen(
        [sys.executable, "-m", "prep.cli", "publicar"],
        env=entorno,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    limite = time.monotonic() + 60
    while not any(raiz().glob(f"{PREFIJO_PREPARACION}*")):
        assert proceso.poll() is None, "terminó antes de empezar a escribir el corte"
        assert time.monotonic() < limite, "no empezó a escribir el corte"
        time.sleep(0.005)
    os.kill(proceso.pid, signal.SIGKILL)  # in the middle of writing corte 2
    assert proceso.wait(10) == -signal.SIGKILL

    assert os.readlink(raiz() / ULTIMO) == primero.carpeta  # visitors still see corte 1
    siguiente = publicar(eleccion.minuto(40), difusores=publicados)
    assert not any(raiz().glob(f"{PREFIJO_PREPARACION}*"))
    assert list(Corte.objects.values_list("numero", flat=True)) == list(
        range(1, siguiente.numero + 1)
    )
    assert os.readlink(raiz() / ULTIMO) == siguiente.carpeta
    informe = verificar_publicacion(raiz())
    assert informe.integro, [str(f) for i in informe.informes for f in i.fallas] + [
        str(f) for f in informe.fallas
    ]
