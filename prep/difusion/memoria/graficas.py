"""Bar charts per hour, drawn once as plain shapes and rendered twice: SVG for the HTML and a
ReportLab drawing (vector graphics) for the PDF, so both documents show the same chart."""

import math
from dataclasses import dataclass
from html import escape

from reportlab.graphics import shapes
from reportlab.lib import colors

from prep.difusion.memoria import formato

ANCHO, ALTO = 500, 220  # points in the PDF, pixels in the HTML
_IZQUIERDA, _DERECHA, _ABAJO, _ARRIBA = 52, 10, 52, 10  # margins around the plot
COLOR_BARRA = "#1f5f8b"
COLOR_REFERENCIA = "#c0392b"
COLOR_REJILLA = "#d0d7de"
COLOR_TEXTO = "#24292f"
ETIQUETAS_MAXIMAS = 10  # hour labels under the axis; more would overlap
BARRA_MAXIMA = 40  # a few hours would otherwise make bars as wide as the page
LETRA = 8


@dataclass(frozen=True)
class Rectangulo:
    """A filled rectangle; `titulo` is the tooltip the SVG shows."""

    x: float
    y: float
    ancho: float
    alto: float
    color: str
    titulo: str = ""


@dataclass(frozen=True)
class Linea:
    """A straight line, dashed or solid."""

    x1: float
    y1: float
    x2: float
    y2: float
    color: str
    discontinua: bool = False


@dataclass(frozen=True)
class Texto:
    """A label; `ancla` is start, middle or end, as in SVG."""

    x: float
    y: float
    texto: str
    ancla: str = "start"


@dataclass(frozen=True)
class Grafica:
    """A chart: its title (the figure caption) and shapes, with y growing upwards from the
    bottom as in PDF."""

    titulo: str
    figuras: tuple[Rectangulo | Linea | Texto, ...]
    ancho: int = ANCHO
    alto: int = ALTO


def barras_por_hora(
    titulo: str,
    etiquetas: list[str],
    valores: list[int],
    nombre: str,
    referencia: float | None = None,
    nombre_referencia: str = "",
) -> Grafica:
    """One bar per hour (`etiquetas` name the hours), and a dashed line at `referencia` (the
    ordinary period's average hour) when there is one. `nombre` and `nombre_referencia` go in
    the legend."""
    x0, x1, y0, y1 = _IZQUIERDA, ANCHO - _DERECHA, _ABAJO, ALTO - _ARRIBA
    maximo = max([*valores, referencia or 0, 1])
    paso = _paso(maximo)
    tope = paso * math.ceil(maximo / paso)

    def altura(valor: float) -> float:
        return y0 + (y1 - y0) * valor / tope

    figuras: list[Rectangulo | Linea | Texto] = []
    for marca in range(0, tope + 1, paso):
        figuras.append(Linea(x0, altura(marca), x1, altura(marca), COLOR_REJILLA))
        figuras.append(Texto(x0 - 4, altura(marca) - 3, formato.entero(marca), "end"))
    banda = (x1 - x0) / max(len(valores), 1)
    cada = math.ceil(len(valores) / ETIQUETAS_MAXIMAS) or 1
    for i, (etiqueta, valor) in enumerate(zip(etiquetas, valores, strict=True)):
        izquierda = x0 + i * banda
        grosor = min(banda * 0.7, BARRA_MAXIMA)
        figuras.append(
            Rectangulo(
                izquierda + (banda - grosor) / 2,
                y0,
                grosor,
                altura(valor) - y0,
                COLOR_BARRA,
                f"{etiqueta}: {formato.entero(valor)}",
            )
        )
        if i % cada == 0:
            figuras.append(
                Linea(izquierda + banda / 2, y0, izquierda + banda / 2, y0 - 3, COLOR_TEXTO)
            )
            figuras.append(Texto(izquierda + banda / 2, y0 - 13, etiqueta, "middle"))
    figuras.append(Linea(x0, y0, x1, y0, COLOR_TEXTO))
    # Legend, under the hour labels.
    leyenda = 10
    figuras.append(Rectangulo(x0, leyenda - 1, 10, 8, COLOR_BARRA))
    figuras.append(Texto(x0 + 14, leyenda, nombre))
    if referencia is not None:
        figuras.append(
            Linea(x0, altura(referencia), x1, altura(referencia), COLOR_REFERENCIA, True)
        )
        centro = (x0 + x1) / 2
        figuras.append(Linea(centro, leyenda + 3, centro + 14, leyenda + 3, COLOR_REFERENCIA, True))
        figuras.append(Texto(centro + 18, leyenda, nombre_referencia))
    return Grafica(titulo, tuple(figuras))


