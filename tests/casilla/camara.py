"""The phone's camera in PREP Casilla's browser tests: the `.y4m` video that Chromium's fake
camera plays (`--use-file-for-fake-video-capture`), made from a simulacro photo of an acta
(tests/digitalizacion/fabricas.py draws it), and the photos the app must refuse.

The refused photos imitate what a phone gives: the blur happens in the lens, before the sensor
adds its grain, and an underexposed photo keeps the grain of a dark scene.
"""

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter


def borrosa(jpeg: bytes, radio: float = 4.0) -> bytes:
    """The photo out of focus: a Gaussian blur of `radio` pixels, then the sensor's grain."""
    imagen = _abrir(jpeg).filter(ImageFilter.GaussianBlur(radio))
    return _jpeg(_grano(np.asarray(imagen, dtype=np.float32), 2.0, semilla=1))


def oscura(jpeg: bytes, luz: float = 0.18) -> bytes:
    """The photo taken in poor light: a fraction `luz` of the light, then the sensor's grain."""
    return _jpeg(_grano(np.asarray(_abrir(jpeg), dtype=np.float32) * luz, 3.0, semilla=2))


def video_y4m(jpeg: bytes, ruta: Path, cuadros: int = 2) -> Path:
    """A `.y4m` video (YUV 4:2:0) that shows the photo still, for Chromium's fake camera."""
    imagen = _abrir(jpeg)
    ancho, alto = imagen.width - imagen.width % 2, imagen.height - imagen.height % 2
    y, cb, cr = imagen.crop((0, 0, ancho, alto)).convert("YCbCr").split()
    mitad = (ancho // 2, alto // 2)
    planos = [y, cb.resize(mitad, Image.Resampling.BOX), cr.resize(mitad, Image.Resampling.BOX)]
    cuadro = b"".join(plano.tobytes() for plano in planos)
    with ruta.open("wb") as salida:
        salida.write(f"YUV4MPEG2 W{ancho} H{alto} F30:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(cuadros):
            salida.write(b"FRAME\n" + cuadro)
    return ruta


def _abrir(jpeg: bytes) -> Image.Image:
    return Image.open(io.BytesIO(jpeg)).convert("RGB")


def _grano(pixeles: np.ndarray, desviacion: float, semilla: int) -> Image.Image:
    rng = np.random.default_rng(semilla)
    pixeles = pixeles + rng.normal(0, desviacion, pixeles.shape[:2])[..., None]
    return Image.fromarray(pixeles.clip(0, 255).astype(np.uint8))


def _jpeg(imagen: Image.Image) -> bytes:
    salida = io.BytesIO()
    imagen.save(salida, "JPEG", quality=85)
    return salida.getvalue()
