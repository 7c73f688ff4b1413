"""The SFTP push (`prep.difusion.envio.sftp`) through a real OpenSSH server: packages land whole
under their final names, and every failure is a FallaDeEnvio that says why, never the key."""

import hashlib
import os
import socket
from pathlib import Path

import asyncssh
import pytest

from prep.difusion.destinos import DestinoSFTP, FallaDeEnvio, interpretar
from prep.difusion.envio.sftp import enviar
from prep.difusion.paquete import empaquetar
from tests.publicacion.cortes_de_prueba import escribir_publicacion, nueva_llave
from tests.servicios.sshd import ServidorSFTP, linea_publica

TIEMPO = 10.0


def _sha256(ruta: Path) -> str:
    return hashlib.sha256(ruta.read_bytes()).hexdigest()


def _destino(servidor: ServidorSFTP) -> DestinoSFTP:
    destino = interpretar("SFTP", servidor.destino)
    assert isinstance(destino, DestinoSFTP)
    return destino


def _enviar(servidor: ServidorSFTP, archivos, **cambios) -> int:
    """enviar() to `servidor` with its keys, or with those `cambios` names."""
    argumentos = {
        "destino": _destino(servidor),
        "llave_servidor": servidor.llave_servidor,
        "llave_cliente": servidor.llave_cliente.read_text(),
        "archivos": archivos,
        "tiempo": TIEMPO,
    } | cambios
    return enviar(**argumentos)


def _archivo(carpeta: Path, nombre: str, datos: bytes) -> Path:
    ruta = carpeta / nombre
    ruta.write_bytes(datos)
    return ruta


def _falla(servidor: ServidorSFTP, archivos, **cambios) -> str:
    """The message of the FallaDeEnvio that enviar() raises; it never holds the private key."""
    with pytest.raises(FallaDeEnvio) as falla:
        _enviar(servidor, archivos, **cambios)
    secreto = cambios.get("llave_cliente", servidor.llave_cliente.read_text())
    cuerpo = "".join(x for x in secreto.splitlines() if not x.startswith("-----"))
    for texto in (str(falla.value), repr(falla.value.__cause__)):
        assert cuerpo[:40] not in texto
    return str(falla.value)


@pytest.mark.parametrize("formato", ["openssh", "pkcs8-pem"])
def test_un_paquete_llega_entero_con_su_nombre(servidor_sftp, tmp_path, formato):
    carpetas = escribir_publicacion(tmp_path / "publicacion", 2, nueva_llave())
    paquete = empaquetar(carpetas[-1], tmp_path / f"{carpetas[-1].name}.tar.gz")
    llave = asyncssh.import_private_key(servidor_sftp.llave_cliente.read_text())

    enviados = _enviar(
        servidor_sftp,
        [(paquete, paquete.name)],
        llave_cliente=llave.export_private_key(formato).decode(),
    )

    assert enviados == paquete.stat().st_size
    assert [p.name for p in servidor_sftp.bandeja.iterdir()] == [paquete.name]
    assert _sha256(servidor_sftp.bandeja / paquete.name) == _sha256(paquete)


def test_el_mismo_nombre_reemplaza_al_anterior(servidor_sftp, tmp_path):
    viejo = _archivo(tmp_path, "viejo", b"corte 1" * 1000)
    nuevo = _archivo(tmp_path, "nuevo", b"corte 2" * 3000)
    _enviar(servidor_sftp, [(viejo, "paquete.tar.gz")])

    # What a push that timed out leaves behind: the next push removes it.
    (servidor_sftp.bandeja / ".paquete.tar.gz.0123456789ab.parcial").write_bytes(b"a medias")
    _enviar(servidor_sftp, [(nuevo, "paquete.tar.gz")])

    assert [p.name for p in servidor_sftp.bandeja.iterdir()] == ["paquete.tar.gz"]
    assert (servidor_sftp.bandeja / "paquete.tar.gz").read_bytes() == nuevo.read_bytes()


def test_varios_archivos_en_orden_y_una_falla_detiene_el_resto(servidor_sftp, tmp_path):
    archivos = [(_archivo(tmp_path, n, n.encode() * 500), n) for n in ("uno", "dos", "tres")]
    assert _enviar(servidor_sftp, archivos) == 3 * 500 + 3 * 500 + 4 * 500
    for local, nombre in archivos:
        assert (servidor_sftp.bandeja / nombre).read_bytes() == local.read_bytes()
    for nombre in ("uno", "dos", "tres"):
        (servidor_sftp.bandeja / nombre).unlink()
    # A folder where the second file goes: it cannot be replaced, so the upload stops there.
    (servidor_sftp.bandeja / "dos").mkdir()

    mensaje = _falla(servidor_sftp, archivos)

    assert "no pudo guardar dos" in mensaje and servidor_sftp.destino in mensaje
    assert sorted(p.name for p in servidor_sftp.bandeja.iterdir()) == ["dos", "uno"]
    assert (servidor_sftp.bandeja / "dos").is_dir()


