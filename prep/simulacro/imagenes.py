"""Images of synthetic actas: a JPEG that looks like a phone photo of a filled-in Acta PREP.

The form carries the election, the acta's identification, a QR code and one row per vote field
its boleta prints (`ActaSintetica.columnas`: another municipio's contenders are not on it), with
the figure handwritten in digits and in words (ILEGIBLE as a scribble, SIN_DATO blank). An acta
without sección (voto anticipado, or from abroad) shows its municipio or distrito instead.
Then the photo: the sheet lies slightly rotated and in perspective on a desk, under uneven
light, with sensor noise and JPEG compression. Everything random comes from the seed, so the
same acta and seed give the same bytes.

The QR code encodes the acta's payload as `prep.catalogo.claves.carga_qr` builds it.
"""

import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from prep.catalogo.claves import carga_qr
from prep.reglas.acta import Registro
from prep.reglas.cifras import CAMPOS_ACTA, Cifra, Lectura
from prep.simulacro.generador import (
    ANIO,
    NOMBRE_ELECCION,
    PARTIDOS,
    PREFIJO_COMUN,
    SUFIJO_RP,
    ActaSintetica,
    EleccionSintetica,
)

ANCHO, ALTO = 1240, 1600  # the photo, in pixels
_HOJA = (1150, 1490)  # the sheet of paper inside the photo
_PAPEL = (247, 245, 238)
_TINTA_IMPRESA = (35, 35, 40)
_TINTA_PLUMA = (28, 45, 140)
_COLORES = {p.siglas: p.color for p in PARTIDOS}
_ETIQUETAS_OTRAS = {
    "TOTAL_BOLETAS_SOBRANTES": "BOLETAS SOBRANTES",
    "TOTAL_PERSONAS_VOTARON": "PERSONAS QUE VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON": "REPRESENTANTES QUE VOTARON",
    "TOTAL_VOTOS_SACADOS": "VOTOS SACADOS DE LAS URNAS",
    "TOTAL_VOTOS_ASENTADO": "TOTAL DE VOTOS",
}

# --- Numbers in words -----------------------------------------------------------------------

_HASTA_29 = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
             "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete",
             "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés",
             "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho",
             "veintinueve")  # fmt: skip
_DECENAS = ("", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta",
            "noventa")  # fmt: skip
_CENTENAS = ("", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos",
             "seiscientos", "setecientos", "ochocientos", "novecientos")  # fmt: skip


def numero_a_letras(n: int) -> str:
    """A non-negative integer below 10¹² in Spanish words, as written on an acta.

    >>> numero_a_letras(120), numero_a_letras(21_000), numero_a_letras(1_000_001)
    ('ciento veinte', 'veintiún mil', 'un millón uno')
    """
    if not 0 <= n < 10**12:
        raise ValueError(f"fuera de rango: {n}")
    if n == 0:
        return "cero"
    millones, resto = divmod(n, 10**6)
    partes = []
    if millones == 1:
        partes.append("un millón")
    elif millones:
        partes.append(f"{_apocope(_hasta_millon(millones))} millones")
    if resto:
        partes.append(_hasta_millon(resto))
    return " ".join(partes)


def _hasta_millon(n: int) -> str:
    miles, resto = divmod(n, 1000)
    partes = []
    if miles == 1:
        partes.append("mil")
    elif miles:
        partes.append(f"{_apocope(_hasta_mil(miles))} mil")
    if resto:
        partes.append(_hasta_mil(resto))
    return " ".join(partes)


def _hasta_mil(n: int) -> str:
    if n == 100:
        return "cien"
    centenas, resto = divmod(n, 100)
    partes = [_CENTENAS[centenas]] if centenas else []
    if resto:
        partes.append(_hasta_cien(resto))
    return " ".join(partes)


def _hasta_cien(n: int) -> str:
    if n < 30:
        return _HASTA_29[n]
    decenas, unidades = divmod(n, 10)
    return _DECENAS[decenas] + (f" y {_HASTA_29[unidades]}" if unidades else "")


def _apocope(texto: str) -> str:
    """'uno' becomes 'un' before mil and millones: veintiún mil, treinta y un mil."""
    if texto.endswith("veintiuno"):
        return texto[: -len("veintiuno")] + "veintiún"
    return texto[:-1] if texto.endswith("uno") else texto


# --- QR -------------------------------------------------------------------------------------


