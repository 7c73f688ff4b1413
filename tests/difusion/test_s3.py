"""The S3 channel: a corte pushed into a difusor's bucket on moto's real server over HTTP. The
bucket serves it under `ultimo/` with the right types and caching (H1, H2), later cortes send
only what changed in the order of H4, and every failure is a FallaDeEnvio in Spanish that never
shows the secret."""

import hashlib
import itertools
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from prep.difusion.destinos import DestinoS3, FallaDeEnvio, credencial_s3, interpretar
from prep.difusion.envio.s3 import Sincronizacion, clave, cliente, marca, sincronizar
from prep.publicacion.manifiesto import FIRMA, MANIFIESTO, leer
from tests.publicacion.cortes_de_prueba import (
    contenido_de,
    escribir_corte,
    momento_de,
    nombre_de,
    nueva_llave,
)
from tests.servicios.s3 import BucketS3

TIEMPO = 30.0
TIPOS = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "zip": "application/zip",
    "sha256": "text/plain; charset=utf-8",
    "jpg": "image/jpeg",
    "png": "image/png",
    "pem": "application/x-pem-file",
    "txt": "text/plain; charset=utf-8",
    "sig": "application/octet-stream",
}
INMUTABLES = ("imagenes/", "assets/", "bases/")
FINALES = ("index.html", "datos/corte.json", FIRMA, MANIFIESTO)


def publicar(publicacion: Path, cortes: int) -> list[Path]:
    """Chained cortes like `escribir_publicacion`'s plus a PNG acta per corte (content-addressed,
    kept), a stylesheet, a site that changes with corte 2 and, in corte 1 only, an acta
    circunstanciada."""
    llave, carpetas = nueva_llave(), []
    css = b"body { font-family: sans-serif; }\n"
    for numero in range(1, cortes + 1):
        archivos = contenido_de(numero, nombre_de(momento_de(numero)))
        # A new release of the site with corte 2: index.html changes too.
        version = min(numero, 2)
        archivos["index.html"] = f"<!doctype html><title>PREP v{version}</title>\n".encode()
        archivos[f"assets/estilo.{hashlib.sha256(css).hexdigest()[:8]}.css"] = css
        for k in range(1, numero + 1):
            png = b"\x89PNG\r\n\x1a\n" + f"acta escaneada {k}".encode() * 20
            archivos[f"imagenes/{hashlib.sha256(png).hexdigest()}.png"] = png
        if numero == 1:
            archivos["ACTA_CIRCUNSTANCIADA.txt"] = b"Sin incidentes.\n"
        anterior = carpetas[-1] if carpetas else None
        carpetas.append(escribir_corte(publicacion, numero, llave, anterior, archivos=archivos))
    return carpetas


@pytest.fixture
def firmados(tmp_path) -> list[Path]:
    """Three signed cortes (no database: the S3 channel reads only the folders)."""
    return publicar(tmp_path / "publicacion", 3)


def destino_de(bucket: BucketS3) -> DestinoS3:
    destino = interpretar("S3", bucket.destino)
    assert isinstance(destino, DestinoS3)
    return destino


def enviar(bucket: BucketS3, carpeta: Path) -> Sincronizacion:
    acceso, secreto = credencial_s3(bucket.credencial)
    return sincronizar(destino_de(bucket), acceso, secreto, carpeta, TIEMPO)


def rutas_de(carpeta: Path) -> dict[str, str]:
    """SHA-256 by path of every file of the corte, its manifest and signature included."""
    rutas = {a.ruta: a.sha256 for a in leer((carpeta / MANIFIESTO).read_bytes()).archivos}
    for nombre in (MANIFIESTO, FIRMA):
        rutas[nombre] = hashlib.sha256((carpeta / nombre).read_bytes()).hexdigest()
    return rutas


def en_el_bucket(bucket: BucketS3) -> set[str]:
    paginas = bucket.cliente.get_paginator("list_objects_v2").paginate(Bucket=bucket.nombre)
    return {o["Key"] for pagina in paginas for o in pagina.get("Contents", [])}


