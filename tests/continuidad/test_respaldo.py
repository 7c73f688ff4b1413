"""Backups: `prep respaldo crear` while the system keeps writing, and the restore drill — the
backup restored into a fresh system (its own database, folders and `prep` processes) publishes
the next corte hash for hash as the original does. A damaged archive and a restore over data
are refused before anything changes.

The drill runs on the suite's engine: SQLite, or PostgreSQL (pg_dump/pg_restore) when
PREP_DATABASE_URL names one, with the fresh system's database created on the same server."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from prep import reloj
from prep.bitacora.models import Cabeza, Entrada
from prep.bitacora.servicios import registrar
from prep.continuidad import creacion, formato, motores
from prep.continuidad.restauracion import PREFIJO_REEMPLAZADOS
from prep.continuidad.verificacion import verificar
from prep.cuentas.consola import actor_de_consola
from prep.difusion.models import publicados
from prep.digitalizacion.models import Imagen
from prep.huella import huella_software
from prep.publicacion import llaves, manifiesto
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from prep.publicacion.verificacion_corte import verificar_publicacion
from prep.servidor.servidor import url_de_la_base
from tests.publicacion.eleccion import Eleccion
from tests.servicios.s3 import ACCESO, REGION, SECRETO

pytestmark = pytest.mark.django_db(transaction=True)
RAIZ = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SistemaNuevo:
    """A fresh PREP installation: an empty database, its own var and publication folders (its
    own image store), the institute's private key restored apart; `prep` runs as a child."""

    var: Path
    publicacion: Path
    url: str | None  # None: SQLite where the settings put it by default, under var/

    def prep(
        self, *argumentos: str, momento=None, entorno: dict | None = None
    ) -> subprocess.CompletedProcess:
        propio = {
            **os.environ,
            "PYTHONPATH": str(RAIZ),
            "PREP_VAR_DIR": str(self.var),
            "PREP_PUBLICACION_DIR": str(self.publicacion),
        }
        propio.pop("PREP_IMAGENES_URL", None)  # its own store, under var/, unless `entorno`
        propio.pop("PREP_DATABASE_URL", None)
        if self.url is not None:
            propio["PREP_DATABASE_URL"] = self.url
        if momento is not None:
            propio["PREP_RELOJ"] = reloj.texto_simulado(momento, 1, timezone.now())
        return subprocess.run(
            [sys.executable, "-m", "prep.cli", *argumentos],
            env={**propio, **(entorno or {})},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


@pytest.fixture
def sistema_nuevo(tmp_path) -> Iterator[SistemaNuevo]:
    """On SQLite a new file; on PostgreSQL a new database on the suite's server, dropped at
    the end."""
    carpeta = tmp_path / "nuevo"
    if connection.vendor == "sqlite":
        yield SistemaNuevo(carpeta / "var", carpeta / "publicacion", None)
        return
    import psycopg

    nombre = f"prep_restaurada_{uuid.uuid4().hex[:12]}"
    parametros = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**parametros) as administrador:
        administrador.execute(f'CREATE DATABASE "{nombre}"')
    try:
        url = urlsplit(url_de_la_base())._replace(path=f"/{nombre}").geturl()
        yield SistemaNuevo(carpeta / "var", carpeta / "publicacion", url)
    finally:
        with psycopg.connect(**parametros) as administrador:
            administrador.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')


