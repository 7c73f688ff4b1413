"""Writing a synthetic election: the catálogo CSV format, actas.jsonl, byte-identical output."""

import csv
import hashlib
import json

import pytest

from prep.reglas.cifras import Lectura
from prep.simulacro.escritura import archivos, escribir, leer_actas
from prep.simulacro.generador import generar

# The catálogo format, as the importer reads it (header rows, exactly).
ENCABEZADOS = {
    "proceso.csv": "nombre,anio,zona_horaria",
    "entidades.csv": "clave,nombre",
    "distritos.csv": "entidad,tipo,numero,cabecera",
    "municipios.csv": "entidad,numero,nombre",
    "secciones.csv": "entidad,numero,distrito_federal,distrito_local,municipio",
    "casillas.csv": (
        "entidad,seccion,tipo,numero,ext_contigua,lista_nominal,representantes_pp_ci,"
        "ubicacion,mecanismo_traslado,municipio,distrito_local,distrito_federal"
    ),
    "partidos.csv": "siglas,tipo,nombre,nombre_corto,color,logo,orden",
    "elecciones.csv": (
        "tipo,nombre,tipo_acta,orden,prevalece,representantes,inconsistencias,no_aplica,"
        "participacion_sin_seccion"
    ),
    "coaliciones.csv": "eleccion,nombre,partidos,tipo",
    "columnas.csv": "eleccion,clave,tipo,orden,partidos,coalicion",
    "actas_esperadas.csv": (
        "eleccion,entidad,seccion,tipo_casilla,numero,ext_contigua,tipo_acta,municipio,"
        "distrito_local,distrito_federal"
    ),
    "boletas.csv": "eleccion,entidad,ambito,numero,tipo_acta,columnas",
    "candidaturas.csv": "eleccion,entidad,ambito,numero,columna,nombre",
}


@pytest.fixture(scope="module")
def escrita(tmp_path_factory, request):
    """The session's local election, written once."""
    directorio = tmp_path_factory.mktemp("simulacro")
    sintetica = request.getfixturevalue("local")
    escribir(sintetica, directorio)
    return sintetica, directorio


def _digestos(directorio):
    return {
        nombre: hashlib.sha256((directorio / nombre).read_bytes()).hexdigest()
        for nombre in archivos()
    }


def test_escribe_todos_los_archivos(escrita):
    _, directorio = escrita
    assert sorted(p.name for p in directorio.iterdir()) == sorted(archivos())


@pytest.mark.parametrize(("nombre", "encabezado"), ENCABEZADOS.items())
def test_encabezados_exactos(escrita, nombre, encabezado):
    _, directorio = escrita
    assert (directorio / nombre).read_text(encoding="utf-8").split("\n", 1)[0] == encabezado


def test_filas_del_catalogo(escrita):
    sintetica, directorio = escrita
    for nombre, filas in sintetica.catalogo.items():
        with open(directorio / nombre, encoding="utf-8", newline="") as archivo:
            leidas = list(csv.reader(archivo))[1:]
        assert leidas == [[str(v) for v in fila] for fila in filas], nombre


def test_valores_del_formato(escrita):
    _, directorio = escrita
    with open(directorio / "casillas.csv", encoding="utf-8", newline="") as archivo:
        for fila in csv.DictReader(archivo):
            assert fila["tipo"] in {"B", "C", "E", "S", "A", "M"}
            # Only voto anticipado and from abroad have no sección, and say where they count.
            sin_seccion = fila["tipo"] in {"A", "M"}
            assert (fila["seccion"] == "") == sin_seccion
            assert sin_seccion or fila["municipio"] == fila["distrito_local"] == ""
            assert fila["tipo"] != "S" or fila["lista_nominal"] == "0"
            assert fila["ubicacion"] in {"1", "2"}
            assert fila["mecanismo_traslado"] in {"", "D", "F", "I"}
    with open(directorio / "columnas.csv", encoding="utf-8", newline="") as archivo:
        columnas = list(csv.DictReader(archivo))
    for eleccion in {c["eleccion"] for c in columnas}:
        tipos = [c["tipo"] for c in columnas if c["eleccion"] == eleccion]
        assert tipos.count("NO_REGISTRADAS") == tipos.count("NULOS") == 1
    with open(directorio / "partidos.csv", encoding="utf-8", newline="") as archivo:
        for partido in csv.DictReader(archivo):
            assert partido["tipo"] in {"PARTIDO", "INDEPENDIENTE"}
            assert len(partido["color"]) == 7 and partido["color"].startswith("#")


def test_actas_jsonl_ida_y_vuelta(escrita):
    sintetica, directorio = escrita
    assert list(leer_actas(directorio / "actas.jsonl")) == sintetica.actas


def test_lecturas_como_texto(escrita):
    _, directorio = escrita
    lineas = (directorio / "actas.jsonl").read_text(encoding="utf-8").splitlines()
    votos = [v for linea in lineas for v in json.loads(linea)["votos"]]
    assert {v for v in votos if isinstance(v, str)} == {"ILEGIBLE", "SIN_DATO"}
    primera = next(a for a in map(json.loads, lineas) if a["registro"] == "CAPTURADA")
    assert set(primera) >= {"eleccion", "entidad", "seccion", "tipo_casilla", "numero",
                            "ext_contigua", "tipo_acta", "otras", "causa_sin_acta",
                            "identificacion", "columnas", "municipio"}  # fmt: skip
    # Only the fields each acta prints, its figures following them.
    capturadas = [json.loads(x) for x in lineas if '"CAPTURADA"' in x]
    assert all(len(a["votos"]) == len(a["columnas"]) for a in capturadas)
    assert len({tuple(a["columnas"]) for a in capturadas}) > 3
    leidas = list(leer_actas(directorio / "actas.jsonl"))
    assert any(Lectura.ILEGIBLE in a.votos for a in leidas)


def test_leeme_con_semilla_y_parametros(escrita):
    sintetica, directorio = escrita
    texto = (directorio / "leeme.txt").read_text(encoding="utf-8")
    assert f"semilla: {sintetica.semilla}" in texto
    assert "casillas: 1500" in texto
    assert "ilegible=0.06" in texto


def test_misma_semilla_archivos_identicos(tmp_path):
    for nombre in ("a", "b"):
        escribir(generar(300, 9, ("GOB", "DIP_LOC", "AYUN")), tmp_path / nombre)
    assert _digestos(tmp_path / "a") == _digestos(tmp_path / "b")


def test_otra_semilla_otros_archivos(tmp_path):
    escribir(generar(300, 9), tmp_path / "a")
    escribir(generar(300, 10), tmp_path / "b")
    a, b = _digestos(tmp_path / "a"), _digestos(tmp_path / "b")
    assert a["casillas.csv"] != b["casillas.csv"]
    assert a["actas.jsonl"] != b["actas.jsonl"]
