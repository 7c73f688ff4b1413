"""The coordinator's page of phones in real Chromium: the QR code on the screen is readable and
names the pairing link; screenshots on a desktop and a phone."""

import io

import pytest
import zxingcpp
from PIL import Image

from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Rol
from tests.captura.navegador import foto
from tests.cuentas.ayudas import persona
from tests.fabricas import dispositivo

# The browser shows what the server renders: the database engine only prepares it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.un_motor]


def test_el_qr_de_la_pantalla_se_lee_y_lleva_al_enlace(abrir, centro):
    dispositivo(centro)
    coordinadora = actor_de_usuario(persona(Rol.COORDINADOR, centro, "coordinadora"))
    pagina = abrir(coordinadora, "/dispositivos/")
    pagina.set_viewport_size({"width": 1366, "height": 900})
    pagina.get_by_label("Nombre del teléfono").fill("Casilla 0123 B")
    pagina.get_by_role("button", name="Emparejar un teléfono").click()
    qr = pagina.locator("[data-qr-emparejamiento]")
    enlace = pagina.locator("[data-enlace-emparejamiento]").get_attribute("href")
    # Read from the screen's pixels, as a phone's camera would.
    leidos = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert [c.text for c in leidos] == [enlace]
    foto(pagina, "casilla-dispositivos-escritorio")
    pagina.set_viewport_size({"width": 390, "height": 844})
    foto(pagina, "casilla-dispositivos-telefono")
    pagina.locator("[data-revocar]").first.click()
    pagina.get_by_role("button", name="Sí, dar de baja").wait_for()
    foto(pagina, "casilla-baja-telefono")
    pagina.get_by_role("button", name="Sí, dar de baja").click()
    assert "quedó dado de baja" in pagina.locator(".mensajes").inner_text()
