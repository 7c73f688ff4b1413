"""Real Chromium (Debian's) driven by Playwright against pytest-django's live server, logged in
as one of the test's people. Shared by the capture and verification browser tests."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
ARGUMENTOS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTEFACTOS = Path(__file__).resolve().parents[2] / "artefactos"


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (Playwright's sync API allows one at a time, and
    this fixture is defined in two conftests)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"falta {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as parche, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
        # are synchronous and safe.
        parche.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        navegador = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGUMENTOS
        )
        yield navegador
        navegador.close()


@pytest.fixture
def abrir(chromium, live_server):
    """`abrir(actor, ruta)`: a page of the live server, logged in as the actor's user."""
    contextos = []

    def abrir(actor, ruta: str):
        sesion = Client()
        sesion.force_login(get_user_model().objects.get(pk=actor.usuario_id))
        contexto = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="es-MX")
        contexto.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": sesion.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contextos.append(contexto)
        pagina = contexto.new_page()
        pagina.set_default_timeout(10_000)
        pagina.goto(live_server.url + ruta)
        return pagina

    yield abrir
    for contexto in contextos:
        contexto.close()


def foto(pagina, nombre: str) -> Path:
    """Save a screenshot of the page under artefactos/ (gitignored)."""
    ARTEFACTOS.mkdir(exist_ok=True)
    ruta = ARTEFACTOS / f"{nombre}.png"
    pagina.screenshot(path=str(ruta), full_page=True)
    return ruta


def enfocado(pagina) -> str:
    """The id of the element that has the keyboard focus."""
    return pagina.evaluate("document.activeElement && document.activeElement.id")


def enfocado_texto(pagina) -> str:
    """The text of the element that has the keyboard focus (a button, a link)."""
    return pagina.evaluate("document.activeElement && document.activeElement.textContent.trim()")
