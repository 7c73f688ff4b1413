"""What the accounts commands share: who is acting at the console, and reading a CSV file whose
every problem is reported with its line and column."""

import csv
import getpass
import io
from collections.abc import Callable, Sequence
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.cuentas.identidad import Actor


def actor_de_consola() -> Actor:
    """The operating-system user running the command, as the bitácora names them."""
    try:
        quien = getpass.getuser()
    except (KeyError, OSError):  # a container user with no passwd entry nor $USER
        quien = "desconocido"
    return Actor(f"consola:{quien}", None, None)


def primera_linea(ruta: str | Path) -> str:
    """The first line of a UTF-8 file (a password kept out of the command line), "" when the
    file is empty; CommandError, in Spanish, when it cannot be read."""
    try:
        lineas = Path(ruta).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(
            _("no se pudo leer la contraseña de %(a)s: %(e)s") % {"a": ruta, "e": exc}
        ) from exc
    return lineas[0] if lineas else ""


def leer_csv(ruta: Path, columnas: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a UTF-8 CSV file with exactly these columns (any order), as
    (line number, values by column). CommandError names every header problem."""
    try:
        texto = ruta.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CommandError(_("no existe el archivo %(ruta)s") % {"ruta": ruta}) from exc
    except (OSError, UnicodeDecodeError) as exc:
        motivo = getattr(exc, "strerror", None) or _("el texto no está en UTF-8")
        raise CommandError(
            _("no se pudo leer %(ruta)s: %(m)s") % {"ruta": ruta, "m": motivo}
        ) from exc
    lector = csv.reader(io.StringIO(texto, newline=""), strict=True)
    filas: list[tuple[int, dict[str, str]]] = []
    encabezado: list[str] | None = None
    try:
        for registro in lector:
            linea = lector.line_num
            if not any(v.strip() for v in registro):
                continue
            if encabezado is None:
                encabezado = [c.strip().lower() for c in registro]
                _revisar_encabezado(ruta, encabezado, columnas)
            elif len(registro) != len(encabezado):
                raise CommandError(
                    _("%(ruta)s:%(linea)d: la fila tiene %(n)d campos y el encabezado %(m)d")
                    % {"ruta": ruta, "linea": linea, "n": len(registro), "m": len(encabezado)}
                )
            else:
                filas.append((linea, dict(zip(encabezado, registro, strict=True))))
    except csv.Error as exc:
        raise CommandError(
            _("%(ruta)s:%(linea)d: CSV mal formado (%(error)s)")
            % {"ruta": ruta, "linea": lector.line_num, "error": exc}
        ) from exc
    if encabezado is None:
        raise CommandError(_("%(ruta)s está vacío") % {"ruta": ruta})
    return filas


def _revisar_encabezado(ruta: Path, encabezado: list[str], columnas: Sequence[str]) -> None:
    faltan = [c for c in columnas if c not in encabezado]
    sobran = [c for c in encabezado if c not in columnas]
    repetidas = sorted({c for c in encabezado if encabezado.count(c) > 1})
    problemas = []
    if faltan:
        problemas.append(_("faltan las columnas %(c)s") % {"c": ", ".join(faltan)})
    if sobran:
        problemas.append(_("columnas desconocidas: %(c)s") % {"c": ", ".join(sobran)})
    if repetidas:
        problemas.append(_("columnas repetidas: %(c)s") % {"c": ", ".join(repetidas)})
    if problemas:
        raise CommandError(
            _("%(ruta)s:1: %(p)s (se esperan: %(esperadas)s)")
            % {"ruta": ruta, "p": "; ".join(problemas), "esperadas": ",".join(columnas)}
        )


def validar_filas(
    ruta: Path, columnas: Sequence[str], validar: Callable, avisar: Callable[[str], None]
) -> list:
    """Read a CSV file and validate every row with `validar(valores) -> (record or None,
    Problemas)`. Every problem is told through `avisar` as `archivo:línea: columna «c»:
    motivo`; then, if there was any, CommandError. Returns the records otherwise."""
    registros, errores = [], []
    for linea, valores in leer_csv(ruta, columnas):
        registro, problemas = validar(valores)
        if registro is not None:
            registros.append(registro)
        errores += [
            f"{ruta}:{linea}: " + (_("columna «%(c)s»: ") % {"c": c} if c else "") + motivo
            for c, motivo in problemas.lista
        ]
    for error in errores:
        avisar(error)
    if errores:
        raise CommandError(
            _("%(n)d errores en %(a)s; no se guardó nada") % {"n": len(errores), "a": ruta}
        )
    if not registros:
        raise CommandError(_("%(a)s no tiene filas de datos") % {"a": ruta})
    return registros
