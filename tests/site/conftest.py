"""Fixtures of the public site's browser tests: one real corte made by the generator from a
synthetic election, a plain static server over the publication folder, and pages of Chromium on a
desktop or a phone viewport."""

import functools
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connections

from prep.difusion.models import Difusor, publicados
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from tests.captura.navegador import ARTEFACTOS, chromium  # noqa: F401 (fixture)
from tests.fabricas import DifusorFactory
from tests.publicacion.eleccion import Eleccion

VISTAS = {
    "escritorio": {"viewport": {"width": 1280, "height": 800}},
    "telefono": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
# (nombre, url, estado, aviso): one of each state, and one cut off by monitoring (suspended with
# its notice); the one dado de baja must vanish from the site.
AVISO = (
    "Enlace suspendido desde las 20:30 del 06/06/2027: este difusor no publicó el corte vigente"
    " en 3 periodos seguidos."
)
DIFUSORES = [
    ("Universidad Autónoma de Coahuila", "https://prep.uadec.example", Difusor.Estado.ACTIVO, ""),
    ("Diario del Norte", "https://prep.diario.example", Difusor.Estado.SUSPENDIDO, ""),
    ("Radio Comunitaria", "https://prep.radio.example", Difusor.Estado.BAJA, ""),
    ("Televisora del Valle", "https://prep.tv.example", Difusor.Estado.SUSPENDIDO, AVISO),
]


@pytest.fixture
def _cerrar_conexiones():
    """Close the test's database connections once `db` has rolled back (`corte` requests this
    fixture before `db`, so it is torn down after it). Playwright's sync API keeps an event loop
    running in this thread, so Django keeps those connections in per-context storage that
    pytest-django's own cleanup never sees; left open, they keep PostgreSQL from dropping the
    test database at the end of the session."""
    yield
    connections.close_all()


@pytest.fixture
def corte(_cerrar_conexiones, db, tmp_path) -> Path:
    """The folder of one corte published by `prep.publicacion.corte.publicar`, with `ultimo`
    beside it pointing at it.

    100 casillas give Sin Acta and inconsistent actas. Gubernatura and Diputaciones locales are
    fully recorded, Ayuntamientos two thirds, so the corte is not the final one. Each election's
    first actas (its first secciones: the ones the tests navigate to) come with their image.
    """
    eleccion = Eleccion(tmp_path, casillas=100, elecciones=("GOB", "DIP_LOC", "AYUN"))
    for orden, (nombre, url, estado, aviso) in enumerate(DIFUSORES):
        DifusorFactory(nombre=nombre, url=url, estado=estado, aviso=aviso, orden=orden)
    # `registrar` takes the synthetic actas in order, and they come grouped by election.
    por_eleccion = Counter(a.eleccion for a in eleccion.sintetica.actas)
    eleccion.registrar(por_eleccion["GOB"], con_imagen=20)
    eleccion.registrar(por_eleccion["DIP_LOC"], con_imagen=5)
    eleccion.registrar(por_eleccion["AYUN"] * 2 // 3, con_imagen=20)
    return raiz() / publicar(eleccion.minuto(40), difusores=publicados).carpeta


class _Estaticos(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        """Quiet: the test reports what matters."""


@pytest.fixture
def servidor(corte):
    """The URL of a plain static server (no routing, no compression) over the publication
    folder, the way a bucket serves it: `<url>ultimo/` and `<url><corte>/` are both sites."""
    manejador = functools.partial(_Estaticos, directory=str(corte.parent))
    http = ThreadingHTTPServer(("127.0.0.1", 0), manejador)
    hilo = threading.Thread(target=http.serve_forever, daemon=True)
    hilo.start()
    yield f"http://127.0.0.1:{http.server_port}/"
    http.shutdown()
    http.server_close()
    hilo.join()


@pytest.fixture
def artefactos() -> Path:
    """Where the site's screenshots are kept: artefactos/sitio/ (gitignored), beside the
    capture pages' ones."""
    carpeta = ARTEFACTOS / "sitio"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


@pytest.fixture
def abrir_sitio(chromium):  # noqa: F811 (the fixture imported above)
    """`abrir_sitio(url, vista)`: a new page on the `escritorio` or `telefono` viewport, once its
    first view is drawn. `pagina.respuestas` keeps every response; `pagina.errores` the console
    errors, script errors and failed requests."""
    contextos = []

    def abrir(url: str, vista: str = "escritorio"):
        contexto = chromium.new_context(locale="es-MX", **VISTAS[vista])
        contextos.append(contexto)
        pagina = contexto.new_page()
        pagina.set_default_timeout(10_000)
        pagina.errores, pagina.respuestas = [], []
        pagina.on("response", lambda r: pagina.respuestas.append(r))
        pagina.on("pageerror", lambda e: pagina.errores.append(f"error de JS: {e}"))
        pagina.on(
            "console",
            lambda m: m.type == "error" and pagina.errores.append(f"consola: {m.text}"),
        )
        pagina.on(
            "response",
            lambda r: r.status >= 400 and pagina.errores.append(f"HTTP {r.status}: {r.url}"),
        )
        pagina.goto(url)
        pagina.wait_for_selector("main h1")
        return pagina

    yield abrir
    for contexto in contextos:
        contexto.close()
