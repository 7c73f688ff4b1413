"""The verification pages through Django's test client: the list of conflicts, both captures
side by side with the differing fields marked, and a resolution with errors per field."""

import pytest

from prep.actas.models import Acta
from prep.captura.servicios import capturar, siguiente_acta
from tests.captura.ayudas import cifras, cliente

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _conflicto(lista, ana, beto, **cambios) -> Acta:
    acta = lista()
    for actor, datos in ((ana, cifras()), (beto, cifras(**cambios))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    return acta


def test_la_lista_enlaza_cada_conflicto(lista, ana, beto, vera):
    acta = _conflicto(lista, ana, beto, PAN=12)
    html = cliente(vera).get("/verificacion/").content.decode()
    assert f'href="/verificacion/{acta.pk}/" autofocus' in html
    assert acta.acta_esperada.clave in html


def test_el_acta_muestra_ambas_capturas_y_marca_lo_que_difiere(lista, ana, beto, vera):
    acta = _conflicto(lista, ana, beto, PAN=12, NULOS="ILEGIBLE")
    html = cliente(vera).get(f"/verificacion/{acta.pk}/").content.decode()
    assert html.count('<tr class="difiere">') == 2
    assert f"/digitalizacion/imagen/{acta.codigo_integridad}/" in html
    assert 'data-captura-a="7" data-captura-b="ILEGIBLE"' in html
    assert '<label class="oculto" for="id_valor_PAN">Valor de PAN</label>' in html
    assert 'for="id_motivo_NULOS"' in html
    assert "autofocus" in html.split('id="id_valor_PAN"')[1].split(">")[0]


def test_resolver_muestra_el_veredicto_y_pasa_al_siguiente(lista, ana, beto, vera):
    primera = _conflicto(lista, ana, beto, PAN=12)
    segunda = _conflicto(lista, ana, beto, NULOS=1)
    respuesta = cliente(vera).post(
        f"/verificacion/{primera.pk}/", {"valor_PAN": "i", "motivo_PAN": "borroso"}, **HTMX
    )
    html = respuesta.content.decode()
    clave = primera.acta_esperada.clave
    assert f"Acta {clave} verificada: contabilizada (Ilegible)." in html
    assert f'action="/verificacion/{segunda.pk}/"' in html
    assert respuesta["HX-Push-Url"] == f"/verificacion/{segunda.pk}/"
    primera.refresh_from_db()
    assert (primera.estado, primera.cifras["votos"]["PAN"]) == ("verificada", "ILEGIBLE")


def test_sin_htmx_resolver_redirige_con_el_veredicto(lista, ana, beto, vera):
    acta = _conflicto(lista, ana, beto, PAN=12)
    c = cliente(vera)
    respuesta = c.post(f"/verificacion/{acta.pk}/", {"valor_PAN": "120", "motivo_PAN": "120"})
    assert (respuesta.status_code, respuesta["Location"]) == (302, "/verificacion/")
    assert "verificada: contabilizada" in c.get("/verificacion/").content.decode()


def test_falta_un_motivo_se_dice_junto_al_campo(lista, ana, beto, vera):
    acta = _conflicto(lista, ana, beto, PAN=12)
    html = cliente(vera).post(f"/verificacion/{acta.pk}/", {"valor_PAN": "120"}, **HTMX)
    html = html.content.decode()
    assert 'id="error-motivo_PAN"' in html and "Escriba por qué eligió ese valor" in html
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO


def test_un_campo_que_ya_no_difiere_se_rechaza_y_no_se_resuelve_nada(lista, ana, beto, vera):
    """A stale page that still resolves NULOS must not pass as a resolution of PAN alone."""
    acta = _conflicto(lista, ana, beto, PAN=12)
    datos = {"valor_PAN": "120", "motivo_PAN": "120", "valor_NULOS": "3", "motivo_NULOS": "x"}
    html = cliente(vera).post(f"/verificacion/{acta.pk}/", datos, **HTMX).content.decode()
    assert "trae campos que esta acta no tiene (motivo_NULOS, valor_NULOS)" in html
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO


def test_quien_no_verifica_no_entra(lista, ana, beto):
    acta = _conflicto(lista, ana, beto, PAN=12)
    assert cliente(ana).get(f"/verificacion/{acta.pk}/").status_code == 403
    assert cliente(ana).get("/verificacion/").status_code == 403


def test_un_acta_sin_dos_capturas_vuelve_a_la_lista(lista, vera):
    acta = lista()
    c = cliente(vera)
    respuesta = c.get(f"/verificacion/{acta.pk}/")
    assert (respuesta.status_code, respuesta["Location"]) == (302, "/verificacion/")
    assert "no tiene dos capturas" in c.get("/verificacion/").content.decode()
