"""A synthetic election as the pure rule engine sees it: each acta with its catálogo figures
(lista nominal, representantes), its place in the geography, and its votes in the election's
column order (*no aplica* where its boleta does not print a column, B2)."""

from prep.catalogo.elecciones import es_federal
from prep.reglas.acta import Acta, Ubicacion
from prep.reglas.cifras import Cifra, Lectura
from prep.simulacro.generador import ActaSintetica, EleccionSintetica, clave_de_casilla


class Indice:
    """Lookups of a synthetic catálogo, to turn its actas into the rule engine's."""

    def __init__(self, sintetica: EleccionSintetica) -> None:
        self.casillas = {
            clave_de_casilla(fila): (fila[5], fila[6])
            for fila in sintetica.catalogo["casillas.csv"]
        }
        self.secciones = {
            (e, s): (df, dl, mun) for e, s, df, dl, mun in sintetica.catalogo["secciones.csv"]
        }
        self.columnas = sintetica.columnas

    def acta(self, acta: ActaSintetica) -> Acta:
        """The rule engine's acta; an acta fuera de catálogo has LN 0 and only its entidad."""
        clave_casilla = acta.clave_casilla
        catalogo = self.casillas.get(clave_casilla)
        if catalogo is None:
            lista_nominal, representantes, ubicacion = 0, 0, Ubicacion(acta.entidad)
        else:
            lista_nominal, representantes = catalogo
            if acta.seccion:
                df, dl, mun = self.secciones[(acta.entidad, acta.seccion)]
            else:
                df, dl, mun = acta.distrito_federal, acta.distrito_local, acta.municipio
            distrito = df if es_federal(acta.eleccion) else dl
            ubicacion = Ubicacion(
                acta.entidad, distrito or None, mun or None, acta.seccion or None, clave_casilla
            )
        return Acta(
            clave=acta.clave_acta,
            registro=acta.registro,
            votos=self.votos(acta),
            tipo_casilla=acta.tipo_casilla,
            lista_nominal=lista_nominal,
            representantes_pp_ci=representantes,
            rep_votaron=acta.otras.get("TOTAL_REP_PARTIDO_CI_VOTARON"),
            causa_sin_acta=acta.causa_sin_acta,
            ubicacion=ubicacion,
        )

    def votos(self, acta: ActaSintetica) -> tuple[Cifra, ...]:
        """The acta's votes in its election's column order, NO_APLICA where not printed."""
        if not acta.votos:
            return ()
        suyos = acta.votos_por_columna()
        return tuple(suyos.get(c, Lectura.NO_APLICA) for c in self.columnas[acta.eleccion])


def actas_del_motor(sintetica: EleccionSintetica, eleccion: str) -> list[Acta]:
    """Every acta of one election, ready for `prep.reglas.agregacion.agregar`."""
    indice = Indice(sintetica)
    return [indice.acta(a) for a in sintetica.actas if a.eleccion == eleccion]
