"""A synthetic election as the pure rule engine sees it: each acta with its catálogo figures
(lista nominal, representantes) and its place in the geography."""

from prep.catalogo.claves import clave_casilla
from prep.catalogo.elecciones import es_federal
from prep.reglas.acta import Acta, Ubicacion
from prep.simulacro.generador import ActaSintetica, EleccionSintetica


class Indice:
    """Lookups of a synthetic catálogo, to turn its actas into the rule engine's."""

    def __init__(self, sintetica: EleccionSintetica) -> None:
        self.casillas = {
            clave_casilla(e, s, t, n, x): (ln, rep)
            for e, s, t, n, x, ln, rep, *_ in sintetica.catalogo["casillas.csv"]
        }
        self.secciones = {
            (e, s): (df, dl, mun) for e, s, df, dl, mun in sintetica.catalogo["secciones.csv"]
        }

    def acta(self, acta: ActaSintetica) -> Acta:
        """The rule engine's acta; an acta fuera de catálogo has LN 0 and only its entidad."""
        clave_casilla = acta.clave_casilla
        catalogo = self.casillas.get(clave_casilla)
        if catalogo is None:
            lista_nominal, representantes, ubicacion = 0, 0, Ubicacion(acta.entidad)
        else:
            lista_nominal, representantes = catalogo
            df, dl, mun = self.secciones[(acta.entidad, acta.seccion)]
            distrito = df if es_federal(acta.eleccion) else dl
            ubicacion = Ubicacion(
                acta.entidad, distrito or None, mun or None, acta.seccion, clave_casilla
            )
        return Acta(
            clave=acta.clave_acta,
            registro=acta.registro,
            votos=acta.votos,
            tipo_casilla=acta.tipo_casilla,
            lista_nominal=lista_nominal,
            representantes_pp_ci=representantes,
            rep_votaron=acta.otras.get("TOTAL_REP_PARTIDO_CI_VOTARON"),
            causa_sin_acta=acta.causa_sin_acta,
            ubicacion=ubicacion,
        )


def actas_del_motor(sintetica: EleccionSintetica, eleccion: str) -> list[Acta]:
    """Every acta of one election, ready for `prep.reglas.agregacion.agregar`."""
    indice = Indice(sintetica)
    return [indice.acta(a) for a in sintetica.actas if a.eleccion == eleccion]