def sirve(bucket: BucketS3, carpeta: Path) -> None:
    """The bucket holds exactly the corte's files, byte for byte, with their type, caching and
    SHA-256."""
    destino = destino_de(bucket)
    rutas = rutas_de(carpeta)
    assert en_el_bucket(bucket) == {clave(destino, r) for r in rutas}
    for ruta, sha256 in rutas.items():
        objeto = bucket.cliente.get_object(Bucket=bucket.nombre, Key=clave(destino, ruta))
        assert objeto["Body"].read() == (carpeta / ruta).read_bytes(), ruta
        assert objeto["ContentType"] == TIPOS[ruta.rsplit(".", 1)[-1]], ruta
        inmutable = ruta.startswith(("imagenes/", "assets/"))
        cache = "public, max-age=31536000, immutable" if inmutable else "no-cache"
        assert objeto["CacheControl"] == cache, ruta
        assert objeto["Metadata"] == {"sha256": sha256}, ruta


class Peticiones:
    """The S3 requests a client makes, in order: ("inicio" | "fin", operation, key); a request
    starts when it is signed, just before it is sent, and ends when its answer is parsed."""

    def __init__(self, s3) -> None:
        self.eventos: list[tuple[str, str, str]] = []
        self._candado = threading.Lock()
        s3.meta.events.register("before-parameter-build.s3", self._parametros)
        s3.meta.events.register("before-sign.s3", self._inicio)
        s3.meta.events.register("after-call.s3", self._fin)

    def _anotar(self, evento: str, context, **_) -> None:
        with self._candado:
            self.eventos.append((evento, context["operacion"], context.get("clave", "")))

    def _parametros(self, params, model, context, **_) -> None:
        context["operacion"], context["clave"] = model.name, params.get("Key", "")

    def _inicio(self, request, **_) -> None:
        self._anotar("inicio", request.context)

    def _fin(self, context, **_) -> None:
        self._anotar("fin", context)

    def posiciones(self, evento: str, operacion: str) -> dict[str, int]:
        return {c: i for i, (e, o, c) in enumerate(self.eventos) if (e, o) == (evento, operacion)}


def fase(ruta: str) -> int:
    if ruta in FINALES:
        return 2 + FINALES.index(ruta)
    return 0 if ruta.startswith(INMUTABLES) else 1


def test_el_primer_envio_sube_el_corte_entero_como_se_sirve(bucket_s3, firmados):
    resultado = enviar(bucket_s3, firmados[0])

    rutas = rutas_de(firmados[0])
    tamanos = sum((firmados[0] / r).stat().st_size for r in rutas)
    assert resultado == Sincronizacion(subidos=len(rutas), bytes=tamanos, sin_cambio=0, borrados=0)
    sirve(bucket_s3, firmados[0])
    # A visitor (or the CDN) reads the site by plain HTTP from the public base URL.
    with httpx.Client(base_url=bucket_s3.publico) as visitante:
        manifiesto = visitante.get("ultimo/manifest.json")
        assert manifiesto.status_code == 200
        assert manifiesto.content == (firmados[0] / MANIFIESTO).read_bytes()
        assert manifiesto.headers["cache-control"] == "no-cache"
        assert manifiesto.headers["etag"]  # what the CDN revalidates with (H1)
        imagen = next(r for r in rutas if r.endswith(".png"))
        servida = visitante.get(f"ultimo/{imagen}")
        assert servida.content == (firmados[0] / imagen).read_bytes()
        assert servida.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert servida.headers["content-type"] == "image/png"


def test_cada_corte_sube_solo_lo_que_cambio_y_borra_lo_que_ya_no_esta(bucket_s3, firmados):
    enviar(bucket_s3, firmados[0])
    for anterior, carpeta in itertools.pairwise(firmados):
        antes, ahora = rutas_de(anterior), rutas_de(carpeta)
        cambiados = {r for r, sha in ahora.items() if antes.get(r) != sha}
        viejos = set(antes) - set(ahora)
        assert cambiados and viejos  # the cortes really differ both ways
        assert {MANIFIESTO, FIRMA} <= cambiados

        resultado = enviar(bucket_s3, carpeta)

        assert resultado == Sincronizacion(
            subidos=len(cambiados),
            bytes=sum((carpeta / r).stat().st_size for r in cambiados),
            sin_cambio=len(ahora) - len(cambiados),
            borrados=len(viejos),
        )
        sirve(bucket_s3, carpeta)
    # The same corte again: nothing to send.
    otra_vez = enviar(bucket_s3, firmados[-1])
    assert otra_vez == Sincronizacion(0, 0, len(rutas_de(firmados[-1])), 0)


