"""The first page of a PDF, rendered by PDFium in a child process with bounded memory: the child
side of `lectura.decodificar` for PDFs (`python -m prep.digitalizacion.pdfium LADO MEMORIA
PIXELES PAGINAS`).

PDFium has no limits of its own, and a PDF's compressed streams expand a thousandfold: a 15 MB
upload can ask for gigabytes and minutes (a decompression bomb). Here such a file only kills
this process. No Django is imported, so the child starts in a fraction of a second.

Reads the PDF on stdin; writes one JSON line (`{"ancho", "alto"}` followed by the gray pixels,
row by row, or `{"problema": …}`) on stdout.
"""

import json
import resource
import sys

# The PDF specification's largest page side (200 inches), in points.
MAXIMO_LADO_PT = 14_400


def _responder(cabecera: dict, pixeles: bytes = b"") -> None:
    sys.stdout.buffer.write(json.dumps(cabecera).encode() + b"\n" + pixeles)
    sys.stdout.buffer.flush()


def renderizar(datos: bytes, lado: int, max_pixeles: int, max_paginas: int) -> tuple[dict, bytes]:
    """The header and the gray pixels of the first page, scaled so that its longer side has
    `lado` pixels; or a header naming the problem. `max_paginas` 0: any number of pages."""
    import pypdfium2 as pdfium

    try:
        documento = pdfium.PdfDocument(datos)
    except pdfium.PdfiumError:
        return {"problema": "danado"}, b""
    try:
        paginas = len(documento)
        if paginas == 0:
            return {"problema": "sin_paginas"}, b""
        if max_paginas and paginas > max_paginas:
            return {"problema": "paginas", "paginas": paginas}, b""
        ancho_pt, alto_pt = documento[0].get_size()
        if not (0 < ancho_pt <= MAXIMO_LADO_PT and 0 < alto_pt <= MAXIMO_LADO_PT):
            return {"problema": "sin_tamano"}, b""
        escala = lado / max(ancho_pt, alto_pt)
        ancho, alto = round(ancho_pt * escala), round(alto_pt * escala)
        if ancho * alto > max_pixeles:
            return {"problema": "excesiva", "ancho": ancho, "alto": alto}, b""
        try:
            imagen = documento[0].render(scale=escala, grayscale=True).to_pil()
        except pdfium.PdfiumError:
            return {"problema": "danado"}, b""
        return {"ancho": imagen.width, "alto": imagen.height}, imagen.tobytes()
    finally:
        documento.close()


def main() -> None:
    """Entry point of the child process."""
    lado, memoria, max_pixeles, max_paginas = (int(a) for a in sys.argv[1:5])
    resource.setrlimit(resource.RLIMIT_AS, (memoria, memoria))
    cabecera, pixeles = renderizar(sys.stdin.buffer.read(), lado, max_pixeles, max_paginas)
    _responder(cabecera, pixeles)


if __name__ == "__main__":
    main()
