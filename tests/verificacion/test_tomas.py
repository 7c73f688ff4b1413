"""Every shot of an acta on the verification side: the detail (service and API) lists them with
the one in use marked, and the page's viewer lets the verificador look at each."""

import pytest

from prep.actas.models import Acta
from prep.captura.servicios import capturar, siguiente_acta
from prep.verificacion.consultas import detalle
from tests.captura.ayudas import cifras, cliente
from tests.captura.navegador import foto
from tests.captura.tomas import noche, tres_tomas


def _conflicto(eleccion, distrito, ana, beto) -> Acta:
    """The acta of three shots, captured twice with different NULOS."""
    acta, _ = tres_tomas(eleccion, distrito)
    for actor, datos in ((ana, cifras()), (beto, cifras(NULOS=70))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO
    return acta


@pytest.mark.django_db
def test_el_detalle_lista_cada_toma(eleccion, distrito, ana, beto):
    acta = _conflicto(eleccion, distrito, ana, beto)
    tomas = detalle(acta)["imagenes"]
    assert [(t["origen"], t["tomada"], t["momento"], t["en_uso"]) for t in tomas] == [
        ("CASILLA", noche(21, 47), noche(21, 48), False),
        ("CASILLA", noche(21, 49), noche(21, 52), False),
        ("CATD", None, noche(23, 10), True),
    ]
    assert tomas[2]["sha256"] == acta.codigo_integridad


@pytest.mark.django_db
def test_la_api_del_detalle_trae_las_tomas(eleccion, distrito, ana, beto, vera):
    acta = _conflicto(eleccion, distrito, ana, beto)
    datos = cliente(vera).get(f"/api/v1/verificacion/{acta.pk}").json()
    assert [t["url"] for t in datos["imagenes"]] == [t["url"] for t in detalle(acta)["imagenes"]]
    assert [t["en_uso"] for t in datos["imagenes"]] == [False, False, True]
    assert [t["digitalizacion"] for t in datos["imagenes"]] == ["Móvil", "Móvil", "Escáner"]
    assert datos["imagenes"][2]["url"] == datos["imagen_url"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.un_motor  # the browser; the engine only prepares it
def test_el_verificador_mira_cada_toma(eleccion, distrito, ana, beto, vera, abrir):
    acta = _conflicto(eleccion, distrito, ana, beto)
    primera = detalle(acta)["imagenes"][0]["url"]
    pagina = abrir(vera, f"/verificacion/{acta.pk}/")
    pagina.set_viewport_size({"width": 1366, "height": 900})
    pagina.wait_for_selector("#id_valor_NULOS:focus")
    tomas = pagina.get_by_role("group", name="Tomas del acta").get_by_role("button")
    assert tomas.all_inner_texts() == [
        "Toma 1 · Casilla · 21:47",
        "Toma 2 · Casilla · 21:49",
        "Toma 3 · CATD · 23:10 ✓ en uso",
    ]
    foto(pagina, "tomas-verificacion-escritorio")

    tomas.first.click()
    imagen = pagina.locator("[data-imagen]")
    imagen.evaluate("img => img.complete || new Promise(r => img.onload = r)")
    assert imagen.get_attribute("src") == primera
    assert tomas.first.get_attribute("aria-pressed") == "true"
    assert pagina.locator("[data-visor]").get_attribute("data-otra-toma") == ""
    pagina.set_viewport_size({"width": 390, "height": 844})
    foto(pagina, "tomas-verificacion-telefono")
