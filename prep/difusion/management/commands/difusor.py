"""`prep difusor SUBORDEN`: the difusores oficiales. On the institute's side, the registry (alta,
lista, suspender, restablecer, baja) and the package of a corte (empaquetar); on the difusor's
side, receiving a package into the published folder (recibir).

Each subcommand is a `Suborden` (prep.difusion.consola) listed in SUBORDENES; adding one is
writing its class and listing it there."""

import hashlib
import signal
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prep.cuentas.consola import actor_de_consola
from prep.difusion import monitoreo, registro
from prep.difusion.bandeja import RECHAZADOS, procesar, vigilar
from prep.difusion.consola import Suborden
from prep.difusion.envio.empuje import enviar_corte
from prep.difusion.memoria import orden as memoria
from prep.difusion.models import Difusor
from prep.difusion.paquete import anterior_de, empaquetar, sin_cambio
from prep.difusion.recepcion import REGISTRO, OrigenLlave, Recepcion, Resultado, recibir
from prep.errores import ErrorDeDominio
from prep.orden import Orden
from prep.publicacion.carpetas import raiz
from prep.publicacion.llaves import leer_publica
from prep.publicacion.manifiesto import MANIFIESTO, leer
from prep.publicacion.verificacion_corte import ANTERIOR

# --- the registry ---------------------------------------------------------------------------


class Alta(Suborden):
    nombre = "alta"
    ayuda = _("registra un difusor oficial (activo)")
    descripcion = _(
        "Registra un difusor oficial: su nombre, la dirección pública donde republica el PREP,"
        " el canal por el que recibe los paquetes y dónde está su credencial. La credencial"
        " nunca se guarda: sólo la ruta absoluta de su archivo de llave o el nombre de la"
        " variable de entorno que la tiene."
    )

    def argumentos(self, parser: CommandParser) -> None:
        parser.add_argument("nombre", metavar="NOMBRE", help=_("nombre del difusor (único)"))
        parser.add_argument(
            "--url",
            required=True,
            metavar="URL",
            help=_("dirección pública del sitio del difusor (https)"),
        )
        parser.add_argument(
            "--canal",
            required=True,
            type=str.upper,
            choices=Difusor.Canal.values,
            metavar="SFTP|S3",
            help=_("cómo recibe los paquetes: SFTP o S3"),
        )
        parser.add_argument(
            "--credencial",
            required=True,
            metavar="REFERENCIA",
            help=_(
                "dónde está la credencial, no la credencial: ruta absoluta de un archivo de llave"
                " (p. ej. /etc/prep/difusores/unam_ed25519) o nombre de una variable de entorno"
                " (p. ej. PREP_DIFUSOR_UNAM)"
            ),
        )
        parser.add_argument(
            "--destino",
            required=True,
            metavar="DESTINO",
            help=_(
                "dónde recibe los cortes: sftp://usuario@servidor:22/ruta/de/la/bandeja o"
                " s3://bucket/prefijo?endpoint=https://…&region=… (endpoint sólo para un servicio"
                " compatible con S3)"
            ),
        )
        parser.add_argument(
            "--llave-servidor",
            default="",
            metavar="LLAVE",
            help=_(
                "SFTP: la llave pública del servidor, fijada (p. ej. la que da «ssh-keyscan -t"
                " ed25519 servidor», sin el nombre del servidor)"
            ),
        )
        parser.add_argument("--logo", default="", metavar="URL", help=_("dirección del logo"))
        parser.add_argument(
            "--orden",
            type=int,
            default=0,
            metavar="N",
            help=_("posición en la lista publicada (menor primero; 0 si no se indica)"),
        )

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        difusor = registro.dar_de_alta(
            actor_de_consola(),
            opciones["nombre"],
            opciones["url"],
            opciones["canal"],
            opciones["credencial"],
            opciones["destino"],
            llave_servidor=opciones["llave_servidor"],
            logo=opciones["logo"],
            orden=opciones["orden"],
        )
        orden.stdout.write(
            _("Difusor «%(n)s» registrado (activo, %(c)s): %(u)s")
            % {"n": difusor.nombre, "c": difusor.canal, "u": difusor.url}
        )


