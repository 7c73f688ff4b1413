"""The `prep` command: Django management commands behind one entry point, with help in Spanish.

Command names use hyphens on the command line (`prep verificar-base`) and underscores as Django
modules (`verificar_base`).
"""

import os
import sys

USO = "uso: prep ORDEN [opciones]   (prep ORDEN --help muestra las opciones de cada orden)"


def _ordenes_propias() -> dict[str, str]:
    """The project's own commands, by name, with their one-line help."""
    from django.core.management import get_commands, load_command_class

    ordenes = {}
    for nombre, app in sorted(get_commands().items()):
        if not app.startswith("prep."):
            continue
        ayuda = load_command_class(app, nombre).help.strip().splitlines()[0]
        ordenes[nombre.replace("_", "-")] = ayuda
    return ordenes


def _ayuda() -> str:
    lineas = [
        "PREP Abierto: Programa de Resultados Electorales Preliminares.",
        "",
        USO,
        "",
        "Órdenes:",
    ]
    ordenes = _ordenes_propias()
    ancho = max(map(len, ordenes), default=0)
    lineas += [f"  {nombre.ljust(ancho)}  {ayuda}" for nombre, ayuda in ordenes.items()]
    lineas += [
        "",
        "Órdenes de administración de Django (migrate, createsuperuser, …): prep django --help",
        "Base de datos: variable PREP_DATABASE_URL (por omisión SQLite en ./var/).",
    ]
    return "\n".join(lineas)


def main(argv: list[str] | None = None) -> None:
    """Run a `prep` command."""
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    args = argv[1:]
    if not args or args[0] in {"-h", "--help", "help", "ayuda"}:
        print(_ayuda())
        return
    if args[0] == "django":
        execute_from_command_line(["prep", *args[1:]] if len(args) > 1 else ["prep", "help"])
        return
    orden = args[0].replace("-", "_")
    execute_from_command_line(["prep", orden, *args[1:]])


if __name__ == "__main__":
    main()
