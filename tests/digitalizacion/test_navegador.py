"""The classification page in real Chromium, keyboard only: the key field has the focus, the
key is typed twice, Enter classifies, and the next pending image comes with the focus back."""

import pytest

from prep.actas.models import Acta
from prep.digitalizacion.models import Imagen
from prep.digitalizacion.servicios import recibir_imagen
from tests.captura.navegador import foto
from tests.digitalizacion.fabricas import foto_de, sin_qr

# The browser shows what the server renders: the database engine only prepares it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.un_motor]


def test_clasificar_con_el_teclado(abrir, actor_digitalizador, actor_telefono, esperada, ajena):
    primera = recibir_imagen(sin_qr(foto_de(esperada)), "a.jpg", actor_telefono).imagen
    segunda = recibir_imagen(sin_qr(foto_de(esperada, 2)), "b.jpg", actor_telefono).imagen
    pagina = abrir(actor_digitalizador, "/digitalizacion/")
    pagina.wait_for_selector("#id_clave:focus")
    imagen = pagina.locator("img.acta")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")
    assert imagen.evaluate("img => img.naturalWidth") == 1240
    assert pagina.locator("input[name=imagen]").input_value() == primera.sha256

    # Two different keys: refused in Spanish, both fields empty again, focus on the first.
    pagina.keyboard.type(esperada.clave)
    pagina.keyboard.press("Tab")
    pagina.keyboard.type(ajena.clave)
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("[role=alert]")
    assert (
        "las dos capturas de la clave no coinciden" in pagina.locator("[role=alert]").inner_text()
    )
    pagina.wait_for_selector("#id_clave:focus")
    assert pagina.locator("#id_confirmacion").input_value() == ""

    pagina.keyboard.type(esperada.clave.lower())
    pagina.keyboard.press("Tab")
    pagina.keyboard.type(esperada.clave)
    foto(pagina, "digitalizacion-clasificar")
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("[role=status]")
    assert (
        f"Imagen clasificada al acta {esperada.clave}." in pagina.get_by_role("status").inner_text()
    )
    # The next pending image, ready to be typed.
    pagina.wait_for_selector("#id_clave:focus")
    assert pagina.locator("input[name=imagen]").input_value() == segunda.sha256
    primera.refresh_from_db()
    assert primera.estado == Imagen.Estado.CLASIFICADA
    acta = Acta.objects.get(acta_esperada=esperada)
    assert (acta.estado, acta.codigo_integridad) == (Acta.Estado.DIGITALIZADA, primera.sha256)
