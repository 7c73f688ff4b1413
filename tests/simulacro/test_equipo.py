"""The drill's team file, each CATD's pool of PREP Casilla phones, and how a sample of actas is
dealt across CATDs (pure Python)."""

import json
import stat
from collections import Counter, defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.simulacro.ejercicio import Lecturas, reparto
from prep.simulacro.equipo import (
    FOTOS_POR_TELEFONO,
    Catd,
    Eleccion,
    Equipo,
    cargar,
    fotos_de_casilla,
    guardar,
    telefono_de_cada_foto,
    telefonos_necesarios,
)


def _equipo(actas: list[list[int]]) -> Equipo:
    catds = [
        Catd(f"C{i}", f"acopio{i}", "tok-e", [f"tok-t{i}-1", f"tok-t{i}-2"], a)
        for i, a in enumerate(actas)
    ]
    return Equipo("contraseña-de-simulacro", catds, ["c1", "c2"], ["v1"])


def test_el_archivo_se_lee_como_se_escribio_y_solo_lo_lee_su_dueno(tmp_path):
    eleccion = Eleccion(40, 3, ("GOB",))
    sintetica = eleccion.generar()
    equipo = _equipo([[0, 1, 2], [3]])
    ruta = tmp_path / "equipo.json"
    guardar(ruta, eleccion, sintetica, equipo)
    assert stat.S_IMODE(ruta.stat().st_mode) == 0o600
    leida, regenerada, leido = cargar(ruta)
    assert leida == eleccion and leido == equipo
    assert [a.clave_acta for a in regenerada.actas] == [a.clave_acta for a in sintetica.actas]


def test_otra_eleccion_con_la_misma_huella_no_pasa(tmp_path):
    eleccion = Eleccion(40, 3, ("GOB",))
    ruta = tmp_path / "equipo.json"
    guardar(ruta, eleccion, eleccion.generar(), _equipo([[0]]))
    datos = json.loads(ruta.read_text())
    datos["eleccion"]["semilla"] = 4  # what another version of the generator would produce
    ruta.write_text(json.dumps(datos))
    with pytest.raises(ValueError, match="no es la del servidor"):
        cargar(ruta)


@pytest.mark.parametrize(
    ("contenido", "mensaje"),
    [
        ("{", "no es un archivo de equipo de simulacro"),
        ('{"formato": "otro"}', "no es un archivo de equipo de simulacro"),
        ('{"formato": "prep-simulacro-equipo/1"}', "incompleto o dañado"),
    ],
)
def test_un_archivo_danado_se_rechaza_en_espanol(tmp_path, contenido, mensaje):
    ruta = tmp_path / "equipo.json"
    ruta.write_text(contenido)
    with pytest.raises(ValueError, match=mensaje):
        cargar(ruta)


def test_un_archivo_que_no_existe(tmp_path):
    with pytest.raises(ValueError, match="no se puede leer"):
        cargar(tmp_path / "no-esta.json")


def _como_formato_1(ruta) -> None:
    """Rewrite a team file as the first format wrote it: one `telefono` per CATD."""
    datos = json.loads(ruta.read_text())
    datos["formato"] = "prep-simulacro-equipo/1"
    for catd in datos["equipo"]["catds"]:
        catd["telefono"] = catd.pop("telefonos")[0]
    ruta.write_text(json.dumps(datos))


def test_un_archivo_del_primer_formato_da_un_telefono_a_cada_catd(tmp_path):
    eleccion = Eleccion(40, 3, ("GOB",))
    ruta = tmp_path / "equipo.json"
    guardar(ruta, eleccion, eleccion.generar(), _equipo([[0, 1], [2]]))
    _como_formato_1(ruta)
    _leida, _sintetica, equipo = cargar(ruta)
    assert [c.telefonos for c in equipo.catds] == [["tok-t0-1"], ["tok-t1-1"]]
    assert [c.actas for c in equipo.catds] == [[0, 1], [2]]


