/* The checks a photo must pass before it is queued: resolution, exposure and sharpness, then
 * the acta's QR code (the key and the election), all in the phone.
 *
 * Thresholds, calibrated on the simulacro's acta photo (prep/simulacro/imagenes.py, 1240×1600)
 * against its variants in tests/casilla/camara.py (out of focus: Gaussian blur of 4 px; in
 * poor light: 18 % of the light; both with the sensor's grain):
 * - resolution: at least 1000 px on the short side and 1280 on the long one, what a 1080p
 *   camera gives held upright; less and the handwritten figures are hard to read.
 * - exposure, on the luminance (0–255): a mean between 70 and 235 (the photo: 165 to 195; in
 *   poor light: about 30), at most 40 % of the pixels black (≤ 20; the photo: under 1 %) and
 *   at most 40 % burnt white (≥ 250: a glare or the flash on the paper).
 * - sharpness: the variance of a 4-neighbour Laplacian of the photo reduced to 1024 px on its
 *   long side: at least 100 (the photo: 600 to 740; blurred by 4 px: about 15, by 2 px: about
 *   50). Raw, not divided by the light: the sensor's grain in a dim photo would pass for
 *   detail. A photo of many more pixels is reduced more, which hides a little blur, not a lot.
 */

const UMBRALES = Object.freeze({
  ladoCorto: 1000,
  ladoLargo: 1280,
  luzMinima: 70,
  luzMaxima: 235,
  negros: 0.4,
  quemados: 0.4,
  nitidez: 100,
});
const LADO_ANALISIS = 1024;
// jsQR first on a small copy (fast), then on a larger one for a QR code far from the lens.
const LADOS_QR = [800, 1600];
const PREFIJO_QR = "PREP";
// CLAVE_ACTA (prep/catalogo/claves.py): entidad, sección, tipo, número, ext. contigua, tipo de
// acta, and for a casilla without sección its ámbito (_M045, _DL012, _DF012).
const CLAVE_ACTA = /^\d{2}\d{4}[A-Z]\d{2}\d{2}[0-9A-Z]{1,8}(?:_(?:M|DL|DF)\d{3})?$/;

