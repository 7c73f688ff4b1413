"""PREP Casilla on the phone: how long the check of a photo takes (resolution, light, sharpness
and the QR code read with jsQR) in real Chromium, at full speed and with the CPU slowed down as
Chrome's DevTools emulate a mid-range (4×) and a low-end (6×) Android phone.

    python benchmarks/casilla.py [--fotos 6] [--lentitud 1,4,6]

The photos are simulacro actas (JPEG, 1240×1600, as the fake camera gives) and the same ones
enlarged to a 12-megapixel phone photo (3000×3872). The app's folder is served as is by a plain
HTTP server on 127.0.0.1 (a secure origin, as HTTPS is on a phone); `calidad.js` is imported
and its `revisar()` timed on each photo with `performance.now()`.
"""

import argparse
import base64
import functools
import http.server
import io
import statistics
import tempfile
import threading
from pathlib import Path

from PIL import Image

RAIZ = Path(__file__).resolve().parents[1]
APP = RAIZ / "prep" / "casilla" / "app"
CHROMIUM = "/usr/bin/chromium"
LADO_12MP = (3000, 3872)

_MEDIR = """async (fotos) => {
  const { revisar } = await import(new URL("/calidad.js", location.href).href);
  const tiempos = [];
  for (const base64 of fotos) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const foto = new Blob([bytes], { type: "image/jpeg" });
    const inicio = performance.now();
    const resultado = await revisar(foto);
    tiempos.push([performance.now() - inicio, resultado.qr && resultado.qr.clave]);
  }
  return tiempos;
}"""


def fotos(cuantas: int) -> list[bytes]:
    """`cuantas` simulacro acta photos (JPEG) of a small synthetic election."""
    from prep.simulacro import imagenes
    from prep.simulacro.generador import generar

    sintetica = generar(200, 1, ("GOB",))
    with tempfile.TemporaryDirectory() as carpeta:
        indices = imagenes.seleccionar(sintetica, cuantas)
        imagenes.escribir_imagenes(sintetica, indices, Path(carpeta))
        return [p.read_bytes() for p in sorted(Path(carpeta).iterdir())][:cuantas]


def ampliada(foto: bytes) -> bytes:
    """The photo enlarged to 12 megapixels, as a phone's main camera takes it."""
    salida = io.BytesIO()
    Image.open(io.BytesIO(foto)).resize(LADO_12MP, Image.Resampling.BICUBIC).save(
        salida, "JPEG", quality=90
    )
    return salida.getvalue()


def servidor() -> http.server.ThreadingHTTPServer:
    """The app's folder over HTTP on a free port of 127.0.0.1 (started in a thread)."""

    class Silencioso(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    manejador = functools.partial(Silencioso, directory=str(APP))
    instancia = http.server.ThreadingHTTPServer(("127.0.0.1", 0), manejador)
    threading.Thread(target=instancia.serve_forever, daemon=True).start()
    return instancia


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fotos", type=int, default=6, help="fotos de cada tamaño (6)")
    parser.add_argument("--lentitud", default="1,4,6", help="factores de CPU más lenta (1,4,6)")
    argumentos = parser.parse_args()
    lentitudes = [float(x) for x in argumentos.lentitud.split(",")]
    normales = fotos(argumentos.fotos)
    tamanos = {"1240×1600": normales, "12 MP": [ampliada(f) for f in normales]}
    from playwright.sync_api import sync_playwright

    instancia = servidor()
    origen = f"http://127.0.0.1:{instancia.server_address[1]}/"
    with sync_playwright() as playwright:
        navegador = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"]
        )
        pagina = navegador.new_page(viewport={"width": 390, "height": 844})
        # Any page of the origin will do: the module is imported by its URL.
        pagina.goto(origen + "manifest.webmanifest")
        cdp = pagina.context.new_cdp_session(pagina)
        for lentitud in lentitudes:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": lentitud})
            for nombre, lote in tamanos.items():
                datos = [base64.b64encode(f).decode() for f in lote]
                pagina.evaluate(_MEDIR, datos[:1])  # warm-up: module load, JIT
                medidas = pagina.evaluate(_MEDIR, datos)
                tiempos = [t for t, _ in medidas]
                leidas = sum(1 for _, clave in medidas if clave)
                print(
                    f"CPU {lentitud:g}× más lenta, {nombre}: revisar() mediana"
                    f" {statistics.median(tiempos):,.0f} ms, máximo {max(tiempos):,.0f} ms"
                    f" ({len(tiempos)} fotos, QR leído en {leidas})"
                )
        navegador.close()
    instancia.shutdown()


if __name__ == "__main__":
    main()
