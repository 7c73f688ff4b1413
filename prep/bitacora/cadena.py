"""The hash chain: how an entry's hash is computed and how a sequence of entries is checked.

An entry's `huella` is the SHA-256 of its content (`CONTENIDO`) as canonical JSON; its `hash` is
the SHA-256 of the text `hash_anterior:numero:huella`. The content is fixed when the change is
made and the number and chaining when its transaction commits (on PostgreSQL by a trigger, see
`servicios.registrar`), so the second step is simple enough to compute inside the database.

Pure Python, shared by the check of the database and the check of an exported JSONL copy.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS = "0" * 64
CONTENIDO = ("momento", "actor", "accion", "objeto", "antes", "despues")
CAMPOS = ("numero", *CONTENIDO, "huella", "hash_anterior", "hash")  # an exported entry
# An entry number this far past its position is not a number the log could have reached; it is
# reported instead of being tracked (tracking costs one byte per number).
_MARGEN_NUMERO = 10_000_000


def texto_momento(momento: datetime) -> str:
    """The time of an entry as hashed and exported: UTC, with microseconds.

    SQLite and PostgreSQL both keep microseconds; the zone is fixed so that a database or a
    session in another zone reads back the same text.
    """
    return momento.astimezone(UTC).isoformat(timespec="microseconds")


def normalizar(valor):
    """A JSON value as every database gives it back: the result of a JSON round trip.

    Tuples become lists and keys strings, so what is hashed is what is stored; NaN and infinity
    are refused, as PostgreSQL's jsonb refuses them.
    """
    return json.loads(json.dumps(valor, ensure_ascii=False, allow_nan=False))


def _canonico(valor):
    # jsonb prints an integral float (1e16, 2.0) as an integer: hash such numbers as integers so
    # that a value read back from PostgreSQL hashes as it did when it was written.
    if isinstance(valor, float) and valor.is_integer():
        return int(valor)
    if isinstance(valor, dict):
        return {clave: _canonico(v) for clave, v in valor.items()}
    if isinstance(valor, list | tuple):
        return [_canonico(v) for v in valor]
    return valor


def calcular_huella(entrada: Mapping) -> str:
    """SHA-256 of the entry's content (`CONTENIDO`) as canonical JSON: sorted keys, no spaces,
    UTF-8."""
    contenido = _canonico({campo: entrada[campo] for campo in CONTENIDO})
    texto = json.dumps(contenido, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(texto.encode("utf-8")).hexdigest()


def encadenar(hash_anterior: str, numero: int, huella: str) -> str:
    """An entry's hash: SHA-256 of `hash_anterior:numero:huella` (hex digests, decimal number).

    The database trigger of migration bitacora 0003 computes the same text and digest.
    """
    return hashlib.sha256(f"{hash_anterior}:{numero}:{huella}".encode()).hexdigest()


def sellar(entrada: Mapping, numero: int, hash_anterior: str) -> dict:
    """The entry with its content's `huella` and its place in the chain after `hash_anterior`."""
    huella = calcular_huella(entrada)
    return {
        **entrada,
        "numero": numero,
        "huella": huella,
        "hash_anterior": hash_anterior,
        "hash": encadenar(hash_anterior, numero, huella),
    }


@dataclass(frozen=True)
class Falla:
    """One break in the chain, described in Spanish; `numero` names the entry when known."""

    numero: int | None
    motivo: str

    def __str__(self) -> str:
        return f"entrada {self.numero}: {self.motivo}" if self.numero is not None else self.motivo


@dataclass
class Resultado:
    """What a check found: the breaks, how many entries were read and the last one's hash."""

    fallas: list[Falla] = field(default_factory=list)
    total: int = 0
    ultimo_numero: int = 0
    ultimo_hash: str = GENESIS

    @property
    def integra(self) -> bool:
        """True when no break was found."""
        return not self.fallas


class _Vistos:
    """Which entry numbers have appeared, one byte per number."""

    def __init__(self) -> None:
        self.marcas = bytearray(1)

    def visto(self, numero: int) -> bool:
        return numero < len(self.marcas) and bool(self.marcas[numero])

    def marcar(self, numero: int) -> None:
        if numero >= len(self.marcas):
            self.marcas.extend(bytes(numero + 1 - len(self.marcas)))
        self.marcas[numero] = 1

    def ausentes(self, hasta: int) -> list[tuple[int, int]]:
        """Runs (first, last) of the numbers 1..hasta that never appeared."""
        rangos, inicio = [], 1
        while inicio <= hasta:
            inicio = self.marcas.find(0, inicio, hasta + 1)
            if inicio == -1 or inicio > hasta:
                break
            fin = self.marcas.find(1, inicio, hasta + 1)
            fin = hasta if fin == -1 else fin - 1
            rangos.append((inicio, fin))
            inicio = fin + 1
        return rangos


