"""The report as one self-contained HTML file: styles and charts (SVG) inline, nothing fetched.

Every text is escaped: paths, user agents and incident details come from the logs, that is from
anyone who sent a request to the mirror.
"""

from html import escape

from prep.difusion.memoria.graficas import Grafica, svg
from prep.difusion.memoria.informe import Informe, Tabla

_ESTILO = """
body { font-family: Helvetica, Arial, sans-serif; color: #24292f; margin: 2rem auto;
  max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem;
  margin-top: 2rem; }
.datos { color: #57606a; margin: 0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .85rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; vertical-align: top; }
th { background: #f6f8fa; text-align: left; }
td { overflow-wrap: anywhere; }
.numero { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: bold; background: #f6f8fa; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: bold; font-size: .9rem; }
svg { max-width: 100%; height: auto; }
"""


def documento(informe: Informe) -> str:
    """The whole HTML document."""
    partes = [
        "<!DOCTYPE html>",
        '<html lang="es-MX">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(informe.titulo)}</title>",
        f"<style>{_ESTILO}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(informe.titulo)}</h1>",
        *(f'<p class="datos">{escape(dato)}</p>' for dato in informe.datos),
    ]
    for seccion in informe.secciones:
        partes.append(f"<section>\n<h2>{escape(seccion.titulo)}</h2>")
        for bloque in seccion.bloques:
            if isinstance(bloque, Tabla):
                partes.append(_tabla(bloque))
            elif isinstance(bloque, Grafica):
                partes.append(
                    f"<figure>\n<figcaption>{escape(bloque.titulo)}</figcaption>\n"
                    f"{svg(bloque)}\n</figure>"
                )
            else:
                partes.append(f"<p>{escape(bloque)}</p>")
        partes.append("</section>")
    partes += ["</body>", "</html>", ""]
    return "\n".join(partes)


def _tabla(tabla: Tabla) -> str:
    def celdas(fila: tuple[str, ...], etiqueta: str) -> str:
        return "".join(
            f'<{etiqueta} class="numero">{_texto(texto)}</{etiqueta}>'
            if i in tabla.numericas
            else f"<{etiqueta}>{_texto(texto)}</{etiqueta}>"
            for i, texto in enumerate(fila)
        )

    partes = [
        "<table>",
        f"<thead><tr>{celdas(tabla.encabezados, 'th')}</tr></thead>",
        "<tbody>",
        *(f"<tr>{celdas(fila, 'td')}</tr>" for fila in tabla.filas),
        "</tbody>",
    ]
    if tabla.totales:
        partes.append(f"<tfoot><tr>{celdas(tabla.totales, 'td')}</tr></tfoot>")
    partes.append("</table>")
    return "\n".join(partes)


def _texto(texto: str) -> str:
    return "<br>".join(escape(linea) for linea in texto.split("\n"))
