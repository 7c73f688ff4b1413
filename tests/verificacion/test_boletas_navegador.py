"""The verification page of an acta whose municipio prints its own contenders (B1), in real
Chromium: only the acta's printed fields, the independent named as in its municipio, resolved
with the keyboard; on a desktop and on a phone."""

import pytest

from prep.actas.models import Acta
from prep.captura.servicios import capturar, siguiente_acta
from tests.captura.boletas import PERSONA, cifras, fotografiada, importar_catalogo
from tests.captura.navegador import foto

# The browser shows what the server renders: the database engine only prepares it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.un_motor]
ESCRITORIO = {"width": 1366, "height": 900}
TELEFONO = {"width": 390, "height": 844}


@pytest.fixture
def distrito(tmp_path):
    """The catálogo of `tests.captura.boletas`; the centro serves its distrito local."""
    return importar_catalogo(tmp_path / "catalogo")


def test_el_conflicto_de_m2_muestra_sus_campos_y_se_resuelve(distrito, ana, beto, vera, abrir):
    acta = fotografiada(distrito, 2)
    for actor, datos in ((ana, cifras(2)), (beto, cifras(2, CAND_IND_1=6))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    ruta = f"/verificacion/{acta.pk}/"

    telefono = abrir(vera, ruta)
    telefono.set_viewport_size(TELEFONO)
    telefono.reload()
    telefono.wait_for_selector("#id_valor_CAND_IND_1:focus")
    assert telefono.evaluate("document.documentElement.scrollWidth") <= TELEFONO["width"]
    foto(telefono, "boletas-verificacion-m2-telefono")

    pagina = abrir(vera, ruta)
    pagina.set_viewport_size(ESCRITORIO)
    pagina.wait_for_selector("#id_valor_CAND_IND_1:focus")
    imagen = pagina.locator("[data-imagen]")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")
    filas = pagina.locator("table.comparacion tbody th[scope=row]").all_inner_texts()
    # The differing row also says so to a screen reader («(difiere)»).
    assert [f.split("\n")[0] for f in filas] == [
        "Boletas sobrantes",
        "Personas que votaron",
        "Representantes de partidos y CI que votaron",
        "Votos sacados de las urnas",
        "PAN",
        "PRI",
        f"CAND_IND_1 — {PERSONA[2]}",
        "Candidaturas no registradas",
        "Votos nulos",
        "Total de votos asentado",
    ]
    pagina.keyboard.press("a")  # capture 1 read 60
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_motivo_CAND_IND_1:focus")
    pagina.keyboard.type("se lee 60 en número y letra")
    foto(pagina, "boletas-verificacion-m2-escritorio")
    pagina.keyboard.press("Enter")

    aviso = pagina.get_by_role("status")
    aviso.wait_for()
    clave = acta.acta_esperada.clave
    assert aviso.inner_text() == f"Acta {clave} verificada: contabilizada (sin observaciones)."
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.VERIFICADA
    assert acta.cifras == cifras(2)
