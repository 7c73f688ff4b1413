"""Boletas per ámbito, candidaturas and casillas without sección in the catálogo (B1, B4, B5):
what imports, what each acta prints, and every mistake reported at once."""

from pathlib import Path

import pytest

from prep.catalogo.consultas import actas_con_clave, columnas_de_acta
from prep.catalogo.importacion import importar
from prep.catalogo.lectura import ErrorDeImportacion, leer_catalogo
from prep.catalogo.models import ActaEsperada, Boleta, Candidatura, Casilla
from tests.catalogo.fabricas import _casilla, catalogo_valido, escribir_catalogo

GOB_4 = "PAN|PRI|MORENA|PT|PAN_PRI|NO_REGISTRADAS|NULOS"
GOB_5 = "PAN|PRI|MORENA|CAND_IND_01|NO_REGISTRADAS|NULOS"


def _boleta(eleccion, entidad, ambito, numero, columnas, tipo_acta=""):
    return {
        "eleccion": eleccion,
        "entidad": entidad,
        "ambito": ambito,
        "numero": numero,
        "tipo_acta": tipo_acta,
        "columnas": columnas,
    }


def _candidatura(eleccion, entidad, ambito, numero, columna, nombre):
    return {
        "eleccion": eleccion,
        "entidad": entidad,
        "ambito": ambito,
        "numero": numero,
        "columna": columna,
        "nombre": nombre,
    }


def con_boletas():
    """The valid catálogo plus boletas: GOB per entidad (the independent runs only in 5),
    DIP_LOC per distrito local in entidad 4 and entidad-wide in 5 (its sección has no distrito
    local), with a candidatura per ámbito."""
    tablas = catalogo_valido()
    tablas["boletas.csv"] = [
        _boleta("GOB", 4, "ENTIDAD", "", GOB_4),
        _boleta("GOB", 5, "ENTIDAD", "", GOB_5),
        _boleta("DIP_LOC", 4, "DISTRITO", 1, "PAN|PRI|NO_REGISTRADAS|NULOS"),
        _boleta("DIP_LOC", 4, "DISTRITO", 2, "MORENA|PRI|NO_REGISTRADAS|NULOS"),
        _boleta("DIP_LOC", 5, "ENTIDAD", "", "PAN|PRI|MORENA|NO_REGISTRADAS|NULOS"),
    ]
    tablas["candidaturas.csv"] = [
        _candidatura("GOB", 5, "ENTIDAD", "", "CAND_IND_01", "Persona Equis"),
        _candidatura("DIP_LOC", 4, "DISTRITO", 1, "PAN", "Ana Uc"),
        _candidatura("DIP_LOC", 4, "DISTRITO", 2, "PRI", "Luis Can"),
    ]
    return tablas


def _errores(directorio: Path) -> list[str]:
    with pytest.raises(ErrorDeImportacion) as error:
        leer_catalogo(directorio)
    return [str(e) for e in error.value.errores]


def _acta(eleccion: str, seccion: int | None, tipo: str, **ambito) -> ActaEsperada:
    return ActaEsperada.objects.get(
        eleccion__tipo=eleccion,
        casilla__seccion__numero=seccion,
        casilla__tipo=tipo,
        casilla__ext_contigua=0,
        **{f"casilla__{k}__numero": v for k, v in ambito.items()},
    )


@pytest.mark.django_db
def test_cada_acta_imprime_la_boleta_de_su_ambito(tmp_path):
    conteos = importar(escribir_catalogo(tmp_path, con_boletas()))
    assert (conteos["boletas"], conteos["candidaturas"]) == (5, 3)
    assert columnas_de_acta(_acta("GOB", 1, "B")) == tuple(GOB_4.split("|"))
    assert columnas_de_acta(_acta("GOB", 10, "B")) == tuple(GOB_5.split("|"))
    assert columnas_de_acta(_acta("DIP_LOC", 1, "C")) == ("PAN", "PRI", "NO_REGISTRADAS", "NULOS")
    assert columnas_de_acta(_acta("DIP_LOC", 2, "S")) == (
        "MORENA",
        "PRI",
        "NO_REGISTRADAS",
        "NULOS",
    )
    independiente = Candidatura.objects.get(columna__clave="CAND_IND_01")
    assert (independiente.entidad.clave, independiente.nombre) == (5, "Persona Equis")
    assert Boleta.objects.get(eleccion__tipo="GOB", entidad__clave=5).columnas == GOB_5.split("|")


@pytest.mark.django_db
def test_sin_boletas_toda_acta_imprime_todas_las_columnas(tmp_path):
    importar(escribir_catalogo(tmp_path))
    assert len(columnas_de_acta(_acta("GOB", 1, "B"))) == 8


