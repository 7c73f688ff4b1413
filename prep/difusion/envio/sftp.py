"""Push over SFTP: a corte's files (its package) into the difusor's inbox folder.

Choices:

- Only what the institute registered counts: the difusor's private key, given as text (OpenSSH
  or PEM), is the one way to log in (no agent, password, ~/.ssh/config or ~/.ssh keys), and the
  server's host key is pinned: the connection's known_hosts holds that key alone and X.509 host
  certificates are off, so any other key is refused as a possible impersonation. Nothing is
  trusted on first use.
- A file never shows up half-written under its final name: it is uploaded under a hidden
  temporary name in the inbox (`.<name>.<random>.parcial`) and then renamed over the final name
  with posix-rename@openssh.com, which replaces an existing file atomically. A server without
  that extension gets remove + rename. A failed upload removes its temporary file (best effort).
- The inbox is checked before the upload: it exists, it is a folder, and its free space
  (statvfs@openssh.com) holds every file, so a full disk is reported before sending hundreds of
  MB. OpenSSH reports a failed write only as "Failure", so after one the free space is read
  again to tell a full disk from other causes.
- Throughput: AES-GCM first (about twice chacha20-poly1305 over loopback on two cores), blocks
  of the largest size the server accepts (asyncssh takes it from limits@openssh.com: 255 KiB on
  OpenSSH; a larger one makes OpenSSH drop the connection) and 16 requests in flight, which
  already fill OpenSSH's 2 MiB channel window; more only queue in memory. Measured over loopback
  with 500 MB: about 250 MB/s.
- The whole delivery is bounded by `tiempo` seconds. After a timeout the connection is presumed
  stuck and the temporary file is left; its hidden name keeps the receiver off it, and the next
  push removes it before uploading.

Every failure is a FallaDeEnvio whose Spanish message names the destination and the cause, never
the key material.
"""

import asyncio
import contextlib
import posixpath
import secrets
import socket
import stat
from collections.abc import Sequence
from pathlib import Path

import asyncssh

from prep.difusion.destinos import DestinoSFTP, FallaDeEnvio

# asyncssh's default order with the AES-GCM ciphers first (hardware AES on any current CPU).
CIFRADOS = "^aes128-gcm@openssh.com,aes256-gcm@openssh.com"
PETICIONES = 16
SUFIJO_TEMPORAL = ".parcial"


def _llave_cliente(destino: DestinoSFTP, texto: str) -> asyncssh.SSHKey:
    try:
        return asyncssh.import_private_key(texto)
    except (asyncssh.KeyImportError, ValueError) as exc:
        # asyncssh tells a passphrase-protected key apart only in its message.
        if "passphrase" in str(exc).lower():
            raise FallaDeEnvio(
                f"la llave privada para {destino} está cifrada con frase: use una llave sin"
                " frase, protegida con permisos 0600"
            ) from exc
        raise FallaDeEnvio(
            f"la credencial de {destino} no es una llave privada OpenSSH o PEM válida"
        ) from exc


def _llave_servidor(destino: DestinoSFTP, linea: str) -> asyncssh.SSHKey:
    try:
        return asyncssh.import_public_key(linea)
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise FallaDeEnvio(
            f"la llave registrada del servidor {destino} no es una llave pública OpenSSH"
            " (p. ej. «ssh-ed25519 AAAA…»); no se envió nada"
        ) from exc


def _tamanos(destino: DestinoSFTP, archivos: Sequence[tuple[Path, str]]) -> list[int]:
    tamanos = []
    for local, nombre in archivos:
        if not nombre or "/" in nombre or nombre in {".", ".."}:
            raise ValueError(f"«{nombre}» no es un nombre de archivo para la bandeja")
        try:
            tamanos.append(Path(local).stat().st_size)
        except OSError as exc:
            raise FallaDeEnvio(
                f"no se puede leer {local} para enviarlo a {destino}: {exc.strerror}"
            ) from exc
    return tamanos


def _megas(cuantos: int) -> str:
    return f"{cuantos / 1_000_000:,.1f} MB"


async def _espacio_libre(sftp: asyncssh.SFTPClient, carpeta: str) -> int | None:
    """Bytes the server's user may still write in `carpeta`; None when it cannot tell."""
    try:
        datos = await sftp.statvfs(carpeta)
    except asyncssh.SFTPError:
        return None
    return datos.bavail * datos.frsize


