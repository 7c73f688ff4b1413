"""Coalitions (R11): candidatura totals, and the optional art. 311 view outside the official CSV."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Combinacion:
    """A vote column marked for several coalition partners at once, e.g. PAN-PRI."""

    columna: str
    partidos: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coalicion:
    """A coalition: its member parties and every combination column of them."""

    nombre: str
    partidos: tuple[str, ...]
    combinaciones: tuple[Combinacion, ...]

    def columnas(self) -> tuple[str, ...]:
        """Every column whose votes go to the coalition's candidatura."""
        return self.partidos + tuple(c.columna for c in self.combinaciones)


def votos_candidatura(votos: Mapping[str, int], coalicion: Coalicion) -> int:
    """R11: the member parties' columns plus all combination columns of the coalition."""
    return sum(votos.get(columna, 0) for columna in coalicion.columnas())


def reparto_art_311(
    votos: Mapping[str, int], coalicion: Coalicion, orden: Sequence[str] | None = None
) -> dict[str, int]:
    """A party view of a coalition (LGIPE art. 311): each combination split equally, the remainder
    to the partner(s) with the highest vote of their own; ties go by order on the acta [B].

    This is the cómputo distrital's rule, offered as a derived view: the PREP never publishes it in
    the official database.
    """
    orden = list(orden or coalicion.partidos)
    resultado = {p: votos.get(p, 0) for p in coalicion.partidos}
    propios = dict(resultado)
    for combinacion in coalicion.combinaciones:
        miembros = combinacion.partidos
        total = votos.get(combinacion.columna, 0)
        parte, resto = divmod(total, len(miembros))
        for partido in miembros:
            resultado[partido] += parte
        por_votacion = sorted(miembros, key=lambda p: (-propios.get(p, 0), orden.index(p)))
        for partido in por_votacion[:resto]:
            resultado[partido] += 1
    return resultado
