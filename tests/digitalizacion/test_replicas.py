"""The replicated image store and its scrub, on real parts: two local folders and moto's S3
server over HTTP as three copies, the upload API through Django's test client, and
`prep imagenes verificar` in-process and as a `prep` child process."""

import logging
import socket
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.digitalizacion.almacen import (
    AlmacenLocal,
    AlmacenReplicado,
    AlmacenS3,
    CopiasInsuficientes,
    ImagenCorrupta,
    ImagenFaltante,
    _Escritora,
    almacen,
    desde_configuracion,
    digesto,
)
from prep.digitalizacion.carpeta import PROCESADAS, RECHAZADAS, Vigilante
from prep.digitalizacion.models import Imagen
from tests.cuentas.ayudas import prep
from tests.digitalizacion.fabricas import foto_de
from tests.servicios.s3 import SECRETO, BucketS3, ServidorS3, credenciales_de_prueba

DATOS = b"\x89PNG" + bytes(range(256)) * 8
SHA = digesto(DATOS)
PREFIJO = "imagenes"


@dataclass
class Copias:
    """The three backends of a test: folders `a` and `b`, and a bucket on the moto server."""

    a: AlmacenLocal
    b: AlmacenLocal
    s3: AlmacenS3
    bucket: BucketS3

    @property
    def lista(self) -> list:
        return [self.a, self.b, self.s3]

    def clave(self, sha256: str) -> str:
        return self.s3.clave(sha256)

    def borrar_de_s3(self, sha256: str) -> None:
        self.bucket.cliente.delete_object(Bucket=self.bucket.nombre, Key=self.clave(sha256))

    def en_s3(self, sha256: str) -> bool:
        listado = self.bucket.cliente.list_objects_v2(
            Bucket=self.bucket.nombre, Prefix=self.clave(sha256)
        )
        return listado.get("KeyCount", 0) == 1


def _danar(copia: AlmacenLocal, sha256: str) -> Path:
    ruta = copia.ruta(sha256)
    ruta.chmod(0o644)
    ruta.write_bytes(b"bits podridos")
    return ruta


@pytest.fixture
def copias(tmp_path, bucket_s3, servidor_s3, settings, monkeypatch) -> Copias:
    """Three copies, configured as PREP_IMAGENES_URL lists them (for this process and for `prep`
    children); all three required unless a test says otherwise. A stopped S3 fails at once (one
    attempt, no retries)."""
    credenciales_de_prueba(monkeypatch)
    url = f"{tmp_path / 'a'} {tmp_path / 'b'},s3://{bucket_s3.nombre}/{PREFIJO}"
    settings.PREP_IMAGENES_URL, settings.PREP_IMAGENES_COPIAS = url, ""
    settings.PREP_S3_ENDPOINT = servidor_s3.endpoint
    monkeypatch.setenv("PREP_IMAGENES_URL", url)
    monkeypatch.setenv("PREP_S3_ENDPOINT", servidor_s3.endpoint)
    monkeypatch.delenv("PREP_IMAGENES_COPIAS", raising=False)
    return Copias(
        AlmacenLocal(tmp_path / "a"),
        AlmacenLocal(tmp_path / "b"),
        AlmacenS3(bucket_s3.nombre, PREFIJO, servidor_s3.endpoint),
        bucket_s3,
    )


# --- configuration ---------------------------------------------------------------------------


def test_una_sola_ubicacion_es_el_almacen_de_siempre(tmp_path):
    assert isinstance(desde_configuracion("", tmp_path), AlmacenLocal)
    sola = desde_configuracion(f" {tmp_path / 'x'} ", tmp_path, "", "1")
    assert isinstance(sola, AlmacenLocal) and sola.raiz == tmp_path / "x"
    with pytest.raises(ValueError, match="entre 1 y 1"):
        desde_configuracion(str(tmp_path), tmp_path, "", 2)


def test_varias_ubicaciones_hacen_un_almacen_replicado(tmp_path):
    tienda = desde_configuracion(f"{tmp_path}/a, {tmp_path}/b\nfile://{tmp_path}/c", tmp_path)
    assert isinstance(tienda, AlmacenReplicado)
    assert [c.descripcion for c in tienda.copias] == [f"{tmp_path}/{n}" for n in "abc"]
    assert tienda.requeridas == 3  # by default, all of them
    assert desde_configuracion(f"{tmp_path}/a {tmp_path}/b", tmp_path, "", " 1 ").requeridas == 1
    for copias, error in [
        ("0", "entre 1 y 2"),
        ("3", "entre 1 y 2"),
        ("dos", "número entero"),
    ]:
        with pytest.raises(ValueError, match=error):
            desde_configuracion(f"{tmp_path}/a {tmp_path}/b", tmp_path, "", copias)
    with pytest.raises(ValueError, match="repite una ubicación"):
        desde_configuracion(f"{tmp_path}/a,{tmp_path}/a", tmp_path)
    with pytest.raises(ValueError, match="esquema no admitido"):
        desde_configuracion(f"{tmp_path}/a ftp://servidor/x", tmp_path)


