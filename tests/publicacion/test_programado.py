"""`prep publicar --programado`: each corte at its scheduled time by the election-night clock,
until the calendar's last update closes the publication. The night's clock is stepped by hand
(`PREP_RELOJ=archivo …`, prep/reloj.py): the test moves it to each corte's time once the previous
corte is done, in this process and in the `prep` processes it starts, so no corte depends on how
fast a process starts or a corte is made on a busy machine."""

import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from prep import reloj
from prep.cuentas.identidad import SISTEMA
from prep.difusion.models import Envio, Periodo, publicados
from prep.publicacion import programacion
from prep.publicacion.carpetas import carpeta_de
from prep.publicacion.corte import seguir_calendario
from prep.publicacion.models import Calendario, Corte
from prep.servidor.servidor import url_de_la_base
from tests.fabricas import DifusorFactory
from tests.publicacion.eleccion import Eleccion
from tests.servicios.web import ServidorWeb

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]
RAIZ = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Real seconds a step of the night may take (start a process, make and push a corte) before
# the test gives up: a bound on a hang, not a timing the test depends on.
PLAZO = 120


@dataclass(frozen=True)
class Noche:
    """The election, and the night's clock that the test moves (`PREP_RELOJ` text `texto`)."""

    eleccion: Eleccion
    texto: str
    hora: Path

    def a_las(self, minuto: int) -> None:
        """Move the night to `minuto` minutes after the publication starts (20:00)."""
        reloj.mover(self.hora, self.eleccion.minuto(minuto))


@pytest.fixture
def noche(tmp_path):
    """A small election, publication from 20:00 to 20:40, and the night's clock standing at
    19:50 until the test moves it."""
    eleccion = Eleccion(tmp_path, casillas=20)
    eleccion.registrar(20)
    calendario = Calendario.objects.get()
    programacion.fijar_calendario(SISTEMA, calendario.proceso, eleccion.inicio, eleccion.minuto(40))
    hora = tmp_path / "hora-de-la-noche"
    reloj.mover(hora, eleccion.minuto(-10))
    texto = reloj.texto_archivo(hora)
    reloj.configurar(texto)
    yield Noche(eleccion, texto, hora)
    reloj.configurar(None)


class _Detener(threading.Event):
    """The scheduler's `detener`, which also tells the test when the scheduler waits for a
    corte's time (it calls `wait` while the time has not come)."""

    def __init__(self) -> None:
        super().__init__()
        self.esperando = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.esperando.set()
        return super().wait(timeout)


def test_cada_corte_a_su_hora_hasta_detenerlo(noche):
    detener = _Detener()
    hechos: list[Corte] = []

    def avisar(corte: Corte) -> None:
        hechos.append(corte)
        if len(hechos) == 2:
            detener.set()
        else:
            noche.a_las(20)  # the next corte's time comes once this one is made

    quejas: list[str] = []
    # The end of each period (where difusores are checked) comes before its corte, on time.
    periodos: list[tuple[int, datetime]] = []

    def antes_de_cortar() -> None:
        periodos.append((len(hechos), reloj.ahora()))

    errores: list[BaseException] = []

    def seguir() -> None:
        try:
            seguir_calendario(detener, avisar, quejas.append, antes_de_cortar, difusores=publicados)
        except BaseException as exc:
            errores.append(exc)
        finally:
            detener.esperando.set()  # a scheduler that ends before waiting wakes the test too

    hilo = threading.Thread(target=seguir)
    hilo.start()
    # At 19:50 the scheduler waits for 20:00 and makes nothing.
    assert detener.esperando.wait(PLAZO)
    assert (errores, hechos) == ([], [])
    noche.a_las(0)
    hilo.join(timeout=PLAZO)
    assert not hilo.is_alive()
    assert errores == []
    eleccion = noche.eleccion
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