def _qr(texto: str, modulo: int) -> Image.Image:
    """The QR code as a black-on-white image, with its 4-module quiet zone."""
    matriz = np.array(segno.make(texto, error="m", micro=False).matrix, dtype=bool)
    matriz = np.pad(matriz, 4)
    pixeles = np.where(matriz, 20, 250).astype(np.uint8)
    return Image.fromarray(np.kron(pixeles, np.ones((modulo, modulo), dtype=np.uint8)))


# --- The form -------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _fuente(nombre: str, tamano: int) -> ImageFont.FreeTypeFont:
    """A DejaVu font (Debian: fonts-dejavu-core), or Pillow's own if it is not installed."""
    try:
        return ImageFont.truetype(nombre, tamano)
    except OSError:
        return ImageFont.load_default(tamano)


def _impresa(tamano: int, negrita: bool = False) -> ImageFont.FreeTypeFont:
    return _fuente("DejaVuSans-Bold.ttf" if negrita else "DejaVuSans.ttf", tamano)


def _que_quepa(texto: str, tamano: int, ancho: float) -> ImageFont.FreeTypeFont:
    """The bold printed font at `tamano`, or smaller until `texto` fits in `ancho` pixels."""
    fuente = _impresa(tamano, True)
    while tamano > 10 and fuente.getlength(texto) > ancho:
        tamano -= 1
        fuente = _impresa(tamano, True)
    return fuente


def _manuscrita(tamano: int) -> ImageFont.FreeTypeFont:
    return _fuente("DejaVuSans-Oblique.ttf", tamano)


