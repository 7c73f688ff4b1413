"""Which elections are federal, and what follows from it. Pure Python (no Django), so the
synthetic-election generator and the rule engine's adapters share it with the models.

A federal election (Presidencia, Senadurías, Diputaciones federales) is run by INE: its actas
are grouped by distrito federal, and its publication starts by tiempo del centro (RE 353 ¶4).
A local one is run by the OPL and grouped by distrito local.
"""

# Election types (`Eleccion.Tipo` values), in the canonical order of elecciones.csv.
FEDERALES: tuple[str, ...] = ("PRES", "SEN", "DIP_FED")
LOCALES: tuple[str, ...] = ("GOB", "DIP_LOC", "AYUN")


def es_federal(tipo: str) -> bool:
    """Whether an election of this type is federal."""
    return tipo in FEDERALES
