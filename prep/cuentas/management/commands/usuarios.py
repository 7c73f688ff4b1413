"""`prep usuarios crear|importar`: create operator accounts, one by one or from a CSV file."""

import getpass
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.archivos import crear_nuevo
from prep.cuentas.consola import actor_de_consola, primera_linea, validar_filas
from prep.cuentas.models import Rol
from prep.cuentas.servicios import (
    NuevoUsuario,
    centros_por_clave,
    contrasena_aleatoria,
    crear_usuarios,
    revisar_contrasena,
    usuarios_tomados,
    validar_usuario,
)
from prep.orden import Orden

COLUMNAS = ("usuario", "nombre", "rol", "centro")


class Command(Orden):
    help = _(
        "Usuarios: crear una cuenta o importar varias desde CSV (usuario,nombre,rol,centro)."
        "\n\nLas contraseñas nunca van en la línea de órdenes: `crear` la lee de un archivo o la"
        " pide en la terminal; `importar` genera una al azar por usuario y las escribe en un"
        " archivo nuevo que sólo su dueño puede leer (permisos 0600)."
    )

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        # No abbreviations: `--contrasena SECRETO` must be refused, not taken for
        # `--contrasena-archivo` (which would then echo the secret in its error).
        crear = acciones.add_parser("crear", help=_("crear una cuenta"), allow_abbrev=False)
        crear.add_argument("usuario", help=_("nombre de usuario para entrar"))
        crear.add_argument("--rol", required=True, choices=Rol.values, help=_("rol de la cuenta"))
        crear.add_argument(
            "--centro",
            default="",
            help=_("clave del CATD/CCV (no aplica a administrador ni auditor)"),
        )
        crear.add_argument("--nombre", default="", help=_("nombre completo de la persona"))
        crear.add_argument(
            "--contrasena-archivo",
            help=_(
                "archivo cuya primera línea es la contraseña (si falta, se pide en la terminal)"
            ),
        )
        importar = acciones.add_parser("importar", help=_("crear cuentas desde un archivo CSV"))
        importar.add_argument("archivo", help=_("CSV con columnas usuario,nombre,rol,centro"))
        importar.add_argument(
            "--contrasenas",
            required=True,
            help=_(
                "archivo NUEVO donde escribir usuario,contrasena de cada cuenta (permisos 0600)"
            ),
        )

    def handle(self, *args, accion: str, **opciones):
        if accion == "crear":
            self._crear(opciones)
        else:
            self._importar(Path(opciones["archivo"]), Path(opciones["contrasenas"]))

    def _crear(self, opciones: dict) -> None:
        datos = {c: opciones.get(c) or "" for c in COLUMNAS}
        nuevo, problemas = validar_usuario(datos, centros_por_clave(), usuarios_tomados())
        if problemas:
            raise CommandError(problemas.texto())
        contrasena = self._contrasena(opciones.get("contrasena_archivo"))
        objeciones = revisar_contrasena(contrasena, nuevo)
        if objeciones:
            raise CommandError(_("contraseña rechazada: %(m)s") % {"m": " ".join(objeciones)})
        crear_usuarios(actor_de_consola(), [(nuevo, contrasena)])
        self.stdout.write(
            _("usuario %(u)s creado con el rol %(r)s%(c)s")
            % {
                "u": nuevo.usuario,
                "r": nuevo.rol.label,
                "c": f" en {nuevo.centro.clave}" if nuevo.centro else "",
            }
        )

    def _contrasena(self, archivo: str | None) -> str:
        if archivo:
            contrasena = primera_linea(archivo)
            if not contrasena:
                raise CommandError(
                    _("%(a)s no tiene la contraseña en su primera línea") % {"a": archivo}
                )
            return contrasena
        if not sys.stdin.isatty():
            raise CommandError(
                _("no hay una terminal donde pedir la contraseña: use --contrasena-archivo")
            )
        primera = getpass.getpass(_("Contraseña: "))
        if getpass.getpass(_("Repita la contraseña: ")) != primera:
            raise CommandError(_("las dos contraseñas no coinciden; no se creó el usuario"))
        return primera

    def _importar(self, archivo: Path, salida: Path) -> None:
        centros, tomados = centros_por_clave(), usuarios_tomados()
        nuevos = validar_filas(
            archivo,
            COLUMNAS,
            lambda valores: validar_usuario(valores, centros, tomados),
            self.stderr.write,
        )
        con_contrasena = [(n, contrasena_aleatoria()) for n in nuevos]
        self._escribir_contrasenas(salida, con_contrasena)
        try:
            crear_usuarios(actor_de_consola(), con_contrasena)
        except BaseException:
            salida.unlink(missing_ok=True)
            raise
        self.stdout.write(
            _(
                "%(n)d usuarios creados. Sus contraseñas están en %(s)s (sólo su dueño puede"
                " leerlo): entréguelas a cada persona y borre el archivo."
            )
            % {"n": len(nuevos), "s": salida}
        )

    def _escribir_contrasenas(self, salida: Path, filas: list[tuple[NuevoUsuario, str]]) -> None:
        # Never over (nor through a planted link to) an existing file; 0600 from creation, so
        # the passwords are never readable by others, not even for an instant.
        texto = "usuario,contrasena\n" + "".join(f"{n.usuario},{c}\n" for n, c in filas)
        try:
            crear_nuevo(salida, texto.encode("utf-8"), 0o600)
        except FileExistsError as exc:
            raise CommandError(
                _("%(s)s ya existe; elija un archivo nuevo para las contraseñas") % {"s": salida}
            ) from exc
        except OSError as exc:
            raise CommandError(
                _("no se pudo crear %(s)s: %(e)s") % {"s": salida, "e": exc.strerror}
            ) from exc
