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
from prep.difusion.models import Envio, Periodo
from prep.publicacion import programacion
from prep.publicacion.corte import seguir_calendario
from prep.publicacion.models import Calendario, Corte
from prep.servidor.servidor import url_de_la_base
from tests.fabricas import DifusorFactory
from tests.publicacion.eleccion import Eleccion
from tests.servicios.web import ServidorWeb

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
    # The end of each period (where difusores are checked) comes before its corte, on time.
    periodos: list[tuple[int, datetime]] = []

    def antes_de_cortar() -> None:
        periodos.append((len(hechos), reloj.ahora()))

    hilo = threading.Thread(
        target=seguir_calendario, args=(detener, avisar, quejas.append, antes_de_cortar)
    )
    hilo.start()
    hilo.join(timeout=60)
    assert not hilo.is_alive()
    assert [c.momento for c in hechos] == [eleccion.minuto(0), eleccion.minuto(20)]
    assert [n for n, _ in periodos] == [0, 1]
    assert all(momento >= c.momento for (_, momento), c in zip(periodos, hechos, strict=True))
    assert quejas == []


def entorno_de(texto: str) -> dict[str, str]:
    """The environment of a `prep` child process on the test's database and clock."""
    return {
        **os.environ,
        "PYTHONPATH": RAIZ,
        "PREP_DATABASE_URL": url_de_la_base(),
        "PREP_RELOJ": texto,
    }


def publicar_programado(texto: str) -> subprocess.CompletedProcess:
    """Run `prep publicar --programado` to the end of the publication."""
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", "publicar", "--programado"],
        env=entorno_de(texto),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_la_orden_sigue_el_calendario_y_termina_al_cierre(noche):
    eleccion, texto = noche
    resultado = publicar_programado(texto)
    assert resultado.returncode == 0, resultado.stderr
    momentos = list(Corte.objects.order_by("numero").values_list("momento", flat=True))
    assert momentos == [eleccion.minuto(0), eleccion.minuto(20), eleccion.minuto(40)]
    assert Corte.objects.get(numero=3).final
    assert Calendario.objects.get().motivo_cierre == "última actualización"
    assert "corte final" in resultado.stdout
    assert isinstance(momentos[0], datetime)


def test_la_orden_envia_cada_corte_y_vigila_al_difusor(noche, servidor_sftp, tmp_path):
    """The whole night of a difusor: `prep publicar --programado` pushes each corte over SFTP
    (the real sshd), the difusor's `prep difusor bandeja` publishes it, its web server serves it,
    and at the end of each period the institute checks it: correct every time, the second and
    third cortes as packages of differences."""
    eleccion, _ = noche
    sitio = tmp_path / "sitio-del-difusor"
    sitio.mkdir()
    with ServidorWeb(sitio) as web:
        DifusorFactory(
            nombre="Universidad",
            url=web.url,
            credencial=str(servidor_sftp.llave_cliente),
            destino=servidor_sftp.destino,
            llave_servidor=servidor_sftp.llave_servidor,
        )
        # The clock starts now at 19:40, four real seconds before the first corte: two processes
        # must start first (and the sshd and the web server took their time already).
        texto = reloj.texto_simulado(eleccion.inicio - timedelta(minutes=20), 300, timezone.now())
        reloj.configurar(texto)
        orden = [sys.executable, "-m", "prep.cli", "difusor", "bandeja"]
        bandeja = subprocess.Popen(
            [*orden, str(servidor_sftp.bandeja), str(sitio)],
            env=entorno_de(texto),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            resultado = publicar_programado(texto)
        finally:
            bandeja.terminate()
            bandeja.wait(timeout=10)
    assert resultado.returncode == 0, resultado.stderr
    assert "corte 3 entregado a «Universidad»" in resultado.stdout
    periodos = list(Periodo.objects.order_by("momento").values_list("corte", "correcto"))
    assert periodos == [(1, True), (2, True)], resultado.stderr
    envios = list(Envio.objects.order_by("corte").values_list("corte", "entregado", "detalle"))
    assert [(c, e) for c, e, _ in envios] == [(1, True), (2, True), (3, True)]
    assert envios[0][2].startswith("paquete completo")
    assert all(d.startswith("paquete de diferencias") for _, _, d in envios[1:])
    assert (sitio / "ultimo").resolve().name == Corte.objects.get(numero=3).carpeta