@pytest.mark.parametrize(
    ("formato", "telefonos", "mensaje"),
    [
        ("prep-simulacro-equipo/2", {"telefonos": []}, "el CATD C0 no tiene teléfonos"),
        ("prep-simulacro-equipo/2", {"telefonos": [""]}, "el CATD C0 no tiene teléfonos"),
        ("prep-simulacro-equipo/1", {}, "'telefono'"),
    ],
)
def test_un_catd_sin_telefono_se_rechaza_en_espanol(tmp_path, formato, telefonos, mensaje):
    eleccion = Eleccion(40, 3, ("GOB",))
    ruta = tmp_path / "equipo.json"
    guardar(ruta, eleccion, eleccion.generar(), _equipo([[0]]))
    datos = json.loads(ruta.read_text())
    datos["formato"] = formato
    catd = datos["equipo"]["catds"][0]
    del catd["telefonos"]
    catd.update(telefonos)
    ruta.write_text(json.dumps(datos))
    with pytest.raises(ValueError, match=f"incompleto o dañado \\({mensaje}"):
        cargar(ruta)


@pytest.mark.parametrize(
    ("fotos", "telefonos"), [(0, 1), (1, 1), (20, 1), (21, 2), (40, 2), (41, 3), (1000, 50)]
)
def test_un_telefono_por_cada_veinte_fotos_y_al_menos_uno(fotos, telefonos):
    assert FOTOS_POR_TELEFONO == 20
    assert telefonos_necesarios(fotos) == telefonos


@given(st.integers(0, 1_399), st.integers(1, 1_400), st.sampled_from([1, 2, 5]))
def test_cada_casilla_fotografia_con_el_telefono_de_su_grupo(local, desde, cuantas, cada):
    """A CATD's casillas, in order, go to consecutive phones; every photo of a casilla through
    the same one; no phone sends much more than `FOTOS_POR_TELEFONO`."""
    sintetica = local
    # A CATD's actas as the drill holds them: in the order of their casillas.
    actas = sorted(
        range(desde, min(desde + cuantas, len(sintetica.actas))),
        key=lambda i: (sintetica.actas[i].clave_casilla, i),
    )
    fotos = fotos_de_casilla(sintetica, actas, cada)
    telefonos = telefonos_necesarios(len(fotos))
    telefono = telefono_de_cada_foto(sintetica, actas, telefonos, cada)
    assert list(telefono) == fotos
    assert list(telefono.values()) == sorted(telefono.values())  # consecutive groups
    de_casilla = defaultdict(set)
    for indice, t in telefono.items():
        de_casilla[sintetica.actas[indice].clave_casilla].add(t)
    assert all(len(t) == 1 for t in de_casilla.values())
    por_telefono = Counter(telefono.values())
    assert set(por_telefono) <= set(range(telefonos))
    por_casilla = Counter(sintetica.actas[i].clave_casilla for i in fotos)
    # A casilla is not split: its group may end a few photos past the share.
    holgura = max(por_casilla.values(), default=1) - 1
    assert max(por_telefono.values(), default=0) <= FOTOS_POR_TELEFONO + holgura


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=12),
    st.one_of(st.none(), st.integers(1, 400)),
)
def test_el_reparto_toma_por_turnos_sin_repetir_ni_perder(tamanos, limite):
    inicio, actas = 0, []
    for n in tamanos:
        actas.append(list(range(inicio, inicio + n)))
        inicio += n
    partes = reparto(_equipo(actas), limite)
    total = sum(tamanos)
    esperadas = total if limite is None else min(limite, total)
    assert sum(len(p) for p in partes) == esperadas
    for parte, suyas in zip(partes, actas, strict=True):
        assert parte == suyas[: len(parte)]  # each CATD in its own order, a prefix of its actas
    # Round-robin: no CATD is two actas ahead of another that still has actas to give.
    for pa in partes:
        for b, pb in zip(actas, partes, strict=True):
            if len(pb) < len(b):
                assert len(pa) <= len(pb) + 1


def test_cada_capturista_yerra_siempre_igual_y_cerca_de_la_tasa():
    sintetica = Eleccion(300, 5, ("GOB",)).generar()
    lecturas = Lecturas(sintetica, 0.1)
    claves = [clave for _, clave in lecturas.cifras]
    yerros = [lecturas.yerra(c, "captura01") for c in claves]
    assert yerros == [lecturas.yerra(c, "captura01") for c in claves]  # a retry reads the same
    assert 0.05 < sum(yerros) / len(yerros) < 0.15
    assert not any(Lecturas(sintetica, 0).yerra(c, "captura01") for c in claves)
    eleccion, clave = next(iter(lecturas.cifras))
    leida = [lecturas.de(f"captura0{n}", n)(eleccion, clave) for n in (1, 2)]
    if lecturas.yerra(clave, "captura01") and lecturas.yerra(clave, "captura02"):
        assert leida[0] != leida[1]  # two people misread in their own ways
