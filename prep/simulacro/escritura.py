"""Write a synthetic election to disk: the catálogo as CSV files, and the actas as JSON lines.

Catálogo format (read by `prep catalogo importar`): one CSV file per table, UTF-8, comma
separated, a header row, `\\n` line ends; the files and their columns are
`generador.ENCABEZADOS` (docs/catalogo.md). Multi-valued cells (the partidos of a coalition or
of a vote column, the columns of a boleta) join their keys with `|`. Empty cells mean "none" (a
sección outside any distrito local, the sección of a voto anticipado casilla) or "use the
default" (an election's rule settings).

`actas.jsonl`: one JSON object per acta with every ActaSintetica field; `registro` and
`causa_sin_acta` as their published text, ILEGIBLE and SIN_DATO figures as those strings;
`columnas` the fields the acta prints, which `votos` follows.
"""

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

from prep.reglas.acta import CausaSinActa, Registro
from prep.reglas.cifras import Cifra, Lectura
from prep.simulacro.generador import CASOS, ENCABEZADOS, ActaSintetica, EleccionSintetica

ACTAS = "actas.jsonl"
LEEME = "leeme.txt"
_CAMPOS = tuple(f.name for f in fields(ActaSintetica))


def escribir(sintetica: EleccionSintetica, directorio: Path) -> None:
    """Write the catálogo CSV files, `actas.jsonl` and `leeme.txt` into `directorio`."""
    directorio = Path(directorio)
    directorio.mkdir(parents=True, exist_ok=True)
    for nombre, encabezado in ENCABEZADOS.items():
        with open(directorio / nombre, "w", encoding="utf-8", newline="") as archivo:
            escritor = csv.writer(archivo, lineterminator="\n")
            escritor.writerow(encabezado)
            escritor.writerows(sintetica.catalogo[nombre])
    with open(directorio / ACTAS, "w", encoding="utf-8") as archivo:
        archivo.writelines(_linea(acta) for acta in sintetica.actas)
    (directorio / LEEME).write_text(leeme(sintetica), encoding="utf-8")


def archivos() -> tuple[str, ...]:
    """Names of the files `escribir` writes."""
    return (*ENCABEZADOS, ACTAS, LEEME)


def _linea(acta: ActaSintetica) -> str:
    # StrEnum members (Registro, CausaSinActa, Lectura) serialize as their text.
    return (
        json.dumps(
            {campo: getattr(acta, campo) for campo in _CAMPOS},
            ensure_ascii=False,
            separators=(",", ":"),
            check_circular=False,
        )
        + "\n"
    )


def leer_actas(path: Path) -> Iterator[ActaSintetica]:
    """The actas of an `actas.jsonl` file, in file order."""
    # Actas of one boleta share its tuple of columns, as the generator's do.
    boletas: dict[tuple[str, ...], tuple[str, ...]] = {}
    with open(path, encoding="utf-8") as archivo:
        for linea in archivo:
            datos = json.loads(linea)
            datos["registro"] = Registro(datos["registro"])
            columnas = tuple(datos["columnas"])
            datos["columnas"] = boletas.setdefault(columnas, columnas)
            datos["votos"] = tuple(_cifra(v) for v in datos["votos"])
            datos["otras"] = {clave: _cifra(v) for clave, v in datos["otras"].items()}
            if datos["causa_sin_acta"] is not None:
                datos["causa_sin_acta"] = CausaSinActa(datos["causa_sin_acta"])
            yield ActaSintetica(**datos)


def _cifra(valor: int | str) -> Cifra:
    return Lectura(valor) if isinstance(valor, str) else valor


def leeme(sintetica: EleccionSintetica) -> str:
    """The text of `leeme.txt`: how the files were made and what they hold (Spanish)."""
    p = sintetica.proporciones
    lineas = [
        "Simulacro de PREP Abierto: elección sintética",
        "",
        f"semilla: {sintetica.semilla}",
        f"casillas: {sintetica.casillas}",
        f"elecciones: {','.join(sintetica.elecciones)}",
        "proporciones: " + ",".join(f"{caso}={getattr(p, caso):g}" for caso in CASOS),
        "",
        "Actas por elección y caso inyectado:",
    ]
    por_eleccion = Counter(acta.eleccion for acta in sintetica.actas)
    for eleccion, casos in sintetica.casos.items():
        total = por_eleccion[eleccion]
        detalle = ", ".join(f"{caso} {n}" for caso, n in casos.items())
        lineas.append(f"  {eleccion}: {total} actas ({detalle})")
    lineas += [
        "",
        "Archivos: el catálogo en CSV (UTF-8, coma, con encabezado), que importa",
        "`prep catalogo importar`, y las actas en actas.jsonl (un objeto JSON por línea).",
        "Se regeneran idénticos con: prep simulacro generar --casillas "
        f"{sintetica.casillas} --semilla {sintetica.semilla} "
        f"--elecciones {','.join(sintetica.elecciones)} --proporciones "
        + ",".join(f"{caso}={getattr(p, caso):g}" for caso in CASOS),
        "",
    ]
    return "\n".join(lineas)
