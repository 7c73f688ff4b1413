"""The institute's Ed25519 signing key: generated once, kept outside the repository (0600), its
public part published in every corte so difusores and citizens can check the signatures."""

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

from prep.archivos import crear_nuevo
from prep.errores import Codigo, ErrorDeDominio


def ruta_llave() -> Path:
    """Where the private key lives (PREP_LLAVE_FIRMA)."""
    return Path(settings.PREP_LLAVE_FIRMA)


def _clave() -> bytes | None:
    texto = os.environ.get("PREP_LLAVE_FIRMA_CLAVE", "")
    return texto.encode() if texto else None


def generar(ruta: Path | None = None) -> Ed25519PrivateKey:
    """Create the signing key at `ruta` (never over an existing one), readable only by its owner;
    encrypted with PREP_LLAVE_FIRMA_CLAVE when that is set."""
    ruta = ruta or ruta_llave()
    llave = Ed25519PrivateKey.generate()
    clave = _clave()
    cifrado = (
        serialization.BestAvailableEncryption(clave) if clave else serialization.NoEncryption()
    )
    pem = llave.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, cifrado
    )
    ruta.parent.mkdir(parents=True, exist_ok=True)
    try:
        crear_nuevo(ruta, pem, 0o600)
    except FileExistsError:
        raise ErrorDeDominio(
            _("ya existe una llave de firma en %(r)s; no se reemplaza") % {"r": ruta},
            Codigo.LLAVE_EXISTENTE,
        ) from None
    return llave


def cargar(ruta: Path | None = None) -> Ed25519PrivateKey:
    """The signing key; ErrorDeDominio in Spanish when it is missing or unreadable."""
    ruta = ruta or ruta_llave()
    try:
        datos = ruta.read_bytes()
    except FileNotFoundError:
        raise ErrorDeDominio(
            _("no hay llave de firma en %(r)s: genérela con «prep publicacion llave generar»")
            % {"r": ruta},
            Codigo.SIN_LLAVE,
        ) from None
    try:
        llave = serialization.load_pem_private_key(datos, password=_clave())
    except (ValueError, TypeError) as exc:
        raise ErrorDeDominio(
            _("la llave de firma %(r)s no se puede leer (¿PREP_LLAVE_FIRMA_CLAVE?): %(e)s")
            % {"r": ruta, "e": exc},
            Codigo.LLAVE_ILEGIBLE,
        ) from None
    if not isinstance(llave, Ed25519PrivateKey):
        raise ErrorDeDominio(_("la llave de firma no es Ed25519"), Codigo.LLAVE_ILEGIBLE)
    return llave


def publica_pem(publica: Ed25519PublicKey) -> bytes:
    """The public key as PEM (SubjectPublicKeyInfo), as published in each corte."""
    return publica.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def leer_publica(pem: bytes) -> Ed25519PublicKey:
    """A public key from PEM; ValueError in Spanish when it is not an Ed25519 one."""
    try:
        publica = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise ValueError(f"la llave pública no es PEM válido: {exc}") from exc
    except UnsupportedAlgorithm as exc:
        # A damaged byte can turn the key's algorithm identifier into one nobody knows.
        raise ValueError(f"la llave pública es de un tipo desconocido: {exc}") from exc
    if not isinstance(publica, Ed25519PublicKey):
        raise ValueError("la llave pública no es Ed25519")
    return publica


def huella_publica(publica: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, in hex groups of 4: what people compare by eye."""
    crudo = publica.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    texto = hashlib.sha256(crudo).hexdigest()
    return " ".join(texto[i : i + 4] for i in range(0, len(texto), 4))
