"""The capture page in real Chromium, keyboard only: ask for an acta, key every figure with the
conventions (digits, i, s, Enter), zoom and rotate the image, submit with Enter on the last
field, and get the next acta with the focus on its first field."""

import pytest

from prep.captura.models import Captura
from tests.captura.navegador import enfocado_texto, foto

# The browser shows what the server renders: the database engine only prepares it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.un_motor]

# (field, keys typed, value the field shows)
TECLAS = [
    ("TOTAL_BOLETAS_SOBRANTES", "300", "300"),
    ("TOTAL_PERSONAS_VOTARON", "127", "127"),
    ("TOTAL_REP_PARTIDO_CI_VOTARON", "0", "0"),
    ("TOTAL_VOTOS_SACADOS", "127", "127"),
    ("PAN", "i", "ILEGIBLE"),
    ("NO_REGISTRADAS", "s", "SIN DATO"),
    ("NULOS", "x7", "7"),  # a letter with no meaning is ignored
    ("TOTAL_VOTOS_ASENTADO", "s3", "3"),  # a digit replaces the word
]


def test_capturar_un_acta_solo_con_el_teclado(lista, ana, abrir):
    primera, segunda = lista.fotografiada(), lista.fotografiada()
    pagina = abrir(ana, "/captura/")
    pagina.wait_for_selector("button:focus", state="attached")
    assert enfocado_texto(pagina) == "Pedir la siguiente acta"
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    assert pagina.get_by_role("heading", name=f"Acta {primera.acta_esperada.clave}").is_visible()

    imagen = pagina.locator("[data-imagen]")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")
    assert imagen.evaluate("img => img.naturalWidth") == 1240
    visor = pagina.locator("[data-visor]")
    ancho = pagina.locator(".hoja").evaluate("h => h.getBoundingClientRect().width")
    pagina.keyboard.press("+")
    pagina.keyboard.press("+")
    pagina.keyboard.press("/")
    assert float(visor.get_attribute("data-zoom")) == pytest.approx(1.5625)
    assert visor.get_attribute("data-giro") == "90"
    assert pagina.locator(".hoja").evaluate("h => h.getBoundingClientRect().width") > ancho
    pagina.keyboard.press("Shift+ArrowDown")
    assert pagina.locator(".lienzo").evaluate("l => l.scrollTop") > 0
    assert pagina.locator("#id_TOTAL_BOLETAS_SOBRANTES").input_value() == ""

    # An empty field does not move on: a stray Enter never records SIN DATO.
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    for numero, (campo, teclas, muestra) in enumerate(TECLAS):
        pagina.wait_for_selector(f"#id_{campo}:focus")
        pagina.keyboard.type(teclas)
        assert pagina.locator(f"#id_{campo}").input_value() == muestra
        if numero == len(TECLAS) - 1:
            foto(pagina, "captura-tecleada")
        pagina.keyboard.press("Enter")

    aviso = pagina.get_by_role("status")
    aviso.wait_for()
    assert aviso.inner_text() == f"Captura del acta {primera.acta_esperada.clave} registrada."
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    assert pagina.get_by_role("heading", name=f"Acta {segunda.acta_esperada.clave}").is_visible()
    foto(pagina, "captura-siguiente")

    captura = Captura.objects.get(acta=primera)
    assert captura.cifras == {
        "votos": {"PAN": "ILEGIBLE", "NO_REGISTRADAS": "SIN_DATO", "NULOS": 7},
        "TOTAL_BOLETAS_SOBRANTES": 300,
        "TOTAL_PERSONAS_VOTARON": 127,
        "TOTAL_REP_PARTIDO_CI_VOTARON": 0,
        "TOTAL_VOTOS_SACADOS": 127,
        "TOTAL_VOTOS_ASENTADO": 3,
    }


def test_shift_enter_vuelve_y_el_error_del_servidor_queda_junto_al_campo(lista, ana, abrir):
    lista.fotografiada()
    pagina = abrir(ana, "/captura/")
    pagina.wait_for_selector("button:focus", state="attached")
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    pagina.keyboard.type("1")
    pagina.keyboard.press("Enter")
    pagina.keyboard.press("Shift+Enter")
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    # The button submits even with empty fields: the server names each one, in Spanish.
    for _ in range(7):
        pagina.keyboard.press("Tab")
    pagina.wait_for_selector("#id_TOTAL_VOTOS_ASENTADO:focus")
    pagina.keyboard.press("Tab")
    assert enfocado_texto(pagina) == "Registrar captura"
    pagina.keyboard.press("Enter")
    error = pagina.locator("#error-TOTAL_PERSONAS_VOTARON")
    error.wait_for()
    assert "Escriba la cifra" in error.inner_text()
    pagina.wait_for_selector("#id_TOTAL_PERSONAS_VOTARON:focus")
    assert pagina.locator("#id_TOTAL_BOLETAS_SOBRANTES").input_value() == "1"
    foto(pagina, "captura-errores")
    assert not Captura.objects.exists()
