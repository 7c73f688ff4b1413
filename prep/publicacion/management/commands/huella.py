"""`prep huella [--json] [--archivos]`: the software's fingerprint and version (prep/huella.py,
which does the work without Django and is what `prep huella` runs; this order is the same
through Django, for call_command and `prep django huella`)."""

from django.core.management.base import CommandParser

from prep import huella
from prep.orden import Orden


class Command(Orden):
    help = huella.AYUDA
    requiere_base = False  # reads the installed files only

    def add_arguments(self, parser: CommandParser) -> None:
        huella.opciones(parser)

    def handle(self, *args, como_json: bool, archivos: bool, **opciones) -> None:
        self.stdout.write(huella.texto(como_json, archivos))
