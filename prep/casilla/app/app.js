/* PREP Casilla: the screens the person at the casilla sees, and what joins them.
 *
 * Screens: not paired (type or open the pairing code), main (the device, the connection, the
 * actas with their shots), camera, review (quality checks, the acta's key) and saved. Every
 * shot is written to the phone (almacen.js) before anything else; the sender (envio.js) takes
 * it from there. Plain modules, no build step; no inline scripts or styles (the server's
 * Content-Security-Policy allows only the app's own files).
 */

import { abrir, ESTADOS, pendiente } from "./almacen.js";
import { esClaveActa, normalizarClave, revisar } from "./calidad.js";
import { Camara, motivoCamara, prepararArchivo } from "./camara.js";
import { consultarYo, emparejar, Envio } from "./envio.js";

const $ = (selector) => document.querySelector(selector);
const $$ = (selector) => [...document.querySelectorAll(selector)];

// The phone's clock may be off: past this difference with the server's, the app says so.
const DESFASE_TOLERADO = 5 * 60_000;

const estado = {
  almacen: null,
  envio: null,
  sesion: null, // {token, dispositivo, centro, centro_nombre, max_bytes}
  elecciones: [], // [{tipo, nombre}] of the process, kept even when the phone is given de baja
  aviso: null, // {mensaje}: why the server refused the token
  tomas: [],
  servidorResponde: true,
  pantalla: "",
  camara: null,
  foto: null, // the shot under review: {id, blob, url, tomada, resultado}
  misma: null, // the acta of «Otra foto de esta acta»: {clave, eleccion, tecleada}
  recibosAbiertos: new Set(),
  registro: null, // the service worker's registration
};

// --- Small helpers --------------------------------------------------------------------------

function el(etiqueta, atributos = {}, ...hijos) {
  const nodo = document.createElement(etiqueta);
  for (const [nombre, valor] of Object.entries(atributos)) {
    if (valor === false || valor == null) continue;
    if (nombre === "class") nodo.className = valor;
    else if (nombre.startsWith("on")) nodo.addEventListener(nombre.slice(2), valor);
    else nodo.setAttribute(nombre, valor === true ? "" : valor);
  }
  nodo.append(...hijos.filter((hijo) => hijo != null && hijo !== false));
  return nodo;
}

