"""The capture page of an acta whose municipio prints its own contenders (B1), in real Chromium:
the capturista keys exactly the fields of that acta, named as on it (the independent with who
runs there), on a desktop and on a phone."""

import pytest

from prep.captura.models import Captura
from tests.captura.boletas import PERSONA, campos, cifras, fotografiada, importar_catalogo
from tests.captura.navegador import foto

# The browser shows what the server renders: the database engine only prepares it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.un_motor]
ESCRITORIO = {"width": 1366, "height": 900}
TELEFONO = {"width": 390, "height": 844}


@pytest.fixture
def distrito(tmp_path):
    """The catálogo of `tests.captura.boletas`; the centro serves its distrito local."""
    return importar_catalogo(tmp_path / "catalogo")


def test_el_acta_de_m2_pide_sus_campos_y_nombra_a_su_independiente(distrito, ana, abrir):
    acta = fotografiada(distrito, 2)
    esperadas = cifras(2)
    pagina = abrir(ana, "/captura/")
    pagina.set_viewport_size(ESCRITORIO)
    pagina.wait_for_selector("button:focus", state="attached")
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    imagen = pagina.locator("[data-imagen]")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")

    entradas = pagina.locator("input.cifra")
    assert [e.get_attribute("name") for e in entradas.all()] == campos(2)
    assert pagina.get_by_label(f"CAND_IND_1 — {PERSONA[2]}").is_visible()
    assert pagina.get_by_label("MORENA").count() == 0

    for campo in campos(2):
        valor = esperadas["votos"].get(campo, esperadas.get(campo))
        pagina.wait_for_selector(f"#id_{campo}:focus")
        pagina.keyboard.type(str(valor))
        if campo == "TOTAL_VOTOS_ASENTADO":
            foto(pagina, "boletas-captura-m2-escritorio")
            # The same claim on a phone, and on this window turned narrow.
            telefono = abrir(ana, "/captura/")
            telefono.set_viewport_size(TELEFONO)
            telefono.reload()
            telefono.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
            assert telefono.evaluate("document.documentElement.scrollWidth") <= TELEFONO["width"]
            foto(telefono, "boletas-captura-m2-telefono")
            pagina.set_viewport_size(TELEFONO)
            assert pagina.evaluate("document.documentElement.scrollWidth") <= TELEFONO["width"]
            pagina.set_viewport_size(ESCRITORIO)
            pagina.locator(f"#id_{campo}").focus()
        pagina.keyboard.press("Enter")

    aviso = pagina.get_by_role("status")
    aviso.wait_for()
    assert aviso.inner_text() == f"Captura del acta {acta.acta_esperada.clave} registrada."
    assert Captura.objects.get(acta=acta).cifras == esperadas
