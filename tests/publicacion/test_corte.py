"""Cortes: embargo and close (T-E1–T-E3), the folder and its files, the JSON equal to the CSV
database (T-P3), hard links for what did not change, the manifest chain, the lease, and a
generator that died half-way."""

import csv
import hashlib
import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from prep.bitacora.models import Entrada
from prep.difusion.models import publicados
from prep.digitalizacion.almacen import almacen
from prep.digitalizacion.models import Imagen
from prep.errores import ErrorDeDominio
from prep.publicacion import corte as generador
from prep.publicacion import manifiesto
from prep.publicacion.carpetas import PREFIJO_PREPARACION, raiz
from prep.publicacion.corte import publicar, tomar_turno
from prep.publicacion.manifiesto import ULTIMO
from prep.publicacion.models import Calendario, Corte, Turno
from tests.publicacion.eleccion import Eleccion

pytestmark = pytest.mark.django_db


@pytest.fixture
def eleccion(tmp_path, settings):
    settings.PREP_PUBLICACION_DIR = tmp_path / "publicacion"
    settings.PREP_LLAVE_FIRMA = tmp_path / "llaves" / "firma.pem"
    return Eleccion(tmp_path)


def _carpetas() -> list[str]:
    return sorted(p.name for p in raiz().iterdir()) if raiz().exists() else []


def _leer(corte: Corte, ruta: str) -> bytes:
    return (raiz() / corte.carpeta / ruta).read_bytes()


def test_T_E1_E2_nada_se_publica_antes_del_inicio(eleccion):
    eleccion.registrar(30)
    with pytest.raises(ErrorDeDominio, match="embargo") as error:
        publicar(eleccion.inicio - timedelta(minutes=1), difusores=publicados)
    assert error.value.codigo == "fuera_de_ventana"
    assert _carpetas() == []  # no corte, no half corte, no `ultimo`
    assert not Corte.objects.exists()
    primero = publicar(eleccion.inicio, difusores=publicados)
    assert primero.momento == eleccion.inicio and primero.numero == 1


def test_un_corte_es_una_carpeta_completa_y_firmada(eleccion):
    eleccion.registrar(40, con_imagen=5)
    corte = publicar(eleccion.minuto(0), difusores=publicados)
    carpeta = raiz() / corte.carpeta
    assert corte.carpeta == f"{eleccion.inicio:%Y%m%d_%H%M}_PREP"
    assert os.readlink(raiz() / ULTIMO) == corte.carpeta
    datos = _leer(corte, manifiesto.MANIFIESTO)
    leido = manifiesto.leer(datos)
    assert (leido.corte, leido.anterior, leido.final) == (1, None, False)
    publica = carpeta / manifiesto.LLAVE_PUBLICA
    from prep.publicacion.llaves import leer_publica

    assert manifiesto.firma_valida(
        datos, _leer(corte, manifiesto.FIRMA), leer_publica(publica.read_bytes())
    )
    presentes = {
        p.relative_to(carpeta).as_posix()
        for p in carpeta.rglob("*")
        if p.is_file() and p.name not in manifiesto.FUERA_DEL_MANIFIESTO
    }
    assert presentes == {a.ruta for a in leido.archivos}
    for archivo in leido.archivos:
        contenido = (carpeta / archivo.ruta).read_bytes()
        assert (len(contenido), hashlib.sha256(contenido).hexdigest()) == (
            archivo.bytes,
            archivo.sha256,
        )
    indice = _leer(corte, "index.html").decode()
    assert "assets/app." in indice and "assets/app.js" not in indice
    assert corte.bytes_escritos == corte.bytes_totales  # the first corte writes everything
    assert Entrada.objects.filter(accion="publicacion.corte", objeto="corte:1").exists()