def test_los_inmutables_van_primero_y_el_manifiesto_al_final(bucket_s3, firmados):
    enviar(bucket_s3, firmados[0])
    acceso, secreto = credencial_s3(bucket_s3.credencial)
    destino = destino_de(bucket_s3)
    s3 = cliente(destino, acceso, secreto, TIEMPO)
    peticiones = Peticiones(s3)

    resultado = sincronizar(destino, acceso, secreto, firmados[1], TIEMPO, cliente_s3=s3)

    inicios = peticiones.posiciones("inicio", "PutObject")
    fines = peticiones.posiciones("fin", "PutObject")
    # The mark of a push in progress goes up before any file and away after everything else.
    marcado = inicios.pop(marca(destino))
    assert fines.pop(marca(destino)) < min(inicios.values())
    (desmarcado,) = peticiones.posiciones("inicio", "DeleteObject").values()
    prefijo = clave(destino, "")
    subidas = {c.removeprefix(prefijo) for c in inicios}
    assert len(subidas) == resultado.subidos == len(fines)
    assert {fase(r) for r in subidas} == {0, 1, 2, 3, 4, 5}  # every phase had uploads
    # A PUT of a later phase starts only after every PUT of the earlier phases has ended.
    for antes in subidas:
        for despues in subidas:
            if fase(antes) < fase(despues):
                assert fines[prefijo + antes] < inicios[prefijo + despues], (antes, despues)
    ultima = max(inicios, key=inicios.get)
    assert ultima == clave(destino, MANIFIESTO)
    # Stale files go once the new manifest is in place, never before.
    (borrado,) = peticiones.posiciones("inicio", "DeleteObjects").values()
    assert marcado < fines[ultima] < borrado < desmarcado
    assert peticiones.eventos[0][1] == "GetObject"  # the bucket's manifest, read first


def test_un_manifiesto_ilegible_en_el_bucket_hace_subir_todo(bucket_s3, firmados):
    destino = destino_de(bucket_s3)
    bucket_s3.cliente.put_object(
        Bucket=bucket_s3.nombre, Key=clave(destino, MANIFIESTO), Body=b"{no es json"
    )

    resultado = enviar(bucket_s3, firmados[1])

    assert resultado.subidos == len(rutas_de(firmados[1]))
    assert resultado.sin_cambio == resultado.borrados == 0
    sirve(bucket_s3, firmados[1])


def test_un_corte_que_no_coincide_con_su_manifiesto_no_se_envia(bucket_s3, tmp_path):
    (carpeta,) = publicar(tmp_path / "publicacion", 1)
    resumen = carpeta / "datos" / "GOB" / "resumen.json"
    resumen.write_bytes(resumen.read_bytes() + b" ")

    with pytest.raises(FallaDeEnvio, match=r"datos/GOB/resumen.json .* el corte cambió"):
        enviar(bucket_s3, carpeta)

    assert en_el_bucket(bucket_s3) == set()  # refused before the first upload


def test_un_bucket_que_no_existe(servidor_s3, firmados):
    destino = interpretar("S3", f"s3://no-existe-este/sitio/?endpoint={servidor_s3.endpoint}")

    with pytest.raises(FallaDeEnvio) as falla:
        sincronizar(destino, "testing", "secreto-del-difusor", firmados[0], TIEMPO)

    assert str(falla.value) == (
        f"envío a s3://no-existe-este/sitio/: el bucket «no-existe-este» no existe en"
        f" {servidor_s3.endpoint}"
    )


def test_llaves_equivocadas_o_sin_permiso(servidor_s3, bucket_s3, firmados):
    destino = destino_de(bucket_s3)
    acceso, secreto = servidor_s3.usuario_iam(con_permiso=True)
    ajeno, secreto_ajeno = servidor_s3.usuario_iam(con_permiso=False)
    casos = [
        (acceso, "secreto-equivocado-123", "la llave secreta de la credencial no corresponde"),
        ("AKIANOEXISTEENMOTO00", "secreto-inventado", "no reconoce la llave de acceso"),
        (ajeno, secreto_ajeno, r"negó el acceso \(AccessDenied\): .* s3:ListBucket"),
    ]
    with servidor_s3.exigir_firma():
        for llave, secreta, motivo in casos:
            with pytest.raises(
                FallaDeEnvio, match=f"^{re.escape(f'envío a {destino}: ')}.*{motivo}"
            ) as falla:
                sincronizar(destino, llave, secreta, firmados[0], TIEMPO)
            assert secreta not in str(falla.value)
        firmado = servidor_s3.cliente("s3", acceso, secreto)
        assert firmado.list_objects_v2(Bucket=bucket_s3.nombre)["KeyCount"] == 0
        # Signature checks on, the right keys still push the corte.
        sincronizar(destino, acceso, secreto, firmados[0], TIEMPO)
    sirve(bucket_s3, firmados[0])


