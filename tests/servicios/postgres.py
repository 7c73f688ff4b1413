"""Two real PostgreSQL servers for the failover drill: a primary and its hot standby (espejo)
replicating over TLS with synchronous commit, set up with the institute's own scripts
(`deploy/postgres/`), so the drill proves them too.

PostgreSQL refuses to run as root: run by root, the clusters, their certificates and passwords
belong to the `postgres` OS user (scripts run through `runuser`); run by anyone else, to that
user. They live in a folder of their own, on /dev/shm when it has room: fsync on tmpfs costs
nothing, and the drill measures the failover, not the disk. A run killed before its cleanup
leaves servers behind; the next run stops them.
"""

import getpass
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import psycopg

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "postgres"
# The OS user the clusters run as when the tests run as root.
USUARIO_SO = "postgres"
PREFIJO = "prep-espejo-"
ESPERA = 60.0
HOST = "127.0.0.1"
BASE = "prep"
USUARIO_APP = "prep"
# tmpfs with at least this much free space holds the clusters.
MINIMO_EN_MEMORIA = 2 * 1024**3


def binarios() -> Path:
    """The folder of initdb, pg_ctl and pg_basebackup (Debian keeps them out of the PATH),
    the highest version first."""
    candidatas = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda ruta: int(ruta.parent.name) if ruta.parent.name.isdigit() else 0,
        reverse=True,
    )
    for carpeta in candidatas:
        if all((carpeta / p).is_file() for p in ("initdb", "pg_ctl", "pg_basebackup", "psql")):
            return carpeta
    raise RuntimeError(
        "no encuentro initdb/pg_ctl/pg_basebackup en /usr/lib/postgresql/*/bin:"
        " instale postgresql (apt-get install postgresql)"
    )


def como_usuario(orden: list[str]) -> list[str]:
    """`orden` run as the clusters' OS user."""
    if os.geteuid() != 0:
        return orden
    return ["runuser", "-u", USUARIO_SO, "--", *orden]


def superusuario() -> str:
    """The clusters' superuser: deploy/postgres names it after the OS user that runs them."""
    return USUARIO_SO if os.geteuid() == 0 else getpass.getuser()


def _puerto_libre() -> int:
    with socket.socket() as prueba:
        prueba.bind((HOST, 0))
        return prueba.getsockname()[1]


def _acepta(puerto: int) -> bool:
    """Whether something accepts TCP connections on HOST:puerto."""
    try:
        socket.create_connection((HOST, puerto), timeout=1).close()
    except OSError:
        return False
    return True


def _base_temporal() -> Path:
    memoria = Path("/dev/shm")
    if memoria.is_dir() and shutil.disk_usage(memoria).free >= MINIMO_EN_MEMORIA:
        return memoria
    return Path(tempfile.gettempdir())