class Lista(Suborden):
    nombre = "lista"
    ayuda = _("muestra los difusores registrados")
    descripcion = _(
        "Muestra cada difusor en el orden del sitio: estado, canal, dirección pública y dónde"
        " está su credencial."
    )

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        difusores = list(Difusor.objects.all())
        if not difusores:
            orden.stdout.write(
                _(
                    "No hay difusores registrados. Registre uno con «prep difusor alta NOMBRE"
                    " --url URL --canal SFTP|S3 --credencial REFERENCIA»."
                )
            )
            return
        filas = [
            (_("orden"), _("nombre"), _("estado"), _("canal"), _("dirección"), _("credencial"))
        ]
        filas += [
            (str(d.orden), d.nombre, d.get_estado_display(), d.canal, d.url, d.credencial)
            for d in difusores
        ]
        anchos = [max(len(fila[i]) for fila in filas) for i in range(len(filas[0]) - 1)]
        for fila in filas:
            celdas = [c.ljust(a) for c, a in zip(fila, anchos, strict=False)]
            orden.stdout.write("  ".join([*celdas, fila[-1]]))


class Cambio(Suborden):
    """A change of state with its motivo: suspender, restablecer, baja."""

    def __init__(self, nombre: str, ayuda: str, descripcion: str, cambiar, hecho: str) -> None:
        self.nombre, self.ayuda, self.descripcion = nombre, ayuda, descripcion
        self._cambiar, self._hecho = cambiar, hecho

    def argumentos(self, parser: CommandParser) -> None:
        parser.add_argument("difusor", metavar="NOMBRE", help=_("nombre del difusor"))
        parser.add_argument("--motivo", required=True, help=_("por qué (queda en la bitácora)"))

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        difusor = self._cambiar(actor_de_consola(), opciones["difusor"], opciones["motivo"])
        orden.stdout.write(self._hecho % {"n": difusor.nombre})


# --- packages -------------------------------------------------------------------------------


class Empaquetar(Suborden):
    nombre = "empaquetar"
    ayuda = _("escribe el paquete de un corte para los difusores")
    descripcion = _(
        "Escribe el paquete de difusión de un corte publicado: la carpeta del corte (cada"
        " archivo de su manifiesto, manifest.json y manifest.sig) y, si el corte anterior está"
        " junto a él, anterior/manifest.json. Antes verifica el corte: uno alterado no se"
        " empaqueta. El mismo corte da siempre los mismos bytes."
    )

    def argumentos(self, parser: CommandParser) -> None:
        parser.add_argument(
            "corte",
            metavar="CORTE",
            help=_(
                "carpeta del corte, o su nombre (AAAAMMDD_HHMM_PREP, o «ultimo») dentro de la"
                " carpeta de publicación"
            ),
        )
        parser.add_argument(
            "paquete",
            type=Path,
            metavar="PAQUETE",
            help=_("archivo a escribir: .tar.gz (o .tgz) comprimido, o .tar"),
        )
        parser.add_argument(
            "--diferencias",
            action="store_true",
            help=_(
                "sólo lo que cambió desde el corte anterior (que debe estar junto a él): el"
                " difusor lo recibe sólo si publica ese corte anterior"
            ),
        )

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        carpeta = Path(opciones["corte"])
        if not carpeta.is_dir() and (raiz() / carpeta).is_dir():
            carpeta = raiz() / carpeta
        paquete = empaquetar(carpeta, opciones["paquete"], diferencias=opciones["diferencias"])
        manifiesto = leer((carpeta / MANIFIESTO).read_bytes())
        anterior = anterior_de(carpeta.resolve(), manifiesto)
        omitidos = sin_cambio(manifiesto, anterior) if opciones["diferencias"] else set()
        with paquete.open("rb") as archivo:
            sha = hashlib.file_digest(archivo, "sha256").hexdigest()
        orden.stdout.write(
            _("Paquete del corte %(n)d (%(c)s) escrito en %(p)s: %(a)d archivos, %(b)d bytes.")
            % {
                "n": manifiesto.corte,
                "c": carpeta.resolve().name,
                "p": paquete,
                "a": len(manifiesto.archivos) + 2 - len(omitidos),
                "b": paquete.stat().st_size,
            }
        )
        if manifiesto.anterior is not None:
            orden.stdout.write(
                _("Lleva %(a)s para comprobar el eslabón con el corte anterior.") % {"a": ANTERIOR}
                if anterior is not None
                else _("Sin %(a)s: el corte anterior no está junto a este.") % {"a": ANTERIOR}
            )
        orden.stdout.write(_("SHA-256 del paquete: %s") % sha)


