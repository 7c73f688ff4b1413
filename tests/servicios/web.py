"""A real HTTP server over a folder, for a difusor's public site in the tests: it serves DESTINO
as the difusor's web server would (`ultimo` followed), and can go down and come back on the same
port (failure injection)."""

import functools
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Callado(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        """Quiet: the test output is not the access log."""


class ServidorWeb:
    """`carpeta` served on 127.0.0.1 at `url` (ending in /) until `detener`; `iniciar` again
    reuses the port."""

    def __init__(self, carpeta: Path) -> None:
        self.carpeta = carpeta
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.puerto = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.puerto}/"
        self._servidor: ThreadingHTTPServer | None = None
        self.iniciar()

    def iniciar(self) -> None:
        """Serve again (the same folder, the same port)."""
        manejador = functools.partial(_Callado, directory=str(self.carpeta))
        self._servidor = ThreadingHTTPServer(("127.0.0.1", self.puerto), manejador)
        threading.Thread(target=self._servidor.serve_forever, daemon=True).start()

    def detener(self) -> None:
        """Stop answering: connections to the port are refused."""
        if self._servidor is not None:
            self._servidor.shutdown()
            self._servidor.server_close()
            self._servidor = None

    def __enter__(self) -> "ServidorWeb":
        return self

    def __exit__(self, *exc) -> None:
        self.detener()
