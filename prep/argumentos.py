"""argparse in Spanish: help, usage and error messages of every `prep` order, each error with
the closest valid choice when there is one.

argparse builds its texts with the module-level `argparse._` and `argparse.ngettext` (gettext)
and ships no Spanish catalogue; those two names are replaced once by a lookup that answers in
Spanish only while one of this module's parsers is working (a context variable), so any other
parser in the same process (Django's own orders, pytest) keeps its texts.

A leaf: no Django and nothing else of prep, so `prep huella` can use it without loading Django.
"""

import argparse
import contextvars
import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import wraps
from typing import Any, NoReturn, TypeVar

_TEXTOS = {
    "usage: ": "uso: ",
    "positional arguments": "argumentos",
    "options": "opciones",
    "subcommands": "subórdenes",
    "show this help message and exit": "muestra esta ayuda y termina",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
    "the following arguments are required: %s": "faltan los argumentos: %s",
    "one of the arguments %s is required": "falta uno de los argumentos %s",
    "not allowed with argument %s": "no se admite junto con el argumento %s",
    "ignored explicit argument %r": "se ignoró el valor explícito %r",
    "expected one argument": "se esperaba un valor",
    "expected at most one argument": "se esperaba a lo más un valor",
    "expected at least one argument": "se esperaba al menos un valor",
    "ambiguous option: %(option)s could match %(matches)s": (
        "opción ambigua: %(option)s puede ser %(matches)s"
    ),
    "unexpected option string: %s": "opción inesperada: %s",
    "invalid %(type)s value: %(value)r": "valor no válido: %(value)r (se espera %(type)s)",
    "can't open '%(filename)s': %(error)s": "no se puede abrir «%(filename)s»: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "suborden desconocida %(parser_name)r (elija entre %(choices)s)"
    ),
}
_PLURALES = {"expected %s argument": ("se esperaba %s valor", "se esperaban %s valores")}

_en_espanol: contextvars.ContextVar[bool] = contextvars.ContextVar("en_espanol", default=False)
_gettext, _ngettext = argparse._, argparse.ngettext  # type: ignore[attr-defined]


def _traducir(texto: str) -> str:
    if _en_espanol.get():
        return _TEXTOS.get(texto, texto)
    return _gettext(texto)


def _traducir_plural(singular: str, plural: str, n: int) -> str:
    if _en_espanol.get() and singular in _PLURALES:
        return _PLURALES[singular][n != 1]
    return _ngettext(singular, plural, n)


argparse._ = _traducir  # type: ignore[attr-defined]
argparse.ngettext = _traducir_plural  # type: ignore[attr-defined]

F = TypeVar("F", bound=Callable[..., Any])


def _espanol(metodo: F) -> F:
    """Run a parser method with argparse's texts in Spanish."""

    @wraps(metodo)
    def envuelto(*args: Any, **kwargs: Any) -> Any:
        marca = _en_espanol.set(True)
        try:
            return metodo(*args, **kwargs)
        finally:
            _en_espanol.reset(marca)

    return envuelto  # type: ignore[return-value]


def sugerencia(valor: str, opciones: Iterable[str]) -> str:
    """« ¿Quiso decir «X»?» for the choice closest to `valor`, or "" when none is close."""
    cercanas = difflib.get_close_matches(valor, list(opciones), n=1, cutoff=0.6)
    return f" ¿Quiso decir «{cercanas[0]}»?" if cercanas else ""


class EnEspanol(argparse.ArgumentParser):
    """An argparse parser that speaks Spanish (a mixin for ArgumentParser and its subclasses,
    such as Django's CommandParser): its help, its usage and its errors."""

    @_espanol
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # the group titles and -h's help
        super().__init__(*args, **kwargs)

    @_espanol
    def add_subparsers(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().add_subparsers(**kwargs)

    @_espanol
    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        return super().parse_known_args(args, namespace)

    @_espanol
    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        resultado, sobrantes = self.parse_known_args(args, namespace)
        if sobrantes:
            self.error(self._sobrantes(sobrantes, resultado))
        return resultado

    @_espanol
    def format_usage(self) -> str:
        return super().format_usage()

    @_espanol
    def format_help(self) -> str:
        return super().format_help()

    @_espanol
    def error(self, message: str) -> NoReturn:
        super().error(message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse's own message, in Spanish, with the closest choice.
        if action.choices is not None and value not in action.choices:
            opciones = [str(c) for c in action.choices]
            raise argparse.ArgumentError(
                action,
                f"valor no válido: «{value}» (elija entre {', '.join(opciones)})."
                + sugerencia(str(value), opciones),
            )

    def _sobrantes(self, sobrantes: list[str], resultado: argparse.Namespace) -> str:
        """The error for arguments no parser took: an unknown option (with the closest one of
        the sub-order in use) or extra arguments."""
        opcion = next((s for s in sobrantes if s.startswith("-")), None)
        if opcion is None:
            return f"argumentos de más: {' '.join(sobrantes)}"
        nombre = opcion.split("=", 1)[0]
        return f"opción desconocida: {nombre}." + sugerencia(nombre, self._opciones(resultado))

    def _opciones(self, resultado: argparse.Namespace) -> Iterator[str]:
        """The visible options of this parser and of the sub-orders `resultado` went through."""
        for accion in self._actions:
            if accion.help != argparse.SUPPRESS:
                yield from accion.option_strings
            if isinstance(accion, argparse._SubParsersAction):
                elegida = accion.choices.get(getattr(resultado, accion.dest or "", None) or "")
                if isinstance(elegida, EnEspanol):
                    yield from elegida._opciones(resultado)


class Analizador(EnEspanol, argparse.ArgumentParser):
    """A plain argparse parser in Spanish, for an order that runs without Django."""
