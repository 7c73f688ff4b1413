"""The `prep` command: the project's orders behind one entry point, in Spanish.

`prep --help` and a mistyped order answer from the table below without loading Django (a few
tens of milliseconds instead of two seconds); only the order that runs loads Django and its
module. Each order's one-line help is its command's `help` (first line), copied here and kept
equal by tests/test_cli.py. Order names use hyphens (`prep verificar-base`); Django's modules,
underscores (`verificar_base`).
"""

import difflib
import os
import sys
import textwrap
from importlib import import_module
from typing import NamedTuple


class Entrada(NamedTuple):
    """One order: the module of its command and its one-line help. `sin_django`: the module
    runs the order itself through `principal(argv)`, without loading Django."""

    modulo: str
    ayuda: str
    sin_django: bool = False


def _orden(app: str, nombre: str) -> str:
    return f"prep.{app}.management.commands.{nombre}"


ORDENES: dict[str, Entrada] = {
    "bitacora": Entrada(
        _orden("bitacora", "bitacora"),
        "Bitácora: verificar la cadena de hashes (en la base o en una copia) o exportar una copia.",
    ),
    "catalogo": Entrada(
        _orden("catalogo", "catalogo"),
        "Catálogo electoral: importar archivos CSV y mostrar su resumen.",
    ),
    "centros": Entrada(
        _orden("cuentas", "centros"),
        "Centros: registrar un CATD o CCV, o importarlos desde CSV (clave,nombre,tipo,distritos).",
    ),
    "demo": Entrada(
        _orden("simulacro", "demo"),
        "Demostración: una elección sintética de un estado por todas las fases, a través de la"
        " API HTTP, del catálogo a las bases de datos de resultados.",
    ),
    "difusor": Entrada(
        _orden("difusion", "difusor"),
        "Difusores oficiales: su registro, el paquete de cada corte, su envío y la vigilancia"
        " de sus sitios, su recepción del lado del difusor y su memoria técnica.",
    ),
    "digitalizacion": Entrada(
        _orden("digitalizacion", "digitalizacion"),
        "Digitalización: vigilar una carpeta donde un escáner deja imágenes, o recibirlas por"
        " WebDAV.",
    ),
    "dispositivos": Entrada(
        _orden("cuentas", "dispositivos"),
        "Dispositivos: emitir el token de un teléfono o escáner, revocarlo, o dar un código de"
        " emparejamiento para un teléfono de PREP Casilla.",
    ),
    "huella": Entrada(
        "prep.huella",
        "Muestra la huella del software (un SHA-256 sobre todos los archivos del paquete"
        " instalado y el candado de dependencias) y su versión: la misma huella que lleva el"
        " manifest.json de cada corte y la bitácora al iniciar cada proceso prep.",
        sin_django=True,
    ),
    "imagenes": Entrada(
        _orden("digitalizacion", "imagenes"),
        "Almacén de imágenes: sus copias configuradas, y la verificación de cada copia de cada"
        " imagen contra su SHA-256 (con --reparar, reescribe las copias faltantes o dañadas"
        " desde una buena).",
    ),
    "instalar": Entrada(
        _orden("servidor", "instalar"),
        "Instala o completa una instalación: aplica las migraciones de la base de datos, crea"
        " la llave de firma si falta y el primer administrador.",
    ),
    "publicacion": Entrada(
        _orden("publicacion", "publicacion"),
        "Publicación: fijar o consultar el calendario de publicación (inicio, actualizaciones"
        " por hora y última actualización) y generar o mostrar la llave que firma cada corte.",
    ),
    "publicar": Entrada(
        _orden("difusion", "publicar"),
        "Publica un corte (sitio, datos, bases de datos, imágenes y manifiesto firmado); con"
        " --programado, cada corte del calendario hasta el cierre. Cada corte se envía a los"
        " difusores activos y, con --programado, al terminar cada periodo se revisa que cada"
        " uno lo publique (tres periodos fallidos seguidos lo cortan).",
    ),
    "respaldo": Entrada(
        _orden("continuidad", "respaldo"),
        "Respaldos: «crear» escribe en un solo archivo la base de datos, las imágenes de las"
        " actas, los cortes publicados y la llave pública de firma (nunca la privada), sin"
        " detener el sistema; «restaurar» lo verifica completo y lo restaura en un sistema"
        " vacío.",
    ),
    "servir": Entrada(
        _orden("servidor", "servir"),
        "Sirve PREP por HTTP (páginas, API y archivos estáticos) con un servidor de hilos.",
    ),
    "simulacro": Entrada(
        _orden("simulacro", "simulacro"),
        "Simulacros: generar elecciones sintéticas a cualquier escala.",
    ),
    "usuarios": Entrada(
        _orden("cuentas", "usuarios"),
        "Usuarios: crear una cuenta o importar varias desde CSV (usuario,nombre,rol,centro).",
    ),
    "verificar": Entrada(
        _orden("publicacion", "verificar"),
        "Verifica sin conexión un corte publicado, un paquete de corte o una carpeta de"
        " publicación.",
    ),
    "verificar-base": Entrada(
        _orden("publicacion", "verificar_base"),
        "Comprueba una base de datos de resultados (formato INE) con el motor de reglas.",
    ),
}

