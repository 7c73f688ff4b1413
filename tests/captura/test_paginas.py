"""The capture page through Django's test client, with and without htmx: the claim, the keyboard
conventions as the server reads them, Spanish errors next to each field, and blindness."""

import pytest
from django.test import Client

from prep.actas.models import Acta
from prep.captura.formularios import leer_entrada
from prep.captura.models import Asignacion, Captura
from prep.captura.servicios import capturar, siguiente_acta
from tests.captura.ayudas import cifras, cliente

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TECLEADO = {
    "TOTAL_BOLETAS_SOBRANTES": "300",
    "TOTAL_PERSONAS_VOTARON": "127",
    "TOTAL_REP_PARTIDO_CI_VOTARON": "0",
    "TOTAL_VOTOS_SACADOS": "127",
    "PAN": "i",
    "NO_REGISTRADAS": "s",
    "NULOS": "007",
    "TOTAL_VOTOS_ASENTADO": "ILEGIBLE",
}


@pytest.mark.parametrize(
    ("texto", "valor"),
    [("0", 0), ("0120", 120), (" 5 ", 5), ("i", "ILEGIBLE"), ("Ilegible", "ILEGIBLE"),
     ("s", "SIN_DATO"), ("SIN DATO", "SIN_DATO"), ("sin_dato", "SIN_DATO")],
)  # fmt: skip
def test_la_convencion_de_teclado_se_lee_en_el_servidor(texto, valor):
    assert leer_entrada(texto) == valor


@pytest.mark.parametrize(
    ("texto", "mensaje"),
    [("", "escriba la cifra"), ("-3", "no es una cifra"), ("1.5", "no es una cifra"),
     ("x", "no es una cifra"), ("1234567", "no es una cifra")],
)  # fmt: skip
def test_lo_que_no_es_cifra_se_explica(texto, mensaje):
    with pytest.raises(Exception, match=mensaje):
        leer_entrada(texto)


def test_la_pagina_sin_asignacion_ofrece_pedir_un_acta(lista, ana):
    lista()
    respuesta = cliente(ana).get("/captura/")
    assert respuesta.status_code == 200
    assert "Pedir la siguiente acta" in respuesta.content.decode()
    assert not Asignacion.objects.exists()  # a GET never claims an acta


def test_pedir_acta_con_htmx_responde_el_formulario(lista, ana):
    acta = lista()
    respuesta = cliente(ana).post("/captura/siguiente/", **HTMX)
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert html.lstrip().startswith('<section id="trabajo"')
    assert f"/digitalizacion/imagen/{acta.codigo_integridad}/" in html
    assert 'for="id_PAN"' in html and 'id="id_PAN"' in html
    assert html.count('class="cifra"') == 8
    assert "autofocus" in html.split('id="id_TOTAL_BOLETAS_SOBRANTES"')[1].split(">")[0]


def test_capturar_con_la_convencion_y_recibir_la_siguiente(lista, ana):
    acta, otra = lista(), lista()
    c = cliente(ana)
    c.post("/captura/siguiente/", **HTMX)
    respuesta = c.post(f"/captura/{acta.pk}/", TECLEADO, **HTMX)
    html = respuesta.content.decode()
    assert f"Captura del acta {acta.acta_esperada.clave} registrada." in html
    assert f"/captura/{otra.pk}/" in html
    captura = Captura.objects.get()
    assert captura.cifras["votos"] == {"PAN": "ILEGIBLE", "NO_REGISTRADAS": "SIN_DATO", "NULOS": 7}
    assert captura.cifras["TOTAL_VOTOS_ASENTADO"] == "ILEGIBLE"


def test_sin_htmx_el_formulario_funciona_y_redirige(lista, ana):
    acta = lista()
    c = cliente(ana)
    assert c.post("/captura/siguiente/").status_code == 200
    respuesta = c.post(f"/captura/{acta.pk}/", TECLEADO)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/captura/"
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.CAPTURADA_1


def test_los_errores_se_muestran_junto_a_cada_campo_y_no_se_guarda_nada(lista, ana):
    acta = lista()
    c = cliente(ana)
    c.post("/captura/siguiente/", **HTMX)
    html = c.post(f"/captura/{acta.pk}/", {**TECLEADO, "PAN": "", "NULOS": "7a"}, **HTMX)
    html = html.content.decode()
    assert 'id="error-PAN"' in html and "Escriba la cifra" in html
    assert 'id="error-NULOS"' in html and "«7a» no es una cifra" in html
    campo_pan = html.split('id="id_PAN"')[1].split(">")[0]
    assert 'aria-invalid="true"' in campo_pan and "autofocus" in campo_pan
    assert not Captura.objects.exists()


def test_un_campo_que_el_acta_no_tiene_se_rechaza_y_no_se_guarda_nada(lista, ana):
    acta = lista()
    c = cliente(ana)
    c.post("/captura/siguiente/", **HTMX)
    respuesta = c.post(f"/captura/{acta.pk}/", {**TECLEADO, "CAND_IND_1": "12"}, **HTMX)
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "trae campos que esta acta no tiene (CAND_IND_1)" in html
    assert 'role="alert"' in html
    assert not Captura.objects.exists()
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.DIGITALIZADA


def test_un_rechazo_del_dominio_se_muestra_y_ofrece_seguir(lista, ana):
    acta = lista()
    html = cliente(ana).post(f"/captura/{acta.pk}/", TECLEADO, **HTMX).content.decode()
    assert 'role="alert"' in html and "Esta acta no le está asignada" in html
    assert "Pedir la siguiente acta" in html


def test_la_captura_es_ciega(lista, ana, beto):
    acta = lista()
    siguiente_acta(ana)
    capturar(acta, ana, cifras(PAN=4321))
    c = cliente(beto)
    html = c.post("/captura/siguiente/", **HTMX).content.decode()
    assert f"/captura/{acta.pk}/" in html
    assert "4321" not in html
    assert 'value=""' in html.split('id="id_PAN"')[1].split(">")[0]


def test_paginas_de_captura_solo_para_capturistas(lista, vera):
    assert cliente(vera).get("/captura/").status_code == 403
    anonimo = Client().get("/captura/")
    assert anonimo.status_code == 302 and "/entrar/" in anonimo["Location"]


def test_un_acta_fuera_del_alcance_no_se_muestra(lista, ana):
    ajena = lista(ajena=True)
    respuesta = cliente(ana).post(f"/captura/{ajena.pk}/", TECLEADO)
    assert respuesta.status_code == 403
    assert ajena.codigo_integridad not in respuesta.content.decode()
    assert cliente(ana).post("/captura/999999/", TECLEADO).status_code == 404