def _huellas(carpeta: Path) -> dict[str, str]:
    """Every file under `carpeta`, hashed from disk."""
    return {
        str(p.relative_to(carpeta)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(carpeta.rglob("*"))
        if p.is_file()
    }


def _estado() -> tuple:
    """What a refused restore must leave as it was: counts, bitácora head, published files."""
    return (
        motores.contar(),
        tuple(Cabeza.objects.values_list("numero", "hash").get()),
        _huellas(raiz()),
    )


def _crear(archivo: Path) -> str:
    salida = io.StringIO()
    call_command("respaldo", "crear", str(archivo), stdout=salida)
    return salida.getvalue()


@pytest.mark.lento
def test_simulacro_el_sistema_restaurado_publica_el_mismo_corte(
    tmp_path, sistema_nuevo, monkeypatch
):
    eleccion = Eleccion(tmp_path, casillas=60)
    eleccion.registrar(50, con_imagen=20)
    primero = publicar(eleccion.minuto(0), difusores=publicados)
    eleccion.registrar(70, con_imagen=25)
    archivo = tmp_path / "respaldos" / "prep.tar"
    archivo.parent.mkdir()
    # As if an earlier build had made the backup: the restore says the software differs.
    anterior = "0a" * 32
    monkeypatch.setattr(creacion, "huella_software", lambda: anterior)
    informe = _crear(archivo)
    assert f"respaldo escrito en {archivo}" in informe
    assert f"huella del software: {anterior}" in informe
    [entrada] = Entrada.objects.filter(accion="continuidad.respaldo")
    assert entrada.actor == actor_de_consola().nombre
    assert entrada.despues["sha256"] == hashlib.sha256(archivo.read_bytes()).hexdigest()

    # The original goes on and makes its next corte (new databases zip included, the one file
    # compressed at publication); then the disaster.
    original = publicar(eleccion.minuto(20), difusores=publicados)
    assert original.con_bases

    inicio = time.monotonic()
    restaurado = sistema_nuevo.prep("respaldo", "restaurar", str(archivo))
    assert restaurado.returncode == 0, restaurado.stderr
    assert "bitácora íntegra; conteos iguales a los del respaldo" in restaurado.stdout
    assert "corresponde al respaldo" in restaurado.stdout  # PREP_LLAVE_FIRMA, restored apart
    assert (
        f"el respaldo lo hizo otro software (huella {anterior}); el que restauró tiene la huella"
        f" {huella_software()}"
    ) in restaurado.stdout
    otro = sistema_nuevo.prep("publicar", momento=eleccion.minuto(20))
    assert otro.returncode == 0, otro.stderr
    recuperacion = time.monotonic() - inicio
    print(f"recuperación de punta a punta: {recuperacion:.1f} s ({restaurado.stdout.strip()})")

    # The restored corte 1 and the corte 2 each system made: hash for hash, signature included.
    for carpeta in (primero.carpeta, original.carpeta):
        assert (sistema_nuevo.publicacion / carpeta / "manifest.json").read_bytes() == (
            raiz() / carpeta / "manifest.json"
        ).read_bytes()
        assert _huellas(sistema_nuevo.publicacion / carpeta) == _huellas(raiz() / carpeta)
    informe = verificar_publicacion(sistema_nuevo.publicacion)
    assert informe.integro, [str(f) for i in informe.informes for f in i.fallas]
    assert len(informe.cortes) == 2

    # Once it holds data the fresh system refuses another restore, unless --forzar: the backup's
    # state comes back and the corte made since is set aside, not deleted.
    otra_vez = sistema_nuevo.prep("respaldo", "restaurar", str(archivo))
    assert otra_vez.returncode != 0
    assert "ya tiene datos" in otra_vez.stderr and "--forzar" in otra_vez.stderr
    assert "ya tiene cortes" in otra_vez.stderr
    forzado = sistema_nuevo.prep("respaldo", "restaurar", str(archivo), "--forzar")
    assert forzado.returncode == 0, forzado.stderr
    assert "se apartaron en" in forzado.stdout
    [apartados] = sistema_nuevo.publicacion.glob(f"{PREFIJO_REEMPLAZADOS}*")
    assert sorted(p.name for p in apartados.iterdir()) == sorted(
        ["ultimo", primero.carpeta, original.carpeta]
    )
    assert sorted(p.name for p in sistema_nuevo.publicacion.iterdir()) == sorted(
        [apartados.name, "ultimo", primero.carpeta]
    )
    de_nuevo = sistema_nuevo.prep("publicar", momento=eleccion.minuto(20))
    assert de_nuevo.returncode == 0, de_nuevo.stderr
    assert _huellas(sistema_nuevo.publicacion / original.carpeta) == _huellas(
        raiz() / original.carpeta
    )


def test_el_archivo_lleva_la_base_las_imagenes_los_cortes_y_solo_la_llave_publica(tmp_path):
    eleccion = Eleccion(tmp_path, casillas=20)
    eleccion.registrar(30, con_imagen=6)
    primero = publicar(eleccion.minuto(0), difusores=publicados)
    eleccion.registrar(4)
    segundo = publicar(eleccion.minuto(20), difusores=publicados)
    archivo = tmp_path / "prep.tar"
    _crear(archivo)

    with tarfile.open(archivo) as tar:
        miembros = tar.getmembers()
        datos = json.loads(tar.extractfile(formato.MANIFIESTO).read())
        publica = tar.extractfile(formato.LLAVE).read()
    nombres = [m.name for m in miembros]
    assert all(m.isfile() for m in miembros)
    assert nombres[0] == formato.BASES[connection.vendor]
    assert nombres[-1] == formato.MANIFIESTO
    assert [(m["nombre"], m["bytes"]) for m in datos["miembros"]] == [
        (m.name, m.size) for m in miembros[:-1]
    ]
    assert publica == llaves.publica_pem(llaves.cargar().public_key())
    assert llaves.ruta_llave().read_bytes() not in archivo.read_bytes()
    imagenes = [n for n in nombres if n.startswith(formato.IMAGENES)]
    assert len(imagenes) == datos["conteos"]["imagenes"] == 6

    # Each corte: its manifest and signature, and only what the previous one did not have;
    # the images travel once, under imagenes/.
    for corte, previo in ((primero, None), (segundo, primero)):
        listados = manifiesto.leer(_leer(corte, manifiesto.MANIFIESTO)).por_ruta()
        antes = {} if previo is None else manifiesto.leer(_leer(previo, "manifest.json")).por_ruta()
        prefijo = f"{formato.PUBLICACION}{corte.carpeta}/"
        llevados = {n.removeprefix(prefijo) for n in nombres if n.startswith(prefijo)}
        cambiados = {
            r for r, a in listados.items() if antes.get(r) != a and not r.startswith("imagenes/")
        }
        assert llevados == cambiados | {manifiesto.MANIFIESTO, manifiesto.FIRMA}
    assert 0 < len(llevados) < len(listados) / 2

    assert datos["cortes"] == [
        {"numero": c.numero, "carpeta": c.carpeta, "manifiesto": c.manifiesto_sha256}
        for c in (primero, segundo)
    ]
    assert datos["motor"] == connection.vendor
    assert datos["migraciones"]["bitacora"].startswith("0")
    cabeza = Cabeza.objects.get()
    # The backup's own bitácora entry comes after its snapshot.
    anterior = Entrada.objects.get(numero=cabeza.numero - 1)
    assert datos["bitacora"] == {"numero": anterior.numero, "hash": anterior.hash}
    assert datos["conteos"]["bitacora"] == cabeza.numero - 1
    verificar(archivo)  # every member matches the manifest


def _leer(corte, ruta: str) -> bytes:
    return (raiz() / corte.carpeta / ruta).read_bytes()


def test_un_respaldo_alterado_se_rechaza_sin_tocar_nada(tmp_path):
    eleccion = Eleccion(tmp_path, casillas=20)
    eleccion.registrar(40, con_imagen=4)
    publicar(eleccion.minuto(0), difusores=publicados)
    archivo = tmp_path / "prep.tar"
    _crear(archivo)
    with tarfile.open(archivo) as tar:
        imagen = next(m for m in tar.getmembers() if m.name.startswith(formato.IMAGENES))
    with archivo.open("r+b") as datos:  # one byte of one image
        datos.seek(imagen.offset_data + imagen.size // 2)
        byte = datos.read(1)
        datos.seek(-1, os.SEEK_CUR)
        datos.write(bytes([byte[0] ^ 0x01]))

    antes = _estado()
    with pytest.raises(CommandError) as error:
        call_command("respaldo", "restaurar", str(archivo), "--forzar")
    mensaje = str(error.value)
    assert "no corresponde a su manifiesto; no se modificó nada" in mensaje
    assert f"{imagen.name}: su SHA-256 o su tamaño no son los del manifiesto" in mensaje
    assert _estado() == antes
    assert not list(raiz().glob(".restaurando-*"))

    # Cut short (a copy that did not finish): refused as unreadable.
    truncado = tmp_path / "truncado.tar"
    truncado.write_bytes(archivo.read_bytes()[: imagen.offset_data + 1000])
    with pytest.raises(CommandError, match="no es un respaldo legible"):
        call_command("respaldo", "restaurar", str(truncado), "--forzar")
    assert _estado() == antes


def test_no_se_restaura_sobre_una_base_con_datos_sin_forzar(tmp_path):
    eleccion = Eleccion(tmp_path, casillas=20)
    eleccion.registrar(20)
    publicar(eleccion.minuto(0), difusores=publicados)
    archivo = tmp_path / "prep.tar"
    _crear(archivo)
    antes = _estado()
    with pytest.raises(CommandError, match=r"ya tiene datos .*--forzar"):
        call_command("respaldo", "restaurar", str(archivo))
    assert _estado() == antes


def test_con_otra_llave_de_firma_no_se_restaura(tmp_path, settings):
    eleccion = Eleccion(tmp_path, casillas=10)
    eleccion.registrar(10)
    publicar(eleccion.minuto(0), difusores=publicados)
    archivo = tmp_path / "prep.tar"
    _crear(archivo)
    antes = _estado()
    settings.PREP_LLAVE_FIRMA = tmp_path / "otra" / "firma.pem"
    llaves.generar()
    with pytest.raises(CommandError, match="no es la del respaldo") as error:
        call_command("respaldo", "restaurar", str(archivo), "--forzar")
    assert "no se modificó nada" in str(error.value)
    assert _estado() == antes


def test_un_respaldo_de_otro_motor_se_rechaza(tmp_path):
    Eleccion(tmp_path, casillas=10)
    archivo = tmp_path / "prep.tar"
    _crear(archivo)
    # The same archive, made to say it comes from the other engine (consistently: it verifies).
    propia = formato.BASES[connection.vendor]
    otro_motor = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    otro = tmp_path / "otro.tar"
    with tarfile.open(archivo) as tar, tarfile.open(otro, "w") as nuevo:
        for miembro in tar.getmembers():
            contenido = tar.extractfile(miembro) if miembro.isfile() else None
            if miembro.name == formato.MANIFIESTO:
                datos = json.loads(contenido.read())
                datos["motor"] = otro_motor
                for m in datos["miembros"]:
                    if m["nombre"] == propia:
                        m["nombre"] = formato.BASES[otro_motor]
                crudo = json.dumps(datos).encode()
                miembro.size, contenido = len(crudo), io.BytesIO(crudo)
            elif miembro.name == propia:
                miembro.name = formato.BASES[otro_motor]
            nuevo.addfile(miembro, contenido)
    antes = _estado()
    with pytest.raises(CommandError, match="restaurar de un motor a otro no se admite"):
        call_command("respaldo", "restaurar", str(otro), "--forzar")
    assert _estado() == antes


@pytest.mark.lento
def test_las_imagenes_van_y_vuelven_por_el_almacen_configurado(
    tmp_path, settings, monkeypatch, servidor_s3, sistema_nuevo
):
    """The original keeps its images in one S3 bucket, the restored system in another: the
    backup reads them through the store and the restore writes them through the store."""
    for variable, valor in (
        ("AWS_ACCESS_KEY_ID", ACCESO),
        ("AWS_SECRET_ACCESS_KEY", SECRETO),
        ("AWS_DEFAULT_REGION", REGION),
    ):
        monkeypatch.setenv(variable, valor)
    cliente = servidor_s3.cliente()
    origen, destino = (f"actas-{uuid.uuid4().hex[:12]}" for _ in range(2))
    for bucket in (origen, destino):
        cliente.create_bucket(Bucket=bucket)
    settings.PREP_IMAGENES_URL = f"s3://{origen}/imagenes"
    settings.PREP_S3_ENDPOINT = servidor_s3.endpoint
    eleccion = Eleccion(tmp_path, casillas=20)
    eleccion.registrar(40, con_imagen=5)
    publicar(eleccion.minuto(0), difusores=publicados)
    archivo = tmp_path / "prep.tar"
    _crear(archivo)

    hecho = sistema_nuevo.prep(
        "respaldo",
        "restaurar",
        str(archivo),
        entorno={
            "PREP_IMAGENES_URL": f"s3://{destino}/copia",
            "PREP_S3_ENDPOINT": servidor_s3.endpoint,
        },
    )
    assert hecho.returncode == 0, hecho.stderr
    guardadas = cliente.list_objects_v2(Bucket=destino, Prefix="copia/")["Contents"]
    assert sorted(o["Key"].rsplit("/", 1)[1] for o in guardadas) == sorted(
        Imagen.objects.values_list("sha256", flat=True)
    )
    assert len(guardadas) == 5


@pytest.mark.lento
def test_se_respalda_mientras_el_sistema_escribe(tmp_path):
    """`prep respaldo crear` in a child process while this one keeps appending to the
    bitácora: the archive is one snapshot (its head is an entry of the chain, with that many
    entries before it), taken without stopping the writer."""
    eleccion = Eleccion(tmp_path, casillas=30)
    eleccion.registrar(60, con_imagen=10)
    archivo = tmp_path / "prep.tar"
    entorno = {**os.environ, "PYTHONPATH": str(RAIZ), "PREP_DATABASE_URL": url_de_la_base()}
    proceso = subprocess.Popen(
        [sys.executable, "-m", "prep.cli", "respaldo", "crear", str(archivo)],
        env=entorno,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    escritas = 0
    limite = time.monotonic() + 120
    while proceso.poll() is None:
        assert time.monotonic() < limite, "el respaldo no terminó"
        with transaction.atomic():
            registrar("prueba", "prueba.escritura", f"n:{escritas}")
        escritas += 1
    _salida, errores = proceso.communicate()
    assert proceso.returncode == 0, errores
    assert escritas > 0
    datos = verificar(archivo).manifiesto
    cabeza = datos["bitacora"]
    assert Entrada.objects.get(numero=cabeza["numero"]).hash == cabeza["hash"]
    assert datos["conteos"]["bitacora"] == cabeza["numero"]