class Recibir(Suborden):
    nombre = "recibir"
    ayuda = _("recibe un paquete en la carpeta que publica el difusor")
    descripcion = _(
        "Del lado del difusor: verifica el paquete (firma, cadena y SHA-256 de cada archivo)"
        " antes de extraer nada; rechaza uno alterado, sin firma, firmado con otra llave o más"
        " viejo que el corte publicado. Si todo se cumple lo extrae en una carpeta oculta, la"
        " renombra a la del corte y cambia «ultimo» de un solo golpe: un visitante nunca ve"
        " medio corte. Al rechazar, DESTINO queda como estaba. Cada intento se anota en"
        " DESTINO/%(r)s. Sale con 0 si lo publica, 1 si lo rechaza y 2 si la entrada no se"
        " puede leer."
    ) % {"r": REGISTRO}

    def argumentos(self, parser: CommandParser) -> None:
        parser.add_argument("paquete", type=Path, metavar="PAQUETE", help=_("paquete del corte"))
        _argumentos_de_recepcion(parser)

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        llave, conservar = _opciones_de_recepcion(opciones)
        recepcion = recibir(opciones["paquete"], opciones["destino"], llave, conservar)
        _informar(orden, recepcion)
        if recepcion.resultado is Resultado.RECHAZADO:
            raise CommandError(_("paquete rechazado"), returncode=1)
        if recepcion.resultado is Resultado.ILEGIBLE:
            raise CommandError(_("no se pudo leer la entrada"), returncode=2)


def _argumentos_de_recepcion(parser: CommandParser) -> None:
    """DESTINO, --llave and --conservar: what `recibir` and `bandeja` share."""
    parser.add_argument(
        "destino",
        type=Path,
        metavar="DESTINO",
        help=_(
            "carpeta que publica el difusor: guarda cada corte recibido y «ultimo», que apunta al"
            " más reciente (el servidor web sirve DESTINO/ultimo)"
        ),
    )
    parser.add_argument(
        "--llave",
        type=Path,
        metavar="LLAVE.pem",
        help=_(
            "llave pública del instituto (PEM), obtenida de su publicación oficial; sin ella se"
            " exige la llave del corte ya publicado en DESTINO (y el primer paquete se comprueba"
            " con la suya)"
        ),
    )
    parser.add_argument(
        "--conservar",
        type=int,
        metavar="N",
        help=_("conserva sólo los N cortes más recientes (por omisión, todos)"),
    )


def _opciones_de_recepcion(opciones: dict) -> tuple[Ed25519PublicKey | None, int | None]:
    """The trusted key (read from --llave) and --conservar, validated."""
    conservar = opciones["conservar"]
    if conservar is not None and conservar < 1:
        raise CommandError(_("--conservar debe ser 1 o más"), returncode=2)
    return (_llave(opciones["llave"]) if opciones["llave"] is not None else None), conservar


def _llave(archivo: Path) -> Ed25519PublicKey:
    try:
        return leer_publica(archivo.read_bytes())
    except OSError as exc:
        raise CommandError(
            _("no se puede leer la llave %(a)s: %(c)s") % {"a": archivo, "c": exc.strerror or exc},
            returncode=2,
        ) from exc
    except ValueError as exc:
        raise CommandError(f"{archivo}: {exc}", returncode=2) from exc


def _informar(orden: BaseCommand, recepcion: Recepcion) -> None:
    escribir = orden.stdout.write
    if recepcion.corte is not None:
        escribir(
            _("Paquete %(p)s: corte %(n)d (%(c)s), %(v)d archivos verificados.")
            % {
                "p": recepcion.paquete.name,
                "n": recepcion.corte,
                "c": recepcion.carpeta,
                "v": recepcion.verificados,
            }
        )
    if recepcion.llave is not None:
        escribir(
            _("Llave: %(o)s, huella %(h)s") % {"o": recepcion.origen_llave, "h": recepcion.llave}
        )
        if recepcion.origen_llave is OrigenLlave.PROPIA:
            escribir(
                _(
                    "AVISO: compare la huella con la que publicó el instituto (o use --llave): la"
                    " llave que trae el paquete prueba que nada cambió, no quién lo firmó."
                )
            )
    for nota in recepcion.notas:
        escribir(_("nota: %s") % nota)
    for falla in recepcion.fallas:
        escribir(falla)
    antes = (
        _("el corte %(n)d") % {"n": recepcion.previo} if recepcion.previo is not None else _("nada")
    )
    if recepcion.resultado is Resultado.ACEPTADO:
        escribir(
            _("Corte %(n)d publicado en %(d)s: ultimo → %(c)s (antes: %(a)s).")
            % {"n": recepcion.corte, "d": recepcion.destino, "c": recepcion.carpeta, "a": antes}
        )
        if recepcion.eliminados:
            escribir(
                ngettext(
                    "Eliminado %(n)d corte viejo: %(c)s",
                    "Eliminados %(n)d cortes viejos: %(c)s",
                    len(recepcion.eliminados),
                )
                % {"n": len(recepcion.eliminados), "c": ", ".join(recepcion.eliminados)}
            )
    else:
        escribir(
            ngettext(
                "Paquete rechazado (%(k)d falla): %(d)s sigue publicando %(a)s, sin cambios.",
                "Paquete rechazado (%(k)d fallas): %(d)s sigue publicando %(a)s, sin cambios.",
                len(recepcion.fallas),
            )
            % {"k": len(recepcion.fallas), "d": recepcion.destino, "a": antes}
        )