/** A CLAVE_ACTA as typed: without spaces, hyphens or quotes, in capitals. */
export function normalizarClave(texto) {
  return (texto || "").replace(/[\s'"-]/g, "").toUpperCase();
}

/** Whether a normalized key has the form of a CLAVE_ACTA. */
export function esClaveActa(clave) {
  return CLAVE_ACTA.test(clave);
}

/** `{eleccion, clave}` of an acta's QR payload `PREP|<elección>|<CLAVE_ACTA>`, or null. */
function interpretarQR(texto) {
  const partes = (texto || "").split("|");
  if (partes.length !== 3 || partes[0] !== PREFIJO_QR || !partes[1] || !partes[2]) return null;
  return { eleccion: partes[1], clave: partes[2] };
}

function lienzo(ancho, alto) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(ancho, alto);
  const canvas = document.createElement("canvas");
  canvas.width = ancho;
  canvas.height = alto;
  return canvas;
}

/** The pixels of `imagen` reduced so that its long side is at most `lado`. */
function pixeles(imagen, lado) {
  const escala = Math.min(1, lado / Math.max(imagen.width, imagen.height));
  const ancho = Math.max(1, Math.round(imagen.width * escala));
  const alto = Math.max(1, Math.round(imagen.height * escala));
  const contexto = lienzo(ancho, alto).getContext("2d", { willReadFrequently: true });
  contexto.imageSmoothingQuality = "high";
  contexto.drawImage(imagen, 0, 0, ancho, alto);
  return contexto.getImageData(0, 0, ancho, alto);
}

/** Luminance statistics and the Laplacian variance of an ImageData. */
function medir(datos) {
  const { width: ancho, height: alto, data } = datos;
  const gris = new Float32Array(ancho * alto);
  let suma = 0;
  let negros = 0;
  let quemados = 0;
  for (let i = 0, p = 0; i < gris.length; i += 1, p += 4) {
    const y = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
    gris[i] = y;
    suma += y;
    if (y <= 20) negros += 1;
    if (y >= 250) quemados += 1;
  }
  let n = 0;
  let media = 0;
  let m2 = 0;
  for (let fila = 1; fila < alto - 1; fila += 1) {
    for (let col = 1, i = fila * ancho + 1; col < ancho - 1; col += 1, i += 1) {
      const l = gris[i - 1] + gris[i + 1] + gris[i - ancho] + gris[i + ancho] - 4 * gris[i];
      n += 1;
      const delta = l - media; // Welford: one pass, no overflow
      media += delta / n;
      m2 += delta * (l - media);
    }
  }
  return {
    luz: suma / gris.length,
    negros: negros / gris.length,
    quemados: quemados / gris.length,
    nitidez: n > 1 ? m2 / (n - 1) : 0,
  };
}

function revision(nombre, ok, texto) {
  return { nombre, ok, texto };
}

/** The quality checks of a photo of `ancho`×`alto` with measures `m`, each with its reason. */
function evaluar(ancho, alto, m) {
  const corto = Math.min(ancho, alto);
  const largo = Math.max(ancho, alto);
  const u = UMBRALES;
  const resolucion =
    corto >= u.ladoCorto && largo >= u.ladoLargo
      ? revision("resolucion", true, `Resolución suficiente (${ancho} × ${alto} píxeles)`)
      : revision(
          "resolucion",
          false,
          `Resolución insuficiente: ${ancho} × ${alto} píxeles (se necesitan ` +
            `${u.ladoCorto} × ${u.ladoLargo}). Acérquese, o use la cámara del teléfono.`,
        );
  let luz = revision("luz", true, "Luz adecuada");
  if (m.luz < u.luzMinima || m.negros > u.negros) {
    luz = revision("luz", false, "Muy oscura: busque más luz o encienda la luz del teléfono.");
  } else if (m.luz > u.luzMaxima || m.quemados > u.quemados) {
    luz = revision("luz", false, "Demasiada luz o un reflejo: evite la luz directa sobre el acta.");
  }
  let nitidez = revision("nitidez", true, "Foto nítida");
  if (m.nitidez < u.nitidez) {
    // In the dark every photo looks blurred: the light is what to fix first.
    nitidez = luz.ok
      ? revision("nitidez", false, "Borrosa: sostenga el teléfono firme y espere a que enfoque.")
      : revision("nitidez", false, "Con tan poca luz no se distinguen los detalles.");
  }
  return [resolucion, luz, nitidez];
}

let cargaJsQR = null;

// jsQR (vendor/, 250 KB) is loaded only where the browser has no QR reader of its own.
function cargarJsQR() {
  if (!cargaJsQR) {
    cargaJsQR = new Promise((resolver, rechazar) => {
      const script = document.createElement("script");
      script.src = new URL("vendor/jsQR.js", document.baseURI).href;
      script.onload = () => resolver(window.jsQR);
      script.onerror = () => {
        cargaJsQR = null;
        rechazar(new Error("no se pudo cargar el lector de códigos QR"));
      };
      document.head.append(script);
    });
  }
  return cargaJsQR;
}

async function detectorNativo() {
  if (typeof BarcodeDetector === "undefined") return null;
  try {
    const formatos = await BarcodeDetector.getSupportedFormats();
    return formatos.includes("qr_code") ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

/** The texts of the QR codes found in the image (usually one); null when there is no reader. */
async function leerCodigos(imagen) {
  const nativo = await detectorNativo();
  if (nativo) {
    try {
      return (await nativo.detect(imagen)).map((codigo) => codigo.rawValue);
    } catch {
      // fall through to jsQR
    }
  }
  let jsQR;
  try {
    jsQR = await cargarJsQR();
  } catch {
    return null; // offline before the app was kept for offline use: no reader
  }
  // A photo smaller than a copy is read at its own size, once.
  const largo = Math.max(imagen.width, imagen.height);
  for (const lado of new Set(LADOS_QR.map((l) => Math.min(l, largo)))) {
    const datos = pixeles(imagen, lado);
    const codigo = jsQR(datos.data, datos.width, datos.height, { inversionAttempts: "dontInvert" });
    if (codigo) return [codigo.data];
  }
  return [];
}

/**
 * Check a photo (a Blob). Resolves with `{ancho, alto, revisiones: [{nombre, ok, texto}],
 * qr: {eleccion, clave} | null, qrTexto, sinLector}`: `qrTexto` is what a QR code said when it
 * was not an acta's; `sinLector`, that no QR reader could be loaded.
 */
export async function revisar(foto) {
  const imagen = await createImageBitmap(foto);
  try {
    const { width: ancho, height: alto } = imagen;
    const revisiones = evaluar(ancho, alto, medir(pixeles(imagen, LADO_ANALISIS)));
    const codigos = await leerCodigos(imagen);
    let qr = null;
    let qrTexto = "";
    for (const texto of codigos || []) {
      qr = interpretarQR(texto);
      if (qr) break;
      qrTexto = texto;
    }
    return { ancho, alto, revisiones, qr, qrTexto, sinLector: codigos === null };
  } finally {
    imagen.close();
  }
}