def test_T_P3_imagenes_por_su_sha256_y_json_igual_a_la_base(eleccion, monkeypatch):
    # Images looked up 4 at a time, so that the batches (SQLite caps a query's variables, and a
    # national night has ~500,000 images) are exercised: 6 images, two batches.
    monkeypatch.setattr(generador, "LOTE_IMAGENES", 4)
    eleccion.registrar(40, con_imagen=6)
    corte = publicar(eleccion.minuto(0), difusores=publicados)
    carpeta = raiz() / corte.carpeta
    imagenes = list((carpeta / "imagenes").iterdir())
    assert len(imagenes) == 6
    for imagen in imagenes:
        assert hashlib.sha256(imagen.read_bytes()).hexdigest() == imagen.name.split(".")[0]
    info = json.loads(_leer(corte, "datos/corte.json"))
    with zipfile.ZipFile(carpeta / info["bases"]["archivo"]) as bases:
        for eleccion_json in info["elecciones"]:
            nombre = next(
                n for n in bases.namelist() if n.endswith(f"/{eleccion_json['tipo']}_2027.csv")
            )
            lineas = bases.read(nombre).decode("utf-8-sig").splitlines()
            filas = {tuple(f) for f in csv.reader(lineas[7:])}
            encabezado = next(csv.reader(lineas[6:7]))
            publicadas = set()
            for seccion in (carpeta / "datos" / eleccion_json["tipo"] / "seccion").iterdir():
                nodo = json.loads(seccion.read_bytes())
                assert nodo["columnas_acta"] == encabezado
                for casilla in nodo["casillas"]:
                    publicadas |= {tuple(a) for a in casilla["actas"]}
                for sha, ruta in nodo["imagenes"].items():
                    assert (carpeta / ruta).is_file() and sha in ruta
            assert publicadas and publicadas <= filas
    assert (
        hashlib.sha256(_leer(corte, info["bases"]["archivo"])).hexdigest()
        == info["bases"]["sha256"]
    )


def test_lo_que_no_cambio_se_enlaza_y_la_cadena_une_los_cortes(eleccion):
    eleccion.registrar(30, con_imagen=4)
    primero = publicar(eleccion.minuto(0), difusores=publicados)
    eleccion.registrar(4)
    segundo = publicar(eleccion.minuto(20), difusores=publicados)
    assert segundo.numero == 2
    assert (
        segundo.anterior_sha256 == hashlib.sha256(_leer(primero, manifiesto.MANIFIESTO)).hexdigest()
    )
    assert (
        manifiesto.leer(_leer(segundo, manifiesto.MANIFIESTO)).anterior == segundo.anterior_sha256
    )
    assert 0 < segundo.bytes_escritos < segundo.bytes_totales / 2
    uno, dos = raiz() / primero.carpeta, raiz() / segundo.carpeta
    for imagen in (uno / "imagenes").iterdir():
        assert (dos / "imagenes" / imagen.name).stat().st_ino == imagen.stat().st_ino
    assert (dos / "index.html").stat().st_ino == (uno / "index.html").stat().st_ino
    assert os.readlink(raiz() / ULTIMO) == segundo.carpeta
    with pytest.raises(ErrorDeDominio, match="ya hay un corte"):
        publicar(eleccion.minuto(20), difusores=publicados)


def test_T_E3_al_100_por_ciento_cierra_con_acta_circunstanciada(eleccion):
    eleccion.registrar(20)
    publicar(eleccion.minuto(0), difusores=publicados)
    eleccion.registrar_todas(pendientes=True)
    final = publicar(eleccion.minuto(20), difusores=publicados)
    assert final.final
    acta = _leer(final, "ACTA_CIRCUNSTANCIADA.txt").decode()
    assert "100 %" in acta and "Gubernatura" in acta
    zip_sha = json.loads(_leer(final, "datos/corte.json"))["bases"]["sha256"]
    assert zip_sha in acta
    assert Calendario.objects.get().cerrado == final.momento
    with pytest.raises(ErrorDeDominio, match="se cerró"):
        publicar(eleccion.minuto(40), difusores=publicados)
    assert Corte.objects.count() == 2
    assert os.readlink(raiz() / ULTIMO) == final.carpeta


def test_un_generador_a_la_vez(eleccion):
    eleccion.registrar(10)
    tomar_turno("otro-servidor:123", timezone.now())
    with pytest.raises(ErrorDeDominio, match="otro generador") as error:
        publicar(eleccion.minuto(0), difusores=publicados)
    assert error.value.codigo == "generador_ocupado"
    Turno.objects.update(hasta=timezone.now() - timedelta(seconds=1))  # it died: lease expired
    assert publicar(eleccion.minuto(0), difusores=publicados).numero == 1
    assert Turno.objects.get().titular == ""


