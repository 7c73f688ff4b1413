"""The verification pages in real Chromium, keyboard only: open the oldest conflict from the
list, take one differing value from capture 1 (key a), type a value neither capture had (a
third capture), give each reason, submit with Enter, and read the rules' verdict."""

import pytest

from prep.actas.models import Acta
from prep.captura.models import Captura
from prep.captura.servicios import capturar, siguiente_acta
from tests.captura.ayudas import cifras
from tests.captura.navegador import enfocado_texto, foto

# The browser shows what the server renders: the database engine only prepares it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.un_motor]


def test_resolver_un_conflicto_solo_con_el_teclado(lista, ana, beto, vera, abrir):
    acta = lista.fotografiada()
    for actor, datos in ((ana, cifras()), (beto, cifras(PAN=102, NULOS="ILEGIBLE"))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    clave = acta.acta_esperada.clave

    pagina = abrir(vera, "/verificacion/")
    pagina.wait_for_selector("a:focus", state="attached")
    assert enfocado_texto(pagina) == clave
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_valor_PAN:focus")
    assert pagina.locator("tr.difiere").count() == 2
    imagen = pagina.locator("[data-imagen]")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")
    assert imagen.evaluate("img => img.naturalWidth") > 0

    pagina.keyboard.press("a")  # capture 1 read 120
    assert pagina.locator("#id_valor_PAN").input_value() == "120"
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_motivo_PAN:focus")
    pagina.keyboard.type("se lee 120 en número y letra")
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#id_valor_NULOS:focus")
    pagina.keyboard.press("b")
    assert pagina.locator("#id_valor_NULOS").input_value() == "ILEGIBLE"
    pagina.keyboard.type("8")  # neither capture: the verificador's own reading
    assert pagina.locator("#id_valor_NULOS").input_value() == "8"
    pagina.keyboard.press("Enter")
    pagina.keyboard.type("la imagen dice ocho")
    foto(pagina, "verificacion-conflicto")
    pagina.keyboard.press("Enter")

    aviso = pagina.get_by_role("status")
    aviso.wait_for()
    assert aviso.inner_text() == f"Acta {clave} verificada: contabilizada (sin observaciones)."
    assert pagina.get_by_role("heading", name="No hay más actas en conflicto").is_visible()
    assert pagina.url.endswith("/verificacion/")
    foto(pagina, "verificacion-resuelta")

    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.VERIFICADA
    assert acta.cifras == cifras(NULOS=8)
    tercera = Captura.objects.get(acta=acta, numero=3)
    assert (tercera.usuario.username, tercera.cifras) == ("vera", cifras(NULOS=8))


def test_un_motivo_vacio_se_senala_y_el_foco_va_a_el(lista, ana, beto, vera, abrir):
    acta = lista.fotografiada()
    for actor, datos in ((ana, cifras()), (beto, cifras(PAN=102))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    pagina = abrir(vera, f"/verificacion/{acta.pk}/")
    pagina.wait_for_selector("#id_valor_PAN:focus")
    pagina.keyboard.press("a")
    pagina.keyboard.press("Tab")
    pagina.keyboard.press("Tab")  # past the empty reason, to the button
    assert enfocado_texto(pagina) == "Registrar verificación"
    pagina.keyboard.press("Enter")
    error = pagina.locator("#error-motivo_PAN")
    error.wait_for()
    assert error.inner_text() == "Escriba por qué eligió ese valor"
    pagina.wait_for_selector("#id_motivo_PAN:focus")
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO
