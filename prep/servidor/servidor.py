"""The HTTP server of PREP: cheroot, a thread-pool WSGI server (one database connection per
thread), in this process or as a `prep servir` child process that another command drives."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
from cheroot import wsgi
from django.db import connection

# Connections waiting to be accepted, and idle keep-alive connections kept open, per server.
CONEXIONES = 1024
# Readiness is asked of a page every role may fetch without signing in.
RUTA_LISTO = "/api/v1/openapi.json"


def crear(
    host: str,
    puerto: int,
    hilos: int,
    certificado: Path | None = None,
    llave: Path | None = None,
) -> wsgi.Server:
    """A cheroot server of PREP's WSGI application on (host, puerto), not yet started; HTTPS
    with a certificate and its private key (PEM files)."""
    from prep.wsgi import application

    servidor = wsgi.Server(
        (host, puerto),
        application,
        numthreads=hilos,
        server_name="prep",
        request_queue_size=CONEXIONES,
    )
    # cheroot keeps 10 idle keep-alive connections by default and closes the rest: with the
    # hundreds of operators and devices of a night, each request would open a new connection
    # (measured with `prep simulacro ejecutar`: a fifth of the drill's CPU was connecting).
    servidor.keep_alive_conn_limit = CONEXIONES
    if certificado is not None and llave is not None:
        from cheroot.ssl.builtin import BuiltinSSLAdapter

        servidor.ssl_adapter = BuiltinSSLAdapter(str(certificado), str(llave))
    return servidor


def puerto_libre(host: str = "127.0.0.1") -> int:
    """A TCP port of `host` that nothing listens on now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def cpu_de(pid: int | str, con_hijos: bool = False) -> tuple[str, float] | None:
    """(command name, CPU seconds) of a process, from /proc: user + system time, plus that of
    its ended, waited-for children with `con_hijos`; None when it has ended or there is no
    /proc."""
    try:
        texto = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # After the command's ")": utime, stime, cutime, cstime are fields 14 to 17 of stat(5).
    campos = texto.rsplit(")", 1)[1].split()[11 : 15 if con_hijos else 13]
    nombre = texto[texto.index("(") + 1 : texto.rindex(")")]
    return nombre, sum(int(c) for c in campos) / os.sysconf("SC_CLK_TCK")


def url_de_la_base() -> str:
    """PREP_DATABASE_URL of the database this process is connected to, for a child process:
    every server of a primary-and-espejo list, and the connection options (TLS…)."""
    datos = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{datos['NAME']}"
    clave = f":{quote(datos['PASSWORD'], safe='')}" if datos.get("PASSWORD") else ""
    hosts = (datos["HOST"] or "127.0.0.1").split(",")
    puertos = str(datos["PORT"] or 5432).split(",")
    if len(puertos) == 1:
        puertos *= len(hosts)
    servidores = ",".join(
        f"[{host}]:{puerto}" if ":" in host else f"{host}:{puerto}"
        for host, puerto in zip(hosts, puertos, strict=True)
    )
    opciones = urlencode(datos.get("OPTIONS") or {})
    url = f"postgres://{quote(datos['USER'], safe='')}{clave}@{servidores}/{datos['NAME']}"
    return f"{url}?{opciones}" if opciones else url


class Hijo:
    """`prep ORDEN …` in a child process on this process's database and settings, for the life
    of a `with`; SIGTERM at the end (it finishes what it is doing), SIGKILL if it lingers.

    The child's output goes to `registro`; if it dies early, its log is the error.
    """

    def __init__(self, argumentos: list[str], registro: Path, espera: float = 60.0) -> None:
        self.argumentos = argumentos
        self.registro = registro
        self.espera = espera
        self.proceso: subprocess.Popen | None = None

    def __enter__(self) -> "Hijo":
        entorno = {**os.environ, "PREP_DATABASE_URL": url_de_la_base()}
        self.registro.parent.mkdir(parents=True, exist_ok=True)
        with self.registro.open("ab") as salida:
            self.proceso = subprocess.Popen(
                [sys.executable, "-m", "prep.cli", *self.argumentos],
                env=entorno,
                stdout=salida,
                stderr=salida,
            )
        return self

    def __exit__(self, *_exc) -> None:
        if self.proceso is not None and self.proceso.poll() is None:
            self.proceso.terminate()
            try:
                self.proceso.wait(self.espera)
            except subprocess.TimeoutExpired:
                self.proceso.kill()
                self.proceso.wait(10)

    def cpu_s(self) -> float | None:
        """CPU seconds (user + system) the child has used so far; None when unknown (it has
        ended, or the system has no /proc)."""
        leido = None if self.proceso is None else cpu_de(self.proceso.pid)
        return None if leido is None else leido[1]

    def fallo(self, motivo: str) -> str:
        """`motivo` with the tail of the child's log."""
        return (
            f"{motivo}; su registro ({self.registro}):\n"
            + self.registro.read_text(errors="replace")[-4000:]
        )


class ServidorHijo(Hijo):
    """`prep servir` in a child process, ready (answering HTTP) when the `with` begins."""

    def __init__(self, registro: Path, hilos: int = 8, espera: float = 60.0) -> None:
        self.puerto = puerto_libre()
        self.url = f"http://127.0.0.1:{self.puerto}"
        direccion = f"127.0.0.1:{self.puerto}"
        super().__init__(
            ["servir", "--direccion", direccion, "--hilos", str(hilos)], registro, espera
        )

    def __enter__(self) -> "ServidorHijo":
        super().__enter__()
        limite = time.monotonic() + self.espera
        while time.monotonic() < limite:
            if self.proceso.poll() is not None:
                raise RuntimeError(self.fallo("el servidor terminó al arrancar"))
            try:
                httpx.get(self.url + RUTA_LISTO, timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.05)  # polling a port that is not listening yet
        self.__exit__(None, None, None)
        raise RuntimeError(self.fallo("el servidor no respondió a tiempo"))
