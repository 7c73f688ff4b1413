/* Talking to the server: pairing, "who am I", and the sender that empties the queue.
 *
 * The sender uploads one shot at a time, oldest first. A shot counts as delivered only when
 * the server answers with the same SHA-256 the phone computed of the same bytes; a retry of
 * bytes the server already has gets 200 with the existing record, so a retry never makes a
 * second one. Failures of the network or the server (no answer, 408, 429, 5xx) wait and retry:
 * 5 s doubling up to 5 min, ±20 % at random so that a centro's phones do not all come back at
 * once, and never sooner than the server's Retry-After. The online event and the app's start
 * retry at once. 401 (given de baja, unknown token) stops the sender and keeps the queue; any
 * other refusal (413, 415, 422…) is final for that shot, with the server's reason.
 */

import { ESTADOS, pendiente } from "./almacen.js";

const API = new URL("../api/v1/", document.baseURI);
const ESPERA_INICIAL = 5_000;
const ESPERA_MAXIMA = 5 * 60_000;
// An upload that takes longer is given up and retried: a minute, plus 20 KB/s for its bytes
// (a slow 2G link still gets there).
const LIMITE_BASE = 60_000;
const BYTES_POR_MS = 20;
const CANDADO = "prep-casilla-envio";

/** An error answer of the API: HTTP status, `codigo`, and the Spanish `mensaje` as message. */
class ErrorServidor extends Error {
  constructor(estado, codigo, mensaje, segundos = 0) {
    super(mensaje);
    this.estado = estado;
    this.codigo = codigo;
    this.segundos = segundos;
  }
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); 0 if none. */
function segundosDeEspera(valor) {
  if (!valor) return 0;
  const segundos = Number(valor);
  if (Number.isFinite(segundos)) return Math.max(0, segundos);
  const fecha = Date.parse(valor);
  return Number.isNaN(fecha) ? 0 : Math.max(0, (fecha - Date.now()) / 1000);
}

async function errorDe(respuesta) {
  let cuerpo = {};
  try {
    cuerpo = await respuesta.json();
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const mensaje =
    cuerpo.mensaje || `El servidor no pudo atender la solicitud (HTTP ${respuesta.status}).`;
  return new ErrorServidor(
    respuesta.status,
    cuerpo.codigo || "error_http",
    mensaje,
    segundosDeEspera(respuesta.headers.get("Retry-After")),
  );
}

async function pedir(ruta, opciones) {
  let respuesta;
  try {
    respuesta = await fetch(new URL(ruta, API), { cache: "no-store", ...opciones });
  } catch {
    throw new ErrorServidor(
      0,
      "sin_conexion",
      "No hay conexión con el servidor. Intente de nuevo cuando tenga señal.",
    );
  }
  if (!respuesta.ok) throw await errorDe(respuesta);
  return respuesta.json();
}

/** Spend a pairing code: `{token, dispositivo, centro, centro_nombre}`. */
export function emparejar(codigo) {
  return pedir("casilla/emparejar", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ codigo }),
  });
}

/** The device as the server knows it: elections, largest image, the server's time. */
export function consultarYo(token) {
  return pedir("casilla/yo", { headers: { Authorization: `Bearer ${token}` } });
}

function transitorio(estado) {
  return estado === 408 || estado === 425 || estado === 429 || estado >= 500;
}

function formulario(toma) {
  const datos = new FormData();
  datos.append("archivo", toma.archivo, `${toma.id}.jpg`);
  datos.append("tomada", toma.tomada);
  // Only when the phone could not read the QR code: the key as typed twice.
  if (toma.tecleada) {
    datos.append("clave", toma.clave);
    datos.append("confirmacion", toma.clave);
    if (toma.eleccion) datos.append("eleccion", toma.eleccion);
  }
  return datos;
}

export class Envio {
  /**
   * @param almacen the phone's database (almacen.js)
   * @param opciones.token () => the device's token, or null when not paired
   * @param opciones.alCambiar (toma) => the shot's state changed
   * @param opciones.alRevocar (ErrorServidor) => the server refused the token (401)
   * @param opciones.alConexion (ok) => whether the server answered the last request
   */
  constructor(almacen, { token, alCambiar, alRevocar, alConexion }) {
    this.almacen = almacen;
    this.token = token;
    this.alCambiar = alCambiar;
    this.alRevocar = alRevocar;
    this.alConexion = alConexion;
    this.fallos = 0;
    this.noAntesDe = 0;
    this.temporizador = null;
    this.corriendo = false;
    this.otraVuelta = false;
    this.pausado = false;
    this.alTerminar = [];
  }

  /** Try now, whatever the wait: the app started, the connection came back, a new shot. */
  despertar() {
    this.fallos = 0;
    this.noAntesDe = 0;
    this.ciclo();
  }