def test_una_llave_de_servidor_ajena_es_posible_suplantacion(servidor_sftp, tmp_path):
    ajena = linea_publica(asyncssh.generate_private_key("ssh-ed25519"))
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")

    mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")], llave_servidor=ajena)

    assert "posible suplantación" in mensaje and "no se envió nada" in mensaje
    assert servidor_sftp.destino in mensaje
    assert list(servidor_sftp.bandeja.iterdir()) == []


def test_una_llave_de_servidor_de_otro_tipo_no_se_acepta(servidor_sftp, tmp_path):
    otra = linea_publica(asyncssh.generate_private_key("ecdsa-sha2-nistp256"))
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")

    mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")], llave_servidor=otra)

    assert "otro tipo" in mensaje and "no se envió nada" in mensaje
    assert list(servidor_sftp.bandeja.iterdir()) == []


def test_una_llave_de_cliente_no_autorizada(servidor_sftp, tmp_path):
    intrusa = asyncssh.generate_private_key("ssh-ed25519").export_private_key().decode()
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")

    mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")], llave_cliente=intrusa)

    assert "rechazó la llave del cliente" in mensaje and "authorized_keys" in mensaje
    assert list(servidor_sftp.bandeja.iterdir()) == []


@pytest.mark.parametrize(
    ("texto", "causa"),
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END", "no es una llave"),
        ("hola, soy una llave", "no es una llave"),
        (
            asyncssh.generate_private_key("ssh-ed25519")
            .export_private_key("pkcs8-pem", passphrase="frase")
            .decode(),
            "cifrada con frase",
        ),
    ],
    ids=["truncada", "texto", "con-frase"],
)
def test_una_llave_privada_invalida(servidor_sftp, tmp_path, texto, causa):
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")

    mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")], llave_cliente=texto)

    assert causa in mensaje and servidor_sftp.destino in mensaje


def test_servidor_caido_y_de_vuelta(servidor_sftp, tmp_path):
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")
    servidor_sftp.detener()

    mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")])

    assert "rechazó la conexión" in mensaje and servidor_sftp.destino in mensaje
    servidor_sftp.iniciar()
    assert _enviar(servidor_sftp, [(paquete, "p.tar.gz")]) == len(b"paquete")
    assert (servidor_sftp.bandeja / "p.tar.gz").read_bytes() == b"paquete"


def test_sin_carpeta_de_bandeja(servidor_sftp, tmp_path):
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")
    servidor_sftp.bandeja.rmdir()

    mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")])

    assert "no existe la carpeta de la bandeja" in mensaje and servidor_sftp.destino in mensaje


def test_lo_que_no_cabe_en_el_disco_no_se_envia(servidor_sftp, tmp_path):
    # A sparse file one GB larger than the free space of the inbox's disk (the same machine).
    datos = os.statvfs(servidor_sftp.bandeja)
    enorme = tmp_path / "enorme.tar.gz"
    enorme.touch()
    os.truncate(enorme, datos.f_bavail * datos.f_frsize + 10**9)

    mensaje = _falla(servidor_sftp, [(enorme, "enorme.tar.gz")])

    assert "no cabe el envío en el disco" in mensaje and "no se envió nada" in mensaje
    assert list(servidor_sftp.bandeja.iterdir()) == []


def test_un_servidor_mudo_agota_el_tiempo(servidor_sftp, tmp_path):
    """A port that accepts the connection and never speaks: the delivery ends at `tiempo`."""
    paquete = _archivo(tmp_path, "p.tar.gz", b"paquete")
    # The kernel completes the handshake for a listening socket; no one ever answers.
    with socket.socket() as mudo:
        mudo.bind(("127.0.0.1", 0))
        mudo.listen()
        destino = DestinoSFTP("127.0.0.1", mudo.getsockname()[1], "prep", "/bandeja")

        mensaje = _falla(servidor_sftp, [(paquete, "p.tar.gz")], destino=destino, tiempo=0.5)

    assert "no terminó en 0.5 s" in mensaje and str(destino) in mensaje