class Orden:
    """A `prep` child process whose output the test reads line by line while it runs."""

    def __init__(self, argumentos: list[str], texto: str, errores: Path) -> None:
        self._errores = errores
        with errores.open("w") as salida_de_errores:
            self.proceso = subprocess.Popen(
                [sys.executable, "-m", "prep.cli", *argumentos],
                # Unbuffered: each line reaches the test as soon as it is written.
                env={**entorno_de(texto), "PYTHONUNBUFFERED": "1"},
                stdout=subprocess.PIPE,
                stderr=salida_de_errores,
                text=True,
            )
        self.lineas: list[str] = []
        self._nuevas: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._leer, daemon=True).start()

    def _leer(self) -> None:
        for linea in self.proceso.stdout:
            self._nuevas.put(linea)
        self._nuevas.put(None)

    def stderr(self) -> str:
        return self._errores.read_text()

    def esperar(self, texto: str) -> str:
        """The next output line containing `texto` (the test fails if the process ends or
        hangs first)."""
        limite = time.monotonic() + PLAZO
        while True:
            try:
                linea = self._nuevas.get(timeout=max(limite - time.monotonic(), 0))
            except queue.Empty:
                pytest.fail(f"«{texto}» no llegó en {PLAZO} s:\n{self.stderr()}")
            if linea is None:
                pytest.fail(f"terminó sin «{texto}»:\n{''.join(self.lineas)}\n{self.stderr()}")
            self.lineas.append(linea)
            if texto in linea:
                return linea

    def terminar(self) -> subprocess.CompletedProcess:
        """Wait for the process to end (by itself) and return what it did."""
        self.proceso.wait(timeout=PLAZO)
        while (linea := self._nuevas.get(timeout=PLAZO)) is not None:
            self.lineas.append(linea)
        return subprocess.CompletedProcess(
            self.proceso.args, self.proceso.returncode, "".join(self.lineas), self.stderr()
        )

    def __enter__(self) -> "Orden":
        return self

    def __exit__(self, *_excepcion) -> None:
        if self.proceso.poll() is None:
            self.proceso.kill()
            self.proceso.wait(timeout=PLAZO)


def test_la_orden_sigue_el_calendario_y_termina_al_cierre(noche, tmp_path):
    eleccion = noche.eleccion
    with Orden(["publicar", "--programado"], noche.texto, tmp_path / "errores") as orden:
        noche.a_las(0)
        orden.esperar("corte 1 de las")
        noche.a_las(20)
        orden.esperar("corte 2 de las")
        noche.a_las(40)
        resultado = orden.terminar()
    assert resultado.returncode == 0, resultado.stderr
    momentos = list(Corte.objects.order_by("numero").values_list("momento", flat=True))
    assert momentos == [eleccion.minuto(0), eleccion.minuto(20), eleccion.minuto(40)]
    assert Corte.objects.get(numero=3).final
    assert Calendario.objects.get().motivo_cierre == "última actualización"
    assert "corte final" in resultado.stdout
    assert isinstance(momentos[0], datetime)


def test_la_orden_que_arranca_tarde_no_publica_el_corte_que_ya_paso(noche, tmp_path):
    """Started at 20:05, the generator does not publish the 20:00 corte late (its figures would
    be those of 20:05 under the 20:00 label): it waits for the 20:20 corte."""
    eleccion = noche.eleccion
    noche.a_las(5)
    with Orden(["publicar", "--programado"], noche.texto, tmp_path / "errores") as orden:
        noche.a_las(20)
        orden.esperar("corte 1 de las")
        orden.proceso.terminate()
        resultado = orden.terminar()
    assert resultado.returncode == 0, resultado.stderr
    assert list(Corte.objects.values_list("momento", flat=True)) == [eleccion.minuto(20)]


def _esperar_publicado(sitio: Path, carpeta: str) -> None:
    """Until the difusor's `prep difusor bandeja` publishes `carpeta` (it points `ultimo` at
    it), or PLAZO real seconds pass."""
    limite = time.monotonic() + PLAZO
    while (sitio / "ultimo").resolve().name != carpeta:
        assert time.monotonic() < limite, f"el difusor no publicó {carpeta} en {PLAZO} s"
        time.sleep(0.05)


def test_la_orden_envia_cada_corte_y_vigila_al_difusor(noche, servidor_sftp, tmp_path):
    """The whole night of a difusor: `prep publicar --programado` pushes each corte over SFTP
    (the real sshd), the difusor's `prep difusor bandeja` publishes it, its web server serves it,
    and at the end of each period the institute checks it: correct every time, the second and
    third cortes as packages of differences."""
    eleccion = noche.eleccion
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
        orden = [sys.executable, "-m", "prep.cli", "difusor", "bandeja"]
        bandeja = subprocess.Popen(
            [*orden, str(servidor_sftp.bandeja), str(sitio)],
            env=entorno_de(noche.texto),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            programado = ["publicar", "--programado"]
            with Orden(programado, noche.texto, tmp_path / "errores") as publicador:
                # Each period ends (and its corte is checked) once the difusor serves it.
                for numero, minuto in ((1, 0), (2, 20), (3, 40)):
                    noche.a_las(minuto)
                    publicador.esperar(f"corte {numero} entregado a «Universidad»")
                    _esperar_publicado(sitio, carpeta_de(eleccion.minuto(minuto)))
                resultado = publicador.terminar()
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
