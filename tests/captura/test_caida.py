"""An accepted capture survives `kill -9` of the server the instant after its answer: the
production server (`prep servir`) in a child process, on the test database, and a capturista
logged in over HTTP like a browser."""

import os
import signal

import pytest

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.captura.models import Captura
from prep.servidor.servidor import ServidorHijo
from prep.simulacro.operacion import Persona
from tests.captura.ayudas import cifras
from tests.fabricas import CONTRASENA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]


def test_una_captura_aceptada_sobrevive_a_kill_9(lista, ana, tmp_path):
    acta = lista()
    datos, ruta = cifras(), f"/captura/{acta.pk}"
    registro = tmp_path / "servidor.log"
    with (
        ServidorHijo(registro) as servidor,
        Persona(servidor.url, "ana", CONTRASENA) as capturista,
    ):
        asignada = capturista.post("/captura/siguiente", None)
        assert asignada.status_code == 200, asignada.text
        assert asignada.json()["acta_id"] == acta.pk
        respuesta = capturista.post(ruta, datos)
        os.kill(servidor.proceso.pid, signal.SIGKILL)  # the instant after the answer
        assert servidor.proceso.wait(10) == -signal.SIGKILL
    assert respuesta.status_code == 200, respuesta.text
    recibida = respuesta.json()

    captura = Captura.objects.get(acta=acta)
    assert captura.pk == recibida["captura_id"]
    assert (captura.usuario_id, captura.numero, captura.ronda) == (ana.usuario_id, 1, 1)
    assert captura.cifras == datos
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.CAPTURADA_1
    assert acta.fecha_hora_captura == captura.momento
    [entrada] = Entrada.objects.filter(objeto=f"acta:{acta.pk}", accion="captura.primera")
    assert entrada.actor == "usuario:ana"
    assert entrada.despues["estado"] == Acta.Estado.CAPTURADA_1
    assert entrada.despues["detalle"]["captura"] == captura.pk

    # Restarted, she logs in again (without PREP_SECRET_KEY each process signs sessions with
    # its own key) and sends the same capture again.
    with (
        ServidorHijo(registro) as servidor,
        Persona(servidor.url, "ana", CONTRASENA) as capturista,
    ):
        otra_vez = capturista.post(ruta, datos)
        distinta = capturista.post(ruta, cifras(NULOS=8))
        cola = capturista.post("/captura/siguiente", None)
    # An identical retry answers the same capture; other figures are refused: her capture
    # cannot change, and the second one is someone else's.
    assert otra_vez.status_code == 200, otra_vez.text
    assert otra_vez.json() == recibida
    assert (distinta.status_code, distinta.json()["codigo"]) == (409, "captura_repetida")
    assert cola.status_code == 204
    assert Captura.objects.filter(acta=acta).count() == 1
    assert (
        Entrada.objects.filter(objeto=f"acta:{acta.pk}", accion__startswith="captura.").count() == 1
    )
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.CAPTURADA_1
