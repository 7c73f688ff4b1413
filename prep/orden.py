"""The base of every `prep` order (a Django management command): help and errors in Spanish
with only the order's own options, and, before an order that needs the database runs from the
command line, one check that the database is reachable and migrated.

Django's common options (-v, --settings, --pythonpath, --traceback, --no-color, --force-color,
--skip-checks) are still accepted, for whoever relies on them, but hidden from the help.
"""

import contextlib
import os
import pkgutil
import sys
from argparse import SUPPRESS, Namespace, _SubParsersAction
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    SystemCheckError,
    handle_default_options,
)
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prep.argumentos import EnEspanol

# Sent, from the command line only, once an order that needs the database found it ready and
# before it runs; `orden` is what was asked ("catalogo importar"). The bitácora connects to it.
base_lista = Signal()

# Django's common options: accepted, never shown (flags, add_argument's keywords).
_OCULTAS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("-v", "--verbosity"), {"default": 1, "type": int, "choices": [0, 1, 2, 3]}),
    (("--settings",), {}),
    (("--pythonpath",), {}),
    (("--traceback",), {"action": "store_true"}),
    (("--no-color",), {"action": "store_true"}),
    (("--force-color",), {"action": "store_true"}),
)


class AnalizadorDeOrden(EnEspanol, CommandParser):
    """Django's parser of an order (no SystemExit under call_command), in Spanish."""


class Orden(BaseCommand):
    """A `prep` order. `requiere_base = False` for one that never touches the database; one
    whose sub-orders differ overrides `necesita_base`."""

    requiere_base = True
    # Django's system checks import the whole URLconf and API (≈ 0.4 s, half of a short order's
    # time). They run where a misconfiguration must stop the start: `prep servir`, `prep
    # instalar` and `prep django check`.
    requires_system_checks: list[str] | str = []
    # An order that must run even with the database away or not yet migrated (the server: it
    # answers "not ready" until the database is) still names its software in the bitácora when
    # it can, and says so in one line when it cannot.
    anota_si_puede = False

    def necesita_base(self, opciones: dict[str, Any]) -> bool:
        """Whether this run, with these options, needs a reachable and migrated database."""
        return self.requiere_base

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = AnalizadorDeOrden(
            prog=f"{os.path.basename(prog_name)} {subcommand}",
            description=self.help or None,
            called_from_command_line=self._called_from_command_line,
            **kwargs,
        )
        for opciones, argumentos in _OCULTAS:
            parser.add_argument(*opciones, help=SUPPRESS, **argumentos)
        # Accepted by every order, as Django's were; a no-op where there are no checks.
        parser.add_argument("--skip-checks", action="store_true", help=SUPPRESS)
        self.add_arguments(parser)
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        # Django's, with the error as one line named after the order instead of "CommandError:".
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        opciones = parser.parse_args(argv[2:])
        self._orden = " ".join([argv[1], *_subordenes(parser, opciones)])
        argumentos = vars(opciones)
        posicionales = argumentos.pop("args", ())
        handle_default_options(opciones)
        try:
            self.execute(*posicionales, **argumentos)
        except CommandError as exc:
            if opciones.traceback:
                raise
            if isinstance(exc, SystemCheckError):  # formats its own report
                self.stderr.write(str(exc), lambda x: x)
            else:
                self.stderr.write(f"{parser.prog}: {exc}")
            sys.exit(exc.returncode)
        finally:
            with contextlib.suppress(ImproperlyConfigured):
                connections.close_all()

    def execute(self, *args: Any, **options: Any) -> Any:
        # Only from the command line: call_command runs inside code that already has its
        # database (tests, `prep demo`), and the check would only cost time there.
        if self._called_from_command_line and self.necesita_base(options):
            comprobar_base()
            base_lista.send(sender=type(self), orden=self._orden)
        elif self._called_from_command_line and self.anota_si_puede:
            self._anotar_si_puede()
        return super().execute(*args, **options)

    def _anotar_si_puede(self) -> None:
        try:
            if migraciones_pendientes() == 0:
                base_lista.send(sender=type(self), orden=self._orden)
                return
            motivo = _("la base de datos no tiene todas sus migraciones")
        except CommandError as exc:
            motivo = str(exc)
        self.stderr.write(
            _("aviso: no se anotó el inicio en la bitácora (%(m)s); la orden sigue") % {"m": motivo}
        )


def _subordenes(parser: CommandParser, opciones: Namespace) -> list[str]:
    """The sub-orders chosen on the command line, outermost first (["importar"])."""
    for accion in parser._actions:
        if isinstance(accion, _SubParsersAction):
            nombre = getattr(opciones, accion.dest or "", None)
            if nombre in accion.choices:
                return [nombre, *_subordenes(accion.choices[nombre], opciones)]
    return []


def comprobar_base(alias: str = DEFAULT_DB_ALIAS) -> None:
    """CommandError, in one Spanish line, unless the database answers and has every migration
    of this version applied."""
    faltan = migraciones_pendientes(alias)
    if faltan:
        raise CommandError(
            ngettext(
                "la base de datos no está lista: falta %(n)d migración; corra «prep instalar»",
                "la base de datos no está lista: faltan %(n)d migraciones; corra «prep instalar»",
                faltan,
            )
            % {"n": faltan}
        )


def migraciones_pendientes(alias: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations of this version the database lacks; CommandError, in one Spanish
    line, when it does not answer."""
    conexion = connections[alias]
    try:
        conexion.ensure_connection()
        aplicadas = set(MigrationRecorder(conexion).applied_migrations())
    except DatabaseError as exc:
        lineas = str(exc).strip().splitlines() or [type(exc).__name__]
        raise CommandError(
            _("no se pudo conectar a la base de datos (%(d)s): %(e)s")
            % {"d": _descripcion(conexion), "e": lineas[0]}
        ) from None
    return _pendientes(conexion, aplicadas)


def _pendientes(conexion: BaseDatabaseWrapper, aplicadas: set[tuple[str, str]]) -> int:
    """How many migrations are not applied. Cheap when none is missing (file names against the
    django_migrations table, about a millisecond); only otherwise Django's real plan (it
    imports every migration, ~0.3 s) counts them exactly, squashed ones included."""
    if _en_disco() <= aplicadas:
        return 0
    ejecutor = MigrationExecutor(conexion)
    return len(ejecutor.migration_plan(ejecutor.loader.graph.leaf_nodes()))


def _en_disco() -> set[tuple[str, str]]:
    """(app, migration) of every migration file of the installed apps, without importing them."""
    nombres = set()
    for app in apps.get_app_configs():
        modulo, _explicito = MigrationLoader.migrations_module(app.label)
        try:
            paquete = import_module(modulo) if modulo else None
        except ModuleNotFoundError:
            continue
        for _buscador, nombre, es_paquete in pkgutil.iter_modules(getattr(paquete, "__path__", [])):
            if not es_paquete and nombre[0] not in "_~":
                nombres.add((app.label, nombre))
    return nombres


def _descripcion(conexion: BaseDatabaseWrapper) -> str:
    """Which database, never its password: "SQLite var/prep.sqlite3", "PostgreSQL db:5432/prep"."""
    datos = conexion.settings_dict
    if conexion.vendor == "sqlite":
        return f"SQLite {datos['NAME']}"
    servidor = f"{datos.get('HOST') or 'local'}:{datos.get('PORT') or 5432}"
    return f"{conexion.display_name} {servidor}/{datos['NAME']}"