AYUDA = ("-h", "--help", "help", "ayuda")


def ayuda() -> str:
    """`prep --help`: every order with its one-line help."""
    ancho = max(map(len, ORDENES))
    sangria = " " * (ancho + 4)
    lineas = [
        "PREP Abierto: Programa de Resultados Electorales Preliminares.",
        "",
        "uso: prep ORDEN [opciones]   (prep ORDEN --help muestra las opciones de cada orden)",
        "",
        "Órdenes:",
    ]
    lineas += [
        textwrap.fill(entrada.ayuda, 100, initial_indent=f"  {nombre.ljust(ancho)}  ",
                      subsequent_indent=sangria)
        for nombre, entrada in ORDENES.items()
    ]  # fmt: skip
    lineas += [
        "",
        "Primera vez: prep instalar (base de datos, llave de firma y primer administrador);",
        "  la guía completa está en docs/instalacion.md.",
        "Órdenes de administración de Django (migrate, shell, …): prep django --help",
        "Base de datos: variable PREP_DATABASE_URL (por omisión SQLite en ./var/).",
    ]
    return "\n".join(lineas)


def _nombre(texto: str) -> str | None:
    """The order a name on the command line means (also with Django's underscores), or None."""
    for candidato in (texto, texto.replace("_", "-")):
        if candidato in ORDENES:
            return candidato
    return None


def desconocida(texto: str) -> str:
    """The one line for an order that does not exist, with the closest one."""
    cercanas = difflib.get_close_matches(texto.replace("_", "-"), ORDENES, n=1, cutoff=0.6)
    if cercanas:
        return f"prep: no existe la orden «{texto}». ¿Quiso decir «prep {cercanas[0]}»?"
    return (
        f"prep: no existe la orden «{texto}»; «prep --help» lista las órdenes"
        " (las de Django van con «prep django ORDEN»)."
    )


def _django() -> None:
    """Load the settings and the apps; a configuration error in one Spanish line, exit 1."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"prep: configuración no válida: {exc}", file=sys.stderr)
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Run a `prep` order."""
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    if not args or (args[0] in AYUDA and len(args) == 1):
        print(ayuda())
        return
    if args[0] in AYUDA:  # `prep ayuda catalogo`: the order's own help
        args = [args[1], "--help"]
    if args[0] == "django":
        _django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["prep", *(args[1:] or ["help"])])
        return
    nombre = _nombre(args[0])
    if nombre is None:
        print(desconocida(args[0]), file=sys.stderr)
        sys.exit(2)
    entrada = ORDENES[nombre]
    if entrada.sin_django:
        import_module(entrada.modulo).principal(args[1:])
        return
    _django()
    import_module(entrada.modulo).Command().run_from_argv(["prep", nombre, *args[1:]])


if __name__ == "__main__":
    main()
