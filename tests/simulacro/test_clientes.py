"""The drill's HTTP clients against a real HTTP server that answers from a script: a 429 (a
device over its per-minute limit) is waited out and retried like a 503, and each answer is
counted in the report under its status."""

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from prep.simulacro.clientes import REINTENTOS, DispositivoAsync
from prep.simulacro.medicion import Medicion
from prep.simulacro.operacion import ErrorDeOperacion

DEMASIADAS = (
    429,
    {"codigo": "demasiadas_solicitudes", "mensaje": "este dispositivo envió más de 60 solicitudes"},
)
OCUPADO = (503, {"codigo": "base_no_disponible", "mensaje": "reintente en un momento"})
RECIBIDA = (201, {"acta": "0100101B0101", "estado": "CLASIFICADA"})


class _Guion(BaseHTTPRequestHandler):
    """Answers each request with the next (status, JSON) of the server's script, with
    Retry-After: 0, and keeps what it received."""

    def do_POST(self) -> None:
        cuerpo = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.recibidas.append((self.path, self.headers["Authorization"], cuerpo))
        estado, datos = self.server.guion.pop(0)
        contenido = json.dumps(datos).encode()
        self.send_response(estado)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(contenido)))
        self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(contenido)

    def log_message(self, *args) -> None:
        """Quiet: the test output is not the access log."""


@pytest.fixture
def servidor():
    servidor = ThreadingHTTPServer(("127.0.0.1", 0), _Guion)
    servidor.guion, servidor.recibidas = [], []
    hilo = threading.Thread(target=servidor.serve_forever, daemon=True)
    hilo.start()
    yield servidor
    servidor.shutdown()
    servidor.server_close()


def _subir(servidor, medicion: Medicion) -> dict:
    url = f"http://127.0.0.1:{servidor.server_address[1]}"

    async def subir() -> dict:
        async with DispositivoAsync(url, "token-del-telefono", medicion) as telefono:
            return await telefono.subir("acta.jpg", b"\xff\xd8 foto", "image/jpeg")

    return asyncio.run(subir())


def test_un_429_se_espera_y_se_reintenta_como_un_503(servidor):
    servidor.guion = [DEMASIADAS, OCUPADO, DEMASIADAS, RECIBIDA]
    medicion = Medicion()
    assert _subir(servidor, medicion) == RECIBIDA[1]
    # The same upload each time (the API is idempotent), with the device's token.
    assert len(servidor.recibidas) == 4
    for ruta, autorizacion, cuerpo in servidor.recibidas:
        assert (ruta, autorizacion) == ("/api/v1/imagenes", "Bearer token-del-telefono")
        assert b'filename="acta.jpg"' in cuerpo and b"\xff\xd8 foto" in cuerpo
    estados = medicion.informe()["endpoints"]["POST /imagenes"]["estados"]
    assert estados == {"201": 1, "429": 2, "503": 1}


def test_un_limite_que_no_cede_falla_con_su_estado_y_su_mensaje(servidor):
    servidor.guion = [DEMASIADAS] * (REINTENTOS + 1)
    medicion = Medicion()
    with pytest.raises(ErrorDeOperacion, match="demasiadas_solicitudes") as error:
        _subir(servidor, medicion)
    assert error.value.estado == 429
    assert medicion.informe()["endpoints"]["POST /imagenes"]["estados"] == {"429": REINTENTOS + 1}
