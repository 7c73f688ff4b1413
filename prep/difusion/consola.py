"""What the `prep difusor` subcommands share: the shape of one subcommand, so that each area
(registry, packages, push, monitoring, memoria) adds its own without touching the others."""

from django.core.management.base import BaseCommand, CommandParser


class Suborden:
    """One subcommand of `prep difusor`: its name, its one-line help and longer description,
    its arguments, and what it does. A new subcommand is a subclass listed in the command's
    SUBORDENES; one whose module builds its own parser overrides `agregar` instead."""

    nombre: str
    ayuda: str = ""
    descripcion: str = ""

    def agregar(self, subordenes) -> None:
        """Add the subcommand to the command's subparsers (the action `add_subparsers` made)."""
        parser = subordenes.add_parser(
            self.nombre, help=self.ayuda, description=self.descripcion or self.ayuda
        )
        self.argumentos(parser)

    def argumentos(self, parser: CommandParser) -> None:
        """Add the subcommand's arguments to its parser (none by default)."""

    def ejecutar(self, orden: BaseCommand, opciones: dict) -> None:
        """Do the work, writing to `orden.stdout`; CommandError (with its exit status) to fail.
        ErrorDeDominio is turned into CommandError by the command."""
        raise NotImplementedError
