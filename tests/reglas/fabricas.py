"""Factories for the pure rule engine: actas and hypothesis strategies."""

from hypothesis import strategies as st

from prep.reglas.acta import Acta, CausaSinActa, Registro, Ubicacion
from prep.reglas.cifras import Lectura

_contador = iter(range(10**9))


def acta(*votos, registro=Registro.CAPTURADA, **campos) -> Acta:
    """An acta with the given vote fields; every other field has a plain default."""
    campos.setdefault("clave", f"ACTA{next(_contador):09d}")
    campos.setdefault("lista_nominal", 750)
    campos.setdefault("ubicacion", Ubicacion(1, 1, 1, 1, campos["clave"]))
    return Acta(registro=registro, votos=tuple(votos), **campos)


COLUMNAS = 5

cifras = st.one_of(
    st.integers(min_value=0, max_value=400),
    st.sampled_from([Lectura.ILEGIBLE, Lectura.SIN_DATO]),
)


@st.composite
def actas(draw, columnas: int = COLUMNAS) -> list[Acta]:
    """A list of actas of one election, with unique claves, spread over a small geography."""
    n = draw(st.integers(min_value=0, max_value=40))
    resultado = []
    for i in range(n):
        registro = draw(st.sampled_from(list(Registro)))
        tipo = draw(st.sampled_from("BBBCCES"))
        fuera = registro is Registro.FUERA_CATALOGO
        entidad = draw(st.integers(1, 2))
        distrito = None if fuera else draw(st.integers(1, 3))
        municipio = None if fuera else draw(st.integers(1, 3))
        seccion = None if fuera else draw(st.integers(1, 6))
        clave = f"A{i:05d}"
        resultado.append(
            Acta(
                clave=clave,
                registro=registro,
                votos=tuple(draw(st.lists(cifras, min_size=columnas, max_size=columnas)))
                if registro is Registro.CAPTURADA
                else (),
                tipo_casilla=tipo,
                lista_nominal=0 if tipo == "S" else draw(st.integers(0, 750)),
                representantes_pp_ci=draw(st.integers(0, 20)),
                causa_sin_acta=draw(st.sampled_from(list(CausaSinActa)))
                if registro is Registro.SIN_ACTA
                else None,
                ubicacion=Ubicacion(
                    entidad, distrito, municipio, seccion, None if fuera else clave
                ),
            )
        )
    return resultado


@st.composite
def boletas(draw, columnas: int = COLUMNAS) -> tuple[bool, ...]:
    """Which of the election's vote columns an acta prints (B1): at least one."""
    impresas = draw(st.lists(st.booleans(), min_size=columnas, max_size=columnas))
    if not any(impresas):
        impresas[draw(st.integers(0, columnas - 1))] = True
    return tuple(impresas)


def en_boleta(votos: tuple, impresas: tuple[bool, ...]) -> tuple:
    """The acta's vote fields with NO_APLICA where its boleta does not print the column."""
    return tuple(
        v if impresa else Lectura.NO_APLICA for v, impresa in zip(votos, impresas, strict=True)
    )
