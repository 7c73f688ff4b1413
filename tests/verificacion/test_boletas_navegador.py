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
    segunda = cifras(2, TOTAL_REP_PARTIDO_CI_VOTARON="ILEGIBLE", CAND_IND_1=6, NULOS="SIN_DATO")
    for actor, datos in ((ana, cifras(2)), (beto, segunda)):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    ruta = f"/verificacion/{acta.pk}/"

    telefono = abrir(vera, ruta)
    telefono.set_viewport_size(TELEFONO)
    telefono.reload()
    telefono.wait_for_selector("#id_valor_TOTAL_REP_PARTIDO_CI_VOTARON:focus")
    assert telefono.evaluate("document.documentElement.scrollWidth") <= TELEFONO["width"]
    # No label or value runs past its cell (a long word such as «Representantes», ILEGIBLE).
    desbordadas = telefono.evaluate(
        """() => [...document.querySelectorAll("table.comparacion th, table.comparacion td")]
          .filter((c) => c.offsetParent !== null && c.scrollWidth > c.clientWidth)
          .map((c) => c.innerText)"""
    )
    assert desbordadas == []
    foto(telefono, "boletas-verificacion-m2-telefono")

    pagina = abrir(vera, ruta)
    pagina.set_viewport_size(ESCRITORIO)
    pagina.wait_for_selector("#id_valor_TOTAL_REP_PARTIDO_CI_VOTARON:focus")
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
    # Capture 1 read each differing field right: 0 representantes, 60, 12 nulos.
    for campo in ("TOTAL_REP_PARTIDO_CI_VOTARON", "CAND_IND_1", "NULOS"):
        pagina.wait_for_selector(f"#id_valor_{campo}:focus")
        pagina.keyboard.press("a")
        pagina.keyboard.press("Enter")
        pagina.wait_for_selector(f"#id_motivo_{campo}:focus")
        pagina.keyboard.type("se lee en número y letra")
        if campo == "NULOS":
            foto(pagina, "boletas-verificacion-m2-escritorio")
        pagina.keyboard.press("Enter")

    aviso = pagina.get_by_role("status")
    aviso.wait_for()
    clave = acta.acta_esperada.clave
    assert aviso.inner_text() == f"Acta {clave} verificada: contabilizada (sin observaciones)."
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.VERIFICADA
    assert acta.cifras == cifras(2)
