"""The report as PDF (letter size, as paper is in Mexico), with ReportLab: tables that continue
across pages with their header, and the charts as vector drawings.

The file is invariant (no creation time or random document id inside), so the same input gives
the same bytes.
"""

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from prep.difusion.memoria.graficas import Grafica, dibujo
from prep.difusion.memoria.informe import Informe, Tabla

MARGEN = 50  # points; leaves 512 points of width, room for the 500-point charts
_ESTILOS = getSampleStyleSheet()
_TITULO = ParagraphStyle("titulo", parent=_ESTILOS["Title"], alignment=0, spaceAfter=4)
_DATO = ParagraphStyle("dato", parent=_ESTILOS["Normal"], textColor=colors.HexColor("#57606a"))
_SECCION = ParagraphStyle("seccion", parent=_ESTILOS["Heading2"], spaceBefore=14)
_PARRAFO = ParagraphStyle("parrafo", parent=_ESTILOS["Normal"], spaceAfter=6)
_CELDA = ParagraphStyle("celda", parent=_ESTILOS["Normal"], fontSize=8, leading=10)
_CELDA_NUMERO = ParagraphStyle("celda_numero", parent=_CELDA, alignment=TA_RIGHT)
_ENCABEZADO = ParagraphStyle("encabezado", parent=_CELDA, fontName="Helvetica-Bold")
_ENCABEZADO_NUMERO = ParagraphStyle("encabezado_numero", parent=_ENCABEZADO, alignment=TA_RIGHT)
_LEYENDA = ParagraphStyle("leyenda", parent=_ESTILOS["Normal"], fontName="Helvetica-Bold")
_GRIS = colors.HexColor("#f6f8fa")
_BORDE = colors.HexColor("#d0d7de")


def escribir(informe: Informe, ruta: Path) -> None:
    """Write the report to `ruta` as PDF."""
    documento = SimpleDocTemplate(
        str(ruta),
        pagesize=LETTER,
        leftMargin=MARGEN,
        rightMargin=MARGEN,
        topMargin=MARGEN,
        bottomMargin=MARGEN,
        title=informe.titulo,
        author="PREP Abierto",
        creator="PREP Abierto: prep difusor memoria",
        lang="es-MX",
        invariant=1,
    )
    historia = [Paragraph(_texto(informe.titulo), _TITULO)]
    historia += [Paragraph(_texto(dato), _DATO) for dato in informe.datos]
    for seccion in informe.secciones:
        historia.append(Paragraph(_texto(seccion.titulo), _SECCION))
        for bloque in seccion.bloques:
            if isinstance(bloque, Tabla):
                historia += [_tabla(bloque, documento.width), Spacer(1, 8)]
            elif isinstance(bloque, Grafica):
                historia.append(
                    KeepTogether([Paragraph(_texto(bloque.titulo), _LEYENDA), dibujo(bloque)])
                )
            else:
                historia.append(Paragraph(_texto(bloque), _PARRAFO))

    def pie(lienzo, doc) -> None:
        lienzo.saveState()
        lienzo.setFont("Helvetica", 8)
        lienzo.setFillColor(colors.HexColor("#57606a"))
        lienzo.drawString(MARGEN, MARGEN / 2, informe.titulo)
        lienzo.drawRightString(LETTER[0] - MARGEN, MARGEN / 2, f"Página {doc.page}")
        lienzo.restoreState()

    documento.build(historia, onFirstPage=pie, onLaterPages=pie)


def _texto(texto: str) -> str:
    # Paragraph reads a small XML markup: text from the logs must not be taken for it.
    return "<br/>".join(escape(linea) for linea in texto.split("\n"))


def _tabla(tabla: Tabla, ancho: float) -> Table:
    def fila(textos: tuple[str, ...], normal, numero) -> list[Paragraph]:
        return [
            Paragraph(_texto(texto), numero if i in tabla.numericas else normal)
            for i, texto in enumerate(textos)
        ]

    filas = [fila(tabla.encabezados, _ENCABEZADO, _ENCABEZADO_NUMERO)]
    filas += [fila(f, _CELDA, _CELDA_NUMERO) for f in tabla.filas]
    if tabla.totales:
        filas.append(fila(tabla.totales, _ENCABEZADO, _ENCABEZADO_NUMERO))
    pesos = tabla.anchos or (1,) * len(tabla.encabezados)
    anchos = [ancho * peso / sum(pesos) for peso in pesos]
    estilo = [
        ("GRID", (0, 0), (-1, -1), 0.5, _BORDE),
        ("BACKGROUND", (0, 0), (-1, 0), _GRIS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if tabla.totales:
        estilo.append(("BACKGROUND", (0, -1), (-1, -1), _GRIS))
    return Table(filas, colWidths=anchos, repeatRows=1, style=TableStyle(estilo), hAlign="LEFT")