def test_un_servidor_caido_y_de_vuelta(servidor_s3, bucket_s3, firmados):
    enviar(bucket_s3, firmados[0])
    servidor_s3.detener()

    with pytest.raises(FallaDeEnvio, match=re.escape("no se pudo conectar con http://127.0.0.1:")):
        enviar(bucket_s3, firmados[1])

    servidor_s3.iniciar()
    sirve(bucket_s3, firmados[0])  # moto kept the bucket while it was down
    assert enviar(bucket_s3, firmados[1]).borrados > 0
    sirve(bucket_s3, firmados[1])


@pytest.fixture
def servidor_mudo() -> Iterator[str]:
    """An endpoint that accepts connections and never answers (a hung server)."""
    with socket.create_server(("127.0.0.1", 0)) as escucha:
        yield f"http://127.0.0.1:{escucha.getsockname()[1]}"


def test_un_servidor_que_no_responde(servidor_mudo, firmados):
    destino = interpretar("S3", f"s3://difusor/sitio/?endpoint={servidor_mudo}")

    inicio = time.monotonic()
    with pytest.raises(
        FallaDeEnvio, match=re.escape(f"envío a s3://difusor/sitio/: {servidor_mudo} no respondió")
    ):
        sincronizar(destino, "testing", "testing", firmados[0], 1.0)

    assert time.monotonic() - inicio < 5  # two attempts of 0.5 s, one short backoff


def test_un_envio_que_se_pasa_de_tiempo_deja_el_corte_anterior(bucket_s3, firmados):
    enviar(bucket_s3, firmados[0])
    acceso, secreto = credencial_s3(bucket_s3.credencial)
    destino = destino_de(bucket_s3)
    tiempo = 1.0
    s3 = cliente(destino, acceso, secreto, tiempo)
    primera = threading.Lock()

    def primera_subida_lenta(**_) -> None:
        # One slow PUT (a congested link) outlasts the whole push's time.
        if primera.acquire(blocking=False):
            time.sleep(tiempo + 0.1)

    s3.meta.events.register("before-send.s3.PutObject", primera_subida_lenta)

    with pytest.raises(
        FallaDeEnvio, match=r"se agotó el tiempo del envío a s3://.* corte anterior"
    ):
        sincronizar(destino, acceso, secreto, firmados[1], tiempo, cliente_s3=s3)

    servido = bucket_s3.cliente.get_object(Bucket=bucket_s3.nombre, Key=clave(destino, MANIFIESTO))
    assert servido["Body"].read() == (firmados[0] / MANIFIESTO).read_bytes()


def test_tras_un_envio_interrumpido_se_envia_todo(bucket_s3, tmp_path):
    """A push died after uploading a newer version of a file (its mark stays). The next corte has
    that file with the content the bucket's manifest (still corte 1's) lists: only the mark tells
    that the bucket's copy is not that one, so everything is sent again."""
    llave, publicacion = nueva_llave(), tmp_path / "publicacion"
    archivos = {**contenido_de(1, nombre_de(momento_de(1))), "datos/x.json": b'{"v": 1}'}
    uno = escribir_corte(publicacion, 1, llave, archivos=archivos)
    dos = escribir_corte(publicacion, 2, llave, uno, archivos=archivos)
    enviar(bucket_s3, uno)
    destino = destino_de(bucket_s3)
    bucket_s3.cliente.put_object(
        Bucket=bucket_s3.nombre, Key=clave(destino, "datos/x.json"), Body=b'{"v": 2}'
    )
    bucket_s3.cliente.put_object(Bucket=bucket_s3.nombre, Key=marca(destino), Body=b"en curso")
    hecho = enviar(bucket_s3, dos)
    assert hecho.sin_cambio == 0
    sirve(bucket_s3, dos)
    assert marca(destino) not in en_el_bucket(bucket_s3)