async def _revisar_bandeja(sftp: asyncssh.SFTPClient, destino: DestinoSFTP, total: int) -> None:
    try:
        atributos = await sftp.stat(destino.carpeta)
    except asyncssh.SFTPNoSuchFile as exc:
        raise FallaDeEnvio(
            f"no existe la carpeta de la bandeja en {destino}: el difusor debe crearla"
        ) from exc
    except asyncssh.SFTPPermissionDenied as exc:
        raise FallaDeEnvio(
            f"el usuario «{destino.usuario}» no tiene acceso a la carpeta de la bandeja en"
            f" {destino}"
        ) from exc
    if atributos.permissions is not None and not stat.S_ISDIR(atributos.permissions):
        raise FallaDeEnvio(f"la bandeja de {destino} no es una carpeta")
    await _limpiar_temporales(sftp, destino.carpeta)
    libre = await _espacio_libre(sftp, destino.carpeta)
    if libre is not None and libre < total:
        raise FallaDeEnvio(
            f"no cabe el envío en el disco de {destino}: se necesitan {_megas(total)} y quedan"
            f" {_megas(libre)}; no se envió nada"
        )


async def _limpiar_temporales(sftp: asyncssh.SFTPClient, carpeta: str) -> None:
    """Remove the temporary files an earlier push left when it timed out: only the institute's
    push writes such names, one push per difusor at a time, and they hold disk space."""
    for nombre in await sftp.listdir(carpeta):
        if nombre.startswith(".") and nombre.endswith(SUFIJO_TEMPORAL):
            with contextlib.suppress(asyncssh.SFTPError):
                await sftp.remove(posixpath.join(carpeta, nombre))


async def _reemplazar(sftp: asyncssh.SFTPClient, temporal: str, final: str) -> None:
    try:
        await sftp.posix_rename(temporal, final)
    except asyncssh.SFTPOpUnsupported:
        # Not atomic: for a moment there is no file under the final name, never a partial one.
        if await sftp.exists(final):
            await sftp.remove(final)
        await sftp.rename(temporal, final)


async def _causa(
    sftp: asyncssh.SFTPClient, destino: DestinoSFTP, nombre: str, tamano: int, exc: Exception
) -> FallaDeEnvio | None:
    """The FallaDeEnvio for a failed upload of `nombre`; None to let the outer handler say it."""
    if isinstance(exc, asyncssh.SFTPNoSuchFile):
        return FallaDeEnvio(f"desapareció la carpeta de la bandeja de {destino} al enviar {nombre}")
    if isinstance(exc, asyncssh.SFTPPermissionDenied | asyncssh.SFTPWriteProtect):
        return FallaDeEnvio(
            f"el usuario «{destino.usuario}» no puede escribir en la carpeta de la bandeja de"
            f" {destino}"
        )
    lleno = FallaDeEnvio(f"se llenó el disco de {destino} al enviar {nombre}")
    if isinstance(exc, asyncssh.SFTPNoSpaceOnFilesystem | asyncssh.SFTPQuotaExceeded):
        return lleno
    if isinstance(exc, asyncssh.SFTPFailure):
        # Read before the temporary file is removed: it holds the space that ran out.
        libre = await _espacio_libre(sftp, destino.carpeta)
        if libre is not None and libre < tamano:
            return lleno
        return FallaDeEnvio(
            f"el servidor {destino} no pudo guardar {nombre} en la bandeja (respondió"
            f" «{exc.reason}»)"
        )
    return None


async def _subir(
    sftp: asyncssh.SFTPClient, destino: DestinoSFTP, local: Path, nombre: str, tamano: int
) -> None:
    final = posixpath.join(destino.carpeta, nombre)
    temporal = posixpath.join(destino.carpeta, f".{nombre}.{secrets.token_hex(6)}{SUFIJO_TEMPORAL}")
    try:
        await sftp.put(local, temporal, max_requests=PETICIONES)
        await _reemplazar(sftp, temporal, final)
    except Exception as exc:
        # Exception, not BaseException: a timeout cancels this task, and then the connection is
        # presumed stuck, so no cleanup is tried.
        causa = await _causa(sftp, destino, nombre, tamano, exc)
        with contextlib.suppress(asyncssh.Error, OSError):
            await sftp.remove(temporal)
        if causa is not None:
            raise causa from exc
        raise


