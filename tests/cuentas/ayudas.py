"""Helpers shared by the tests of cuentas, bitácora, acopio, empaquetado and tablero: people and
devices, and the `prep` command run in a separate process against the test database."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from prep.cuentas.identidad import Actor, actor_de_usuario
from prep.cuentas.models import Centro, Dispositivo, Rol
from prep.servidor.servidor import url_de_la_base
from tests.fabricas import UsuarioFactory

RAIZ = Path(__file__).resolve().parents[2]


def persona(rol: Rol, centro: Centro | None = None, nombre: str | None = None, contrasena=None):
    """A user with a role (and centro). Without `contrasena` the password is unusable, so that
    only the tests that log in pay for Argon2."""
    campos = {"username": nombre} if nombre else {}
    # "!" is Django's mark of an unusable password, stored as is (no hashing).
    usuario = UsuarioFactory(perfil__rol=rol, perfil__centro=centro, password="!", **campos)
    if contrasena:
        usuario.set_password(contrasena)
        usuario.save(update_fields=["password"])
    return usuario


def actor(rol: Rol, centro: Centro | None = None, nombre: str | None = None) -> Actor:
    """The actor of a new person with that role."""
    return actor_de_usuario(persona(rol, centro, nombre))


def token_de(centro: Centro, nombre: str = "tel-prueba") -> tuple[Dispositivo, str]:
    """A device of the centro and its token."""
    token = Dispositivo.nuevo_token()
    dispositivo = Dispositivo.objects.create(
        nombre=nombre,
        tipo=Dispositivo.Tipo.TELEFONO,
        centro=centro,
        token_sha256=Dispositivo.huella(token),
    )
    return dispositivo, token


def prep(*args: str, cwd: Path, entrada: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed `prep` command on the test database, in another process."""
    junto = Path(sys.executable).parent / "prep"
    ejecutable = str(junto) if junto.exists() else shutil.which("prep")
    entorno = dict(os.environ, PREP_DATABASE_URL=url_de_la_base())
    entorno["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(RAIZ), entorno.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [ejecutable, *args],
        cwd=cwd,
        env=entorno,
        input=entrada,
        capture_output=True,
        text=True,
        timeout=120,
    )