def _numero_valido(numero, posicion: int) -> bool:
    return (
        isinstance(numero, int)
        and not isinstance(numero, bool)
        and 0 < numero <= posicion + _MARGEN_NUMERO
    )


class Verificador:
    """Checks entries one at a time, in the order given, without keeping them.

    Every edited, deleted, inserted or reordered entry yields at least one Falla that names it.
    """

    def __init__(self) -> None:
        self.resultado = Resultado()
        self._vistos = _Vistos()
        self._maximo = 0

    def revisar(self, entrada) -> None:
        """Check the next entry against the ones before it."""
        r = self.resultado
        r.total += 1
        if not isinstance(entrada, Mapping):
            r.fallas.append(Falla(None, f"posición {r.total}: no es una entrada"))
            return
        numero = entrada.get("numero")
        if not _numero_valido(numero, r.total):
            r.fallas.append(
                Falla(None, f"posición {r.total}: número de entrada no válido: {numero!r}")
            )
            numero = None
        elif self._vistos.visto(numero):
            r.fallas.append(Falla(numero, "repetida: el número ya apareció antes (insertada)"))
        elif numero < r.ultimo_numero:
            r.fallas.append(
                Falla(numero, f"fuera de orden: aparece después de la entrada {r.ultimo_numero}")
            )
        if numero is not None:
            self._vistos.marcar(numero)
            self._maximo = max(self._maximo, numero)
        r.fallas.extend(_revisar_contenido(entrada, numero, r))
        r.ultimo_numero = numero or r.ultimo_numero
        r.ultimo_hash = entrada.get("hash")

    def terminar(self, cabeza: tuple[int, str] | None = None) -> Resultado:
        """The result, once every entry was checked. `cabeza` is the (number, hash) the log
        says it ends at: with it, entries deleted from the end or appended behind the log's back
        are found too."""
        r = self.resultado
        for inicio, fin in self._vistos.ausentes(self._maximo):
            r.fallas.append(_borradas(inicio, fin, ""))
        if cabeza is not None:
            r.fallas.extend(_revisar_cabeza(cabeza, self._maximo, r))
        r.fallas.sort(key=lambda f: f.numero or 0)
        return r


def verificar_cadena(
    entradas: Iterable[Mapping], cabeza: tuple[int, str] | None = None
) -> Resultado:
    """Check a whole sequence of entries (see `Verificador`)."""
    verificador = Verificador()
    for entrada in entradas:
        verificador.revisar(entrada)
    return verificador.terminar(cabeza)


def _revisar_contenido(entrada: Mapping, numero: int | None, previo: Resultado) -> list[Falla]:
    faltan = [c for c in CAMPOS if c not in entrada]
    if faltan:
        return [Falla(numero, f"le faltan campos: {', '.join(faltan)}")]
    fallas = []
    if entrada["hash_anterior"] != previo.ultimo_hash:
        anterior = f"la entrada {previo.ultimo_numero}" if previo.ultimo_numero else "el inicio"
        fallas.append(Falla(numero, f"no encadena con {anterior}"))
    esperado = _hash_de(entrada)
    if (
        esperado is None
        or entrada["hash"] != esperado
        or calcular_huella(entrada) != entrada["huella"]
    ):
        fallas.append(Falla(numero, "su contenido fue modificado: el hash no coincide"))
    return fallas


def _hash_de(entrada: Mapping) -> str | None:
    anterior, numero, huella = entrada["hash_anterior"], entrada["numero"], entrada["huella"]
    if isinstance(anterior, str) and isinstance(numero, int) and isinstance(huella, str):
        return encadenar(anterior, numero, huella)
    return None  # a malformed entry's hash cannot match


def _borradas(inicio: int, fin: int, donde: str) -> Falla:
    if inicio == fin:
        return Falla(inicio, f"borrada{donde}: no está en la bitácora")
    return Falla(inicio, f"borradas{donde}: faltan las entradas {inicio} a {fin}")


def _revisar_cabeza(cabeza: tuple[int, str], maximo: int, resultado: Resultado) -> list[Falla]:
    numero, hash_cabeza = cabeza
    if maximo < numero:
        return [_borradas(maximo + 1, numero, " del final")]
    if maximo > numero:
        motivo = f"agregada fuera del sistema: la bitácora termina en la entrada {numero}"
        return [Falla(n, motivo) for n in range(numero + 1, min(maximo, numero + 100) + 1)]
    if resultado.ultimo_hash != hash_cabeza:
        return [Falla(numero, "no coincide con la cabeza de la bitácora: fue reemplazada")]
    return []
