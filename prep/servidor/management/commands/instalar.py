"""`prep instalar`: the first run on a new machine, and safe to repeat: the database's migrations,
the signing key and the first administrador. What is already there is said and left alone.

It lives with `prep servir` because both are about the installation itself, and this app is the
one above cuentas, publicacion and bitácora, which it uses.
"""

import getpass
import os
import sys

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from prep.bitacora.servicios import registrar
from prep.cuentas.consola import actor_de_consola, primera_linea
from prep.cuentas.identidad import Actor
from prep.cuentas.models import Perfil, Rol
from prep.cuentas.servicios import (
    NuevoUsuario,
    centros_por_clave,
    crear_usuarios,
    revisar_contrasena,
    usuarios_tomados,
    validar_usuario,
)
from prep.errores import ErrorDeDominio
from prep.orden import Orden, migraciones_pendientes
from prep.publicacion import llaves

# For automation that cannot leave a file: the first administrador's password.
VARIABLE_CONTRASENA = "PREP_ADMINISTRADOR_CONTRASENA"
INTENTOS = 3  # wrong or weak passwords typed before giving up, at the terminal

SIGUIENTES = """\
Siguientes pasos (docs/instalacion.md los explica uno por uno):
  prep catalogo importar CARPETA                  el catálogo electoral (docs/catalogo.md)
  prep centros importar centros.csv               los CATD y CCV
  prep usuarios importar usuarios.csv --contrasenas contrasenas.csv
  prep dispositivos emitir NOMBRE --tipo ESCANER --centro CLAVE
  prep publicacion calendario --inicio 'AAAA-MM-DD HH:MM' --fin 'AAAA-MM-DD HH:MM'
  prep publicacion llave mostrar                  la llave pública, para los difusores
  prep servir --direccion 0.0.0.0:8000"""