  /** Stop after the upload in flight, if any; resolves when nothing is being sent. */
  detener() {
    this.pausado = true;
    clearTimeout(this.temporizador);
    if (!this.corriendo) return Promise.resolve();
    return new Promise((resolver) => this.alTerminar.push(resolver));
  }

  async ciclo() {
    if (this.corriendo) {
      this.otraVuelta = true;
      return;
    }
    this.corriendo = true;
    clearTimeout(this.temporizador);
    try {
      do {
        this.otraVuelta = false;
        await this.vaciar();
      } while (this.otraVuelta && !this.pausado);
    } catch (error) {
      // The phone's own storage failed: try again later rather than stop for good.
      console.error("PREP Casilla: cola", error);
      this.programar(ESPERA_MAXIMA);
    } finally {
      this.corriendo = false;
      this.alTerminar.splice(0).forEach((resolver) => resolver());
    }
  }

  programar(ms) {
    clearTimeout(this.temporizador);
    this.temporizador = setTimeout(() => this.ciclo(), ms);
  }

  async vaciar() {
    for (;;) {
      const token = this.token();
      // Offline there is nothing to try: the online event wakes the sender.
      if (!token || this.pausado || !navigator.onLine) return;
      const espera = this.noAntesDe - Date.now();
      if (espera > 0) {
        this.programar(espera);
        return;
      }
      const [toma] = await this.almacen.pendientes();
      if (!toma) return;
      // One upload at a time across the app's tabs, too.
      const seguir = navigator.locks
        ? await navigator.locks.request(CANDADO, () => this.enviar(toma.id, token))
        : await this.enviar(toma.id, token);
      if (!seguir) return;
    }
  }

  /** Upload one shot; false when the sender must stop (401). */
  async enviar(id, token) {
    const toma = await this.almacen.toma(id);
    // Another tab may have delivered it meanwhile.
    if (!toma || !pendiente(toma)) return true;
    this.alCambiar(
      await this.almacen.actualizarToma(id, {
        estado: ESTADOS.ENVIADA,
        intentos: toma.intentos + 1,
      }),
    );
    const limite = new AbortController();
    const reloj = setTimeout(() => limite.abort(), LIMITE_BASE + toma.tamano / BYTES_POR_MS);
    let respuesta;
    try {
      respuesta = await fetch(new URL("imagenes", API), {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: formulario(toma),
        cache: "no-store",
        signal: limite.signal,
      });
    } catch {
      return await this.reintentar(toma, 0, "Sin conexión con el servidor: se reintentará.");
    } finally {
      clearTimeout(reloj);
    }
    return this.respuesta(toma, respuesta);
  }

  async respuesta(toma, respuesta) {
    if (respuesta.ok) {
      let recibo;
      try {
        recibo = await respuesta.json();
      } catch {
        const motivo = "La respuesta del servidor llegó incompleta: se reintentará.";
        return this.reintentar(toma, 0, motivo);
      }
      if (recibo.sha256 !== toma.sha256) {
        const motivo = "El servidor recibió una copia dañada de la foto: se reenviará.";
        return this.reintentar(toma, 0, motivo);
      }
      this.fallos = 0;
      this.alConexion(true);
      // The server has these exact bytes: the phone no longer needs them.
      this.alCambiar(
        await this.almacen.actualizarToma(toma.id, {
          estado: ESTADOS.RECIBIDA,
          archivo: null,
          motivo: "",
          siguiente_intento: 0,
          recibo: {
            sha256: recibo.sha256,
            momento: recibo.momento,
            estado: recibo.estado,
            acta: recibo.acta,
            eleccion: recibo.eleccion,
            motivo: recibo.motivo || "",
          },
        }),
      );
      return true;
    }
    const error = await errorDe(respuesta);
    if (respuesta.status === 401) {
      this.alCambiar(await this.almacen.actualizarToma(toma.id, { estado: ESTADOS.GUARDADA }));
      this.alRevocar(error);
      return false;
    }
    if (transitorio(respuesta.status)) return this.reintentar(toma, error.segundos, error.message);
    this.alConexion(true);
    this.alCambiar(
      await this.almacen.actualizarToma(toma.id, {
        estado: ESTADOS.RECHAZADA,
        motivo: error.message,
      }),
    );
    return true;
  }

  async reintentar(toma, segundos, motivo) {
    this.fallos += 1;
    const base = Math.min(ESPERA_MAXIMA, ESPERA_INICIAL * 2 ** (this.fallos - 1));
    const espera = Math.max(base * (0.8 + 0.4 * Math.random()), segundos * 1000);
    this.noAntesDe = Date.now() + espera;
    this.alConexion(false);
    this.alCambiar(
      await this.almacen.actualizarToma(toma.id, {
        estado: ESTADOS.GUARDADA,
        siguiente_intento: this.noAntesDe,
        motivo,
      }),
    );
    return true;
  }
}