def _paso(maximo: float) -> int:
    """A round step (1, 2 or 5 times a power of ten) that splits 0..maximo in about 4 parts."""
    crudo = max(maximo / 4, 1)
    potencia = 10 ** math.floor(math.log10(crudo))
    return int(next(f * potencia for f in (1, 2, 5, 10) if f * potencia >= crudo))


def svg(grafica: Grafica) -> str:
    """The chart as an inline SVG element (no XML prolog), labelled for screen readers."""
    alto = grafica.alto

    def n(valor: float) -> str:
        return f"{valor:.2f}".rstrip("0").rstrip(".")

    partes = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {grafica.ancho} {alto}"'
        f' width="{grafica.ancho}" height="{alto}" role="img"'
        f' aria-label="{escape(grafica.titulo)}" font-family="Helvetica, Arial, sans-serif"'
        f' font-size="{LETRA}">',
        f"<title>{escape(grafica.titulo)}</title>",
    ]
    for f in grafica.figuras:
        if isinstance(f, Rectangulo):
            titulo = f"<title>{escape(f.titulo)}</title>" if f.titulo else ""
            partes.append(
                f'<rect x="{n(f.x)}" y="{n(alto - f.y - f.alto)}" width="{n(f.ancho)}"'
                f' height="{n(f.alto)}" fill="{f.color}">{titulo}</rect>'
            )
        elif isinstance(f, Linea):
            discontinua = ' stroke-dasharray="4 3"' if f.discontinua else ""
            partes.append(
                f'<line x1="{n(f.x1)}" y1="{n(alto - f.y1)}" x2="{n(f.x2)}" y2="{n(alto - f.y2)}"'
                f' stroke="{f.color}" stroke-width="1"{discontinua}/>'
            )
        else:
            partes.append(
                f'<text x="{n(f.x)}" y="{n(alto - f.y)}" text-anchor="{f.ancla}"'
                f' fill="{COLOR_TEXTO}">{escape(f.texto)}</text>'
            )
    partes.append("</svg>")
    return "\n".join(partes)


def dibujo(grafica: Grafica) -> shapes.Drawing:
    """The chart as a ReportLab drawing, a flowable the PDF places like a paragraph."""
    resultado = shapes.Drawing(grafica.ancho, grafica.alto)
    for f in grafica.figuras:
        if isinstance(f, Rectangulo):
            resultado.add(
                shapes.Rect(
                    f.x,
                    f.y,
                    f.ancho,
                    f.alto,
                    fillColor=colors.HexColor(f.color),
                    strokeColor=None,
                )
            )
        elif isinstance(f, Linea):
            resultado.add(
                shapes.Line(
                    f.x1,
                    f.y1,
                    f.x2,
                    f.y2,
                    strokeColor=colors.HexColor(f.color),
                    strokeWidth=1,
                    strokeDashArray=[4, 3] if f.discontinua else None,
                )
            )
        else:
            resultado.add(
                shapes.String(
                    f.x,
                    f.y,
                    f.texto,
                    fontName="Helvetica",
                    fontSize=LETRA,
                    fillColor=colors.HexColor(COLOR_TEXTO),
                    textAnchor=f.ancla,
                )
            )
    return resultado