def test_la_orden_rechaza_una_configuracion_no_valida(tmp_path, settings):
    settings.PREP_IMAGENES_URL = f"{tmp_path}/a {tmp_path}/b"
    settings.PREP_IMAGENES_COPIAS = "5"
    with pytest.raises(CommandError, match="configuración del almacén no válida") as error:
        call_command("imagenes", "estado")
    assert error.value.returncode == 2


# --- writing and reading ---------------------------------------------------------------------


def test_con_s3_detenido_bastan_dos_copias_pero_no_tres(copias, servidor_s3: ServidorS3):
    servidor_s3.detener()
    try:
        assert AlmacenReplicado(copias.lista, 2).guardar(DATOS) == SHA
        assert copias.a.leer(SHA) == DATOS and copias.b.leer(SHA) == DATOS
        with pytest.raises(CopiasInsuficientes) as falla:
            AlmacenReplicado(copias.lista, 3).guardar(DATOS)
    finally:
        servidor_s3.iniciar()
    mensaje = str(falla.value)
    assert f"sólo 2 de 3 copias del almacén guardaron la imagen {SHA}" in mensaje
    assert f"se requieren 3; fallaron: s3://{copias.bucket.nombre}/{PREFIJO} (" in mensaje
    assert SECRETO not in mensaje and (falla.value.guardadas, falla.value.total) == (2, 3)
    # Stored again with the bucket back: only the missing copy is written.
    inodo = copias.a.ruta(SHA).stat().st_ino
    assert AlmacenReplicado(copias.lista, 3).guardar(DATOS) == SHA
    assert copias.en_s3(SHA) and copias.a.ruta(SHA).stat().st_ino == inodo


def test_existe_solo_con_las_copias_requeridas(copias):
    tienda = AlmacenReplicado(copias.lista, 2)
    copias.a.guardar(DATOS)
    assert not tienda.existe(SHA)
    copias.s3.guardar(DATOS)
    assert tienda.existe(SHA)
    assert not AlmacenReplicado(copias.lista, 3).existe(SHA)


def test_leer_recurre_a_la_siguiente_copia(copias, servidor_s3: ServidorS3):
    tienda = AlmacenReplicado(copias.lista, 3)
    tienda.guardar(DATOS)
    copias.a.ruta(SHA).unlink()
    assert tienda.leer(SHA) == DATOS
    _danar(copias.b, SHA)
    assert tienda.leer(SHA) == DATOS  # from S3
    servidor_s3.detener()
    try:
        # No copy verifies and one did not answer: it may still hold the image.
        with pytest.raises(Exception, match="Could not connect") as falla:
            tienda.leer(SHA)
        assert not isinstance(falla.value, ImagenFaltante | ImagenCorrupta)
    finally:
        servidor_s3.iniciar()
    copias.borrar_de_s3(SHA)
    with pytest.raises(ImagenCorrupta):
        tienda.leer(SHA)
    copias.b.ruta(SHA).unlink()
    with pytest.raises(ImagenFaltante):
        tienda.leer(SHA)


def test_una_copia_que_no_responde_no_detiene_las_subidas(copias, monkeypatch, caplog):
    """A black hole (an S3 endpoint that takes the connection and never answers): with two
    copies required the uploads go on, and the writes waiting for it stay bounded (here: 1)."""
    monkeypatch.setattr(_Escritora, "PENDIENTES", 1)
    caplog.set_level(logging.WARNING, logger="prep.digitalizacion.almacen")
    agujero = socket.create_server(("127.0.0.1", 0))
    agujero.settimeout(5)
    conexiones = []
    datos = [DATOS + bytes([n]) for n in range(3)]
    try:
        puerto = agujero.getsockname()[1]
        mudo = AlmacenS3(copias.bucket.nombre, PREFIJO, f"http://127.0.0.1:{puerto}")
        tienda = AlmacenReplicado([copias.a, copias.b, mudo], 2)
        inicio = time.monotonic()
        assert [tienda.guardar(d) for d in datos] == [digesto(d) for d in datos]
        assert time.monotonic() - inicio < 5
        assert all(copias.a.existe(digesto(d)) and copias.b.existe(digesto(d)) for d in datos)
        assert caplog.text.count("1 escrituras pendientes; no se espera") == 2
        conexiones.append(agujero.accept()[0])  # the first write, still waiting
        agujero.settimeout(0.5)
        with pytest.raises(TimeoutError):
            conexiones.append(agujero.accept()[0])  # and no other
    finally:
        for conexion in conexiones:
            conexion.close()
        agujero.close()
    # The endpoint gone, the waiting write fails (logged) and its thread is free again.
    plazo = time.monotonic() + 10
    while f"no guardó la imagen {digesto(datos[0])}" not in caplog.text:
        assert time.monotonic() < plazo, caplog.text
        time.sleep(0.05)


