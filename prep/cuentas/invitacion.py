"""The invitation a phone follows to pair: the app's address with the code in its fragment (the
fragment never reaches a server's logs), and how to show it on a console as a QR code."""

import socket
from typing import TextIO

import segno

RUTA_APP = "/casilla/"


def enlace(base: str, codigo: str) -> str:
    """The app's URL on the server `base` (scheme://host:port) that pairs with `codigo`."""
    return f"{base.rstrip('/')}{RUTA_APP}#codigo={codigo}"


def direccion_en_la_red() -> str:
    """This machine's address on its local network (the one its default route leaves from), for
    a phone on the same network; 127.0.0.1 when there is none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            # A UDP "connection" sends nothing: it only picks the outgoing interface.
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def qr_en_terminal(texto: str, salida: TextIO) -> None:
    """Draw `texto` as a QR code with text characters, to be scanned from the screen."""
    segno.make(texto, error="m").terminal(out=salida, compact=True)