class Command(Orden):
    help = _(
        "Instala o completa una instalación: aplica las migraciones de la base de datos, crea"
        " la llave de firma si falta y el primer administrador.\n\n"
        "Se puede repetir: lo que ya existe se informa y no se cambia. En una terminal pregunta"
        " lo que falta; para automatizarla, --administrador con --contrasena-archivo (o la"
        f" variable {VARIABLE_CONTRASENA}), o --sin-administrador, y --no-interactivo."
    )
    requiere_base = False  # it is what makes the database ready
    requires_system_checks = "__all__"  # the first run on a machine: say what is misconfigured

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--administrador",
            metavar="USUARIO",
            help=_("nombre de usuario del primer administrador (si falta, se pregunta)"),
        )
        parser.add_argument(
            "--nombre", default="", help=_("nombre completo del administrador (opcional)")
        )
        parser.add_argument(
            "--contrasena-archivo",
            metavar="ARCHIVO",
            help=_(
                "archivo cuya primera línea es la contraseña del administrador (si falta, se"
                " toma de %(v)s o se pide dos veces en la terminal)"
            )
            % {"v": VARIABLE_CONTRASENA},
        )
        parser.add_argument(
            "--sin-administrador",
            action="store_true",
            help=_("no crear el administrador (p. ej. porque se restaurará un respaldo)"),
        )
        parser.add_argument(
            "--no-interactivo",
            action="store_true",
            help=_("no preguntar nada: falla con un mensaje claro si falta un dato"),
        )

    def handle(self, *args, **opciones) -> None:
        interactivo = not opciones["no_interactivo"] and sys.stdin.isatty()
        actor = actor_de_consola()
        pendientes = migraciones_pendientes()
        administradores = [] if pendientes else _administradores()
        if not (opciones["sin_administrador"] or administradores or interactivo):
            # Before any change: an automated run without what it needs fails untouched.
            _pedido_completo(opciones)
        self._migrar(pendientes, actor)
        self._llave(actor)
        if opciones["sin_administrador"]:
            self.stdout.write(_("Administrador: no se creó (--sin-administrador)."))
        elif administradores := _administradores():
            self.stdout.write(
                _("Administrador: ya existe (%(u)s); no se creó otro.")
                % {"u": ", ".join(administradores)}
            )
        else:
            self._administrador(opciones, interactivo, actor)
        self.stdout.write("\n" + SIGUIENTES)

    def _migrar(self, pendientes: int, actor: Actor) -> None:
        if not pendientes:
            self.stdout.write(_("Base de datos: ya tenía todas sus migraciones."))
            return
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            registrar(actor.nombre, "instalacion.migrar", "base", None, {"migraciones": pendientes})
        self.stdout.write(
            _("Base de datos: se aplicaron %(n)d migraciones (%(d)s).")
            % {"n": pendientes, "d": connection.settings_dict["NAME"]}
        )

    def _llave(self, actor: Actor) -> None:
        ruta = llaves.ruta_llave()
        try:
            if ruta.exists():
                huella = llaves.huella_publica(llaves.cargar().public_key())
                self.stdout.write(
                    _("Llave de firma: ya existía en %(r)s (huella %(h)s); no se cambió.")
                    % {"r": ruta, "h": huella}
                )
                return
            huella = llaves.huella_publica(llaves.generar().public_key())
        except ErrorDeDominio as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            registrar(actor.nombre, "llave.generar", "llave:firma", None, {"huella": huella})
        self.stdout.write(
            _("Llave de firma: creada en %(r)s (sólo su dueño puede leerla); huella %(h)s.")
            % {"r": ruta, "h": huella}
        )

    def _administrador(self, opciones: dict, interactivo: bool, actor: Actor) -> None:
        nuevo = self._usuario(opciones, interactivo)
        contrasena = self._contrasena(opciones, nuevo, interactivo)
        crear_usuarios(actor, [(nuevo, contrasena)])
        self.stdout.write(
            _("Administrador: se creó «%(u)s»; entre con él en /entrar al servir PREP.")
            % {"u": nuevo.usuario}
        )

    def _usuario(self, opciones: dict, interactivo: bool) -> NuevoUsuario:
        usuario, nombre = opciones["administrador"], opciones["nombre"]
        for _intento in range(INTENTOS):
            if not usuario:
                usuario = input(_("Usuario del primer administrador: ")).strip()
                nombre = nombre or input(_("Nombre completo (opcional): ")).strip()
            datos = {"usuario": usuario, "nombre": nombre, "rol": str(Rol.ADMINISTRADOR)}
            nuevo, problemas = validar_usuario(datos, centros_por_clave(), usuarios_tomados())
            if nuevo is not None:
                return nuevo
            if not interactivo or opciones["administrador"]:
                raise CommandError(problemas.texto())
            self.stderr.write(problemas.texto())
            usuario = ""
        raise CommandError(_("no se creó el administrador: demasiados intentos"))

    def _contrasena(self, opciones: dict, nuevo: NuevoUsuario, interactivo: bool) -> str:
        dada = _contrasena_dada(opciones)
        for _intento in range(INTENTOS):
            contrasena = dada if dada is not None else _teclear()
            if contrasena is None:
                texto = _("las dos contraseñas no coinciden")
            else:
                objeciones = revisar_contrasena(contrasena, nuevo)
                if contrasena and not objeciones:
                    return contrasena
                texto = " ".join(objeciones) or _("la contraseña no puede estar vacía")
            if dada is not None or not interactivo:
                raise CommandError(_("contraseña rechazada: %(m)s") % {"m": texto})
            self.stderr.write(_("contraseña rechazada: %(m)s") % {"m": texto})
        raise CommandError(_("no se creó el administrador: demasiados intentos"))


def _administradores() -> list[str]:
    """User names of the administradores, [] while the accounts' tables do not exist."""
    if Perfil._meta.db_table not in connection.introspection.table_names():
        return []
    perfiles = Perfil.objects.filter(rol=Rol.ADMINISTRADOR).order_by("usuario__username")
    return list(perfiles.values_list("usuario__username", flat=True))


def _pedido_completo(opciones: dict) -> None:
    """CommandError unless the options name the administrador and its password."""
    if not opciones["administrador"] or _contrasena_dada(opciones) is None:
        raise CommandError(
            _(
                "falta el primer administrador y no hay una terminal donde preguntarlo: indique"
                " --administrador USUARIO con --contrasena-archivo ARCHIVO (o la variable"
                " %(v)s), o --sin-administrador; no se cambió nada"
            )
            % {"v": VARIABLE_CONTRASENA}
        )


def _contrasena_dada(opciones: dict) -> str | None:
    """The password from --contrasena-archivo or the environment; None when neither gives one."""
    archivo = opciones["contrasena_archivo"]
    if archivo:
        return primera_linea(archivo)
    return os.environ.get(VARIABLE_CONTRASENA) or None


def _teclear() -> str | None:
    """The password typed twice, never echoed; None when the two differ."""
    primera = getpass.getpass(_("Contraseña del administrador: "))
    return primera if getpass.getpass(_("Repita la contraseña: ")) == primera else None