class _Formulario:
    """Draws one acta on a sheet of paper; `rng` gives the hand's irregularity."""

    def __init__(self, acta: ActaSintetica, rng: np.random.Generator):
        self.acta = acta
        self.rng = rng
        self.hoja = Image.new("RGB", _HOJA, _PAPEL)
        self.lapiz = ImageDraw.Draw(self.hoja)

    def dibujar(self) -> Image.Image:
        """The filled-in sheet."""
        self._encabezado()
        y = self._identificacion(_Y_IDENTIFICACION)
        filas = [(_ETIQUETAS_OTRAS[c], self.acta.otras.get(c)) for c in CAMPOS_ACTA[:4]]
        y = self._tabla("APARTADO 1. BOLETAS Y PERSONAS QUE VOTARON", filas, y + 20, 40)
        columnas = self.acta.columnas
        votos = self.acta.votos or (None,) * len(columnas)
        filas = list(zip(columnas, votos, strict=True))
        filas.append((_ETIQUETAS_OTRAS["TOTAL_VOTOS_ASENTADO"],
                      self.acta.otras.get("TOTAL_VOTOS_ASENTADO")))  # fmt: skip
        alto_fila = min(52, (_HOJA[1] - 150 - y) // (len(filas) + 2))
        y = self._tabla("APARTADO 2. RESULTADOS DE LA VOTACIÓN", filas, y + 16, alto_fila)
        self._firmas(y + 20)
        return self.hoja

    def _encabezado(self) -> None:
        acta, lapiz = self.acta, self.lapiz
        carga = carga_qr(acta.eleccion, acta.identificacion or acta.clave_acta)
        qr = _qr(carga, 6)
        self.hoja.paste(qr, (_HOJA[0] - qr.width - 30, 24))
        lapiz.text((_HOJA[0] - 30, 28 + qr.height), carga, font=_impresa(14),
                   fill=_TINTA_IMPRESA, anchor="ra")  # fmt: skip
        # The titles end before the QR code: long ones are printed smaller.
        ancho = _HOJA[0] - qr.width - 30 - 40 - 16
        lapiz.text(
            (40, 36), f"PROCESO ELECTORAL {ANIO - 1}-{ANIO}", font=_impresa(20), fill=_TINTA_IMPRESA
        )
        titulo = _TITULO.get(acta.tipo_casilla, _TITULO[""])
        lapiz.text((40, 88), titulo, font=_que_quepa(titulo, 30, ancho), fill=_TINTA_IMPRESA,
                   anchor="lm")  # fmt: skip
        eleccion = NOMBRE_ELECCION.get(acta.eleccion, acta.eleccion).upper()
        if acta.tipo_acta.endswith(SUFIJO_RP):
            eleccion += " (REPRESENTACIÓN PROPORCIONAL)"
        eleccion = f"DE LA ELECCIÓN DE {eleccion}"
        lapiz.text((40, 124), eleccion, font=_que_quepa(eleccion, 22, ancho), fill=_TINTA_IMPRESA,
                   anchor="lm")  # fmt: skip
        lapiz.rectangle((40, 150, 250, 200), outline=_TINTA_IMPRESA, width=3)
        lapiz.text((58, 158), "ACTA PREP", font=_impresa(28, True), fill=_TINTA_IMPRESA)

    def _identificacion(self, y: int) -> int:
        """Printed identification boxes; returns the y below them."""
        a = self.acta
        campos = (
            ("ENTIDAD", f"{a.entidad:02d}"),
            _lugar(a),
            ("TIPO DE CASILLA", a.tipo_casilla),
            ("NÚMERO", f"{a.numero:02d}"),
            ("EXT. CONTIGUA", f"{a.ext_contigua:02d}"),
            ("TIPO DE ACTA", a.tipo_acta),
        )
        ancho = (_HOJA[0] - 80) // len(campos)
        for i, (titulo, valor) in enumerate(campos):
            x = 40 + i * ancho
            self.lapiz.rectangle((x, y, x + ancho - 8, y + 78), outline=_TINTA_IMPRESA, width=2)
            self.lapiz.text((x + 8, y + 6), titulo, font=_impresa(15), fill=_TINTA_IMPRESA)
            self.lapiz.text((x + 8, y + 32), valor, font=_impresa(32, True), fill=_TINTA_IMPRESA)
        self.lapiz.text((40, y + 88), f"CLAVE DEL ACTA: {a.identificacion or a.clave_acta}",
                        font=_impresa(18), fill=_TINTA_IMPRESA)  # fmt: skip
        return y + 118

    def _tabla(self, titulo: str, filas: list[tuple[str, Cifra | None]], y: int, alto: int) -> int:
        """A table of fields: name, figure in digits, figure in words; returns the y below."""
        lapiz = self.lapiz
        x0, x1, x2, x3 = 40, 420, 610, _HOJA[0] - 40
        lapiz.text((x0, y), titulo, font=_impresa(19, True), fill=_TINTA_IMPRESA)
        y += 30
        for texto, x in (("", x0), ("CON NÚMERO", x1), ("CON LETRA", x2)):
            lapiz.text((x + 8, y + 4), texto, font=_impresa(14), fill=_TINTA_IMPRESA)
        y += 24
        for nombre, cifra in filas:
            lapiz.rectangle((x0, y, x3, y + alto), outline=_TINTA_IMPRESA, width=1)
            lapiz.line((x1, y, x1, y + alto), fill=_TINTA_IMPRESA, width=1)
            lapiz.line((x2, y, x2, y + alto), fill=_TINTA_IMPRESA, width=1)
            self._nombre_campo(nombre, x0 + 6, y, alto)
            self._cifra(cifra, (x1, y, x2, y + alto), (x2, y, x3, y + alto))
            y += alto
        return y

    def _nombre_campo(self, clave: str, x: int, y: int, alto: int) -> None:
        """Party emblems (colored squares) and the field's printed name."""
        lado = min(alto - 10, 34)
        siglas = [clave] if clave in _COLORES else [s for s in clave.split("_") if s in _COLORES]
        for s in siglas[:3]:
            self.lapiz.rectangle((x, y + 5, x + lado, y + 5 + lado), fill=_COLORES[s])
            x += lado + 4
        nombre = _nombre_visible(clave)
        # Up to the column of figures (x 420), smaller if the name is long.
        fuente = _que_quepa(nombre, max(12, min(18, alto // 2 - 4)), 420 - x - 16)
        self.lapiz.text((x + 6, y + alto // 2), nombre, font=fuente, fill=_TINTA_IMPRESA,
                        anchor="lm")  # fmt: skip

    def _cifra(self, cifra: Cifra | None, numero: tuple, letra: tuple) -> None:
        """The handwritten figure: digits and words, a scribble if ILEGIBLE, blank if SIN_DATO
        (or not captured)."""
        if cifra is Lectura.ILEGIBLE:
            self._garabato(numero)
            self._garabato(letra)
        elif isinstance(cifra, int):
            alto = numero[3] - numero[1]
            self._a_mano(str(cifra), numero, _manuscrita(min(34, alto - 10)))
            self._a_mano(numero_a_letras(cifra), letra, _manuscrita(min(24, alto - 16)))

    def _a_mano(self, texto: str, caja: tuple, fuente: ImageFont.FreeTypeFont) -> None:
        """Text with a hand's irregularity: each character slightly displaced, uneven ink."""
        x = caja[0] + 14 + self.rng.integers(0, 12)
        y = (caja[1] + caja[3]) / 2
        tinta = tuple((np.array(_TINTA_PLUMA) + self.rng.integers(-15, 16, 3)).tolist())
        for caracter in texto:
            dy = self.rng.normal(0, 1.5)
            self.lapiz.text((x, y + dy), caracter, font=fuente, fill=tinta, anchor="lm")
            x += fuente.getlength(caracter) + self.rng.normal(0.5, 0.6)
            if x > caja[2] - 10:
                break

    def _garabato(self, caja: tuple) -> None:
        """An illegible scrawl filling part of the box."""
        x0, y0, x1, y1 = caja
        puntos = 8 + int(self.rng.integers(0, 10))
        xs = np.linspace(x0 + 12, min(x1 - 12, x0 + 12 + 26 * puntos), puntos)
        ys = self.rng.uniform(y0 + 6, y1 - 6, puntos)
        trazo = list(zip(xs.tolist(), ys.tolist(), strict=True))
        self.lapiz.line(trazo, fill=_TINTA_PLUMA, width=3, joint="curve")

    def _firmas(self, y: int) -> None:
        """Signature lines of the funcionarios de casilla, signed."""
        self.lapiz.text((40, y), "FUNCIONARIOS DE LA MESA DIRECTIVA DE CASILLA",
                        font=_impresa(16, True), fill=_TINTA_IMPRESA)  # fmt: skip
        for i, cargo in enumerate(("PRESIDENCIA", "SECRETARÍA", "1er ESCRUTADOR", "2o ESCRUTADOR")):
            x = 40 + i * 275
            self.lapiz.line((x, y + 80, x + 240, y + 80), fill=_TINTA_IMPRESA, width=1)
            self.lapiz.text((x, y + 86), cargo, font=_impresa(13), fill=_TINTA_IMPRESA)
            self._garabato((x, y + 30, x + 200, y + 78))


_NOMBRES = {"NO_REGISTRADAS": "CANDIDATURAS NO REGISTRADAS", "NULOS": "VOTOS NULOS"}
# The acta's title by tipo de casilla: voto anticipado and from abroad are counted apart (B4).
_TITULO = {
    "": "ACTA DE ESCRUTINIO Y CÓMPUTO DE CASILLA",
    "A": "ACTA DE ESCRUTINIO Y CÓMPUTO DEL VOTO ANTICIPADO",
    "M": "ACTA DE CÓMPUTO DEL VOTO DESDE EL EXTRANJERO",
}


def _lugar(acta: ActaSintetica) -> tuple[str, str]:
    """The second identification box: the sección, or where an acta without sección counts."""
    if acta.seccion:
        return "SECCIÓN", f"{acta.seccion:04d}"
    if acta.municipio:
        return "MUNICIPIO", f"{acta.municipio:03d}"
    if acta.distrito_local or acta.distrito_federal:
        return "DISTRITO", f"{acta.distrito_local or acta.distrito_federal:03d}"
    return "SECCIÓN", "N/A"  # counted at entidad level only, as published (B4)


def _nombre_visible(clave: str) -> str:
    """How a vote column is printed on the acta."""
    if clave in _NOMBRES:
        return _NOMBRES[clave]
    if clave.startswith("CAND_IND"):
        return "CANDIDATURA INDEPENDIENTE " + clave.rsplit("_", 1)[-1]
    if clave.startswith(PREFIJO_COMUN):
        return "CANDIDATURA COMÚN " + clave.removeprefix(PREFIJO_COMUN).replace("_", " - ")
    return clave.replace("_", " - ")


# --- The photo ------------------------------------------------------------------------------


def dibujar_acta(acta: ActaSintetica, semilla: int) -> bytes:
    """A JPEG photo of `acta` filled in: the vote fields its boleta prints, in acta order."""
    rng = np.random.default_rng(semilla)
    hoja = _Formulario(acta, rng).dibujar()
    foto = _fotografiar(hoja, rng)
    salida = io.BytesIO()
    foto.save(salida, "JPEG", quality=int(rng.integers(66, 80)), optimize=True)
    return salida.getvalue()


def imagen_plana(acta: ActaSintetica, semilla: int, formato: str = "PNG") -> bytes:
    """`acta` filled in, as a flat greyscale image at half the sheet's resolution: what a CATD
    scanner gives (PNG), or PREP Casilla after it crops and straightens the photo (JPEG).

    About eight times cheaper to draw than `dibujar_acta`, for runs of thousands of actas.
    """
    return _plana(_Formulario(acta, np.random.default_rng(semilla)).dibujar(), formato)


def imagen_de_simulacro(acta: ActaSintetica, semilla: int, formato: str = "PNG") -> bytes:
    """The printed form of `acta`'s boleta with `acta`'s own header, QR code and
    identification, its figures left blank, as `imagen_plana` gives it.

    For drills at national scale: the server does the same work as for a filled-in acta (same
    size, decode, QR), while the drill's machine draws only the part that changes from acta to
    acta, about three times cheaper. The drill's operators read the figures from the synthetic
    election, not from the image.
    """
    hoja = _plantilla(acta.eleccion, acta.tipo_acta, acta.columnas).copy()
    formulario = _Formulario(acta, np.random.default_rng(semilla))
    formulario.hoja, formulario.lapiz = hoja, ImageDraw.Draw(hoja)
    formulario.lapiz.rectangle((0, 0, _HOJA[0], _ALTO_CABECERA), fill=_PAPEL)
    formulario._encabezado()
    formulario._identificacion(_Y_IDENTIFICACION)
    return _plana(hoja, formato)


_Y_IDENTIFICACION = 262
_ALTO_CABECERA = _Y_IDENTIFICACION + 118  # header and identification: what differs per acta


@lru_cache(maxsize=32)
def _plantilla(eleccion: str, tipo_acta: str, columnas: tuple[str, ...]) -> Image.Image:
    """The form of an election, type of acta and boleta, every figure blank."""
    en_blanco = ActaSintetica(
        eleccion, 0, 0, "B", 0, 0, tipo_acta, Registro.CAPTURADA, columnas=columnas
    )
    return _Formulario(en_blanco, np.random.default_rng(0)).dibujar()


def _plana(hoja: Image.Image, formato: str) -> bytes:
    """The sheet in greyscale at half resolution, encoded as PNG or JPEG."""
    hoja = hoja.convert("L").resize((hoja.width // 2, hoja.height // 2), Image.Resampling.BILINEAR)
    salida = io.BytesIO()
    hoja.save(salida, formato, **({"quality": 80} if formato == "JPEG" else {}))
    return salida.getvalue()


def _fotografiar(hoja: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The sheet on a desk, seen by a phone: rotated, in perspective, unevenly lit, noisy."""
    origen = [(0, 0), (hoja.width, 0), (hoja.width, hoja.height), (0, hoja.height)]
    mesa = tuple(rng.integers(60, 110, 3).tolist())
    foto = hoja.transform(
        (ANCHO, ALTO),
        Image.Transform.PERSPECTIVE,
        _perspectiva(_esquinas(rng), origen),
        Image.Resampling.BILINEAR,
        fillcolor=mesa,
    )
    # A phone lens is never quite sharp.
    return _iluminar(foto.filter(_DESENFOQUE), rng)


_DESENFOQUE = ImageFilter.Kernel((3, 3), (1, 2, 1, 2, 4, 2, 1, 2, 1), 16)


def _esquinas(rng: np.random.Generator) -> list[tuple[float, float]]:
    """Where the sheet's corners land in the photo: rotated ±4°, each corner jittered."""
    angulo = np.deg2rad(rng.uniform(-4, 4))
    cx, cy = ANCHO / 2 + rng.uniform(-15, 15), ALTO / 2 + rng.uniform(-15, 15)
    w, h = _HOJA[0] / 2, _HOJA[1] / 2
    esquinas = []
    for dx, dy in ((-w, -h), (w, -h), (w, h), (-w, h)):
        x = cx + dx * np.cos(angulo) - dy * np.sin(angulo) + rng.uniform(-18, 18)
        y = cy + dx * np.sin(angulo) + dy * np.cos(angulo) + rng.uniform(-18, 18)
        esquinas.append((x, y))
    return esquinas


def _perspectiva(destino: list, origen: list) -> tuple[float, ...]:
    """Coefficients for PIL's PERSPECTIVE transform mapping photo points to sheet points."""
    a, b = [], []
    for (x, y), (u, v) in zip(destino, origen, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return tuple(np.linalg.solve(np.array(a), np.array(b)).tolist())


def _iluminar(foto: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Uneven light (a gradient and a vignette), a colour cast, and sensor grain.

    Light varies slowly, so it is computed on a coarse grid and enlarged; the grain has
    2-pixel cells, as demosaicing leaves it. Both are applied by Pillow in C.
    """
    x = np.linspace(-0.5, 0.5, ANCHO // 8, dtype=np.float32)[None, :]
    y = np.linspace(-0.5, 0.5, ALTO // 8, dtype=np.float32)[:, None]
    direccion = rng.uniform(0, 2 * np.pi)
    gradiente = 1 + rng.uniform(0.08, 0.2) * (np.cos(direccion) * x + np.sin(direccion) * y)
    vinieta = 1 - rng.uniform(0.1, 0.25) * (x**2 + y**2)
    tono = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 0.98)], dtype=np.float32)
    luz = (rng.uniform(0.82, 0.95) * gradiente * vinieta)[..., None] * tono * 255
    luz_imagen = Image.fromarray(luz.clip(0, 255).astype(np.uint8)).resize(foto.size)
    grano = rng.standard_normal((ALTO // 2, ANCHO // 2), dtype=np.float32) * 2.0 + 128
    grano_imagen = Image.fromarray(grano.clip(0, 255).astype(np.uint8)).resize(
        foto.size, Image.Resampling.NEAREST
    )
    iluminada = ImageChops.multiply(foto, luz_imagen)
    return ImageChops.add(iluminada, grano_imagen.convert("RGB"), 1.0, -128)


# --- Many images ----------------------------------------------------------------------------

# Actas that have an image: Sin Acta has none (R6) and a pendiente has not arrived yet.
CON_IMAGEN = frozenset({Registro.CAPTURADA, Registro.FUERA_CATALOGO})
_EN_PARALELO_DESDE = 16  # fewer images are not worth starting worker processes


def seleccionar(sintetica: EleccionSintetica, cuantas: int | None) -> list[int]:
    """Indices (in `sintetica.actas`) of `cuantas` actas with an image, drawn at random but
    deterministically from the seed, in acta order; all of them when `cuantas` is None."""
    candidatas = [i for i, a in enumerate(sintetica.actas) if a.registro in CON_IMAGEN]
    if cuantas is None or cuantas >= len(candidatas):
        return candidatas
    rng = np.random.default_rng([sintetica.semilla, 1])
    return sorted(
        np.array(candidatas)[rng.choice(len(candidatas), cuantas, replace=False)].tolist()
    )


def nombre_imagen(acta: ActaSintetica) -> str:
    """File name of an acta's image: election and CLAVE_ACTA."""
    return f"{acta.eleccion}_{acta.identificacion or acta.clave_acta}.jpg"


def escribir_imagenes(
    sintetica: EleccionSintetica,
    indices: Sequence[int],
    directorio: Path,
    avanzar: Callable[[int], None] = lambda n: None,
) -> int:
    """Draw the actas at `indices` into `directorio`, on every CPU; return the bytes written.

    Each image's seed is derived from the election's seed and the acta's index, so a file does
    not depend on which others are drawn.
    """
    directorio.mkdir(parents=True, exist_ok=True)
    tareas = [(sintetica.actas[i], sintetica.semilla * 10_000_000 + i, directorio) for i in indices]
    if len(tareas) < _EN_PARALELO_DESDE or (os.cpu_count() or 1) == 1:
        resultados = map(_dibujar_en_archivo, tareas)
        return sum(_avanzando(resultados, avanzar))
    # forkserver: workers start from a clean process, not from a copy of this one and its
    # threads (a progress bar's, say), which fork could copy mid-lock.
    contexto = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(mp_context=contexto) as ejecutor:
        resultados = ejecutor.map(_dibujar_en_archivo, tareas, chunksize=8)
        return sum(_avanzando(resultados, avanzar))


def _avanzando(tamanos: Iterable[int], avanzar: Callable[[int], None]) -> Iterator[int]:
    for tamano in tamanos:
        avanzar(1)
        yield tamano


def _dibujar_en_archivo(tarea: tuple[ActaSintetica, int, Path]) -> int:
    acta, semilla, directorio = tarea
    datos = dibujar_acta(acta, semilla)
    (directorio / nombre_imagen(acta)).write_bytes(datos)
    return len(datos)
