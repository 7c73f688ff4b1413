"""The key formats (CLAVE_CASILLA, CLAVE_ACTA) and the QR payload: what is built reads back the
same, and anything else is refused (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.catalogo.claves import (
    PartesClave,
    carga_qr,
    clave_acta,
    clave_casilla,
    interpretar_carga_qr,
    normalizar_clave,
    parece_carga_qr,
    partes_de_acta,
    partes_de_casilla,
    sufijo_ambito,
)

_TIPO_ACTA = st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
partes = st.builds(
    PartesClave,
    entidad=st.integers(0, 99),
    seccion=st.integers(0, 9999),
    tipo_casilla=st.sampled_from("BCESAPM"),
    numero=st.integers(0, 99),
    ext_contigua=st.integers(0, 99),
    tipo_acta=_TIPO_ACTA,
    municipio=st.none(),
    distrito_local=st.none(),
    distrito_federal=st.none(),
)
# A casilla without sección (B4) adds its municipio or distrito to its keys.
_NUMERO_AMBITO = st.integers(1, 999)
partes = (
    partes
    | partes.flatmap(lambda p: _NUMERO_AMBITO.map(lambda n: p._replace(seccion=0, municipio=n)))
    | partes.flatmap(
        lambda p: _NUMERO_AMBITO.map(lambda n: p._replace(seccion=0, distrito_local=n))
    )
    | partes.flatmap(
        lambda p: _NUMERO_AMBITO.map(lambda n: p._replace(seccion=0, distrito_federal=n))
    )
)


def _clave(p: PartesClave) -> str:
    return clave_acta(clave_casilla(*p[:5]), p.tipo_acta) + sufijo_ambito(*p[6:])


claves = partes.map(_clave)
# What a QR payload may carry: real election types and keys, and any text without the separator.
_PARTE = st.text(st.characters(exclude_characters="|"), min_size=1)
elecciones = st.sampled_from(["PRES", "SEN", "DIP_FED", "GOB", "DIP_LOC", "AYUN"]) | _PARTE


@given(partes)
def test_clave_acta_ida_y_vuelta(p):
    clave = _clave(p)
    sufijo = sufijo_ambito(*p[6:])
    assert len(clave) == 11 + len(p.tipo_acta) + len(sufijo)
    assert partes_de_acta(clave) == p
    assert partes_de_casilla(clave[:11] + sufijo) == p._replace(tipo_acta="")
    assert normalizar_clave(f" '{clave[:6]} {clave[6:].lower()}' ") == clave


def test_ejemplo_de_spec():
    assert clave_casilla(4, 1, "B", 1, 0) == "040001B0100"
    assert partes_de_acta("040001B01005") == PartesClave(4, 1, "B", 1, 0, "5")


def test_voto_anticipado_comparte_la_clave_publicada_y_no_la_propia():
    """B4: the A actas of two municipios publish one CLAVE_ACTA; the system's keys differ."""
    publicada = clave_acta(clave_casilla(4, 0, "A", 1, 0), "2")
    una, otra = (publicada + sufijo_ambito(m, None, None) for m in (1, 45))
    assert (una, otra) == ("040000A01002_M001", "040000A01002_M045")
    assert partes_de_acta(otra).municipio == 45
    assert partes_de_acta(normalizar_clave("04-0000-A01-002_m045")) == partes_de_acta(otra)
    assert sufijo_ambito(None, None, None) == ""  # VMRE: one per entidad


@given(st.text(max_size=25))
def test_una_clave_o_se_lee_y_se_reconstruye_o_se_rechaza(texto):
    for leer, con_tipo in ((partes_de_acta, True), (partes_de_casilla, False)):
        try:
            p = leer(texto)
        except ValueError:
            continue
        casilla = clave_casilla(*p[:5])
        sufijo = sufijo_ambito(*p[6:])
        assert (clave_acta(casilla, p.tipo_acta) if con_tipo else casilla) + sufijo == texto


@pytest.mark.parametrize(
    "texto",
    ["", "040001B0100", "040001b01005", "40001B01005", "040001BB01005", "040001B0100123456789"],
)
def test_rechaza_lo_que_no_es_una_clave_acta(texto):
    with pytest.raises(ValueError, match="no tiene la forma de una CLAVE_ACTA"):
        partes_de_acta(texto)


@given(elecciones, claves | _PARTE)
def test_carga_qr_ida_y_vuelta(eleccion, clave):
    carga = carga_qr(eleccion, clave)
    assert parece_carga_qr(carga)
    assert interpretar_carga_qr(carga) == (eleccion, clave)


@given(st.text())
def test_una_carga_o_se_lee_y_se_reconstruye_o_se_rechaza(texto):
    try:
        eleccion, clave = interpretar_carga_qr(texto)
    except ValueError:
        return
    assert carga_qr(eleccion, clave) == texto


malformadas = st.one_of(
    # Another prefix (including the right one in another case).
    st.tuples(_PARTE.filter(lambda p: p != "PREP"), elecciones, claves).map("|".join),
    # Too few or too many parts.
    st.lists(_PARTE, max_size=2).map(lambda ps: "|".join(["PREP", *ps][:2])),
    st.tuples(elecciones, claves, st.lists(st.text(), min_size=1)).map(
        lambda t: "|".join(["PREP", t[0], t[1], *t[2]])
    ),
    # An empty election or key.
    claves.map(lambda c: f"PREP||{c}"),
    elecciones.map(lambda e: f"PREP|{e}|"),
)


@given(malformadas)
def test_rechaza_lo_que_no_es_una_carga_qr(texto):
    with pytest.raises(ValueError, match="no es de un acta PREP"):
        interpretar_carga_qr(texto)


@pytest.mark.parametrize(("eleccion", "clave"), [("", "040001B01005"), ("GOB", ""), ("G|B", "1")])
def test_no_construye_una_carga_que_no_se_leeria(eleccion, clave):
    with pytest.raises(ValueError, match="no caben en un código QR"):
        carga_qr(eleccion, clave)


@pytest.mark.parametrize(
    ("texto", "es"),
    [("PREP|GOB|040001B01005", True), ("prep|gob|x", True), ("PREP|", True),
     ("040001B01005", False), ("PREP", False), ("", False)],
)  # fmt: skip
def test_parece_carga_qr_distingue_una_carga_de_una_clave_tecleada(texto, es):
    assert parece_carga_qr(texto) is es
