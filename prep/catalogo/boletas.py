"""Which vote fields each acta prints: its boleta (B1, docs/catalogo.md, `boletas.csv`).

An ayuntamientos acta prints its municipio's contenders, a diputaciones acta its distrito's, and
the RP acta of a casilla especial only the partidos, no registradas and nulos. An acta takes the
boleta of its own tipo de acta from its municipio, else its distrito, else its entidad; failing
that, the boleta for every tipo in the same order; without any, every column of its election.
(So one entidad-wide boleta of the RP acta covers the casillas especiales of every distrito.)
Fields outside the boleta are *no aplica* (B2).

Pure Python (no Django): the catálogo's validation, the phases' queries and the generator share
it.
"""

from dataclasses import dataclass, field

# Ámbito values (`catalogo.models.Ambito`), most specific first.
MUNICIPIO = "MUNICIPIO"
DISTRITO = "DISTRITO"
ENTIDAD = "ENTIDAD"

Forma = tuple[str, ...]


@dataclass
class Boletas:
    """The boletas of one election. `columnas`: every vote column of the election, in acta
    order, which is what an acta prints when no boleta applies."""

    columnas: Forma
    formas: dict[tuple[str, int, str, int], Forma] = field(default_factory=dict)

    def agregar(
        self, tipo_acta: str, entidad: int, ambito: str, numero: int, columnas: Forma
    ) -> None:
        """Add a boleta: `tipo_acta` empty for every tipo de acta, `numero` 0 for the entidad."""
        self.formas[(tipo_acta, entidad, ambito, numero)] = tuple(columnas)

    def buscar(
        self, tipo_acta: str, entidad: int, distrito: int | None, municipio: int | None
    ) -> Forma | None:
        """The boleta of an acta of this tipo in this entidad, distrito (the election's kind:
        federal or local) and municipio; None when no boleta applies."""
        for tipo in (tipo_acta, ""):
            for ambito, numero in ((MUNICIPIO, municipio), (DISTRITO, distrito), (ENTIDAD, 0)):
                if numero is not None:
                    forma = self.formas.get((tipo, entidad, ambito, numero))
                    if forma is not None:
                        return forma
        return None

    def de(
        self, tipo_acta: str, entidad: int, distrito: int | None, municipio: int | None
    ) -> Forma:
        """The vote fields an acta prints, in its order (`buscar`, or every column)."""
        forma = self.buscar(tipo_acta, entidad, distrito, municipio)
        return self.columnas if forma is None else forma


# (ámbito, entidad, número: 0 for the entidad) → {columna: nombre de la candidatura}
Candidatos = dict[tuple[str, int, int], dict[str, str]]


def candidatos_en(
    candidatos: Candidatos, entidad: int, distrito: int | None, municipio: int | None
) -> dict[str, str]:
    """`{columna: nombre}` in a place: the candidatura of its municipio, else of its distrito,
    else of its entidad (the order in which an acta finds its boleta; None: a level the place
    does not have or is above)."""
    nombres: dict[str, str] = {}
    ambitos = ((ENTIDAD, 0), (DISTRITO, distrito), (MUNICIPIO, municipio))
    for ambito, numero in ambitos:
        if numero is not None:
            nombres.update(candidatos.get((ambito, entidad, numero), {}))
    return nombres
