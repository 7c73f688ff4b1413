"""Web server access logs in the "combined" format of nginx and Apache, read as a stream.

A line looks like

    203.0.113.7 - - [06/Jun/2027:20:15:03 -0600] "GET / HTTP/1.1" 200 5120 "-" "Mozilla/5.0 …"

Fields nginx formats append after the user agent are ignored. Files may be plain or gzip (told
by their first bytes, not their name). Logs can be gigabytes: files are read one line at a time
and a line that does not parse is counted, never fatal.
"""

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, NamedTuple
from urllib.parse import urlsplit

# A quoted field: anything but quotes, with backslash escapes (Apache writes \" inside one).
_CITADO = r'"((?:[^"\\]|\\.)*)"'
_LINEA = re.compile(
    r"(\S+) \S+ \S+ "
    r"\[(\d{2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\] "
    + _CITADO
    + r" (\d{3}) (\d+|-) "
    + _CITADO
    + " "
    + _CITADO
)
_MESES = {
    nombre: numero
    for numero, nombre in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_EPOCA = date(1970, 1, 1).toordinal()
# A line longer than this is no log line (a binary file, a corrupt write): it is skipped in
# pieces of this size, so one without newlines cannot fill the memory.
LONGITUD_MAXIMA = 64 * 1024


class Peticion(NamedTuple):
    """One request. `momento` is seconds since the epoch (UTC); `metodo` and `ruta` are None
    when the request line was not `MÉTODO RUTA [PROTOCOLO]` (TLS probes, junk the server logged
    with a 400); `ruta` has no query string."""

    momento: int
    ip: str
    metodo: str | None
    ruta: str | None
    estado: int
    bytes: int
    agente: str


@dataclass
class Lectura:
    """What reading one file gave: non-blank lines, those that did not parse, and why reading
    stopped early, if it did (a truncated or damaged gzip, a read error)."""

    archivo: str
    lineas: int = 0
    ilegibles: int = 0
    error: str | None = None

    @property
    def validas(self) -> int:
        """Lines that parsed as requests."""
        return self.lineas - self.ilegibles


def analizar(linea: str) -> Peticion | None:
    """The request in one log line, or None when the line is not in the combined format."""
    m = _LINEA.match(linea)
    if m is None:
        return None
    grupos = m.groups()
    ip, dia, mes, anio, hora, minuto, segundo, signo, desfase_h, desfase_m = grupos[:10]
    peticion, estado, tamano, _referente, agente = grupos[10:]
    medianoche = _medianoche(dia, mes, anio, signo, desfase_h, desfase_m)
    h, mi, s = int(hora), int(minuto), int(segundo)
    if medianoche is None or h > 23 or mi > 59 or s > 60:
        return None
    momento = medianoche + h * 3600 + mi * 60 + s
    metodo, ruta = _metodo_y_ruta(peticion)
    return Peticion(
        momento, ip, metodo, ruta, int(estado), 0 if tamano == "-" else int(tamano), agente
    )


@lru_cache(maxsize=1024)
def _medianoche(
    dia: str, mes: str, anio: str, signo: str, desfase_h: str, desfase_m: str
) -> int | None:
    """The instant of the local midnight that starts the day, or None for an impossible date.
    Cached: a log has few distinct days and offsets, and millions of lines."""
    numero_mes = _MESES.get(mes.lower())
    if numero_mes is None or int(desfase_m) > 59:
        return None
    try:
        dias = date(int(anio), numero_mes, int(dia)).toordinal() - _EPOCA
    except ValueError:
        return None
    desfase = (int(desfase_h) * 3600 + int(desfase_m) * 60) * (-1 if signo == "-" else 1)
    return dias * 86400 - desfase


def _metodo_y_ruta(peticion: str) -> tuple[str | None, str | None]:
    partes = peticion.split(" ")
    if len(partes) not in (2, 3) or not partes[0].isalpha() or not partes[0].isupper():
        return None, None
    destino = partes[1]
    if destino.startswith(("http://", "https://")):
        # The absolute form a proxy may receive: only its path names the page.
        destino = urlsplit(destino).path or "/"
    elif not destino.startswith("/"):
        return None, None
    return partes[0], destino.split("?", 1)[0].split("#", 1)[0]


def abrir_texto(ruta: Path) -> IO[str]:
    """A text file, gzip or plain as its first bytes say; bytes that are not UTF-8 become U+FFFD
    instead of an error."""
    with open(ruta, "rb") as archivo:
        firma = archivo.read(2)
    if firma == b"\x1f\x8b":
        return gzip.open(ruta, "rt", encoding="utf-8", errors="replace")
    return open(ruta, encoding="utf-8", errors="replace")


def lineas(archivo: IO[str]) -> Iterator[str | None]:
    """The file's non-blank lines without their line ending; None for each line longer than
    `LONGITUD_MAXIMA`, which is skipped without holding it in memory."""
    while trozo := archivo.readline(LONGITUD_MAXIMA):
        if len(trozo) == LONGITUD_MAXIMA and not trozo.endswith("\n"):
            while (resto := archivo.readline(LONGITUD_MAXIMA)) and not resto.endswith("\n"):
                pass
            yield None
        elif linea := trozo.rstrip("\r\n"):
            yield linea


def leer(ruta: Path, lectura: Lectura) -> Iterator[Peticion]:
    """The requests in one log file, in file order, counting lines into `lectura`. A damaged
    gzip ends the file early with the reason in `lectura.error`; it does not raise."""
    try:
        with abrir_texto(ruta) as archivo:
            for linea in lineas(archivo):
                lectura.lineas += 1
                peticion = None if linea is None else analizar(linea)
                if peticion is None:
                    lectura.ilegibles += 1
                else:
                    yield peticion
    except EOFError:
        lectura.error = _detenida(lectura, "el archivo comprimido está truncado")
    except (gzip.BadGzipFile, zlib.error):
        lectura.error = _detenida(lectura, "el archivo comprimido está dañado")
    except OSError as exc:
        lectura.error = _detenida(lectura, f"error de lectura: {exc.strerror or exc}")


def _detenida(lectura: Lectura, causa: str) -> str:
    return f"{causa}; se leyeron {lectura.lineas:,} líneas"
