"""`prep simulacro preparar` and `prep simulacro ejecutar`: the drill from the command line.

`ejecutar` without --url prepares the night on this machine's database and serves it
(prep/simulacro/noche.py); with --url it drives a remote deployment prepared there with
`preparar`, whose team file it reads (--equipo).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console

from prep import reloj
from prep.actas.models import Acta
from prep.bitacora.servicios import verificar_base
from prep.errores import ErrorDeDominio
from prep.simulacro import equipo as archivo_equipo
from prep.simulacro import informe
from prep.simulacro.ejercicio import Ajustes, correr
from prep.simulacro.equipo import Eleccion
from prep.simulacro.noche import Noche, ejecutar_local
from prep.simulacro.opciones import (
    agregar_opciones_eleccion,
    barra_de_progreso,
    entero,
    validar_eleccion,
)
from prep.simulacro.preparacion import (
    NOCHE,
    fijar_noche,
    formar_equipo,
    preparar_base_de_datos,
    preparar_eleccion,
    preparar_publicacion,
)

PREFIJO = "simulacro-"
CASILLAS = 2000


def _numero(texto: str, opcion: str, minimo: int, maximo: int) -> float:
    try:
        valor = float(str(texto).replace(",", ""))
    except ValueError:
        raise CommandError(
            _("%(o)s debe ser un número; se recibió %(t)r") % {"o": opcion, "t": texto}
        ) from None
    return _en_rango(valor, texto, opcion, minimo, maximo)


def _entero(texto: str, opcion: str, minimo: int, maximo: int) -> int:
    return _en_rango(entero(texto, opcion), texto, opcion, minimo, maximo)


def _en_rango(valor, texto: str, opcion: str, minimo: int, maximo: int):
    """`valor`, or CommandError in Spanish when it falls outside [minimo, maximo]."""
    if not minimo <= valor <= maximo:
        raise CommandError(
            _("%(o)s debe estar entre %(a)s y %(b)s; se recibió %(v)s")
            % {"o": opcion, "a": f"{minimo:,}", "b": f"{maximo:,}", "v": texto}
        )
    return valor


def _opciones_equipo(parser) -> None:
    parser.add_argument("--capturistas", default="16", help=_("capturistas del CCV (16)"))
    parser.add_argument("--verificadores", default="2", help=_("verificadores del CCV (2)"))


def _validar_equipo(opciones: dict) -> tuple[int, int]:
    return (
        _entero(opciones["capturistas"], "--capturistas", 2, 1000),
        _entero(opciones["verificadores"], "--verificadores", 1, 100),
    )


def opciones_preparar(parser) -> None:
    """Options of `prep simulacro preparar`."""
    agregar_opciones_eleccion(parser, casillas=CASILLAS)
    _opciones_equipo(parser)
    parser.add_argument(
        "--equipo", required=True, help=_("archivo donde escribir el equipo (credenciales, 0600)")
    )
    parser.add_argument(
        "--reloj", default="60", help=_("cuántas veces más rápido corre la noche (60)")
    )


def preparar(opciones: dict, consola: Console) -> None:
    """Prepare a drill on this deployment's database and write the team file for the machine
    that will run `prep simulacro ejecutar --url`."""
    casillas, semilla, elecciones = validar_eleccion(opciones)
    capturistas, verificadores = _validar_equipo(opciones)
    factor = _numero(opciones["reloj"], "--reloj", 1, 600)
    ruta = Path(opciones["equipo"])
    eleccion = Eleccion(casillas, semilla, elecciones)
    try:
        preparar_base_de_datos()
        preparar_publicacion(Path(settings.PREP_PUBLICACION_DIR))
        sintetica = preparar_eleccion(eleccion, Path(settings.VAR_DIR) / "simulacro" / "catalogo")
        equipo = formar_equipo(sintetica, PREFIJO, capturistas, verificadores)
        ventana = fijar_noche()
    except (ErrorDeDominio, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    archivo_equipo.guardar(ruta, eleccion, sintetica, equipo)
    texto_reloj = reloj.texto_simulado(
        NOCHE.replace(tzinfo=ventana.inicio.tzinfo), factor, timezone.now()
    )
    consola.print(
        _("Simulacro preparado: %(a)s actas, %(c)s CATD, %(k)s capturistas, %(v)s verificadores.")
        % {
            "a": f"{len(sintetica.actas):,}",
            "c": len(equipo.catds),
            "k": capturistas,
            "v": verificadores,
        }
    )
    consola.print(
        _("Equipo en %(ruta)s (contiene contraseñas y tokens: sólo para el simulacro).")
        % {"ruta": ruta},
        soft_wrap=True,
    )
    consola.print(
        _("Arranque «prep servir» y «prep publicar --programado» con PREP_RELOJ='%(r)s'")
        % {"r": texto_reloj},
        soft_wrap=True,
    )


def opciones_ejecutar(parser) -> None:
    """Options of `prep simulacro ejecutar`."""
    agregar_opciones_eleccion(parser, casillas=CASILLAS)
    _opciones_equipo(parser)
    parser.add_argument(
        "--url",
        default="",
        help=_("PREP remoto (una o varias URL separadas por comas); sin ella, aquí mismo"),
    )
    parser.add_argument(
        "--equipo", default="", help=_("con --url: el archivo de «prep simulacro preparar»")
    )
    parser.add_argument(
        "--sitio",
        default="",
        help=_("con --url: URL del sitio de publicación, para medir del acopio a la publicación"),
    )
    parser.add_argument(
        "--error-captura", default="0.02", help=_("probabilidad de que una captura yerre (0.02)")
    )
    parser.add_argument("--limite", default="", help=_("jugar sólo estas actas (todas)"))
    parser.add_argument(
        "--ritmo", default="", help=_("paquetes que llegan por minuto (sin límite)")
    )
    parser.add_argument(
        "--imagenes-completas",
        action="store_true",
        help=_("dibujar todas las cifras en cada imagen (más CPU en esta máquina)"),
    )
    parser.add_argument(
        "--servidores",
        default="",
        help=_("procesos «prep servir» locales (2 con PostgreSQL, 1 con SQLite)"),
    )
    parser.add_argument("--hilos", default="16", help=_("hilos de cada servidor local (16)"))
    parser.add_argument(
        "--reloj", default="60", help=_("cuántas veces más rápido corre la noche local (60)")
    )
    parser.add_argument("--informe", default="", help=_("escribir el informe en JSON aquí"))


def _ajustes(opciones: dict) -> Ajustes:
    limite = opciones["limite"]
    ritmo = opciones["ritmo"]
    return Ajustes(
        error_captura=_numero(opciones["error_captura"], "--error-captura", 0, 1),
        imagenes_completas=bool(opciones["imagenes_completas"]),
        limite=_entero(limite, "--limite", 1, 10_000_000) if limite else None,
        ritmo=_numero(ritmo, "--ritmo", 1, 1_000_000) if ritmo else None,
    )


def ejecutar(opciones: dict, consola: Console) -> int:
    """Run the drill; the report on the terminal (and as JSON with --informe). Returns the
    exit status: 1 when an operation failed for good or an acta went unpublished."""
    ajustes = _ajustes(opciones)
    destino = Path(opciones["informe"]) if opciones["informe"] else None
    with barra_de_progreso(consola) as progreso:

        def avance(tarea: str, total: int):
            id_tarea = progreso.add_task(tarea, total=total)
            return lambda n: progreso.advance(id_tarea, n)

        if opciones["url"]:
            datos = _remoto(opciones, ajustes, avance)
        else:
            datos = _local(opciones, ajustes, avance)
    informe.mostrar(consola, datos)
    if destino is not None:
        informe.guardar(destino, datos)
        consola.print(_("Informe en %(r)s") % {"r": destino}, soft_wrap=True)
    return 1 if datos["errores"] else 0


def _remoto(opciones: dict, ajustes: Ajustes, avance) -> dict:
    urls = [u.strip().rstrip("/") for u in opciones["url"].split(",") if u.strip()]
    malas = [u for u in urls if not u.startswith(("http://", "https://"))]
    if malas or not urls:
        raise CommandError(_("--url debe ser http:// o https://: %(u)s") % {"u": ", ".join(malas)})
    if not opciones["equipo"]:
        raise CommandError(
            _("con --url hace falta --equipo (el archivo de «prep simulacro preparar»)")
        )
    try:
        _eleccion, sintetica, equipo = archivo_equipo.cargar(Path(opciones["equipo"]))
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    medicion = correr(urls, equipo, sintetica, ajustes, avance, opciones["sitio"] or None)
    return medicion.informe()


def _local(opciones: dict, ajustes: Ajustes, avance) -> dict:
    casillas, semilla, elecciones = validar_eleccion(opciones)
    capturistas, verificadores = _validar_equipo(opciones)
    postgres = connection.vendor == "postgresql"
    servidores = opciones["servidores"] or ("2" if postgres else "1")
    noche = Noche(
        eleccion=Eleccion(casillas, semilla, elecciones),
        prefijo=PREFIJO,
        capturistas=capturistas,
        verificadores=verificadores,
        servidores=_entero(servidores, "--servidores", 1, 64),
        hilos=_entero(opciones["hilos"], "--hilos", 1, 512),
        factor_reloj=_numero(opciones["reloj"], "--reloj", 1, 600),
    )
    publicacion = Path(settings.PREP_PUBLICACION_DIR)
    try:
        resultado = ejecutar_local(noche, ajustes, Path(settings.VAR_DIR), publicacion, avance)
    except (ErrorDeDominio, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    datos = resultado.medicion.informe()
    datos["comprobacion"] = _comprobar(datos)
    datos["motor"] = connection.vendor
    datos["cortes_generados"] = [
        {"corte": c.numero, "carpeta": c.carpeta, "segundos": c.segundos, "archivos": c.archivos}
        for c in resultado.cortes
    ]
    return datos


def _comprobar(datos: dict) -> list[str]:
    """Nothing lost: what the drill saw verified is what the database holds verified, and the
    last corte publishes it (with the Sin Acta, which count as captured); a difference is an
    error of the report."""
    cuentas = datos["cuentas"]
    en_base = Acta.objects.filter(estado=Acta.Estado.VERIFICADA).count()
    ultimo = datos["cortes"][-1]["actas_capturadas"] if datos["cortes"] else {}
    publicadas = sum(ultimo.values()) - cuentas["sin_acta"]
    linea = _(
        "Comprobación: verificadas por el simulacro %(s)s, en la base %(b)s, publicadas en el"
        " último corte %(p)s."
    ) % {"s": f"{cuentas['verificadas']:,}", "b": f"{en_base:,}", "p": f"{publicadas:,}"}
    if not cuentas["verificadas"] == en_base == publicadas:
        datos["errores"]["perdidas"] = abs(cuentas["verificadas"] - min(en_base, publicadas))
        datos["ejemplos_de_error"].append(linea)
    # Every change of the night chained once, in order, under all that concurrency.
    bitacora = verificar_base()
    cadena = _("Bitácora: %(n)s entradas, %(f)s fallas en su cadena.") % {
        "n": f"{bitacora.total:,}",
        "f": f"{len(bitacora.fallas):,}",
    }
    if not bitacora.integra:
        datos["errores"]["bitacora"] = len(bitacora.fallas)
        datos["ejemplos_de_error"].extend([cadena, *map(str, bitacora.fallas[:5])])
    return [linea, cadena]