# --- push, monitoring and the difusor's inbox ---------------------------------------------


class Enviar(Suborden):
    nombre = "enviar"
    ayuda = _("envía el corte más reciente a los difusores activos que aún no lo tienen")
    descripcion = _(
        "Envía el corte más reciente a cada difusor activo que no lo haya recibido, en"
        " paralelo: por SFTP el paquete del corte a su bandeja (nombre temporal y renombre), por"
        " S3 los archivos que cambiaron (el manifiesto al final). Reintenta con espera creciente"
        " hasta --limite segundos; cada intento queda en la bitácora. «prep publicar» ya lo hace"
        " tras cada corte: esta orden completa lo que faltó. Sale con 1 si algún difusor no lo"
        " recibió."
    )

    def argumentos(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limite",
            type=float,
            default=600.0,
            metavar="SEGUNDOS",
            help=_("tiempo máximo para reintentar (por omisión 600)"),
        )

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        if opciones["limite"] <= 0:
            raise CommandError(_("--limite debe ser positivo"), returncode=2)
        entregas = enviar_corte(limite=opciones["limite"], actor=actor_de_consola())
        if not entregas:
            orden.stdout.write(_("Nada que enviar: cada difusor activo ya tiene el corte."))
        for entrega in entregas:
            orden.stdout.write(
                (
                    _("«%(d)s»: entregado (%(i)s intentos): %(t)s")
                    if entrega.entregado
                    else _("«%(d)s»: NO entregado tras %(i)s intentos: %(t)s")
                )
                % {"d": entrega.difusor, "i": entrega.intentos, "t": entrega.detalle}
            )
        if not all(e.entregado for e in entregas):
            raise CommandError(_("algún difusor no recibió el corte"), returncode=1)


class Vigilar(Suborden):
    nombre = "vigilar"
    ayuda = _("revisa que cada difusor publique el corte más reciente (un periodo)")
    descripcion = _(
        "Lee ultimo/manifest.json del sitio público de cada difusor activo al que se envió el"
        " corte más reciente y lo compara con el enviado; anota el periodo como correcto o"
        " fallido con su motivo. Al tercer periodo fallido seguido el difusor queda cortado:"
        " ya no recibe cortes y su enlace se muestra suspendido, con un aviso, desde el"
        " siguiente corte. «prep publicar --programado» lo hace al terminar cada periodo."
    )

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        revisiones = monitoreo.vigilar(actor=actor_de_consola())
        if not revisiones:
            orden.stdout.write(_("Ningún difusor activo que revisar para el corte más reciente."))
        for revision in revisiones:
            estado = (
                _("correcto")
                if revision.correcto
                else _("CORTADO")
                if revision.cortado
                else _("fallido %(f)s de 3") % {"f": revision.fallos}
            )
            orden.stdout.write(
                _("«%(d)s»: %(e)s: %(m)s")
                % {"d": revision.difusor, "e": estado, "m": revision.motivo}
            )


