/* The phone's rear camera (preview, torch, the shot as a JPEG) and the photos that come from
 * the phone's own camera app instead. */

const CALIDAD_JPEG = 0.92;
// A photo from the camera app larger than the server accepts is made smaller, down to this side
// at most; plenty for an acta.
const LADO_MAXIMO = 4000;

/** A Spanish explanation of why the camera could not be opened. */
export function motivoCamara(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "SecurityError":
      return (
        "No se dio permiso para usar la cámara. Permítalo en los ajustes del navegador, " +
        "o use la cámara del teléfono."
      );
    case "NotFoundError":
    case "OverconstrainedError":
      return "No se encontró una cámara en este teléfono. Use la cámara del teléfono.";
    case "NotReadableError":
    case "AbortError":
      return "La cámara está ocupada por otra app. Ciérrela, o use la cámara del teléfono.";
    default:
      return "No se pudo abrir la cámara. Use la cámara del teléfono.";
  }
}

export class Camara {
  constructor(video) {
    this.video = video;
    this.flujo = null;
  }

  /** Open the rear camera at its highest resolution; resolves with whether it has a torch. */
  async abrir() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new DOMException("sin getUserMedia", "NotFoundError");
    }
    this.cerrar();
    // resizeMode "none": the camera's own frames, never cropped or scaled to fit the ideal.
    this.flujo = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 4096 }, resizeMode: "none" },
    });
    this.video.srcObject = this.flujo;
    if (!this.video.videoWidth) {
      await new Promise((resolver) =>
        this.video.addEventListener("loadedmetadata", resolver, { once: true }),
      );
    }
    await this.video.play();
    const pista = this.flujo.getVideoTracks()[0];
    const capacidades = pista.getCapabilities ? pista.getCapabilities() : {};
    return Boolean(capacidades.torch);
  }

  /** Switch the torch on or off. */
  linterna(encendida) {
    const [pista] = this.flujo ? this.flujo.getVideoTracks() : [];
    return pista ? pista.applyConstraints({ advanced: [{ torch: encendida }] }) : Promise.resolve();
  }

  /** The frame on screen as a JPEG of at most `maximoBytes`, carrying `comentario` (see
   * conComentario). */
  async capturar(comentario, maximoBytes) {
    const { videoWidth: ancho, videoHeight: alto } = this.video;
    // The comment adds a few hundred bytes.
    const limite = maximoBytes ? maximoBytes - 1024 : 0;
    return conComentario(await jpegQueQuepa(this.video, ancho, alto, limite), comentario);
  }

  cerrar() {
    if (this.flujo) this.flujo.getTracks().forEach((pista) => pista.stop());
    this.flujo = null;
    this.video.srcObject = null;
  }
}

function comoJpeg(canvas) {
  return new Promise((resolver, rechazar) =>
    canvas.toBlob(
      (blob) => (blob ? resolver(blob) : rechazar(new Error("no se pudo codificar la foto"))),
      "image/jpeg",
      CALIDAD_JPEG,
    ),
  );
}

/** A JPEG of `fuente` (`ancho`×`alto`, drawn at `escala`) of at most `maximoBytes` (0: any
 * size), made smaller (80 % each time) until it fits. */
async function jpegQueQuepa(fuente, ancho, alto, maximoBytes, escala = 1) {
  for (;;) {
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(ancho * escala);
    canvas.height = Math.round(alto * escala);
    canvas.getContext("2d").drawImage(fuente, 0, 0, canvas.width, canvas.height);
    const jpeg = await comoJpeg(canvas);
    if (!maximoBytes || jpeg.size <= maximoBytes || escala < 0.2) return jpeg;
    escala *= 0.8;
  }
}

/**
 * The JPEG with a comment segment (COM) that names the app, the device, the shot and its time.
 * The file then says where it came from, and two shots are always two files: a still camera
 * may give the same frame twice, and the server keeps one record per distinct content.
 */
async function conComentario(jpeg, texto) {
  const bytes = new Uint8Array(await jpeg.arrayBuffer());
  // After the start of image and, if present, the JFIF segment, which must come first.
  let posicion = 2;
  if (bytes[2] === 0xff && bytes[3] === 0xe0) posicion = 4 + ((bytes[4] << 8) | bytes[5]);
  const carga = new TextEncoder().encode(texto).slice(0, 60_000);
  const largo = carga.length + 2;
  const segmento = new Uint8Array(4 + carga.length);
  segmento.set([0xff, 0xfe, largo >> 8, largo & 0xff]);
  segmento.set(carga, 4);
  const partes = [bytes.subarray(0, posicion), segmento, bytes.subarray(posicion)];
  return new Blob(partes, { type: "image/jpeg" });
}

async function esJpeg(archivo) {
  const firma = new Uint8Array(await archivo.slice(0, 3).arrayBuffer());
  return firma[0] === 0xff && firma[1] === 0xd8 && firma[2] === 0xff;
}

/**
 * A photo from the phone's camera app, ready to check and queue: the file itself when it is a
 * JPEG the server accepts (its bytes untouched), else a JPEG made from it, smaller if needed.
 */
export async function prepararArchivo(archivo, maximoBytes) {
  if ((await esJpeg(archivo)) && (!maximoBytes || archivo.size <= maximoBytes)) {
    return new Blob([archivo], { type: "image/jpeg" });
  }
  const imagen = await createImageBitmap(archivo);
  try {
    const escala = Math.min(1, LADO_MAXIMO / Math.max(imagen.width, imagen.height));
    return await jpegQueQuepa(imagen, imagen.width, imagen.height, maximoBytes, escala);
  } finally {
    imagen.close();
  }
}