def test_un_corte_interrumpido_se_completa_o_se_descarta(eleccion, monkeypatch):
    eleccion.registrar(10)
    primero = publicar(eleccion.minuto(0), difusores=publicados)

    reemplazar = os.replace

    def morir(origen, destino):
        if PREFIJO_PREPARACION in str(origen):
            raise SystemExit("kill -9")
        reemplazar(origen, destino)

    # Dies after recording corte 2 and before renaming its folder into place.
    monkeypatch.setattr(generador.os, "replace", morir)
    with pytest.raises(SystemExit):
        publicar(eleccion.minuto(20), difusores=publicados)
    monkeypatch.undo()
    segundo = Corte.objects.get(numero=2)
    assert (raiz() / f"{PREFIJO_PREPARACION}{segundo.carpeta}").is_dir()
    assert os.readlink(raiz() / ULTIMO) == primero.carpeta  # visitors still see corte 1
    abandonada = raiz() / f"{PREFIJO_PREPARACION}20270606_2359_PREP"
    abandonada.mkdir()
    tercero = publicar(eleccion.minuto(40), difusores=publicados)
    assert (raiz() / segundo.carpeta / manifiesto.MANIFIESTO).is_file()
    assert not abandonada.exists()
    assert tercero.anterior_sha256 == segundo.manifiesto_sha256
    assert os.readlink(raiz() / ULTIMO) == tercero.carpeta


def test_orden_publicar(eleccion, capsys):
    eleccion.registrar(10)
    with pytest.raises(Exception, match="embargo"):
        call_command("publicar")  # the real clock says 2026: long before the 2027 start
    assert not Corte.objects.exists()


def test_la_base_del_corte_pasa_verificar_base(eleccion, tmp_path):
    eleccion.registrar(60)
    corte = publicar(eleccion.minuto(0), difusores=publicados)
    info = json.loads(_leer(corte, "datos/corte.json"))
    with zipfile.ZipFile(io.BytesIO(_leer(corte, info["bases"]["archivo"]))) as bases:
        bases.extractall(tmp_path / "bases")
    bases = [b for b in (tmp_path / "bases").rglob("*_2027.csv") if "_CANDIDATURAS_" not in b.name]
    assert len(bases) == 2
    for base in bases:
        salida = io.StringIO()
        call_command("verificar_base", str(base), stdout=salida)
        assert salida.getvalue().strip().splitlines()[-1].startswith("filas en desacuerdo: 0 de")


def test_R11_candidaturas_de_coalicion_con_sus_columnas(eleccion):
    eleccion.registrar(40)
    corte = publicar(eleccion.minuto(0), difusores=publicados)
    info = json.loads(_leer(corte, "datos/corte.json"))
    gob = next(e for e in info["elecciones"] if e["tipo"] == "GOB")
    claves = [c["clave"] for c in gob["columnas"]]
    assert gob["candidaturas"], "la elección sintética tiene coaliciones"
    for candidatura in gob["candidaturas"]:
        assert set(candidatura["columnas"]) <= set(claves)
        # Its own parties and at least one combination of them (e.g. PAN, PRI, PAN_PRI).
        combinaciones = [c for c in candidatura["columnas"] if "_" in c]
        assert combinaciones and len(candidatura["columnas"]) > len(combinaciones)


def test_sin_la_imagen_en_el_almacen_el_corte_se_detiene_y_lo_dice(eleccion):
    eleccion.registrar(20, con_imagen=3)
    publicar(eleccion.minuto(0), difusores=publicados)
    eleccion.registrar(10, con_imagen=2)
    nueva = (
        Imagen.objects.exclude(
            sha256__in=[p.stem for p in (raiz() / "ultimo" / "imagenes").iterdir()]
        )
        .values_list("sha256", flat=True)
        .first()
    )
    (almacen().ruta(nueva)).unlink()
    with pytest.raises(ErrorDeDominio, match="no se publica el corte") as error:
        publicar(eleccion.minuto(20), difusores=publicados)
    assert error.value.codigo == "imagen_faltante"
    assert Corte.objects.count() == 1
    assert os.readlink(raiz() / ULTIMO) == Corte.objects.get().carpeta