# --- the upload API --------------------------------------------------------------------------


@pytest.mark.django_db
def test_la_api_responde_503_sin_las_copias_requeridas_y_no_registra_nada(
    copias, servidor_s3: ServidorS3, subir, esperada, telefono
):
    datos = foto_de(esperada)
    sha = digesto(datos)
    actas = list(Acta.objects.values_list("pk", "estado"))
    servidor_s3.detener()
    try:
        respuesta = subir(datos, telefono[1])
    finally:
        servidor_s3.iniciar()
    assert respuesta.status_code == 503, respuesta.content
    cuerpo = respuesta.json()
    assert cuerpo["codigo"] == "almacen_no_disponible"
    assert "no pudo guardar la imagen en las copias requeridas (2 de 3)" in cuerpo["mensaje"]
    assert "no se registró" in cuerpo["mensaje"]
    assert copias.bucket.nombre not in cuerpo["mensaje"]  # the detail is for the log
    assert not Imagen.objects.exists()
    assert not Entrada.objects.filter(objeto=f"imagen:{sha}").exists()
    assert list(Acta.objects.values_list("pk", "estado")) == actas
    # The device sends it again once the bucket is back: accepted, every copy holds it.
    otra_vez = subir(datos, telefono[1])
    assert otra_vez.status_code == 201, otra_vez.content
    assert copias.en_s3(sha) and almacen().existe(sha)


@pytest.mark.django_db
def test_la_api_acepta_con_las_copias_requeridas_aunque_falte_una(
    copias, servidor_s3: ServidorS3, subir, esperada, telefono, settings
):
    settings.PREP_IMAGENES_COPIAS = "2"
    servidor_s3.detener()
    try:
        respuesta = subir(foto_de(esperada), telefono[1])
    finally:
        servidor_s3.iniciar()
    assert respuesta.status_code == 201, respuesta.content
    assert Imagen.objects.filter(sha256=respuesta.json()["sha256"]).exists()


# --- the scrub ---------------------------------------------------------------------------


def _registrar(tienda: AlmacenReplicado, n: int) -> list[str]:
    """n small images stored in every copy, with their Imagen rows."""
    digestos = [tienda.guardar(f"imagen {i} ".encode() * 40) for i in range(n)]
    Imagen.objects.bulk_create(
        Imagen(
            sha256=sha256,
            tamano=1,
            tipo=Imagen.Tipo.PNG,
            ancho=1,
            alto=1,
            origen=Acta.Origen.CATD,
            digitalizacion=Acta.Digitalizacion.ESCANER,
            estado=Imagen.Estado.PENDIENTE,
            subida_por="prueba",
        )
        for sha256 in digestos
    )
    return digestos


def _verificar(*argumentos: str) -> tuple[int, str]:
    salida = StringIO()
    try:
        call_command("imagenes", "verificar", *argumentos, "--hilos", "4", stdout=salida)
    except CommandError as error:
        return error.returncode, salida.getvalue() + str(error)
    return 0, salida.getvalue()


def _fila(salida: str, copia: str) -> list[int]:
    """The counts of a copy in the report: revisadas … irrecuperables."""
    linea = next(linea for linea in salida.splitlines() if linea.startswith(copia + " "))
    return [int(n) for n in linea.split()[-6:]]