async def _entregar(
    destino: DestinoSFTP,
    servidor: asyncssh.SSHKey,
    cliente: asyncssh.SSHKey,
    archivos: Sequence[tuple[Path, str]],
    tamanos: list[int],
) -> int:
    try:
        conexion = await asyncssh.connect(
            destino.servidor,
            destino.puerto,
            username=destino.usuario,
            client_keys=[cliente],
            known_hosts=([servidor], [], []),
            x509_trusted_certs=None,
            agent_path=None,
            config=None,
            password_auth=False,
            kbdint_auth=False,
            gss_auth=False,
            host_based_auth=False,
            encryption_algs=CIFRADOS,
        )
    except (ConnectionResetError, asyncssh.ConnectionLost) as exc:
        # OpenSSH hangs up during the key exchange (a reset or a close, by timing) when it has
        # no host key of the pinned key's type.
        raise FallaDeEnvio(
            f"{destino} cortó la conexión al negociarla: puede que la llave registrada del"
            " servidor sea de otro tipo que la suya, o que no acepte conexiones de este equipo;"
            " no se envió nada"
        ) from exc
    async with conexion, conexion.start_sftp_client() as sftp:
        await _revisar_bandeja(sftp, destino, sum(tamanos))
        for (local, nombre), tamano in zip(archivos, tamanos, strict=True):
            await _subir(sftp, destino, Path(local), nombre, tamano)
    return sum(tamanos)


async def entregar(
    destino: DestinoSFTP,
    llave_servidor: str,
    llave_cliente: str,
    archivos: Sequence[tuple[Path, str]],
    tiempo: float,
) -> int:
    """Upload each (local path, remote name) of `archivos`, in order, into `destino.carpeta`,
    replacing a file of the same name atomically; the total bytes uploaded.

    `llave_servidor` is the server's pinned OpenSSH public key line, `llave_cliente` the text of
    the private key to log in with. The whole delivery takes at most `tiempo` seconds. Any
    failure raises FallaDeEnvio naming `destino` and the cause; a remote name that is not a
    plain file name raises ValueError.
    """
    cliente = _llave_cliente(destino, llave_cliente)
    servidor = _llave_servidor(destino, llave_servidor)
    tamanos = _tamanos(destino, archivos)
    try:
        async with asyncio.timeout(tiempo):
            return await _entregar(destino, servidor, cliente, archivos, tamanos)
    except TimeoutError as exc:
        raise FallaDeEnvio(
            f"el envío a {destino} no terminó en {tiempo:g} s: el servidor no responde o el"
            " enlace es lento"
        ) from exc
    except asyncssh.HostKeyNotVerifiable as exc:
        raise FallaDeEnvio(
            f"la llave del servidor {destino} no es la registrada: posible suplantación; no se"
            " envió nada (si el difusor cambió de llave, confírmela con él y regístrela de nuevo)"
        ) from exc
    except asyncssh.PermissionDenied as exc:
        raise FallaDeEnvio(
            f"el servidor {destino} rechazó la llave del cliente para el usuario"
            f" «{destino.usuario}»: su llave pública debe estar en el authorized_keys del difusor"
        ) from exc
    except asyncssh.KeyExchangeFailed as exc:
        raise FallaDeEnvio(
            f"no se pudo negociar la conexión cifrada con {destino}: {exc.reason}"
        ) from exc
    except asyncssh.ChannelOpenError as exc:
        raise FallaDeEnvio(f"el servidor {destino} no ofrece SFTP: {exc.reason}") from exc
    except (asyncssh.ConnectionLost, asyncssh.SFTPConnectionLost) as exc:
        raise FallaDeEnvio(
            f"se perdió la conexión con {destino}: la cerró el servidor o la red"
        ) from exc
    except asyncssh.SFTPError as exc:
        raise FallaDeEnvio(f"falla de SFTP con {destino}: {exc.reason}") from exc
    except asyncssh.Error as exc:
        raise FallaDeEnvio(f"el servidor {destino} cortó la conexión: {exc.reason}") from exc
    except ConnectionRefusedError as exc:
        raise FallaDeEnvio(
            f"{destino} rechazó la conexión: no hay servicio SSH en el puerto {destino.puerto}"
        ) from exc
    except socket.gaierror as exc:
        raise FallaDeEnvio(
            f"no se encontró el servidor «{destino.servidor}» de {destino}: {exc.strerror}"
        ) from exc
    except OSError as exc:
        raise FallaDeEnvio(
            f"no se pudo conectar con {destino}: {exc.strerror or exc.__class__.__name__}"
        ) from exc


def enviar(
    destino: DestinoSFTP,
    llave_servidor: str,
    llave_cliente: str,
    archivos: Sequence[tuple[Path, str]],
    tiempo: float,
) -> int:
    """`entregar` for synchronous callers (the orchestrator runs one thread per difusor)."""
    return asyncio.run(entregar(destino, llave_servidor, llave_cliente, archivos, tiempo))
