"""A self-signed TLS certificate for trying PREP on a local network (`prep demo`): phones need
HTTPS for the camera. An institute serves with its own certificate, never with this one."""

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VIGENCIA = datetime.timedelta(days=30)


def autofirmado(carpeta: Path, direcciones: list[str]) -> tuple[Path, Path]:
    """Write `cert.pem` and `llave.pem` (0600) under `carpeta`: a certificate for these IP
    addresses, valid VIGENCIA from now. Returns their paths."""
    llave = ec.generate_private_key(ec.SECP256R1())
    nombre = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PREP Abierto (prueba)")])
    ahora = datetime.datetime.now(datetime.UTC)
    alternativos = [x509.IPAddress(ipaddress.ip_address(d)) for d in direcciones]
    certificado = (
        x509.CertificateBuilder()
        .subject_name(nombre)
        .issuer_name(nombre)
        .public_key(llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - datetime.timedelta(minutes=5))
        .not_valid_after(ahora + VIGENCIA)
        .add_extension(x509.SubjectAlternativeName(alternativos), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(llave, hashes.SHA256())
    )
    carpeta.mkdir(parents=True, exist_ok=True)
    ruta_certificado, ruta_llave = carpeta / "cert.pem", carpeta / "llave.pem"
    ruta_certificado.write_bytes(certificado.public_bytes(serialization.Encoding.PEM))
    ruta_llave.touch(mode=0o600)
    ruta_llave.chmod(0o600)
    ruta_llave.write_bytes(
        llave.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ruta_certificado, ruta_llave