@pytest.mark.django_db
def test_verificar_encuentra_y_reparar_repone_las_copias(copias):
    tienda = almacen()
    borrada, danada, sin_objeto, *_ = _registrar(tienda, 7)
    copias.a.ruta(borrada).unlink()
    ruta_danada = _danar(copias.b, danada)
    copias.borrar_de_s3(sin_objeto)
    a, b, s3 = (c.descripcion for c in copias.lista)
    assert s3 == f"s3://{copias.bucket.nombre}/{PREFIJO}"

    codigo, salida = _verificar()
    assert codigo == 1, salida
    assert "7 imágenes en 3 copias (se requieren 3)" in salida
    # revisadas, faltantes, dañadas, con error, reparadas, irrecuperables
    assert _fila(salida, a) == [7, 1, 0, 0, 0, 0]
    assert _fila(salida, b) == [7, 0, 1, 0, 0, 0]
    assert _fila(salida, s3) == [7, 1, 0, 0, 0, 0]
    assert "3 imágenes tienen menos de 3 copias buenas" in salida

    codigo, salida = _verificar("--reparar")
    assert codigo == 0, salida
    assert [_fila(salida, c)[4] for c in (a, b, s3)] == [1, 1, 1]
    assert copias.a.leer(borrada) and copias.b.leer(danada) and copias.s3.leer(sin_objeto)
    assert not ruta_danada.stat().st_mode & 0o222  # replaced by a read-only file
    assert [p.name for p in ruta_danada.parent.iterdir()] == [danada]  # no temporary left

    codigo, salida = _verificar()
    assert codigo == 0, salida
    assert all(_fila(salida, c) == [7, 0, 0, 0, 0, 0] for c in (a, b, s3))
    assert "Cada imagen tiene las copias buenas que se requieren (3)." in salida

    entradas = Entrada.objects.filter(accion="digitalizacion.verificar_almacen").order_by("numero")
    assert [e.despues["insuficientes"] for e in entradas] == [3, 0, 0]
    assert [e.despues["reparar"] for e in entradas] == [False, True, False]
    assert entradas[1].despues["copias"][2] == {
        "copia": s3,
        "revisadas": 7,
        "faltantes": 1,
        "corruptas": 0,
        "con_error": 0,
        "reparadas": 1,
        "irrecuperables": 0,
    }
    assert all(e.actor.startswith("consola:") for e in entradas)


@pytest.mark.django_db
def test_verificar_cuenta_la_copia_que_no_responde(copias, servidor_s3: ServidorS3, settings):
    settings.PREP_IMAGENES_COPIAS = "2"
    _registrar(AlmacenReplicado(copias.lista, 3), 3)
    servidor_s3.detener()
    try:
        codigo, salida = _verificar("--reparar")
    finally:
        servidor_s3.iniciar()
    assert codigo == 0, salida  # two good copies of each, as required
    assert _fila(salida, copias.s3.descripcion) == [3, 0, 0, 3, 0, 0]


@pytest.mark.django_db(transaction=True)
def test_una_imagen_sin_copia_buena_es_irrecuperable_y_prep_sale_con_1(copias, tmp_path):
    perdida, danada_en_todas, _sana = _registrar(almacen(), 3)
    for copia in (copias.a, copias.b):
        copia.ruta(perdida).unlink()
        _danar(copia, danada_en_todas)
    copias.borrar_de_s3(perdida)
    copias.borrar_de_s3(danada_en_todas)

    resultado = prep("imagenes", "verificar", "--reparar", cwd=tmp_path)
    assert resultado.returncode == 1, resultado.stderr
    assert _fila(resultado.stdout, copias.a.descripcion) == [3, 1, 1, 0, 0, 2]
    assert _fila(resultado.stdout, copias.s3.descripcion) == [3, 2, 0, 0, 0, 2]
    assert "Sin ninguna copia buena (irrecuperables): 2 imágenes" in resultado.stdout
    assert perdida in resultado.stdout and danada_en_todas in resultado.stdout
    assert "2 imágenes tienen menos de 3 copias buenas" in resultado.stderr

    estado = prep("imagenes", "estado", cwd=tmp_path)
    assert estado.returncode == 0, estado.stderr
    assert "Copias del almacén: 3 (una imagen se acepta cuando 3 la guardan)" in estado.stdout
    assert f"{copias.s3.descripcion}: responde" in estado.stdout


@pytest.mark.django_db
def test_la_carpeta_vigilada_deja_el_archivo_y_lo_reintenta(
    copias, servidor_s3: ServidorS3, esperada, escaner, tmp_path
):
    """A store that cannot keep the copies is not a refused file: it stays in the folder (not
    in rechazadas/) and is ingested once the store is back."""
    carpeta = tmp_path / "entrada"
    for subcarpeta in (PROCESADAS, RECHAZADAS):
        (carpeta / subcarpeta).mkdir(parents=True)
    archivo = carpeta / "acta.jpg"
    archivo.write_bytes(foto_de(esperada))
    vigilante = Vigilante(carpeta, escaner[0].nombre)
    servidor_s3.detener()
    try:
        resultado = vigilante.procesar(archivo)
    finally:
        servidor_s3.iniciar()
    assert not resultado.aceptado
    assert "no pudo guardar la imagen en las copias requeridas" in resultado.mensaje
    assert archivo.is_file() and not Imagen.objects.exists()
    assert not any((carpeta / RECHAZADAS).iterdir())
    assert vigilante.procesar(archivo).aceptado
    assert not archivo.exists() and Imagen.objects.count() == 1
