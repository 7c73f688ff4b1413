"""The manifest of a corte: every published file with its size and SHA-256, the corte's number
and time, the SHA-256 of the previous corte's manifest (a chain) and the fingerprint of the
software that made it (`huella_software`, prep/huella.py), signed with the institute's Ed25519
key.

`manifest.json` is canonical JSON (sorted keys, UTF-8); `manifest.sig` is the raw 64-byte
Ed25519 signature of those exact bytes, so anyone can check it without PREP:
`openssl pkeyutl -verify -pubin -inkey llave_publica.pem -rawin -in manifest.json -sigfile
manifest.sig`.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFIESTO = "manifest.json"
FIRMA = "manifest.sig"
LLAVE_PUBLICA = "llave_publica.pem"
ULTIMO = "ultimo"  # in a publication folder, the symlink to the newest corte
FORMATO = "prep-abierto/manifiesto/1"
# Files of a corte that the manifest cannot list: itself and its signature.
FUERA_DEL_MANIFIESTO = frozenset({MANIFIESTO, FIRMA})
HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Archivo:
    """One published file: its path inside the corte (with /), size and SHA-256."""

    ruta: str
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifiesto:
    """A corte's manifest, as read back."""

    corte: int
    momento: datetime
    final: bool
    anterior: str | None
    archivos: tuple[Archivo, ...]
    # None in the manifests written before the field existed.
    huella_software: str | None = None

    def por_ruta(self) -> dict[str, Archivo]:
        """The files by path."""
        return {a.ruta: a for a in self.archivos}


def huella(datos: bytes) -> str:
    """SHA-256 in hex."""
    return hashlib.sha256(datos).hexdigest()


def construir(
    corte: int,
    momento: datetime,
    final: bool,
    anterior: str | None,
    archivos: Iterable[Archivo],
    *,
    huella_software: str | None = None,
) -> bytes:
    """The canonical bytes of a manifest (files sorted by path). Without `huella_software` the
    field is left out, as in the manifests written before it existed."""
    if momento.utcoffset() is None:
        raise ValueError("la hora del corte debe llevar zona horaria")
    if huella_software is not None and not HEX64.fullmatch(huella_software):
        raise ValueError("la huella del software debe ser un SHA-256 en hexadecimal")
    datos: dict[str, object] = {
        "formato": FORMATO,
        "corte": corte,
        "momento": momento.isoformat(),
        "final": final,
        "anterior": anterior,
        "archivos": [
            {"ruta": a.ruta, "bytes": a.bytes, "sha256": a.sha256}
            for a in sorted(archivos, key=lambda a: a.ruta)
        ],
    }
    if huella_software is not None:
        datos["huella_software"] = huella_software
    return (json.dumps(datos, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def leer(datos: bytes) -> Manifiesto:
    """A manifest from its bytes; ValueError in Spanish when it is not one."""
    try:
        crudo = json.loads(datos.decode("utf-8"))
        if crudo.get("formato") != FORMATO:
            raise ValueError(f"formato desconocido «{crudo.get('formato')}»")
        archivos = tuple(
            Archivo(str(a["ruta"]), int(a["bytes"]), str(a["sha256"])) for a in crudo["archivos"]
        )
        anterior = crudo["anterior"]
        software = crudo.get("huella_software")
        if software is not None and not (isinstance(software, str) and HEX64.fullmatch(software)):
            raise ValueError(f"huella_software «{software}» no es un SHA-256 en hexadecimal")
        manifiesto = Manifiesto(
            corte=int(crudo["corte"]),
            momento=datetime.fromisoformat(crudo["momento"]),
            final=bool(crudo["final"]),
            anterior=None if anterior is None else str(anterior),
            archivos=archivos,
            huella_software=software,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"manifest.json no es un manifiesto de corte válido: {exc}") from exc
    if manifiesto.momento.utcoffset() is None:
        raise ValueError("manifest.json: la hora del corte no lleva zona horaria")
    return manifiesto


def firmar(datos: bytes, llave: Ed25519PrivateKey) -> bytes:
    """The raw Ed25519 signature of `datos`."""
    return llave.sign(datos)


def firma_valida(datos: bytes, firma: bytes, publica: Ed25519PublicKey) -> bool:
    """True when `firma` is `publica`'s signature of `datos`."""
    try:
        publica.verify(firma, datos)
    except InvalidSignature:
        return False
    return True
