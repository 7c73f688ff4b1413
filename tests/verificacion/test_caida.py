"""An accepted resolution of a conflict survives `kill -9` of the server the instant after its
answer: the production server (`prep servir`) in a child process, on the test database, and a
verificador logged in over HTTP like a browser."""

import os
import signal
from io import StringIO

import pytest
from django.core.management import call_command

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.captura.servicios import capturar, siguiente_acta
from prep.servidor.servidor import ServidorHijo
from prep.simulacro.operacion import Persona
from tests.captura.ayudas import cifras
from tests.fabricas import CONTRASENA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]


def test_una_resolucion_aceptada_sobrevive_a_kill_9(lista, ana, beto, vera, tmp_path):
    acta = lista()
    for capturista, datos in ((ana, cifras()), (beto, cifras(NULOS=70))):
        siguiente_acta(capturista)
        capturar(acta, capturista, datos)
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO
    # The second capture's value, so the result cannot be capture 1 left untouched.
    resolucion = {"valores": {"NULOS": 70}, "motivos": {"NULOS": "la imagen dice 70"}}
    registro, ruta = tmp_path / "servidor.log", f"/verificacion/{acta.pk}"
    with (
        ServidorHijo(registro) as servidor,
        Persona(servidor.url, "vera", CONTRASENA) as verificador,
    ):
        respuesta = verificador.post(ruta, resolucion)
        os.kill(servidor.proceso.pid, signal.SIGKILL)  # the instant after the answer
        assert servidor.proceso.wait(10) == -signal.SIGKILL
    assert respuesta.status_code == 200, respuesta.text
    verificada = respuesta.json()

    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.VERIFICADA
    assert acta.cifras == cifras(NULOS=70) == verificada["cifras"]
    assert acta.fecha_hora_verificacion is not None
    [entrada] = Entrada.objects.filter(objeto=f"acta:{acta.pk}", accion="verificacion.resolucion")
    assert entrada.actor == "usuario:vera"
    assert entrada.despues["estado"] == Acta.Estado.VERIFICADA
    assert entrada.despues["detalle"]["decisiones"]["NULOS"] == {
        "valor": 70,
        "motivo": "la imagen dice 70",
        "captura_1": 7,
        "captura_2": 70,
    }
    informe = StringIO()
    call_command("bitacora", "verificar", stdout=informe)
    assert "bitácora íntegra" in informe.getvalue()

    # Restarted, she logs in again and sends the same resolution: it changes nothing.
    with (
        ServidorHijo(registro) as servidor,
        Persona(servidor.url, "vera", CONTRASENA) as verificador,
    ):
        otra_vez = verificador.post(ruta, resolucion)
    assert otra_vez.status_code == 200, otra_vez.text
    assert otra_vez.json() == verificada
    assert Entrada.objects.filter(accion="verificacion.resolucion").count() == 1
