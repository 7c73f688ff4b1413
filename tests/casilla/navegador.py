"""Real Chromium (Debian's) for PREP Casilla's browser tests: phones with a fake rear camera and
a profile on disk (IndexedDB, the service worker and its caches survive closing and reopening
the app, as on a phone), and the coordinator's browser, logged in.

One Playwright per test module (its sync API allows one at a time in a thread): these fixtures
do not mix with tests/captura/navegador.py's in one module.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from tests.captura.navegador import ARGUMENTOS, CHROMIUM

TELEFONO = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "es-MX",
    "timezone_id": "America/Mexico_City",
}
ESCRITORIO = {
    "viewport": {"width": 1366, "height": 900},
    "locale": "es-MX",
    "timezone_id": "America/Mexico_City",
}


def argumentos_camara(video: Path) -> list[str]:
    """Chromium's fake rear camera playing `video` (.y4m), its permission already given."""
    return [
        *ARGUMENTOS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


class Telefono:
    """A phone running PREP Casilla: a persistent Chromium profile with a fake camera.

    `abrir` starts the browser on the app (optionally with no network), `cerrar` shuts it down
    as when the phone is switched off; what the app saved stays in the profile.
    """

    def __init__(
        self, playwright: Playwright, url_base: str, perfil: Path, video: Path, **opciones
    ):
        self.playwright = playwright
        self.url_base = url_base
        self.perfil = perfil
        self.video = video
        self.opciones = {**TELEFONO, **opciones}
        self.contexto: BrowserContext | None = None
        self.pagina: Page | None = None

    def abrir(
        self,
        ruta: str = "/casilla/",
        sin_conexion: bool = False,
        antes: Callable[[Page], None] | None = None,
    ) -> Page:
        """Start the phone's browser and open `ruta`; `antes(pagina)` runs before the page
        loads (to install a clock, say). Returns the page."""
        self.cerrar()
        self.contexto = self.playwright.chromium.launch_persistent_context(
            str(self.perfil),
            executable_path=CHROMIUM,
            headless=True,
            args=argumentos_camara(self.video),
            permissions=["camera"],
            offline=sin_conexion,
            **self.opciones,
        )
        self.pagina = self.contexto.pages[0] if self.contexto.pages else self.contexto.new_page()
        self.pagina.set_default_timeout(15_000)
        if antes is not None:
            antes(self.pagina)
        self.pagina.goto(self.url_base + ruta)
        return self.pagina

    def sin_conexion(self, apagada: bool = True) -> None:
        """Take the phone off the network (or put it back)."""
        self.contexto.set_offline(apagada)

    def cerrar(self) -> None:
        """Close the app and its browser (the profile stays on disk)."""
        if self.contexto is not None:
            self.contexto.close()
        self.contexto = self.pagina = None


@pytest.fixture(scope="module")
def playwright_casilla() -> Iterator[Playwright]:
    """Playwright for the module; Chromium itself is launched per phone."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"falta {CHROMIUM}: apt-get install -y chromium")
    with pytest.MonkeyPatch.context() as parche, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
        # are synchronous and safe.
        parche.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield playwright


@pytest.fixture
def telefonos(playwright_casilla, live_server, tmp_path):
    """`telefonos(video, **opciones)`: a new phone whose camera shows `video`; all are closed
    at the end of the test."""
    abiertos: list[Telefono] = []

    def nuevo(video: Path, **opciones) -> Telefono:
        perfil = tmp_path / f"telefono-{len(abiertos) + 1}"
        telefono = Telefono(playwright_casilla, live_server.url, perfil, video, **opciones)
        abiertos.append(telefono)
        return telefono

    yield nuevo
    for telefono in abiertos:
        telefono.cerrar()


@pytest.fixture
def navegador_casilla(playwright_casilla):
    """A plain headless Chromium (no camera) for the coordinator's pages and desktop views."""
    navegador = playwright_casilla.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=ARGUMENTOS
    )
    yield navegador
    navegador.close()


@pytest.fixture
def pagina_de(navegador_casilla, live_server):
    """`pagina_de(usuario, ruta)`: a desktop page of the live server, logged in as the user."""

    def abrir(usuario, ruta: str):
        sesion = Client()
        sesion.force_login(get_user_model().objects.get(pk=usuario.pk))
        contexto = navegador_casilla.new_context(**ESCRITORIO)
        contexto.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": sesion.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        pagina = contexto.new_page()
        pagina.set_default_timeout(15_000)
        pagina.goto(live_server.url + ruta)
        return pagina

    return abrir
