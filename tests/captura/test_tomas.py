"""Every shot of an acta on the capture side: the list (order of arrival, who sent each, when
it was taken and arrived, which is in use) in one query, in the API's assignment, and in the
viewer's strip, where the capturista swaps the image shown without losing the one in use."""

from datetime import datetime

import pytest

from prep.captura.presentacion import tomas_de
from tests.captura.ayudas import cliente
from tests.captura.navegador import foto
from tests.captura.tomas import noche, tres_tomas


@pytest.mark.django_db
def test_las_tomas_en_orden_de_llegada_con_la_que_usa_el_acta(eleccion, distrito):
    acta, (primera, retoma, escaneo) = tres_tomas(eleccion, distrito)
    assert tomas_de(acta) == [
        {
            "sha256": primera.sha256,
            "url": f"/digitalizacion/imagen/{primera.sha256}/",
            "origen": "CASILLA",
            "digitalizacion": "Móvil",
            "enviada_por": primera.dispositivo.nombre,
            "tomada": noche(21, 47),
            "momento": noche(21, 48),
            "en_uso": False,
        },
        {
            "sha256": retoma.sha256,
            "url": f"/digitalizacion/imagen/{retoma.sha256}/",
            "origen": "CASILLA",
            "digitalizacion": "Móvil",
            "enviada_por": retoma.dispositivo.nombre,
            "tomada": noche(21, 49),
            "momento": noche(21, 52),
            "en_uso": False,
        },
        {
            "sha256": escaneo.sha256,
            "url": f"/digitalizacion/imagen/{escaneo.sha256}/",
            "origen": "CATD",
            "digitalizacion": "Escáner",
            "enviada_por": escaneo.subida_por,
            "tomada": None,
            "momento": noche(23, 10),
            "en_uso": True,
        },
    ]


@pytest.mark.django_db
def test_el_orden_es_el_de_llegada_aunque_el_telefono_diga_otra_hora(eleccion, distrito):
    # A phone whose clock runs late must not renumber the shots already seen: a new shot is
    # always the last one.
    acta, (primera, retoma, escaneo) = tres_tomas(eleccion, distrito)
    retoma.tomada = noche(20, 0)
    retoma.save(update_fields=["tomada"])
    assert [t["sha256"] for t in tomas_de(acta)] == [primera.sha256, retoma.sha256, escaneo.sha256]


@pytest.mark.django_db
def test_las_tomas_se_leen_en_una_consulta(eleccion, distrito, django_assert_num_queries):
    acta, _ = tres_tomas(eleccion, distrito)
    with django_assert_num_queries(1):
        tomas = tomas_de(acta)
    assert [t["en_uso"] for t in tomas] == [False, False, True]


@pytest.mark.django_db
def test_la_api_entrega_cada_toma_con_la_asignacion(eleccion, distrito, ana):
    acta, imagenes = tres_tomas(eleccion, distrito)
    datos = cliente(ana).post("/api/v1/captura/siguiente").json()
    assert datos["acta_id"] == acta.pk
    assert [t["sha256"] for t in datos["imagenes"]] == [i.sha256 for i in imagenes]
    primera, _, escaneo = datos["imagenes"]
    assert datetime.fromisoformat(primera.pop("tomada")) == noche(21, 47)
    assert datetime.fromisoformat(primera.pop("momento")) == noche(21, 48)
    assert primera == {
        "sha256": imagenes[0].sha256,
        "url": f"/digitalizacion/imagen/{imagenes[0].sha256}/",
        "origen": "CASILLA",
        "digitalizacion": "Móvil",
        "enviada_por": imagenes[0].dispositivo.nombre,
        "en_uso": False,
    }
    assert (escaneo["tomada"], escaneo["en_uso"]) == (None, True)
    assert datos["imagen_url"] == escaneo["url"]


@pytest.mark.django_db
def test_la_pagina_nombra_cada_toma_y_marca_la_que_se_usa(eleccion, distrito, ana):
    tres_tomas(eleccion, distrito)
    html = " ".join(cliente(ana).post("/captura/siguiente/").content.decode().split())
    assert html.count("data-toma=") == 3
    assert "Toma 1 · Casilla · 21:47 </button>" in html
    assert "Toma 2 · Casilla · 21:49 </button>" in html
    assert 'Toma 3 · CATD · 23:10 <span class="en-uso">✓ en uso</span>' in html
    assert html.count('aria-pressed="true"') == 1


@pytest.mark.django_db
def test_con_una_sola_toma_no_hay_tira(lista, ana):
    lista.fotografiada()
    html = cliente(ana).post("/captura/siguiente/").content.decode()
    assert "data-imagen" in html
    assert "data-toma" not in html
    assert "Tomas del acta" not in html


def _cargada(pagina) -> str:
    """The src of the viewer's image once it has loaded."""
    imagen = pagina.locator("[data-imagen]")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")
    assert imagen.evaluate("img => img.naturalWidth") > 0
    return imagen.get_attribute("src")


@pytest.mark.django_db(transaction=True)
@pytest.mark.un_motor  # the browser; the engine only prepares it
def test_el_capturista_cambia_de_toma_sin_perder_la_que_se_usa(eleccion, distrito, ana, abrir):
    acta, imagenes = tres_tomas(eleccion, distrito)
    pagina = abrir(ana, "/captura/")
    pagina.set_viewport_size({"width": 1366, "height": 900})
    pagina.wait_for_selector("button:focus", state="attached")
    pagina.keyboard.press("Enter")  # the focused «Pedir la siguiente acta»
    pagina.wait_for_selector("#id_TOTAL_BOLETAS_SOBRANTES:focus")
    assert _cargada(pagina) == f"/digitalizacion/imagen/{acta.codigo_integridad}/"
    tomas = pagina.get_by_role("group", name="Tomas del acta").get_by_role("button")
    assert tomas.count() == 3
    segunda, tercera = tomas.nth(1), tomas.nth(2)
    assert tercera.get_attribute("aria-pressed") == "true"
    visor = pagina.locator("[data-visor]")
    pagina.keyboard.press("+")
    pagina.keyboard.press("/")
    assert (visor.get_attribute("data-zoom"), visor.get_attribute("data-giro")) == ("1.25", "90")

    segunda.click()
    assert _cargada(pagina) == f"/digitalizacion/imagen/{imagenes[1].sha256}/"
    assert [tomas.nth(n).get_attribute("aria-pressed") for n in range(3)] == [
        "false",
        "true",
        "false",
    ]
    assert (visor.get_attribute("data-zoom"), visor.get_attribute("data-giro")) == ("1", "0")
    aviso = pagina.locator("[data-aviso-toma]")
    assert aviso.get_attribute("role") == "status"
    assert aviso.inner_text() == "Esta toma no es la que usa el acta (marcada «en uso»)."
    assert tercera.inner_text().endswith("✓ en uso")
    foto(pagina, "tomas-captura-escritorio")
    pagina.set_viewport_size({"width": 390, "height": 844})
    foto(pagina, "tomas-captura-telefono")

    # Back to the one in use from the keyboard: Tab from the shown shot's button reaches the
    # next one, and Space presses it.
    segunda.focus()
    pagina.keyboard.press("Tab")
    en_uso = f"/digitalizacion/imagen/{acta.codigo_integridad}/"
    assert pagina.evaluate("document.activeElement.dataset.toma") == en_uso
    pagina.keyboard.press("Space")
    assert _cargada(pagina) == en_uso
    assert tercera.get_attribute("aria-pressed") == "true"
    assert aviso.inner_text() == ""
    assert visor.get_attribute("data-otra-toma") is None