@pytest.mark.django_db
def test_la_boleta_de_su_tipo_de_acta_antes_que_la_de_todos(tmp_path):
    tablas = con_boletas()
    tablas["actas_esperadas.csv"] = [
        {
            "eleccion": "DIP_LOC",
            "entidad": 4,
            "seccion": 2,
            "tipo_casilla": "S",
            "numero": 1,
            "ext_contigua": 0,
            "tipo_acta": tipo,
        }
        for tipo in ("3EMR", "3ERP")
    ] + [
        {
            "eleccion": "GOB",
            "entidad": 4,
            "seccion": 1,
            "tipo_casilla": "B",
            "numero": 1,
            "ext_contigua": 0,
            "tipo_acta": "",
        }
    ]
    # The RP acta of a casilla especial prints only partidos, no registradas and nulos (B1).
    tablas["boletas.csv"].append(
        _boleta("DIP_LOC", 4, "ENTIDAD", "", "PAN|PRI|MORENA|NO_REGISTRADAS|NULOS", "3ERP")
    )
    importar(escribir_catalogo(tmp_path, tablas))
    mr, rp = (ActaEsperada.objects.get(tipo_acta=t) for t in ("3EMR", "3ERP"))
    assert columnas_de_acta(mr) == ("MORENA", "PRI", "NO_REGISTRADAS", "NULOS")
    assert columnas_de_acta(rp) == ("PAN", "PRI", "MORENA", "NO_REGISTRADAS", "NULOS")


def test_todos_los_errores_de_boletas_y_candidaturas_a_la_vez(tmp_path):
    tablas = con_boletas()
    tablas["boletas.csv"] = [
        _boleta("GOB", 4, "ENTIDAD", 3, "PAN|PRI|PAN_PRI|NULOS"),  # 2: número; fine columns
        _boleta("GOB", 5, "ENTIDAD", "", "PAN|PAN_PRI|PAN|XYZ|NO_REGISTRADAS"),  # 3
        _boleta("DIP_LOC", 4, "MUNICIPIO", "", "PAN|NULOS"),  # 4: municipio sin número
        _boleta("DIP_LOC", 4, "MUNICIPIO", 9, "PAN|NULOS"),  # 5: municipio que no existe
        _boleta("DIP_LOC", 5, "DISTRITO", 1, "PAN|NULOS"),  # 6: distrito 1 of 5 is FEDERAL
        _boleta("DIP_LOC", 4, "DISTRITO", 1, "PAN|NULOS"),  # 7
        _boleta("DIP_LOC", 4, "DISTRITO", 1, "PRI|NULOS"),  # 8: repeated
        _boleta("DIP_LOC", 4, "COLONIA", 1, "PRI|NULOS"),  # 9: ámbito
    ]
    tablas["candidaturas.csv"] = [
        _candidatura("DIP_LOC", 4, "DISTRITO", 1, "PRI", "Luis Can"),  # 2: not printed there
        _candidatura("DIP_LOC", 4, "DISTRITO", 1, "NULOS", "Nadie"),  # 3
        _candidatura("GOB", 4, "ENTIDAD", "", "PANAL", "Alguien"),  # 4
        _candidatura("DIP_LOC", 4, "DISTRITO", 1, "PAN", ""),  # 5
    ]
    assert _errores(escribir_catalogo(tmp_path, tablas)) == [
        "boletas.csv:2: numero: debe quedar vacío cuando el ámbito es ENTIDAD",
        "boletas.csv:3: columnas: «PAN» aparece dos veces",
        "boletas.csv:3: columnas: la combinación PAN_PRI se imprime sin la columna de PRI",
        "boletas.csv:3: columnas: «XYZ» no es una columna de la elección GOB en columnas.csv",
        "boletas.csv:3: columnas: toda acta imprime los votos nulos: falta la columna NULOS",
        "boletas.csv:4: numero: falta el número del municipio",
        "boletas.csv:5: numero: el municipio 9 de la entidad 4 no existe en municipios.csv",
        "boletas.csv:6: numero: el distrito LOCAL 1 de la entidad 5 no existe en distritos.csv",
        "boletas.csv:8: ambito: la boleta de el distrito 1 de la entidad 4 en la elección DIP_LOC"
        " ya aparece en la línea 7",
        "boletas.csv:9: ambito: «COLONIA» no es válido; se espera uno de: ENTIDAD, DISTRITO,"
        " MUNICIPIO",
        "candidaturas.csv:2: columna: la boleta de el distrito 1 de la entidad 4 no imprime la"
        " columna PRI",
        "candidaturas.csv:3: columna: una columna NULOS no tiene candidatura",
        "candidaturas.csv:4: columna: «PANAL» no es una columna de la elección GOB",
        "candidaturas.csv:5: nombre: no puede quedar vacío",
    ]


