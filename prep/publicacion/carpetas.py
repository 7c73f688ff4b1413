"""The publication folder's layout, shared by the generator, the difusores' receiver and the
backups without importing the generator itself:

    PREP_PUBLICACION_DIR/AAAAMMDD_HHMM_PREP/     one folder per corte (`carpeta_de`)
    PREP_PUBLICACION_DIR/.preparando-<carpeta>/  a corte being written (PREFIJO_PREPARACION)
    PREP_PUBLICACION_DIR/ultimo -> …             the newest corte (`apuntar_ultimo`)
"""

from datetime import datetime
from pathlib import Path

from django.conf import settings

from prep.archivos import reemplazar_enlace
from prep.publicacion.manifiesto import ULTIMO

PREFIJO_PREPARACION = ".preparando-"


def carpeta_de(momento: datetime) -> str:
    """`AAAAMMDD_HHMM_PREP`: a corte's folder, in the process's legal local time."""
    return f"{momento:%Y%m%d_%H%M}_PREP"


def raiz() -> Path:
    """The publication folder (PREP_PUBLICACION_DIR)."""
    return Path(settings.PREP_PUBLICACION_DIR)


def apuntar_ultimo(publicacion: Path, carpeta: str) -> None:
    """Point `ultimo` at `carpeta` atomically: visitors see the previous corte or this one."""
    reemplazar_enlace(publicacion / ULTIMO, carpeta)