class Bandeja(Suborden):
    nombre = "bandeja"
    ayuda = _("del lado del difusor: publica cada paquete que llega a la bandeja SFTP")
    descripcion = _(
        "Del lado del difusor: toma cada paquete completo que el instituto dejó en BANDEJA (por"
        " orden de corte) y lo recibe en DESTINO como «prep difusor recibir»: verificado antes"
        " de extraer y cambiado de un solo golpe. Uno publicado se borra de la bandeja; uno"
        " rechazado pasa a BANDEJA/%(r)s. Sin --una-vez sigue esperando paquetes hasta"
        " recibir SIGTERM o Ctrl-C."
    ) % {"r": RECHAZADOS}

    def argumentos(self, parser: CommandParser) -> None:
        parser.add_argument("bandeja", type=Path, metavar="BANDEJA", help=_("carpeta de llegada"))
        _argumentos_de_recepcion(parser)
        parser.add_argument(
            "--una-vez",
            action="store_true",
            help=_("procesa lo que hay y termina (para cron o pruebas)"),
        )

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        llave, conservar = _opciones_de_recepcion(opciones)
        bandeja = opciones["bandeja"]
        if not bandeja.is_dir():
            raise CommandError(
                _("la bandeja %(b)s no existe o no es una carpeta") % {"b": bandeja}, returncode=2
            )

        def informar(recepcion: Recepcion) -> None:
            _informar(orden, recepcion)
            orden.stdout.flush()

        if opciones["una_vez"]:
            recepciones = procesar(bandeja, opciones["destino"], llave, conservar)
            for recepcion in recepciones:
                informar(recepcion)
            if not recepciones:
                orden.stdout.write(_("La bandeja no tiene paquetes."))
            if any(r.resultado is not Resultado.ACEPTADO for r in recepciones):
                raise CommandError(_("algún paquete fue rechazado"), returncode=1)
            return
        detener = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_a: detener.set())
        orden.stdout.write(
            _("Esperando paquetes en %(b)s (publica en %(d)s)…")
            % {"b": bandeja, "d": opciones["destino"]}
        )
        orden.stdout.flush()
        try:
            vigilar(bandeja, opciones["destino"], detener, informar, llave, conservar)
        except KeyboardInterrupt:
            detener.set()


class Memoria(Suborden):
    """`prep difusor memoria`: the difusor's memoria técnica (its module builds the parser)."""

    nombre = memoria.NOMBRE

    def agregar(self, subordenes) -> None:
        memoria.agregar_subcomando(subordenes)

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        memoria.ejecutar(opciones, orden.stdout)


SUBORDENES: tuple[Suborden, ...] = (
    Alta(),
    Lista(),
    Cambio(
        "suspender",
        _("suspende un difusor activo"),
        _(
            "Deja de enviarle paquetes y su enlace se muestra deshabilitado en el sitio del"
            " instituto. Se restablece con «prep difusor restablecer»."
        ),
        registro.suspender,
        _("Difusor «%(n)s» suspendido."),
    ),
    Cambio(
        "restablecer",
        _("vuelve a activar un difusor suspendido"),
        _("Vuelve a recibir paquetes y su enlace se habilita en el sitio del instituto."),
        registro.restablecer,
        _("Difusor «%(n)s» activo de nuevo."),
    ),
    Cambio(
        "baja",
        _("da de baja un difusor"),
        _(
            "Deja de recibir paquetes y sale de la lista publicada. Es definitivo: su nombre"
            " queda en la bitácora y no se reutiliza."
        ),
        registro.dar_de_baja,
        _("Difusor «%(n)s» dado de baja."),
    ),
    Empaquetar(),
    Recibir(),
    Enviar(),
    Vigilar(),
    Bandeja(),
    Memoria(),
)

# Work on files only: packaging a published corte, and the difusor's side (receiving and its
# memoria técnica), which runs on the difusor's machine, with no PREP database.
SIN_BASE = frozenset({"empaquetar", "recibir", "bandeja", memoria.NOMBRE})


class Command(Orden):
    help = _(
        "Difusores oficiales: su registro, el paquete de cada corte, su envío y la vigilancia de"
        " sus sitios, su recepción del lado del difusor y su memoria técnica."
    )

    def necesita_base(self, opciones: dict) -> bool:
        return opciones["suborden"] not in SIN_BASE

    def add_arguments(self, parser: CommandParser) -> None:
        subordenes = parser.add_subparsers(
            dest="suborden", required=True, metavar="SUBORDEN", title=_("subórdenes")
        )
        for suborden in SUBORDENES:
            suborden.agregar(subordenes)

    def handle(self, *args, suborden: str, **opciones) -> None:
        elegida = next(s for s in SUBORDENES if s.nombre == suborden)
        try:
            elegida.ejecutar(self, opciones)
        except ErrorDeDominio as exc:
            raise CommandError(str(exc)) from exc