def test_un_ambito_sin_boleta_es_un_error(tmp_path):
    """An election with boletas must have one for every acta: a distrito left out would take
    every column without anyone noticing."""
    tablas = con_boletas()
    del tablas["boletas.csv"][3]  # DIP_LOC distrito 2
    del tablas["candidaturas.csv"][2]
    assert _errores(escribir_catalogo(tmp_path, tablas)) == [
        "boletas.csv: la elección DIP_LOC tiene boletas, pero ninguna para el acta 3 de el"
        " distrito 2 de la entidad 4 (4 actas esperadas)"
    ]


def con_casillas_sin_seccion():
    """Voto anticipado in municipios 1 and 2 of entidad 4, one in distrito local 2, and a VMRE
    casilla at entidad level (B4)."""
    tablas = catalogo_valido()
    tablas["casillas.csv"] += [
        _casilla(4, "", "A", 1, lista_nominal=35, municipio=1),
        _casilla(4, "", "A", 1, lista_nominal=12, municipio=2),
        _casilla(4, "", "A", 1, lista_nominal=48, distrito_local=2),
        _casilla(4, "", "M", 1, lista_nominal=210),
    ]
    for fila in tablas["casillas.csv"]:
        fila.setdefault("municipio", "")
        fila.setdefault("distrito_local", "")
    return tablas


@pytest.mark.django_db
def test_casillas_sin_seccion_con_clave_propia_y_publicada_compartida(tmp_path):
    importar(escribir_catalogo(tmp_path, con_casillas_sin_seccion()))
    anticipadas = Casilla.objects.filter(tipo="A").order_by("pk")
    assert [c.clave for c in anticipadas] == [
        "040000A0100_M001",
        "040000A0100_M002",
        "040000A0100_DL002",
    ]
    assert {c.clave_publicada for c in anticipadas} == {"040000A0100"}
    uno = anticipadas[0]
    assert (uno.entidad.clave, uno.municipio.numero, uno.seccion) == (4, 1, None)
    extranjero = Casilla.objects.get(tipo="M")
    assert (extranjero.clave, extranjero.municipio, extranjero.distrito_local) == (
        "040000M0100",
        None,
        None,
    )
    acta = ActaEsperada.objects.get(casilla=anticipadas[1], eleccion__tipo="GOB")
    assert (acta.clave, acta.clave_publicada) == ("040000A01002_M002", "040000A01002")
    assert actas_con_clave("04-0000-A01-002_M002") == [acta]
    # The shared published key names every municipio's acta: ambiguous, so the caller asks.
    assert len(actas_con_clave("040000A01002", "GOB")) == 3
    # A casilla with sección carries its sección's geography.
    basica = Casilla.objects.get(seccion__numero=2, tipo="B")
    assert (basica.municipio.numero, basica.distrito_local.numero) == (2, 2)


def test_errores_de_casillas_sin_seccion(tmp_path):
    tablas = con_casillas_sin_seccion()
    tablas["casillas.csv"] += [
        _casilla(4, 1, "A", 2, municipio=1, distrito_local=""),  # 13: A with sección
        _casilla(4, 1, "B", 2, municipio=1, distrito_local=""),  # 14: B names a municipio
        _casilla(4, "", "A", 3, municipio=7, distrito_local=""),  # 15: unknown municipio
        _casilla(4, "", "A", 1, municipio=1, distrito_local=""),  # 16: repeated
        _casilla(4, "", "B", 4, municipio="", distrito_local=""),  # 17: B without sección
    ]
    errores = _errores(escribir_catalogo(tmp_path, tablas))
    assert errores == [
        "casillas.csv:13: seccion: una casilla de voto anticipado (A) o del extranjero (M) no"
        " tiene sección: debe quedar vacía",
        "casillas.csv:14: municipio: sólo las casillas sin sección (A, M) dicen su municipio o"
        " distrito; las demás lo toman de su sección: debe quedar vacío",
        "casillas.csv:15: municipio: el municipio 7 de la entidad 4 no existe en municipios.csv",
        "casillas.csv:16: numero: la casilla 04-0000-A01-00_M001 ya aparece en la línea 9",
        "casillas.csv:17: seccion: no puede quedar vacío",
    ]


@pytest.mark.django_db
def test_doce_contiguas_con_doce_claves(tmp_path):
    tablas = catalogo_valido()
    tablas["casillas.csv"] += [_casilla(4, 1, "C", n) for n in range(2, 13)]
    importar(escribir_catalogo(tmp_path, tablas))
    claves = [c.clave for c in Casilla.objects.filter(seccion__numero=1, tipo="C")]
    assert len(set(claves)) == 12
    assert "040001C1200" in claves and "040001C0100" in claves
