"""The hash chain: how an entry's hash is computed and how a sequence of entries is checked.

Pure Python, shared by the database check and the check of an exported JSONL copy.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64
CAMPOS = ("numero", "momento", "actor", "accion", "objeto", "antes", "despues", "hash_anterior")


def calcular_hash(entrada: Mapping) -> str:
    """SHA-256 of the entry's fields (canonical JSON), including the previous entry's hash."""
    contenido = {campo: entrada[campo] for campo in CAMPOS}
    texto = json.dumps(contenido, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(texto.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Falla:
    """One break in the chain, described in Spanish."""

    numero: int | None
    motivo: str

    def __str__(self) -> str:
        return f"entrada {self.numero}: {self.motivo}" if self.numero else self.motivo


def verificar_cadena(entradas: Iterable[Mapping]) -> tuple[list[Falla], int]:
    """Every break in a sequence of entries (in the order given), and how many were read: edited,
    deleted, inserted or reordered entries each produce at least one Falla that names the entry."""
    fallas: list[Falla] = []
    anterior_hash, esperado, total = GENESIS, 1, 0
    for entrada in entradas:
        total += 1
        numero = entrada.get("numero")
        if numero != esperado:
            if isinstance(numero, int) and numero > esperado:
                motivo = f"faltan las entradas {esperado} a {numero - 1} (borradas)"
            else:
                motivo = f"fuera de orden: se esperaba la entrada {esperado}"
            fallas.append(Falla(numero, motivo))
        if entrada.get("hash_anterior") != anterior_hash:
            fallas.append(Falla(numero, "no encadena con la entrada anterior"))
        if calcular_hash(entrada) != entrada.get("hash"):
            fallas.append(Falla(numero, "su contenido fue modificado (el hash no coincide)"))
        anterior_hash = entrada.get("hash")
        esperado = (numero if isinstance(numero, int) else esperado) + 1
    return fallas, total
