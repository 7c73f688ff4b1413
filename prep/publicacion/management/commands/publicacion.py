"""`prep publicacion calendario|llave`: fix or show the publication calendar the consejo approved,
and generate or show the key that signs every corte."""

from datetime import datetime, tzinfo
from itertools import islice
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from prep import reloj
from prep.cuentas.identidad import SISTEMA
from prep.errores import ErrorDeDominio
from prep.orden import Orden
from prep.publicacion import llaves
from prep.publicacion.calendario import Ventana, lleva_bases, programados, texto_hora, validar
from prep.publicacion.models import Calendario, Corte
from prep.publicacion.programacion import (
    calendario_vigente,
    fijar_calendario,
    proceso_vigente,
    ventana_de,
    zona_de,
)

FORMATOS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
PROXIMOS = 6  # scheduled cortes listed by `calendario` without options


class Command(Orden):
    help = _(
        "Publicación: fijar o consultar el calendario de publicación (inicio, actualizaciones por"
        " hora y última actualización) y generar o mostrar la llave que firma cada corte."
    )

    def necesita_base(self, opciones: dict) -> bool:
        # The signing key is a file: `llave generar|mostrar` works before the database exists.
        return opciones["suborden"] != "llave"

    def add_arguments(self, parser: CommandParser) -> None:
        subordenes = parser.add_subparsers(
            dest="suborden", required=True, metavar="SUBORDEN", title=_("subórdenes")
        )
        calendario = subordenes.add_parser(
            "calendario",
            help=_("fija o muestra el calendario de publicación"),
            description=_(
                "Sin opciones, muestra el calendario vigente y sus próximos cortes. Con opciones,"
                " lo fija como lo aprobó el consejo (antes de la elección: ya no cambia cuando"
                " existe el primer corte). Las horas son hora local del proceso electoral. Reglas"
                " (RE 339 y 353): elección federal, inicio no antes de las 20:00 tiempo del"
                " centro; local, inicio entre las 18:00 y las 20:00; última actualización a más"
                " tardar 24 horas después; al menos 3 actualizaciones por hora de datos e"
                " imágenes y de bases de datos."
            ),
        )
        calendario.add_argument(
            "--inicio",
            metavar="'AAAA-MM-DD HH:MM'",
            help=_("fecha y hora de inicio de la publicación (hora local)"),
        )
        calendario.add_argument(
            "--fin",
            metavar="'AAAA-MM-DD HH:MM'",
            help=_("fecha y hora de la última actualización (hora local)"),
        )
        calendario.add_argument(
            "--cortes-por-hora",
            type=int,
            metavar="N",
            help=_("actualizaciones por hora de datos e imágenes (3 o más; 3 si no se indica)"),
        )
        calendario.add_argument(
            "--bases-por-hora",
            type=int,
            metavar="N",
            help=_("actualizaciones por hora de las bases de datos (3 o más; 3 si no se indica)"),
        )
        llave = subordenes.add_parser(
            "llave",
            help=_("genera o muestra la llave de firma de los cortes"),
            description=_(
                "«generar» crea la llave Ed25519 que firma el manifiesto de cada corte (nunca"
                " sobre una existente; PREP_LLAVE_FIRMA dice dónde). «mostrar» imprime su llave"
                " pública en PEM y su huella, para comunicarla a los difusores."
            ),
        )
        llave.add_argument("accion", choices=("generar", "mostrar"), metavar="generar|mostrar")

    def handle(self, *args, suborden: str, **opciones) -> None:
        try:
            if suborden == "llave":
                self._llave(opciones["accion"])
            elif any(
                opciones[o] is not None
                for o in ("inicio", "fin", "cortes_por_hora", "bases_por_hora")
            ):
                self._fijar(opciones)
            else:
                self._mostrar(calendario_vigente())
        except ErrorDeDominio as exc:
            raise CommandError(str(exc)) from exc

    def _fijar(self, opciones: dict) -> None:
        proceso = proceso_vigente()
        zona = zona_de(proceso)
        actual = Calendario.objects.filter(proceso=proceso).first()
        inicio, fin = (
            None if opciones[o] is None else _fecha(opciones[o], f"--{o}", zona)
            for o in ("inicio", "fin")
        )
        if actual is None and (inicio is None or fin is None):
            raise CommandError(
                _(
                    "no hay calendario de publicación todavía: indique --inicio y --fin"
                    " (p. ej. --inicio '2027-06-06 20:00' --fin '2027-06-07 20:00')"
                )
            )
        # Options left out keep the calendar's current values (3 per hour for a new one).
        por_hora = {}
        for opcion in ("cortes_por_hora", "bases_por_hora"):
            por_hora[opcion] = opciones[opcion]
            if por_hora[opcion] is None:
                por_hora[opcion] = getattr(actual, opcion) if actual else 3
        calendario = fijar_calendario(
            SISTEMA, proceso, inicio or actual.inicio, fin or actual.fin, **por_hora
        )
        self.stdout.write(_("Calendario de publicación fijado."))
        self._mostrar(calendario)

    def _mostrar(self, calendario: Calendario) -> None:
        ventana = ventana_de(calendario)
        zona = zona_de(calendario.proceso)
        self.stdout.write(
            _("Calendario de publicación de %(p)s (hora local: %(z)s; elección %(t)s):")
            % {
                "p": calendario.proceso,
                "z": zona.key,
                "t": _("federal") if ventana.federal else _("local"),
            }
        )
        filas = [
            (_("inicio"), texto_hora(ventana.inicio)),
            (_("última actualización"), texto_hora(ventana.fin)),
            (
                _("datos e imágenes"),
                _("%(n)d por hora (cada %(m)d min)")
                % {"n": ventana.cortes_por_hora, "m": 60 // max(ventana.cortes_por_hora, 1)},
            ),
            (
                _("bases de datos"),
                _("%(n)d por hora (cada %(m)d min)")
                % {"n": ventana.bases_por_hora, "m": 60 // max(ventana.bases_por_hora, 1)},
            ),
            (_("estado"), self._estado(calendario, ventana.inicio.tzinfo)),
        ]
        ancho = max(len(nombre) for nombre, _valor in filas)
        for nombre, valor in filas:
            self.stdout.write(f"  {nombre.ljust(ancho)}  {valor}")
        problemas = validar(ventana, zona)
        if problemas:
            # The proceso's elections may have changed since the calendar was fixed.
            self.stdout.write(_("Advertencia: el calendario ya no cumple las reglas:"))
            for problema in problemas:
                self.stdout.write(f"  - {problema}")
            return
        if calendario.cerrado is None:
            self._proximos(ventana)

    def _estado(self, calendario: Calendario, zona: tzinfo) -> str:
        if calendario.cerrado is not None:
            return _("cerrada el %(m)s (%(motivo)s)") % {
                "m": texto_hora(calendario.cerrado.astimezone(zona)),
                "motivo": calendario.motivo_cierre,
            }
        hechos = Corte.objects.count()
        if hechos:
            return _("en curso: %(n)d cortes publicados") % {"n": hechos}
        return _("sin cortes todavía")

    def _proximos(self, ventana: Ventana) -> None:
        ahora = reloj.ahora()
        ultimo = Corte.objects.filter(con_bases=True).order_by("-numero").first()
        con_bases = ultimo.momento if ultimo else None
        pendientes = [m for m in programados(ventana) if m >= ahora]
        if not pendientes:
            self.stdout.write(_("No quedan cortes programados."))
            return
        self.stdout.write(_("Próximos cortes (%(n)d pendientes):") % {"n": len(pendientes)})
        for momento in islice(pendientes, PROXIMOS):
            bases = lleva_bases(ventana, momento, con_bases)
            if bases:
                con_bases = momento
            marca = _("con bases de datos") if bases else ""
            self.stdout.write(f"  {texto_hora(momento)}  {marca}".rstrip())

    def _llave(self, accion: str) -> None:
        ruta = llaves.ruta_llave()
        if accion == "generar":
            llave = llaves.generar()
            self.stdout.write(
                _("Llave de firma creada en %(r)s (sólo su dueño puede leerla).") % {"r": ruta}
            )
        else:
            llave = llaves.cargar()
            self.stdout.write(llaves.publica_pem(llave.public_key()).decode("ascii"), ending="")
        self.stdout.write(
            _("Huella de la llave pública: %(h)s")
            % {"h": llaves.huella_publica(llave.public_key())}
        )


def _fecha(texto: str, opcion: str, zona: ZoneInfo) -> datetime:
    """A local date and time typed by a person, in the proceso's zone; CommandError explaining
    the expected form, or a time the daylight-saving change skips or repeats."""
    for formato in FORMATOS:
        try:
            local = datetime.strptime(texto.strip(), formato)
        except ValueError:
            continue
        momento = local.replace(tzinfo=zona)
        if momento.utcoffset() != momento.replace(fold=1).utcoffset():
            raise CommandError(
                _(
                    "%(o)s «%(t)s»: esa hora no existe o se repite en %(z)s por el cambio de"
                    " horario; elija otra"
                )
                % {"o": opcion, "t": texto, "z": zona.key}
            )
        return momento
    raise CommandError(
        _(
            "%(o)s «%(t)s» no es una fecha y hora válida: use AAAA-MM-DD HH:MM en hora local de"
            " %(z)s, p. ej. %(o)s '2027-06-06 20:00'"
        )
        % {"o": opcion, "t": texto, "z": zona.key}
    )
