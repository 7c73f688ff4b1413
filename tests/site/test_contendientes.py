"""The public site of an ayuntamientos election whose municipios print different actas (B1, B2,
B4), in real Chromium on a desktop and a phone: each municipio shows only its contenders with
their candidates' names, the entidad the union with «-» (never 0) where an option did not run,
and each municipio its voto anticipado acta."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from prep.difusion.models import publicados
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from tests.publicacion.test_contendientes import _preparar
from tests.publicacion.tres_municipios import PERSONA_X, PERSONA_Y

pytestmark = pytest.mark.un_motor

# The sizes the screenshots are looked at in.
VISTAS = {
    "escritorio": {"viewport": {"width": 1366, "height": 900}},
    "telefono": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def corte(_cerrar_conexiones, db, tmp_path, settings) -> Path:
    """Overrides the site's corte: the three municipios, every acta recorded but one Sin Acta
    and M3's voto anticipado."""
    eleccion = _preparar(tmp_path, settings)
    return raiz() / publicar(eleccion.inicio, difusores=publicados).carpeta


@pytest.fixture
def abrir(chromium, servidor):
    """`abrir(ruta, vista)`: a page of the corte (`#/…` route) once its view is drawn."""
    contextos = []

    def abrir(ruta: str, vista: str):
        contexto = chromium.new_context(locale="es-MX", **VISTAS[vista])
        contextos.append(contexto)
        pagina = contexto.new_page()
        pagina.set_default_timeout(10_000)
        pagina.errores = []
        pagina.on("pageerror", lambda e: pagina.errores.append(f"error de JS: {e}"))
        pagina.goto(f"{servidor}ultimo/{ruta}")
        pagina.wait_for_selector("main h1")
        pagina.wait_for_selector("main section")
        return pagina

    yield abrir
    for contexto in contextos:
        contexto.close()


def _foto(pagina, artefactos: Path, nombre: str) -> None:
    pagina.screenshot(path=str(artefactos / f"contendientes-{nombre}.png"), full_page=True)


def _opciones(pagina) -> list[str]:
    """The options of the page's votes table, as a citizen reads them."""
    pagina.get_by_text("Ver los votos como tabla").first.click()
    filas = pagina.locator("main details table tbody tr th")
    return [t.strip() for t in filas.all_inner_texts()]


@pytest.mark.parametrize("vista", list(VISTAS))
def test_cada_municipio_muestra_a_los_suyos(vista, abrir, artefactos):
    m2 = abrir("#/AYUN/municipio/04-002", vista)
    expect(m2.locator("h1")).to_have_text("002. CAMPECHE")
    expect(m2.locator("svg.grafica")).to_contain_text(PERSONA_X)
    opciones = _opciones(m2)
    assert [o.split("\n")[0] for o in opciones] == [
        "Partido Acción Nacional",
        "Partido Revolucionario Institucional",
        "Candidatura independiente",
        "Candidaturas no registradas",
        "Votos nulos",
        "Total",
    ]
    assert any(PERSONA_X in o for o in opciones)
    assert "Va por Calkiní" not in m2.locator("main").inner_text()  # its parties ran apart
    _foto(m2, artefactos, f"{vista}-m2")

    m3 = abrir("#/AYUN/municipio/04-003", vista)
    expect(m3.locator("h1")).to_have_text("003. CARMEN")
    expect(m3.locator("svg.grafica")).to_contain_text(PERSONA_Y)
    texto = m3.locator("main").inner_text()
    for ajeno in ("PAN", "PRI", "Acción Nacional", PERSONA_X, "Va por Calkiní"):
        assert ajeno not in texto, ajeno
    # Its voto anticipado acta, not yet arrived, under its own key and the shared one.
    anticipado = m3.locator("#t-sin-seccion").locator("..")
    expect(anticipado).to_contain_text("Voto anticipado 01")
    expect(anticipado).to_contain_text("040000A0100")
    _foto(m3, artefactos, f"{vista}-m3")
    assert m2.errores == m3.errores == []
    assert m3.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("vista", list(VISTAS))
def test_la_entidad_muestra_la_union_y_guion_donde_no_compitio(vista, abrir, artefactos):
    entidad = abrir("#/AYUN/entidad/04", vista)
    expect(entidad.locator("h1")).to_have_text("CAMPECHE")
    hijos = entidad.locator("#t-hijos").locator("..")
    encabezados = hijos.locator("thead th").all_inner_texts()
    opciones = ["PAN", "PRI", "MORENA", "PAN + PRI", "Independiente"]
    opciones += ["Candidaturas no registradas", "Votos nulos"]
    assert encabezados == ["Municipio", "Actas contabilizadas", "Participación", *opciones]
    # Carmen: PAN, PRI and PAN + PRI did not run there: «-», never 0.
    carmen = hijos.locator("tbody tr", has_text="CARMEN").locator("td").all_inner_texts()
    votos = dict(zip(opciones, carmen[2:], strict=True))
    assert [votos[o] for o in ("PAN", "PRI", "PAN + PRI")] == ["-", "-", "-"]
    assert (votos["MORENA"], votos["Independiente"]) == ("300", "120")
    expect(hijos).to_contain_text("no compite")
    # The coalition's candidatura adds Calkiní only, where it ran.
    expect(entidad.locator("#t-candidaturas").locator("..")).to_contain_text("Va por Calkiní")
    _foto(entidad, artefactos, f"{vista}-entidad")
    assert entidad.errores == []
    navegar = abrir("#/AYUN/municipio/04-001", vista)
    navegar.locator("#t-sin-seccion").locator("..").get_by_role(
        "link", name="Voto anticipado 01"
    ).click()
    expect(navegar.locator("h1")).to_have_text("Casilla Voto anticipado 01")
    navegar.locator("main table").get_by_role("link").first.click()
    expect(navegar.locator("#estado-acta")).to_have_text("Contabilizada")
    expect(navegar.locator('td[data-columna="SECCION"]')).to_have_text("N/A")
    expect(navegar.locator('td[data-columna="CAND_IND_1"]')).to_have_text("-")
    _foto(navegar, artefactos, f"{vista}-acta-anticipada")
    assert navegar.errores == []


@pytest.mark.parametrize("vista", list(VISTAS))
def test_gubernatura_con_sus_candidaturas_y_el_voto_desde_el_extranjero(vista, abrir, artefactos):
    resumen = abrir("#/GOB", vista)
    expect(resumen.locator("svg.grafica")).to_contain_text("Laura Cauich Mex")
    entidad = abrir("#/GOB/entidad/04", vista)
    extranjero = entidad.locator("#t-sin-seccion").locator("..")
    expect(extranjero).to_contain_text("Voto desde el extranjero 01")
    expect(extranjero).to_contain_text("040000M0100")
    expect(entidad.locator("#t-hijos").locator("..")).not_to_contain_text("no compite")
    _foto(entidad, artefactos, f"{vista}-gubernatura")
    assert resumen.errores == entidad.errores == []