const FORMATO_HORA = new Intl.DateTimeFormat("es-MX", {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const FORMATO_SEGUNDOS = new Intl.DateTimeFormat("es-MX", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const FORMATO_DIA = new Intl.DateTimeFormat("es-MX", { day: "numeric", month: "short" });

/** A time as the person reads it: 21:47 today, «7 jun 21:47» another day. */
function hora(momento, segundos = false) {
  const fecha = new Date(momento);
  const texto = (segundos ? FORMATO_SEGUNDOS : FORMATO_HORA).format(fecha);
  const hoy = fecha.toDateString() === new Date().toDateString();
  return hoy ? texto : `${FORMATO_DIA.format(fecha)} ${texto}`;
}

/** ISO 8601 in the phone's local time with its offset (2027-06-06T21:47:03-06:00). */
function isoLocal(fecha) {
  const dos = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const desfase = -fecha.getTimezoneOffset();
  return (
    `${fecha.getFullYear()}-${dos(fecha.getMonth() + 1)}-${dos(fecha.getDate())}` +
    `T${dos(fecha.getHours())}:${dos(fecha.getMinutes())}:${dos(fecha.getSeconds())}` +
    `${desfase < 0 ? "-" : "+"}${dos(desfase / 60)}:${dos(desfase % 60)}`
  );
}

async function sha256(blob) {
  const resumen = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(resumen)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function nombreEleccion(tipo) {
  const eleccion = estado.elecciones.find((e) => e.tipo === tipo);
  return eleccion ? eleccion.nombre : tipo || "";
}

/** A message of the server as a sentence: it writes them in lower case, without a stop. */
function frase(texto) {
  const limpio = (texto || "").trim();
  if (!limpio) return "";
  const mayuscula = limpio[0].toUpperCase() + limpio.slice(1);
  return /[.!?]$/.test(mayuscula) ? mayuscula : `${mayuscula}.`;
}

function describirActa(clave, eleccion) {
  return [`Acta ${clave}`, nombreEleccion(eleccion)].filter(Boolean).join(" · ");
}

// --- Screens --------------------------------------------------------------------------------

function mostrar(pantalla) {
  for (const seccion of $$("section[data-pantalla]")) {
    seccion.hidden = seccion.dataset.pantalla !== pantalla;
  }
  estado.pantalla = pantalla;
  document.body.dataset.vista = pantalla;
  const titulo = $(`[data-pantalla="${pantalla}"] h1`);
  if (titulo) titulo.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// Camera, review and saved are steps away from the main screen: the phone's back button
// returns to it instead of closing the app.
function irA(pantalla) {
  if (!history.state?.casilla) history.pushState({ casilla: true }, "");
  mostrar(pantalla);
}

function volverAlInicio() {
  if (history.state?.casilla) history.back();
  else inicio();
}

/** The main screen when paired; else the pairing screen. */
function inicio() {
  cerrarCamara();
  soltarFoto();
  if (estado.sesion) {
    mostrar("principal");
  } else {
    $("[data-aviso-baja]").hidden = !estado.aviso;
    $("[data-aviso-baja]").textContent = estado.aviso ? estado.aviso.mensaje : "";
    mostrar("emparejar");
  }
  pintar();
}

// --- Rendering ------------------------------------------------------------------------------

const ETIQUETAS = {
  [ESTADOS.GUARDADA]: "Guardada en el teléfono",
  [ESTADOS.ENVIADA]: "Enviada",
  [ESTADOS.RECIBIDA]: "Recibida",
  [ESTADOS.RECHAZADA]: "Rechazada",
};

function detalleToma(toma) {
  switch (toma.estado) {
    case ESTADOS.GUARDADA:
      if (!estado.sesion) return "Se enviará cuando el teléfono vuelva a estar emparejado.";
      if (!navigator.onLine) return "Se enviará al volver la conexión.";
      if (toma.siguiente_intento > Date.now()) {
        return `${frase(toma.motivo)} Próximo intento: ${hora(toma.siguiente_intento, true)}.`;
      }
      return "En espera de envío.";
    case ESTADOS.ENVIADA:
      return "Enviándose al servidor…";
    case ESTADOS.RECIBIDA:
      if (toma.recibo.estado === "clasificada") {
        return `El servidor la registró en el acta ${toma.recibo.acta}.`;
      }
      return `El centro la clasificará a mano. ${frase(toma.recibo.motivo)}`.trim();
    default:
      return `${frase(toma.motivo)} Tome otra foto de esta acta.`;
  }
}

function recibo(toma) {
  const { sha256: huella, momento } = toma.recibo;
  const abierto = estado.recibosAbiertos.has(toma.id);
  return el(
    "details",
    {
      class: "recibo",
      "data-recibo": huella,
      open: abierto,
      ontoggle: (evento) => {
        if (evento.target.open) estado.recibosAbiertos.add(toma.id);
        else estado.recibosAbiertos.delete(toma.id);
      },
    },
    el(
      "summary",
      {},
      "Recibo ",
      el("code", {}, `${huella.slice(0, 6)}…${huella.slice(-6)}`),
      el("span", { class: "llegada" }, `llegó a las ${hora(momento, true)}`),
    ),
    el("p", {}, "SHA-256 que calculó el servidor, igual al de la foto en el teléfono:"),
    el("code", { class: "huella", "data-sha256": "" }, huella),
  );
}

function itemToma(toma, numero) {
  return el(
    "li",
    { class: `toma ${toma.estado}`, "data-toma": toma.id, "data-estado": toma.estado },
    el(
      "p",
      { class: "toma-cabeza" },
      el("span", {}, `Toma ${numero} · ${hora(toma.creada)}`),
      el("span", { class: `etiqueta ${toma.estado}`, "data-etiqueta": "" }, ETIQUETAS[toma.estado]),
    ),
    el("p", { class: "detalle" }, detalleToma(toma)),
    toma.estado === ESTADOS.RECIBIDA ? recibo(toma) : null,
  );
}

/** The shots grouped by acta, the acta with the latest shot first. */
function actas() {
  const grupos = new Map();
  for (const toma of estado.tomas) {
    const clave = `${toma.eleccion}|${toma.clave}`;
    if (!grupos.has(clave)) {
      grupos.set(clave, { clave: toma.clave, eleccion: toma.eleccion, tomas: [] });
    }
    grupos.get(clave).tomas.push(toma);
  }
  const ultima = (grupo) => grupo.tomas[grupo.tomas.length - 1].creada;
  return [...grupos.values()].sort((a, b) => ultima(b) - ultima(a));
}

function listaActas(lista, conBoton) {
  lista.replaceChildren(
    ...actas().map((grupo) => {
      const { tecleada } = grupo.tomas[grupo.tomas.length - 1];
      const misma = { clave: grupo.clave, eleccion: grupo.eleccion, tecleada };
      return el(
        "li",
        { class: "acta", "data-acta": grupo.clave },
        el("h2", {}, `Acta ${grupo.clave}`),
        grupo.eleccion ? el("p", { class: "eleccion" }, nombreEleccion(grupo.eleccion)) : null,
        el("ol", { class: "tomas" }, ...grupo.tomas.map((toma, i) => itemToma(toma, i + 1))),
        conBoton
          ? el(
              "button",
              {
                type: "button",
                class: "boton",
                "data-otra-foto-acta": grupo.clave,
                onclick: () => fotografiar(misma),
              },
              "Otra foto de esta acta",
            )
          : null,
      );
    }),
  );
}

function resumen() {
  const porEnviar = estado.tomas.filter(pendiente).length;
  const rechazadas = estado.tomas.filter((t) => t.estado === ESTADOS.RECHAZADA).length;
  const partes = [];
  if (porEnviar) partes.push(`${porEnviar} ${porEnviar === 1 ? "foto" : "fotos"} por enviar`);
  if (rechazadas) {
    partes.push(`${rechazadas} ${rechazadas === 1 ? "foto rechazada" : "fotos rechazadas"}`);
  }
  if (!partes.length && estado.tomas.length) return "Todas las fotos llegaron al servidor.";
  return partes.join(" · ");
}

function pintarConexion() {
  let texto = "En línea";
  let clase = "en-linea";
  if (!navigator.onLine) {
    texto = "Sin conexión";
    clase = "sin-conexion";
  } else if (!estado.servidorResponde) {
    texto = "Sin conexión con el servidor";
    clase = "sin-conexion";
  }
  for (const nodo of $$("[data-conexion]")) {
    nodo.textContent = texto;
    nodo.className = `conexion ${clase}`;
    nodo.dataset.estado = clase;
  }
}

function pintar() {
  pintarConexion();
  const { sesion } = estado;
  if (sesion) {
    $("[data-identidad]").replaceChildren(
      "Teléfono ",
      el("strong", {}, sesion.dispositivo),
      el("br"),
      `${sesion.centro} · ${sesion.centro_nombre}`,
    );
  }
  $("[data-resumen]").textContent = resumen();
  listaActas($("[data-actas]"), true);
  // Not paired: what the phone keeps, so that nobody fears it lost.
  const sinEmparejar = !sesion && estado.tomas.length > 0;
  $("[data-cola-sin-emparejar]").hidden = !sinEmparejar;
  if (sinEmparejar) {
    const porEnviar = estado.tomas.filter(pendiente).length;
    $("[data-resumen-sin-emparejar]").textContent = porEnviar
      ? `Hay ${porEnviar} ${porEnviar === 1 ? "foto" : "fotos"} por enviar: no se pierden. ` +
        "Se enviarán en cuanto empareje el teléfono de nuevo."
      : "Todas las fotos de este teléfono llegaron al servidor.";
    listaActas($("[data-actas-sin-emparejar]"), false);
  }
}

function tomaCambiada(toma) {
  const i = estado.tomas.findIndex((t) => t.id === toma.id);
  if (i >= 0) estado.tomas[i] = toma;
  else estado.tomas.push(toma);
  pintar();
}

// --- Pairing and the session ----------------------------------------------------------------

function codigoDelEnlace() {
  const parametros = new URLSearchParams(location.hash.slice(1));
  const codigo = parametros.get("codigo");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return codigo;
}

async function emparejarCon(codigo) {
  const boton = $("[data-emparejar]");
  const error = $("[data-error-emparejar]");
  $("#codigo").value = codigo;
  error.textContent = "";
  boton.disabled = true;
  boton.textContent = "Emparejando…";
  try {
    const datos = await emparejar(codigo);
    estado.sesion = { ...datos, max_bytes: 0 };
    estado.aviso = null;
    await estado.almacen.guardarAjuste("sesion", estado.sesion);
    await estado.almacen.borrarAjuste("aviso");
    // Ask the browser never to evict the queue to make room.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    $("#codigo").value = "";
    $("[data-aviso-emparejado]").textContent =
      `✓ Emparejado: ${datos.dispositivo}, del centro ${datos.centro} · ${datos.centro_nombre}.`;
    $("[data-aviso-emparejado]").hidden = false;
    inicio();
    await actualizarYo();
    estado.envio.despertar();
  } catch (fallo) {
    error.textContent = frase(fallo.message);
    $("#codigo").focus();
  } finally {
    boton.disabled = false;
    boton.textContent = "Emparejar";
  }
}

/** Refresh what the server says of this device (elections, largest image, its clock). */
async function actualizarYo() {
  if (!estado.sesion) return;
  try {
    const yo = await consultarYo(estado.sesion.token);
    estado.sesion = {
      ...estado.sesion,
      dispositivo: yo.dispositivo,
      centro: yo.centro,
      centro_nombre: yo.centro_nombre,
      max_bytes: yo.max_bytes,
    };
    estado.elecciones = yo.elecciones;
    await estado.almacen.guardarAjuste("sesion", estado.sesion);
    await estado.almacen.guardarAjuste("elecciones", estado.elecciones);
    avisarHora(Date.now() - Date.parse(yo.ahora));
    pintar();
  } catch (fallo) {
    if (fallo.estado === 401) await revocado(fallo);
    // Offline: what was stored is enough to take and queue photos.
  }
}

function avisarHora(desfase) {
  const aviso = $("[data-aviso-hora]");
  aviso.hidden = Math.abs(desfase) <= DESFASE_TOLERADO;
  const minutos = Math.round(Math.abs(desfase) / 60_000);
  aviso.textContent =
    `La hora de este teléfono está ${minutos} minutos ` +
    `${desfase > 0 ? "adelantada" : "atrasada"}. Corríjala en los ajustes del teléfono: ` +
    "cada foto lleva la hora en que se tomó.";
}

/** The server refused the token (given de baja, or unknown): keep the queue, ask to pair. */
async function revocado(error) {
  estado.aviso = { mensaje: frase(error.message) };
  estado.sesion = null;
  await estado.almacen.guardarAjuste("aviso", estado.aviso);
  await estado.almacen.borrarAjuste("sesion");
  // A photo being taken or reviewed is finished first; it is saved all the same.
  if (estado.pantalla === "principal" || estado.pantalla === "emparejar") inicio();
}

function conexion(responde) {
  estado.servidorResponde = responde;
  pintarConexion();
}

// --- Camera and review ----------------------------------------------------------------------

async function fotografiar(misma) {
  estado.misma = misma;
  $("[data-aviso-emparejado]").hidden = true;
  irA("camara");
  await abrirCamara();
}

async function abrirCamara() {
  const disparar = $("[data-disparar]");
  const error = $("[data-error-camara]");
  disparar.disabled = true;
  error.hidden = true;
  $("[data-linterna]").hidden = true;
  $("[data-linterna]").setAttribute("aria-pressed", "false");
  try {
    const linterna = await estado.camara.abrir();
    if (estado.pantalla !== "camara") {
      estado.camara.cerrar();
      return;
    }
    $("[data-linterna]").hidden = !linterna;
    disparar.disabled = false;
  } catch (fallo) {
    error.textContent = motivoCamara(fallo);
    error.hidden = false;
    $("[data-usar-archivo]").focus();
  }
}

function cerrarCamara() {
  if (estado.camara) estado.camara.cerrar();
}

async function disparar() {
  const boton = $("[data-disparar]");
  boton.disabled = true;
  const id = crypto.randomUUID();
  const tomada = new Date();
  const dispositivo = estado.sesion?.dispositivo || "";
  const comentario = `PREP Casilla; dispositivo ${dispositivo}; toma ${id}; ${isoLocal(tomada)}`;
  let blob;
  try {
    blob = await estado.camara.capturar(comentario, estado.sesion?.max_bytes);
  } catch (fallo) {
    console.error("PREP Casilla: cámara", fallo);
    $("[data-error-camara]").textContent =
      "No se pudo tomar la foto. Intente de nuevo, o use la cámara del teléfono.";
    $("[data-error-camara]").hidden = false;
    boton.disabled = false;
    return;
  }
  cerrarCamara();
  await revisarFoto({ id, blob, tomada });
}

async function fotoDelArchivo(archivo) {
  cerrarCamara();
  // The camera app's file was written when the photo was taken.
  const modificado = archivo.lastModified;
  const creible = modificado && modificado <= Date.now() + 60_000;
  const tomada = creible ? new Date(modificado) : new Date();
  try {
    const blob = await prepararArchivo(archivo, estado.sesion?.max_bytes);
    await revisarFoto({ id: crypto.randomUUID(), blob, tomada });
  } catch {
    irA("camara");
    $("[data-error-camara]").textContent =
      "Ese archivo no es una foto que se pueda usar. Tome otra.";
    $("[data-error-camara]").hidden = false;
  }
}

function soltarFoto() {
  if (estado.foto) URL.revokeObjectURL(estado.foto.url);
  estado.foto = null;
}

async function revisarFoto(foto) {
  soltarFoto();
  estado.foto = { ...foto, url: URL.createObjectURL(foto.blob), resultado: null };
  irA("revision");
  $("[data-foto]").src = estado.foto.url;
  $("[data-ampliar]").setAttribute("aria-pressed", "false");
  $("[data-revisando]").hidden = false;
  $("[data-revisiones]").replaceChildren();
  $("[data-qr]").replaceChildren();
  $("[data-qr]").className = "qr";
  $("[data-misma-acta]").hidden = true;
  $("[data-form-clave]").hidden = true;
  $("[data-form-clave]").reset();
  $("[data-error-clave]").textContent = "";
  $("[data-error-guardar]").textContent = "";
  $("[data-guardar]").disabled = true;
  $("[data-guardar]").hidden = false;
  $("[data-repetir]").classList.remove("principal");
  let resultado;
  try {
    resultado = await revisar(foto.blob);
  } catch (fallo) {
    console.error("PREP Casilla: revisión", fallo);
    resultado = null;
  }
  if (estado.foto?.id !== foto.id) return; // the person went back meanwhile
  if (!resultado) {
    $("[data-revisando]").hidden = true;
    $("[data-error-guardar]").textContent = "No se pudo revisar esta foto: repítala.";
    $("[data-repetir]").focus();
    return;
  }
  estado.foto.resultado = resultado;
  $("[data-revisando]").hidden = true;
  pintarRevision();
}

function pintarRevision() {
  const { resultado } = estado.foto;
  const buena = resultado.revisiones.every((r) => r.ok);
  $("[data-revisiones]").replaceChildren(
    ...resultado.revisiones.map((r) =>
      el(
        "li",
        { class: r.ok ? "ok" : "mal", "data-revision": r.nombre, "data-ok": String(r.ok) },
        el("span", { class: "senal", "aria-hidden": "true" }, r.ok ? "✓" : "✗"),
        el("span", {}, r.texto),
      ),
    ),
  );
  // An unusable photo cannot be saved: taking it again is the one thing to do.
  $("[data-guardar]").hidden = !buena;
  $("[data-repetir]").classList.toggle("principal", !buena);
  if (!buena) {
    $("[data-revisiones]").append(
      el(
        "li",
        { class: "mal conclusion" },
        el("span", {}, "Esta foto no se puede usar: repítala."),
      ),
    );
  }
  const qr = $("[data-qr]");
  qr.className = resultado.qr ? "qr ok" : "qr mal";
  qr.dataset.ok = String(Boolean(resultado.qr));
  qr.replaceChildren(
    el("span", { class: "senal", "aria-hidden": "true" }, resultado.qr ? "✓" : "✗"),
    resultado.qr
      ? el(
          "span",
          {},
          "Código QR leído: ",
          el("strong", { class: "clave", "data-clave-leida": "" }, `Acta ${resultado.qr.clave}`),
          resultado.qr.eleccion ? ` · ${nombreEleccion(resultado.qr.eleccion)}` : "",
        )
      : el(
          "span",
          {},
          resultado.qrTexto
            ? "El código QR de la foto no es el de un acta PREP."
            : resultado.sinLector
              ? "No se pudo leer el código QR: el lector no está disponible sin conexión."
              : "No se pudo leer el código QR del acta.",
        ),
  );
  if (buena && !resultado.qr) {
    const misma = estado.misma;
    $("[data-misma-acta]").hidden = !misma;
    $("[data-form-clave]").hidden = Boolean(misma);
    if (misma) {
      $("[data-misma-acta-texto]").textContent =
        `Se guardará como otra foto del ${describirActa(misma.clave, misma.eleccion)}.`;
    } else {
      prepararFormularioClave();
    }
  }
  validarClave();
  if (!buena) $("[data-repetir]").focus();
  else if (!$("[data-form-clave]").hidden) $("#clave").focus();
  else $("[data-guardar]").focus();
}

function prepararFormularioClave() {
  const { elecciones } = estado;
  const campo = $("[data-campo-eleccion]");
  campo.hidden = elecciones.length <= 1;
  $("#eleccion").replaceChildren(
    el("option", { value: "" }, "Elija la elección"),
    ...elecciones.map((e) => el("option", { value: e.tipo }, e.nombre)),
  );
  if (elecciones.length === 1) $("#eleccion").value = elecciones[0].tipo;
  $("[data-form-clave]").hidden = false;
}

/** The acta the shot is of, `{clave, eleccion, tecleada}`, or null while it is not known. */
function actaDeLaFoto(mostrarErrores = false) {
  const { resultado } = estado.foto || {};
  if (!resultado) return null;
  if (resultado.qr) return { ...resultado.qr, tecleada: false };
  if (!$("[data-misma-acta]").hidden && estado.misma) return estado.misma;
  if ($("[data-form-clave]").hidden) return null;
  const clave = normalizarClave($("#clave").value);
  const confirmacion = normalizarClave($("#confirmacion").value);
  const eleccion = $("#eleccion").value;
  let error = "";
  if (!esClaveActa(clave)) {
    error = "La clave del acta tiene 12 o más letras y números, por ejemplo 040012B01005.";
  } else if (clave !== confirmacion) {
    error = "Las dos claves no coinciden: revíselas.";
  } else if (!eleccion && !$("[data-campo-eleccion]").hidden) {
    error = "Elija la elección del acta.";
  }
  if (mostrarErrores) $("[data-error-clave]").textContent = error;
  return error ? null : { clave, eleccion, tecleada: true };
}

function validarClave() {
  const buena = estado.foto?.resultado?.revisiones.every((r) => r.ok);
  // Errors show once the second key is being typed: not while typing the first.
  const escrita = $("#confirmacion").value.length > 0;
  $("[data-guardar]").disabled = !(buena && actaDeLaFoto(escrita));
}

async function guardar() {
  const acta = actaDeLaFoto(true);
  if (!acta || !estado.foto) return;
  const { id, blob, tomada, resultado } = estado.foto;
  const boton = $("[data-guardar]");
  boton.disabled = true;
  const toma = {
    id,
    clave: acta.clave,
    eleccion: acta.eleccion,
    tecleada: acta.tecleada,
    tomada: isoLocal(tomada),
    creada: Date.now(),
    archivo: blob,
    tamano: blob.size,
    ancho: resultado.ancho,
    alto: resultado.alto,
    sha256: await sha256(blob),
    estado: ESTADOS.GUARDADA,
    intentos: 0,
    siguiente_intento: 0,
    recibo: null,
    motivo: "",
  };
  try {
    await estado.almacen.guardarToma(toma);
  } catch (fallo) {
    boton.disabled = false;
    $("[data-error-guardar]").textContent =
      fallo && fallo.name === "QuotaExceededError"
        ? "No hay espacio en el teléfono para guardar la foto. Libere espacio e intente de nuevo."
        : "No se pudo guardar la foto en el teléfono. Vuelva a intentarlo.";
    return;
  }
  // Only now, with the shot on the phone's disk, does the app say it is saved.
  estado.misma = { clave: acta.clave, eleccion: acta.eleccion, tecleada: acta.tecleada };
  soltarFoto();
  tomaCambiada(toma);
  const deLaActa = (t) => t.clave === toma.clave && t.eleccion === toma.eleccion;
  const numero = estado.tomas.filter(deLaActa).length;
  $("[data-guardada-texto]").textContent =
    `${describirActa(toma.clave, toma.eleccion)} · toma ${numero}`;
  $("[data-guardada-envio]").textContent = !estado.sesion
    ? "Se enviará cuando el teléfono vuelva a estar emparejado."
    : navigator.onLine
      ? "Se está enviando al servidor; su estado aparece en la lista de actas."
      : "Se enviará en cuanto haya conexión.";
  mostrar("guardada");
  estado.envio.despertar();
}

// --- Updates (service worker) ---------------------------------------------------------------

function activarVersion(trabajador) {
  let recargada = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!recargada) {
      recargada = true;
      location.reload();
    }
  });
  trabajador.postMessage({ tipo: "activar" });
}

function ofrecerVersion(registro) {
  const aviso = $("[data-aviso-version]");
  aviso.hidden = false;
  $("[data-actualizar]").onclick = async () => {
    const boton = $("[data-actualizar]");
    boton.disabled = true;
    boton.textContent = "Esperando a que termine el envío…";
    // Never while a photo is on its way: its answer would be lost with the page.
    await estado.envio.detener();
    if (registro.waiting) activarVersion(registro.waiting);
    else location.reload(); // another tab of the app applied it already
  };
}

function vigilarVersiones(registro) {
  estado.registro = registro;
  if (registro.waiting && navigator.serviceWorker.controller) ofrecerVersion(registro);
  registro.addEventListener("updatefound", () => {
    const nuevo = registro.installing;
    if (!nuevo) return;
    nuevo.addEventListener("statechange", () => {
      if (nuevo.state === "installed" && navigator.serviceWorker.controller) {
        ofrecerVersion(registro);
      }
    });
  });
}

/** Register the service worker; true when the page is about to reload into a new version. */
async function prepararTrabajador() {
  if (!("serviceWorker" in navigator)) {
    $("[data-aviso-sin-sw]").hidden = false;
    return false;
  }
  const existente = await navigator.serviceWorker.getRegistration();
  // A version installed while the app was open last time: apply it now, before any upload.
  if (existente && existente.waiting && existente.active) {
    activarVersion(existente.waiting);
    return true;
  }
  // Offline with a registration already there is fine; without one there is no offline mode.
  const sinTrabajador = () => {
    if (!existente) $("[data-aviso-sin-sw]").hidden = false;
  };
  navigator.serviceWorker
    .register("sw.js")
    .then((registro) => (registro ? vigilarVersiones(registro) : sinTrabajador()), sinTrabajador);
  return false;
}

// --- Start ----------------------------------------------------------------------------------

function conectar() {
  $("[data-form-emparejar]").addEventListener("submit", (evento) => {
    evento.preventDefault();
    const codigo = $("#codigo").value.trim();
    if (!codigo) {
      $("[data-error-emparejar]").textContent = "Escriba el código de emparejamiento.";
      return;
    }
    emparejarCon(codigo);
  });
  $("[data-fotografiar]").addEventListener("click", () => fotografiar(null));
  $("[data-cancelar-camara]").addEventListener("click", volverAlInicio);
  $("[data-disparar]").addEventListener("click", disparar);
  $("[data-usar-archivo]").addEventListener("click", () => $("[data-archivo]").click());
  $("[data-archivo]").addEventListener("change", (evento) => {
    const [archivo] = evento.target.files;
    evento.target.value = "";
    if (archivo) fotoDelArchivo(archivo);
  });
  $("[data-linterna]").addEventListener("click", async (evento) => {
    const boton = evento.currentTarget;
    const encendida = boton.getAttribute("aria-pressed") !== "true";
    try {
      await estado.camara.linterna(encendida);
      boton.setAttribute("aria-pressed", String(encendida));
    } catch {
      boton.hidden = true;
    }
  });
  $("[data-repetir]").addEventListener("click", () => {
    soltarFoto();
    mostrar("camara");
    abrirCamara();
  });
  // The whole photo at full width, to see that the figures can be read.
  $("[data-ampliar]").addEventListener("click", (evento) => {
    const boton = evento.currentTarget;
    boton.setAttribute("aria-pressed", String(boton.getAttribute("aria-pressed") !== "true"));
  });
  $("[data-guardar]").addEventListener("click", guardar);
  $("[data-form-clave]").addEventListener("input", validarClave);
  $("[data-form-clave]").addEventListener("change", validarClave);
  $("[data-form-clave]").addEventListener("submit", (evento) => {
    evento.preventDefault();
    if (!$("[data-guardar]").disabled) guardar();
  });
  $("[data-otra-clave]").addEventListener("click", () => {
    $("[data-misma-acta]").hidden = true;
    prepararFormularioClave();
    validarClave();
    $("#clave").focus();
  });
  $("[data-otra-foto]").addEventListener("click", () => fotografiar(estado.misma));
  $("[data-otra-acta]").addEventListener("click", () => fotografiar(null));
  $("[data-inicio]").addEventListener("click", volverAlInicio);
  window.addEventListener("popstate", inicio);
  window.addEventListener("online", () => {
    pintar();
    estado.envio.despertar();
    actualizarYo();
    if (estado.registro) estado.registro.update().catch(() => {});
  });
  window.addEventListener("offline", pintar);
  document.addEventListener("visibilitychange", () => {
    // The camera is let go in the background (the phone would take it anyway).
    if (document.visibilityState !== "visible") {
      cerrarCamara();
      return;
    }
    // Back from the background, where the phone may have held the timers back.
    estado.envio.ciclo();
    if (estado.pantalla === "camara") abrirCamara();
  });
}

async function iniciar() {
  if (!window.isSecureContext) {
    $("[data-direccion]").textContent = location.href;
    mostrar("sin-https");
    return;
  }
  estado.almacen = await abrir(() => location.reload());
  estado.sesion = (await estado.almacen.ajuste("sesion")) || null;
  estado.aviso = (await estado.almacen.ajuste("aviso")) || null;
  estado.elecciones = (await estado.almacen.ajuste("elecciones")) || [];
  estado.tomas = await estado.almacen.tomas();
  estado.camara = new Camara($("[data-video]"));
  estado.envio = new Envio(estado.almacen, {
    token: () => estado.sesion?.token || null,
    alCambiar: tomaCambiada,
    alRevocar: revocado,
    alConexion: conexion,
  });
  conectar();
  if (await prepararTrabajador()) return;
  const codigo = codigoDelEnlace();
  inicio();
  if (codigo) await emparejarCon(codigo);
  else actualizarYo();
  estado.envio.despertar();
}

iniciar();