def _vivo(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_de(datos: Path) -> int | None:
    """The pid of the postmaster serving `datos`, while it lives. A postmaster killed with -9
    leaves its postmaster.pid behind, and its pid may by now be another process's: only a
    process started with `-D datos` counts."""
    try:
        pid = int((datos / "postmaster.pid").read_text().split("\n", 1)[0])
        argumentos = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    return pid if str(datos).encode() in argumentos else None


def _termino(pid: int, datos: Path) -> bool:
    """Whether the postmaster `pid` of `datos` is gone, reaped by its parent: a zombie still
    holds its pid, and a new postmaster refuses the socket lock file that names a live pid."""
    try:
        estado = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        argumentos = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return True
    return estado != "Z" and str(datos).encode() not in argumentos


def _hijos(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a postmaster's backends and workers)."""
    hijos = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            campos = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if campos[1] == str(pid):
            hijos.append(int(stat.parent.name))
    return hijos


def _matar(pid: int, datos: Path) -> float:
    """kill -9 of a postmaster, and removal of the shared memory it leaves behind: the POSIX
    segments (/dev/shm) it and its children map, and its System V segment (freed once its last
    child exits). A postmaster on the same folder would remove them, but none will come.
    Returns the instant of the kill (time.monotonic)."""
    segmentos = set()
    for proceso in (pid, *_hijos(pid)):
        try:
            mapas = Path(f"/proc/{proceso}/maps").read_text().splitlines()
        except OSError:
            continue
        segmentos |= {Path(m.split()[-1]) for m in mapas if "/dev/shm/PostgreSQL." in m}
    lineas = (datos / "postmaster.pid").read_text().splitlines()
    # Taken just before: nothing the kill causes can be observed earlier.
    momento = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    for segmento in segmentos:
        segmento.unlink(missing_ok=True)
    # Line 7 of postmaster.pid: the System V segment's key and id.
    if len(lineas) >= 7 and len(lineas[6].split()) == 2:
        subprocess.run(["ipcrm", "-m", lineas[6].split()[1]], capture_output=True, check=False)
    return momento


def _detener_carpeta(carpeta: Path) -> None:
    """Kill every server of a drill folder (immediately: its data is thrown away) and delete it."""
    for postmaster in carpeta.glob("*/postmaster.pid"):
        pid = _pid_de(postmaster.parent)
        if pid is not None:
            _matar(pid, postmaster.parent)
    shutil.rmtree(carpeta, ignore_errors=True)


def recoger_abandonados() -> None:
    """Stop and delete the clusters of runs that died without cleaning up (their owner pid,
    in dueño.pid, no longer exists)."""
    for carpeta in _base_temporal().glob(f"{PREFIJO}*"):
        try:
            dueno = int((carpeta / "dueño.pid").read_text())
        except (OSError, ValueError):
            continue
        if not _vivo(dueno):
            _detener_carpeta(carpeta)


@dataclass
class Nodo:
    """One PostgreSQL server of the pair: its data folder, port and socket folder."""

    nombre: str
    datos: Path
    puerto: int
    socket: Path
    bin: Path

    def sql(self, consulta: str) -> list[list[str]]:
        """Rows of a query run as the cluster's superuser over the local socket (peer)."""
        salida = subprocess.run(
            como_usuario(
                [str(self.bin / "psql"), "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                 "-h", str(self.socket), "-p", str(self.puerto), "-U", superusuario(),
                 "-d", "postgres", "-c", consulta]
            ),
            cwd="/", capture_output=True, text=True, check=False, timeout=ESPERA,
        )  # fmt: skip
        if salida.returncode != 0:
            raise RuntimeError(f"psql en {self.nombre} falló: {salida.stderr.strip()}")
        return [linea.split("\t") for linea in salida.stdout.splitlines() if linea]

    def pid(self) -> int | None:
        """The postmaster's pid while it lives."""
        return _pid_de(self.datos)


class ParReplicado:
    """A primary and its synchronous espejo on 127.0.0.1, both with a server certificate of a
    private CA, replication over TLS (SCRAM and a client certificate) and the application's
    database `prep` reachable only over TLS. Use it in a `with`: everything is stopped and
    deleted at the end."""

    def __init__(self) -> None:
        recoger_abandonados()
        self.bin = binarios()
        self.raiz = Path(tempfile.mkdtemp(prefix=PREFIJO, dir=_base_temporal()))
        (self.raiz / "dueño.pid").write_text(str(os.getpid()))
        self.ca = self.raiz / "ca"
        self.socket = self.raiz / "s"
        self.socket.mkdir()
        self.registro = self.raiz / "guiones.log"
        self.clave_app = secrets.token_urlsafe(18)
        self.db1 = Nodo("db1", self.raiz / "db1", _puerto_libre(), self.socket, self.bin)
        self.db2 = Nodo("db2", self.raiz / "db2", _puerto_libre(), self.socket, self.bin)
        self.primario, self.espejo = self.db1, self.db2
        self._muerto: tuple[int, Path] | None = None  # the killed postmaster, until it is reaped
        for archivo, clave in (("replicacion.clave", secrets.token_urlsafe(18)),
                               ("app.clave", self.clave_app)):  # fmt: skip
            descriptor = os.open(self.raiz / archivo, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as salida:
                salida.write(clave + "\n")
        if os.geteuid() == 0:
            # Everything inside belongs to the clusters' user; root reads what it needs.
            subprocess.run(["chown", "-R", USUARIO_SO, str(self.raiz)], check=True)

    def __enter__(self) -> Self:
        try:
            self.iniciar()
        except BaseException:
            self.detener()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.detener()

    # --- The scripts -----------------------------------------------------------------------

    def guion(self, nombre: str, *argumentos: str | Path) -> None:
        """Run deploy/postgres/`nombre` as the cluster's user; its output goes to guiones.log,
        whose tail is the error if it fails."""
        with self.registro.open("a") as salida:
            salida.write(f"\n$ {nombre} {' '.join(map(str, argumentos))}\n")
            salida.flush()
            resultado = subprocess.run(
                como_usuario(["bash", str(DEPLOY / nombre), *map(str, argumentos)]),
                cwd="/", stdout=salida, stderr=subprocess.STDOUT, check=False,
                timeout=4 * ESPERA,
            )  # fmt: skip
        if resultado.returncode != 0:
            raise RuntimeError(
                f"{nombre} terminó con {resultado.returncode}:\n"
                + self.registro.read_text(errors="replace")[-3000:]
            )

    def _red(self) -> list[str]:
        return ["--red", f"{HOST}/32", "--escuchar", HOST, "--socket", str(self.socket)]

    def _aplicacion(self) -> list[str]:
        return ["--base", BASE, "--usuario", USUARIO_APP, "--red-aplicacion", f"{HOST}/32"]

    def _espejo_de(self, nodo: Nodo, primario: Nodo, reemplazar: bool) -> None:
        self.guion(
            "espejo.sh", "--datos", nodo.datos, "--primario", f"{HOST}:{primario.puerto}",
            "--puerto", str(nodo.puerto), "--certificado", self.ca / f"{nodo.nombre}.crt",
            "--llave", self.ca / f"{nodo.nombre}.key", "--ca", self.ca / "ca.pem",
            "--clave-replicacion", self.raiz / "replicacion.clave",
            "--archivo-claves", self.raiz / "pgpass",
            "--certificado-cliente", self.ca / "replicador.crt",
            "--llave-cliente", self.ca / "replicador.key",
            *self._red(), *self._aplicacion(), *(["--reemplazar"] if reemplazar else []),
        )  # fmt: skip

    def iniciar(self) -> None:
        """The CA and certificates, the primary (initdb), the espejo (pg_basebackup); returns
        once the espejo replicates synchronously."""
        self.guion("certificados.sh", self.ca, "ca")
        for nodo in (self.db1, self.db2):
            # Both on 127.0.0.1: the certificate names the address, verify-full checks it.
            self.guion("certificados.sh", self.ca, "servidor", nodo.nombre, HOST, "localhost")
        self.guion("certificados.sh", self.ca, "cliente", "replicador")
        self.guion(
            "primario.sh", "--crear", "--datos", self.db1.datos, "--puerto", str(self.db1.puerto),
            "--certificado", self.ca / "db1.crt", "--llave", self.ca / "db1.key",
            "--ca", self.ca / "ca.pem", "--clave-replicacion", self.raiz / "replicacion.clave",
            "--exigir-certificado-cliente", "--clave-usuario", self.raiz / "app.clave",
            *self._red(), *self._aplicacion(),
        )  # fmt: skip
        self._espejo_de(self.db2, self.db1, reemplazar=False)
        self.esperar_sincrono()

    def esperar_sincrono(self) -> None:
        """Wait (with a deadline) until the primary sees its espejo streaming as synchronous."""
        limite = time.monotonic() + ESPERA
        while self.replicacion() != [("espejo", "streaming", "sync", True)]:
            if time.monotonic() > limite:
                raise RuntimeError(f"el espejo no quedó síncrono: {self.replicacion()}")
            time.sleep(0.05)

    def replicacion(self) -> list[tuple[str, str, str, bool]]:
        """The primary's standbys: application_name, state, sync_state and whether the
        connection is TLS."""
        filas = self.primario.sql(
            "SELECT r.application_name, r.state, r.sync_state, s.ssl"
            " FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid) ORDER BY 1"
        )
        return [(a, e, s, tls == "t") for a, e, s, tls in filas]

    # --- Failure and failover --------------------------------------------------------------

    def matar_primario(self) -> float:
        """kill -9 of the primary's postmaster; returns the instant (time.monotonic) of the kill,
        once its port no longer accepts connections."""
        pid = self.primario.pid()
        if pid is None:
            raise RuntimeError("el primario no está corriendo")
        momento = _matar(pid, self.primario.datos)
        self._muerto = (pid, self.primario.datos)
        while _acepta(self.primario.puerto):
            if time.monotonic() > momento + ESPERA:
                raise RuntimeError("el puerto del primario sigue abierto tras kill -9")
            time.sleep(0.01)
        return momento

    def promover_espejo(self) -> None:
        """promover.sh on the espejo (which checks that the old primary no longer answers);
        the roles swap."""
        self.guion(
            "promover.sh", "--primario-anterior", f"{HOST}:{self.primario.puerto}",
            "--puerto", str(self.espejo.puerto), "--socket", str(self.socket),
        )  # fmt: skip
        self.primario, self.espejo = self.espejo, self.primario

    def reconstruir_espejo(self) -> None:
        """The fallen node becomes the new primary's espejo (espejo.sh --reemplazar) and the
        primary demands it synchronous again (sincronizar.sh)."""
        if self._muerto is not None:
            # Its parent (init, here) reaps the killed postmaster in its own time.
            limite = time.monotonic() + ESPERA
            while not _termino(*self._muerto):
                if time.monotonic() > limite:
                    raise RuntimeError("el postmaster muerto no terminó de salir")
                time.sleep(0.05)
            self._muerto = None
        self._espejo_de(self.espejo, self.primario, reemplazar=True)
        self.guion(
            "sincronizar.sh", "--puerto", str(self.primario.puerto), "--socket", str(self.socket)
        )
        self.esperar_sincrono()

    # --- The application's side ------------------------------------------------------------

    def url(self) -> str:
        """PREP_DATABASE_URL naming both servers, TLS verified against the institute's CA."""
        servidores = f"{HOST}:{self.db1.puerto},{HOST}:{self.db2.puerto}"
        return (
            f"postgres://{USUARIO_APP}:{self.clave_app}@{servidores}/{BASE}"
            f"?target_session_attrs=read-write&sslmode=verify-full"
            f"&sslrootcert={self.ca / 'ca.pem'}&connect_timeout=5"
        )

    def conectar(self, nodo: Nodo) -> psycopg.Connection:
        """A connection of the application's user to `nodo`, over verified TLS."""
        return psycopg.connect(
            host=HOST, port=nodo.puerto, dbname=BASE, user=USUARIO_APP, password=self.clave_app,
            sslmode="verify-full", sslrootcert=str(self.ca / "ca.pem"), connect_timeout=5,
        )  # fmt: skip

    def detener(self) -> None:
        """Stop both servers and delete everything."""
        for nodo in (self.db1, self.db2):
            if nodo.pid() is not None:
                subprocess.run(
                    como_usuario([str(self.bin / "pg_ctl"), "-D", str(nodo.datos),
                                  "-m", "immediate", "-w", "stop"]),
                    cwd="/", capture_output=True, check=False, timeout=ESPERA,
                )  # fmt: skip
        _detener_carpeta(self.raiz)
