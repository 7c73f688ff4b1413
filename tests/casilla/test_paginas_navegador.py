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
from tests.fabricas import CentroFactory, dispositivo

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


def test_el_administrador_va_de_los_centros_a_los_telefonos_de_uno(abrir, centro):
    for clave in ("CATD02", "CATD03"):
        otro = CentroFactory(clave=clave)
        for _ in range(3):
            dispositivo(otro)
    dispositivo(centro)
    administrador = actor_de_usuario(persona(Rol.ADMINISTRADOR, None, "admin"))
    pagina = abrir(administrador, "/dispositivos/")
    for vista, tamano in (("escritorio", (1366, 900)), ("telefono", (390, 844))):
        pagina.set_viewport_size({"width": tamano[0], "height": tamano[1]})
        foto(pagina, f"casilla-dispositivos-centros-{vista}")
        assert pagina.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    pagina.get_by_role("link", name="CATD02").click()
    pagina.get_by_role("heading", name="Teléfonos de PREP Casilla · CATD02").wait_for()
    assert pagina.locator("table.dispositivos tbody tr").count() == 3
    assert pagina.get_by_label("Centro").input_value() == "CATD02"
    foto(pagina, "casilla-dispositivos-un-centro-telefono")
