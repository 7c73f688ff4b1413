"""The verdict a verificador sees (and the bitácora records) is the one the corte publishes: both
read the acta with `prep.actas.lectura`, whatever its figures, casilla and rule settings."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.actas.models import Acta
from prep.captura.servicios import capturar, siguiente_acta
from prep.catalogo.models import Eleccion
from prep.publicacion.base_datos import calcular, leer, texto_base
from prep.publicacion.base_ine.lectura import decodificar, leer_texto
from prep.reglas.configuracion import Inconsistencias, Representantes
from prep.verificacion.servicios import cotejar
from tests.captura.ayudas import cifras, entradas

pytestmark = pytest.mark.django_db

cifra = st.integers(0, 400) | st.sampled_from(["ILEGIBLE", "SIN_DATO"])
figuras = st.fixed_dictionaries(
    {c: cifra for c in ("PAN", "NO_REGISTRADAS", "NULOS", "TOTAL_REP_PARTIDO_CI_VOTARON")}
)
casillas = st.one_of(
    st.fixed_dictionaries(
        {
            "tipo": st.sampled_from("BCE"),
            "lista_nominal": st.integers(0, 750),
            "representantes_pp_ci": st.integers(0, 20),
        }
    ),
    st.fixed_dictionaries(
        {
            "tipo": st.just("S"),
            "lista_nominal": st.just(0),
            "representantes_pp_ci": st.integers(0, 20),
        }
    ),
)
configuraciones = st.fixed_dictionaries(
    {
        "representantes": st.sampled_from([r.value for r in Representantes]),
        "inconsistencias": st.sampled_from([i.value for i in Inconsistencias]),
    }
)


def _verificada(lista, capturistas, datos: dict, casilla: dict) -> Acta:
    """A new acta of that casilla, captured twice with the same figures: verified by the
    comparison, which records the rules' verdict in the bitácora."""
    acta = lista(**casilla)
    for actor in capturistas:
        assert siguiente_acta(actor).acta_id == acta.pk
        capturar(acta, actor, datos)
    acta.refresh_from_db()
    return acta


def _publicado(acta: Acta) -> dict:
    """CONTABILIZADA and OBSERVACIONES of the acta's row in its election's database, as a corte
    would publish it now."""
    leidas = leer()
    calculada = next(c for c in calcular(leidas) if c.eleccion.pk == acta.eleccion_id)
    texto = texto_base(calculada, datetime(2027, 6, 7, tzinfo=UTC), corte_final=False)
    fila = next(
        f for f in leer_texto(decodificar(texto)).filas if f.clave_acta == acta.acta_esperada.clave
    )
    return {k.lower(): fila.celdas[k] for k in ("CONTABILIZADA", "OBSERVACIONES")}


def _como_se_publica(evaluacion: dict) -> dict:
    return {
        "contabilizada": "1" if evaluacion["contabilizada"] else "0",
        "observaciones": ", ".join(evaluacion["observaciones"]) or "-",
    }


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(figuras=figuras, casilla=casillas, configuracion=configuraciones)
def test_el_veredicto_de_la_verificacion_es_el_publicado(
    lista, ana, beto, vera, eleccion, figuras, casilla, configuracion
):
    Eleccion.objects.filter(pk=eleccion.pk).update(**configuracion)
    votos = {c: figuras[c] for c in ("PAN", "NO_REGISTRADAS", "NULOS")}
    datos = cifras(**votos, TOTAL_REP_PARTIDO_CI_VOTARON=figuras["TOTAL_REP_PARTIDO_CI_VOTARON"])
    acta = _verificada(lista, (ana, beto), datos, casilla)
    assert acta.estado == Acta.Estado.VERIFICADA
    registrado = entradas(acta)[-1].despues["detalle"]["evaluacion"]
    publicado = _publicado(acta)
    assert _como_se_publica(registrado) == publicado
    # What a verificador sees when re-checking the same figures against the image (R15).
    visto = cotejar(acta, vera, datos, "se revisa contra la imagen").evaluacion
    assert visto == registrado
