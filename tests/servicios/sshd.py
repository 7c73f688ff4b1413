"""A real OpenSSH server for the SFTP tests: `/usr/sbin/sshd` on a free 127.0.0.1 port, with its
own host key, one authorized client key and an inbox folder, all inside a test's tmp folder.

It serves only SFTP (`ForceCommand internal-sftp`) and only public-key login for the current
user. `detener()` and `iniciar()` stop it and start it again on the same port, so a test can
take a difusor down for a while and bring it back.
"""

import getpass
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

SSHD = Path("/usr/sbin/sshd")
# sshd refuses to start as root without its privilege-separation folder (tmpfs, so a fresh
# container may lack it).
PRIVSEP = Path("/run/sshd")
ESPERA = 10.0


def _puerto_libre() -> int:
    with socket.socket() as prueba:
        prueba.bind(("127.0.0.1", 0))
        return prueba.getsockname()[1]


def _escribir_llave(llave: asyncssh.SSHKey, ruta: Path) -> None:
    """The private key in OpenSSH format, 0600 from the start (ssh and sshd refuse others)."""
    descriptor = os.open(ruta, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as archivo:
        archivo.write(llave.export_private_key("openssh"))


def linea_publica(llave: asyncssh.SSHKey) -> str:
    """The key's public half as one OpenSSH line without comment: «ssh-ed25519 AAAA…»."""
    return " ".join(llave.export_public_key("openssh").decode().split()[:2])


class ServidorSFTP:
    """An sshd serving SFTP from `carpeta` (a tmp folder it fills): `bandeja` is the inbox,
    `destino` its sftp:// URL, `llave_servidor` the host key to pin and `llave_cliente` the path
    of the authorized client's private key."""

    def __init__(self, carpeta: Path) -> None:
        if not SSHD.is_file():
            pytest.fail(
                f"no está {SSHD}: instale openssh-server (scripts/test.sh lo instala con apt)",
                pytrace=False,
            )
        carpeta.mkdir(parents=True, exist_ok=True)
        self.carpeta = carpeta
        self.usuario = getpass.getuser()
        self.puerto = _puerto_libre()
        self.bandeja = carpeta / "bandeja"
        self.bandeja.mkdir()
        self.destino = f"sftp://{self.usuario}@127.0.0.1:{self.puerto}{self.bandeja}"
        self.bitacora = carpeta / "sshd.log"
        self._proceso: subprocess.Popen | None = None

        anfitrion = asyncssh.generate_private_key("ssh-ed25519")
        _escribir_llave(anfitrion, carpeta / "llave_anfitrion")
        self.llave_servidor = linea_publica(anfitrion)
        cliente = asyncssh.generate_private_key("ssh-ed25519")
        self.llave_cliente = carpeta / "llave_cliente"
        _escribir_llave(cliente, self.llave_cliente)
        (carpeta / "authorized_keys").write_text(linea_publica(cliente) + "\n")
        self.configuracion = carpeta / "sshd_config"
        self.configuracion.write_text(
            f"ListenAddress 127.0.0.1\n"
            f"Port {self.puerto}\n"
            f"HostKey {carpeta / 'llave_anfitrion'}\n"
            f"PidFile {carpeta / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {carpeta / 'authorized_keys'}\n"
            f"AllowUsers {self.usuario}\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "PermitRootLogin prohibit-password\n"
            "UsePAM no\n"
            "StrictModes no\n"
            "AllowTcpForwarding no\n"
            "X11Forwarding no\n"
            "LogLevel VERBOSE\n"
            "Subsystem sftp internal-sftp\n"
            "ForceCommand internal-sftp\n"
        )

    def iniciar(self) -> None:
        """Start sshd (again, on the same port) and return once it accepts connections."""
        if os.geteuid() == 0:
            PRIVSEP.mkdir(mode=0o755, exist_ok=True)
        # -e sends the log to stderr and -E redirects it to the file, so nothing goes to syslog.
        self._proceso = subprocess.Popen(
            [SSHD, "-D", "-e", "-E", self.bitacora, "-f", self.configuracion],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        limite = time.monotonic() + ESPERA
        while True:
            if self._proceso.poll() is not None:
                raise RuntimeError(f"sshd terminó al iniciar:\n{self._bitacora()}")
            try:
                socket.create_connection(("127.0.0.1", self.puerto), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > limite:
                    self.detener()
                    raise RuntimeError(
                        f"sshd no aceptó conexiones en {ESPERA:g} s:\n{self._bitacora()}"
                    ) from None
                time.sleep(0.01)

    def detener(self) -> None:
        """Stop sshd and wait for it to exit (the port then refuses connections)."""
        if self._proceso is not None:
            self._proceso.terminate()
            self._proceso.wait(timeout=ESPERA)
            self._proceso = None

    def _bitacora(self) -> str:
        return self.bitacora.read_text(errors="replace") if self.bitacora.exists() else ""

    def __enter__(self) -> "ServidorSFTP":
        self.iniciar()
        return self

    def __exit__(self, *_excepcion: object) -> None:
        self.detener()


@pytest.fixture
def servidor_sftp(tmp_path) -> Iterator[ServidorSFTP]:
    """A started ServidorSFTP in tmp_path/sshd, stopped at teardown."""
    with ServidorSFTP(tmp_path / "sshd") as servidor:
        yield servidor
