"""The drill's report on the terminal (rich tables, in Spanish) and as JSON."""

import json
from pathlib import Path

from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

MAX_EJEMPLOS = 10


def _num(valor) -> str:
    if valor is None:
        return "—"
    return f"{valor:,}" if isinstance(valor, int) else f"{valor:,.1f}"


def mostrar(consola: Console, informe: dict) -> None:
    """Phases, endpoints, acopio → publicación, cortes, counts and errors."""
    fases = Table(title=_("Actas por fase"))
    for columna in (_("fase"), _("actas"), _("desde (s)"), _("hasta (s)"), _("por minuto"),
                    _("por minuto, sostenido")):  # fmt: skip
        fases.add_column(columna, justify="right" if fases.columns else "left")
    for fase, datos in informe["fases"].items():
        fases.add_row(fase, *(_num(datos[k]) for k in (
            "actas", "desde_s", "hasta_s", "por_minuto", "por_minuto_sostenido")))  # fmt: skip
    consola.print(fases)
    peticiones = Table(title=_("Latencia por endpoint (ms)"))
    peticiones.add_column("endpoint", no_wrap=True)
    for columna in (_("peticiones"), "p50", "p90", "p99", _("máx."), _("estados")):
        peticiones.add_column(columna, justify="right")
    for ruta, datos in informe["endpoints"].items():
        estados = ", ".join(f"{k}: {v:,}" for k, v in datos["estados"].items())
        peticiones.add_row(ruta, *(_num(datos[k]) for k in (
            "peticiones", "p50_ms", "p90_ms", "p99_ms", "max_ms")), estados)  # fmt: skip
    consola.print(peticiones)
    consola.print(
        _("%(n)s peticiones, %(r)s por segundo")
        % {"n": _num(informe["peticiones"]), "r": _num(informe["peticiones_por_segundo"])}
    )
    publicacion = informe["acopio_a_publicacion"]
    consola.print(
        _(
            "Del acopio a la publicación (%(n)s actas): p50 %(p50)s s, p90 %(p90)s s,"
            " p99 %(p99)s s, máx. %(max)s s"
        )
        % {
            "n": _num(publicacion["actas"]),
            "p50": _num(publicacion["p50_s"]),
            "p90": _num(publicacion["p90_s"]),
            "p99": _num(publicacion["p99_s"]),
            "max": _num(publicacion["max_s"]),
        }
    )
    for corte in informe["cortes"]:
        capturadas = ", ".join(f"{t} {n:,}" for t, n in corte["actas_capturadas"].items())
        consola.print(
            _("corte %(n)s (%(momento)s) visto a los %(s)s s: capturadas %(c)s")
            % {
                "n": corte["corte"],
                "momento": corte["momento"],
                "s": corte["visto_s"],
                "c": capturadas,
            }
        )
    cuentas = informe["cuentas"]
    consola.print(
        _(
            "Actas jugadas %(a)s; imágenes subidas %(i)s; capturas %(c)s; verificadas %(v)s"
            " (%(k)s conflictos resueltos); publicadas %(p)s; duración %(d)s s"
        )
        % {
            "a": _num(cuentas.get("actas")),
            "i": _num(cuentas.get("imagenes_subidas")),
            "c": _num(cuentas.get("capturas")),
            "v": _num(cuentas.get("verificadas")),
            "k": _num(informe["conflictos_resueltos"]),
            "p": _num(cuentas.get("publicadas")),
            "d": _num(informe["duracion_s"]),
        }
    )
    if informe.get("cpu_s"):
        consola.print(
            _("Tiempo de CPU (s): ")
            + ", ".join(f"{k} {_num(v)}" for k, v in informe["cpu_s"].items())
        )
    for linea in informe.get("comprobacion", []):
        consola.print(linea)
    if informe["errores"]:
        consola.print(_("[bold red]Errores:[/] ") + ", ".join(
            f"{tipo} {n:,}" for tipo, n in informe["errores"].items()))  # fmt: skip
        for ejemplo in informe["ejemplos_de_error"][:MAX_EJEMPLOS]:
            consola.print(f"  {ejemplo}", markup=False, soft_wrap=True)
    else:
        consola.print(_("Sin errores."))


def guardar(ruta: Path, informe: dict) -> None:
    """The report as JSON."""
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_text(json.dumps(informe, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
