"""Which boleta an acta takes (`prep.catalogo.boletas`), over random sets of boletas."""

from hypothesis import given
from hypothesis import strategies as st

from prep.catalogo.boletas import DISTRITO, ENTIDAD, MUNICIPIO, Boletas

TODAS = ("PAN", "PRI", "MORENA", "PAN_PRI", "CAND_IND_1", "NO_REGISTRADAS", "NULOS")
_TIPOS = st.sampled_from(["", "MR", "RP"])
_LUGAR = st.one_of(
    st.tuples(st.just(ENTIDAD), st.just(0)),
    st.tuples(st.sampled_from([DISTRITO, MUNICIPIO]), st.integers(1, 3)),
)
_FORMA = st.lists(st.sampled_from(TODAS[:-1]), unique=True).map(lambda c: (*c, "NULOS"))
_BOLETAS = st.dictionaries(st.tuples(_TIPOS, _LUGAR), _FORMA, max_size=12)


def _armar(formas) -> Boletas:
    boletas = Boletas(TODAS)
    for (tipo, (ambito, numero)), forma in formas.items():
        boletas.agregar(tipo, 4, ambito, numero, forma)
    return boletas


@given(_BOLETAS, st.sampled_from(["MR", "RP"]), st.integers(1, 3), st.integers(1, 3))
def test_la_boleta_mas_cercana_de_su_tipo_y_luego_la_de_todos(formas, tipo, distrito, municipio):
    boletas = _armar(formas)
    esperada = TODAS
    for candidato in (tipo, ""):
        lugares = ((MUNICIPIO, municipio), (DISTRITO, distrito), (ENTIDAD, 0))
        claves = [(candidato, lugar) for lugar in lugares if (candidato, lugar) in formas]
        hallada = formas[claves[0]] if claves else None
        if hallada is not None:
            esperada = hallada
            break
    assert boletas.de(tipo, 4, distrito, municipio) == esperada
    # Another entidad has no boletas: every column.
    assert boletas.de(tipo, 5, distrito, municipio) == TODAS


@given(_BOLETAS, st.sampled_from(["MR", "RP"]))
def test_sin_municipio_ni_distrito_solo_cuenta_la_entidad(formas, tipo):
    """A VMRE acta (B4) has neither: only an entidad boleta can apply to it."""
    de_entidad = formas.get((tipo, (ENTIDAD, 0)), formas.get(("", (ENTIDAD, 0)), TODAS))
    assert _armar(formas).de(tipo, 4, None, None) == de_entidad
