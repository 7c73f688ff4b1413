/* PREP: the public results site. Relative URLs, so one corte folder works from any static
server, bucket or CDN; routes in the hash (#/GOB/distrito/04-003): a bucket has no routing.
Data reaches the DOM only as text nodes and attribute values, never as markup. */
const d = document;
const $ = (id) => d.getElementById(id);
const entero = new Intl.NumberFormat("es-MX");
const NIVELES = {
  entidad: ["Entidad", "Entidades"],
  distrito: ["Distrito", "Distritos"],
  municipio: ["Municipio", "Municipios"],
  seccion: ["Sección", "Secciones"],
};
const ESTADOS = { 1: "Contabilizada", 0: "No contabilizada", 2: "Fuera de catálogo", "-": "Pendiente de captura" };
const ETIQUETAS = {
  CLAVE_CASILLA: "Clave de casilla",
  CLAVE_ACTA: "Clave del acta",
  ID_ENTIDAD: "Número de entidad",
  ENTIDAD: "Entidad",
  ID_DISTRITO_FEDERAL: "Número de distrito federal",
  DISTRITO_FEDERAL: "Distrito federal",
  ID_DISTRITO_LOCAL: "Número de distrito local",
  DISTRITO_LOCAL: "Distrito local",
  ID_MUNICIPIO: "Número de municipio",
  MUNICIPIO: "Municipio",
  SECCION: "Sección",
  ID_CASILLA: "Número de casilla",
  TIPO_CASILLA: "Tipo de casilla",
  EXT_CONTIGUA: "Extensión contigua",
  UBICACION_CASILLA: "Ubicación (1 urbana, 2 no urbana)",
  TIPO_ACTA: "Tipo de acta",
  TOTAL_BOLETAS_SOBRANTES: "Boletas sobrantes",
  TOTAL_PERSONAS_VOTARON: "Personas que votaron",
  TOTAL_REP_PARTIDO_CI_VOTARON: "Representantes que votaron",
  TOTAL_VOTOS_SACADOS: "Votos sacados de la urna",
  TOTAL_VOTOS_ASENTADO: "Total de votos asentado",
  TOTAL_VOTOS_CALCULADO: "Total de votos calculado",
  LISTA_NOMINAL: "Lista nominal",
  REPRESENTANTES_PP_CI: "Representantes de partidos y candidaturas",
  OBSERVACIONES: "Observaciones",
  CONTABILIZADA: "Contabilizada (1 sí, 0 no, 2 fuera de catálogo)",
  MECANISMOS_TRASLADO: "Mecanismo de traslado",
  CODIGO_INTEGRIDAD: "Código de integridad (SHA-256)",
  FECHA_HORA_ACOPIO: "Acopio",
  FECHA_HORA_CAPTURA: "Captura",
  FECHA_HORA_VERIFICACION: "Verificación",
  ORIGEN: "Origen",
  DIGITALIZACION: "Digitalización",
  TIPO_DOCUMENTO: "Tipo de documento",
  COTEJADA: "Cotejada",
};
const RESUMEN_ACTA = ["OBSERVACIONES", "ORIGEN", "DIGITALIZACION", "TIPO_DOCUMENTO", "FECHA_HORA_ACOPIO",
  "FECHA_HORA_CAPTURA", "FECHA_HORA_VERIFICACION", "TOTAL_VOTOS_CALCULADO", "LISTA_NOMINAL"];

let corte = null;
let navegacion = 0;
let graficas = 0;
const cache = new Map();

/* DOM helpers: attributes by setAttribute, children as nodes or text nodes. */
function poner(n, attrs, hijos) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "texto") n.textContent = v;
    else n.setAttribute(k === "clase" ? "class" : k, v === true ? "" : v);
  }
  for (const h of hijos.flat()) if (h !== null && h !== undefined && h !== false) n.append(h);
  return n;
}
const el = (tag, attrs, ...hijos) => poner(d.createElement(tag), attrs, hijos);
const sv = (tag, attrs, ...hijos) => poner(d.createElementNS("http://www.w3.org/2000/svg", tag), attrs, hijos);
const a = (href, texto, attrs) => el("a", { href, texto, ...attrs });
const td = (texto) => el("td", { texto });
const boton = (texto, accion) => {
  const b = el("button", { type: "button", texto });
  b.addEventListener("click", accion);
  return b;
};

const numero = (v) => (typeof v === "number" ? v : /^\d+$/.test(v) ? Number(v) : null);
const cifra = (v) => (numero(v) === null ? String(v ?? "") : entero.format(numero(v)));
/* R12: x·100/y truncated (not rounded) to 4 decimals; 0.0000 when y = 0. */
function porcentaje(x, y) {
  if (!y) return "0.0000";
  const q = Math.floor((x * 1000000) / y);
  return `${Math.floor(q / 10000)}.${String(q % 10000).padStart(4, "0")}`;
}
const color = (c) => (/^#[0-9a-f]{3,8}$/i.test(c || "") ? c : "#6b6b6b");
const ruta = (partes) => `#/${partes.map(encodeURIComponent).join("/")}`;

/* A file the corte does not have: the address names no zone of it (not a network failure). */
class NoExiste extends Error {}

/* corte.json is revalidated; every other file carries ?c=<corte>, so a browser that cached an
older corte's file under ultimo/ never mixes it into this corte. */
function cargar(archivo) {
  const url = corte ? `${archivo}?c=${encodeURIComponent(corte.corte)}` : archivo;
  if (!cache.has(url)) {
    const promesa = fetch(url, corte ? {} : { cache: "no-cache" })
      .catch(() => {
        throw new Error(`No se pudo cargar ${archivo}: sin conexión con el servidor.`);
      })
      .then((r) => {
        if (r.status === 404) throw new NoExiste(archivo);
        if (!r.ok) throw new Error(`No se pudo cargar ${archivo} (HTTP ${r.status}).`);
        return r.json();
      })
      .then((datos) => {
        if (corte && datos?.corte !== undefined && datos.corte !== corte.corte) avisar(datos.corte);
        return datos;
      });
    promesa.catch(() => cache.delete(url));
    cache.set(url, promesa);
  }
  return cache.get(url);
}

/* Header, election selector and footer: filled once from corte.json. */
function cabecera() {
  const p = corte.proceso || {};
  $("proceso").textContent = String(p.nombre ?? "").includes(p.anio) ? p.nombre : [p.nombre, p.anio].filter(Boolean).join(" ");
  $("corte").replaceChildren("Corte ", el("strong", { texto: corte.corte }), ": ",
    el("time", { datetime: corte.momento, texto: corte.texto }), " ",
    el("span", { clase: corte.final ? "sello final" : "sello", texto: corte.final ? "Corte final" : "Publicación en curso" }));
  if (corte.elecciones.length > 1) {
    $("elecciones").replaceChildren(el("ul", {}, corte.elecciones.map((e) => el("li", {}, a(ruta([e.tipo]), e.nombre)))));
    $("elecciones").hidden = false;
  }
  $("pie").replaceChildren(bases(), difusores(), verificacion());
}

function seccion(id, titulo, ...hijos) {
  return el("section", { "aria-labelledby": id }, el("h2", { id, texto: titulo }), ...hijos);
}

function bases() {
  const b = corte.bases;
  if (!b) return seccion("t-bases", "Bases de datos", el("p", { texto: "Aún no hay bases de datos publicadas." }));
  const kb = b.bytes ? `, ${entero.format(Math.ceil(b.bytes / 1024))} KB` : "";
  return seccion("t-bases", "Bases de datos",
    el("p", {}, a(b.archivo, `Descargar las bases de datos (ZIP${kb})`, { id: "bases", download: "" })),
    b.corte !== undefined && b.corte !== corte.corte ? el("p", { texto: `Corresponden al corte ${b.corte}.` }) : null,
    el("p", {}, "SHA-256 del ZIP: ", el("code", { clase: "hash", id: "bases-sha256", texto: b.sha256 })));
}

function difusores() {
  const lista = corte.difusores || [];
  const uno = (f) => f.activo && /^https?:\/\//i.test(f.url)
    ? a(f.url, f.nombre, { rel: "noopener external" })
    : [el("span", { clase: "inactivo", "aria-disabled": "true", texto: f.nombre }), " (enlace suspendido)",
      f.aviso && el("small", { texto: f.aviso })];
  return seccion("t-difusores", "Difusores oficiales", lista.length
    ? el("ul", { clase: "difusores" }, lista.map((f) => el("li", {}, uno(f))))
    : el("p", { texto: "Sin difusores oficiales registrados." }));
}

function verificacion() {
  const li = (href, texto) => el("li", {}, a(href, texto));
  return seccion("t-verificacion", "Verificación",
    el("p", { texto: "Cada archivo de este corte aparece con su tamaño y su SHA-256 en el manifiesto, firmado con la llave del instituto." }),
    el("ul", {}, li("manifest.json", "Manifiesto (manifest.json)"), li("manifest.sig", "Firma Ed25519 (manifest.sig)"),
      li("llave_publica.pem", "Llave pública (llave_publica.pem)"),
      corte.final ? li("ACTA_CIRCUNSTANCIADA.txt", "Acta circunstanciada") : null));
}

function avisar(numeroCorte) {
  if ($("aviso").childNodes.length) return;
  $("aviso").replaceChildren(el("p", {}, `Hay un corte más reciente (corte ${numeroCorte}). `,
    boton("Ver el corte más reciente", () => location.reload())));
}

/* A newer corte under ultimo/: say so, never reload under the reader. */
function vigilar() {
  setInterval(() => {
    if (d.visibilityState !== "visible") return;
    fetch("datos/corte.json", { cache: "no-cache" })
      .then((r) => (r.ok ? r.json() : null))
      .then((nuevo) => nuevo && nuevo.corte > corte.corte && avisar(nuevo.corte))
      .catch(() => {});
  }, 120000);
}

/* Building blocks of the views. */
function migas(eleccion, pasos) {
  const todos = [[eleccion.nombre, ruta([eleccion.tipo])], ...pasos];
  return el("nav", { "aria-label": "Ruta de navegación", clase: "migas" }, el("ol", {}, todos.map(([texto, href], i) =>
    el("li", {}, i === todos.length - 1 ? el("span", { "aria-current": "page", texto }) : a(href, texto)))));
}

const pasosRuta = (eleccion, datos) => (datos.ruta || []).map((r) => [r.nombre, ruta([eleccion.tipo, r.nivel, r.id])]);
/* The node that lists a casilla: its sección, or the node of one without sección. */
const pasosNodo = (eleccion, datos) =>
  [...pasosRuta(eleccion, datos), [datos.nombre, ruta([eleccion.tipo, datos.nivel, datos.id])]];

function dato(etiqueta, valor, nota) {
  return el("div", {}, el("dt", { texto: etiqueta }), el("dd", {}, valor, nota ? el("small", { texto: nota }) : null));
}

function cifrasActas(t) {
  const de = (n) => `${cifra(n)} de ${cifra(t.actas_esperadas)} esperadas`;
  return seccion("t-actas", "Actas y participación", el("dl", { clase: "cifras" },
    dato("Actas capturadas", `${t.porcentaje_actas_capturadas}%`, de(t.actas_capturadas)),
    dato("Actas contabilizadas", `${t.porcentaje_actas_contabilizadas}%`, de(t.actas_contabilizadas)),
    dato("Participación ciudadana", `${t.porcentaje_participacion_ciudadana}%`,
      `Lista nominal de actas contabilizadas: ${cifra(t.lista_nominal_actas_contabilizadas)}`),
    dato("Actas con inconsistencias", `${t.porcentaje_actas_inconsistencias}%`, `No contabilizadas: ${cifra(t.actas_no_contabilizadas)}`),
    dato("Actas registradas", cifra(t.actas_registradas), `Fuera de catálogo: ${cifra(t.actas_fuera_catalogo)}`),
    dato("Total de votos", cifra(t.total_votos_c_cs), `Sin casillas especiales: ${cifra(t.total_votos_s_cs)}`)));
}

/* A table scrolls inside its own focusable region, never the page. */
function tabla(etiqueta, encabezados, filas, clase) {
  return el("div", { clase: "tabla", role: "region", "aria-label": etiqueta, tabindex: "0" },
    el("table", { clase }, el("caption", { texto: etiqueta }),
      el("thead", {}, el("tr", {}, encabezados.map((h) => el("th", { scope: "col" }, h)))), el("tbody", {}, filas)));
}

/* B1: the columns that ran at a node (a null total: no option there, not a 0). */
const contendientes = (eleccion, t) => eleccion.columnas.flatMap((_, i) => ((t?.votos || [])[i] === null ? [] : [i]));
const noCompite = (donde) => el("td", { clase: "no-compite", title: `No compite en ${donde}`, texto: "-" });

/* Bar chart in inline SVG: percentages for the bars, so the text keeps its CSS size at any
width. Screen readers get the whole chart as one labelled image, and the table has the same
figures. Under each option, its candidate's name there. */
function grafica(eleccion, todos, de, indices, candidatos = {}) {
  const columnas = indices.map((i) => eleccion.columnas[i]);
  const valores = indices.map((i) => todos[i]);
  const votos = valores.map((v) => numero(v) ?? 0);
  const total = votos.reduce((s, v) => s + v, 0);
  const mayor = Math.max(1, ...votos);
  const pct = (i) => `${porcentaje(votos[i], total)}%`;
  const quien = (c) => candidatos[c.clave];
  const leyenda = (c, i) => `${c.nombre}${quien(c) ? ` (${quien(c)})` : ""}: ${cifra(valores[i])} votos (${pct(i)})`;
  const h = columnas.some(quien) ? 62 : 44;
  const id = `grafica-${++graficas}`;
  const svg = sv("svg", { role: "img", "aria-labelledby": id, width: "100%", height: columnas.length * h, clase: "grafica" },
    sv("title", { id, texto: `Votos por opción en ${de}. ${columnas.map(leyenda).join("; ")}.` }),
    columnas.map((c, i) => sv("g", {}, sv("title", { texto: leyenda(c, i) }),
      sv("text", { x: 0, y: i * h + 16, clase: "opcion", texto: c.corto || c.clave }),
      sv("text", { x: "100%", y: i * h + 16, "text-anchor": "end", texto: `${cifra(valores[i])} · ${pct(i)}` }),
      quien(c) && sv("text", { x: 0, y: i * h + 35, clase: "candidato", texto: quien(c) }),
      sv("rect", { x: 0, y: i * h + h - 22, width: "100%", height: 14, clase: "riel" }),
      sv("rect", { x: 0, y: i * h + h - 22, width: `${(votos[i] * 100) / mayor}%`, height: 14, fill: color(c.color), clase: "barra" }))));
  const filas = columnas.map((c, i) => el("tr", {},
    el("th", { scope: "row" }, el("span", { clase: "muestra", style: `background:${color(c.color)}` }), c.nombre,
      quien(c) && el("small", { texto: quien(c) })),
    td(cifra(valores[i])), td(pct(i))));
  filas.push(el("tr", { clase: "total" }, el("th", { scope: "row", texto: "Total" }), td(cifra(total)),
    td(total ? "100.0000%" : "0.0000%")));
  return seccion(`t-${id}`, "Votos por opción", svg, el("details", {}, el("summary", { texto: "Ver los votos como tabla" }),
    tabla(`Votos por opción en ${de}`, ["Opción", "Votos", "Porcentaje"], filas, "numeros")));
}

/* R11: a coalition's candidatura, only where it runs (null where its parties run apart). */
function candidaturas(eleccion, t, de) {
  const filas = (eleccion.candidaturas || []).flatMap((k, i) => ((t.candidaturas || [])[i] ?? null) === null ? [] : [
    el("tr", {}, el("th", { scope: "row", texto: k.nombre }), td(cifra(t.candidaturas[i])), td(k.columnas.join(", ")))]);
  return filas.length ? seccion("t-candidaturas", "Votos por candidatura de coalición",
    tabla(`Votos por candidatura de coalición en ${de}`, ["Candidatura", "Votos", "Columnas que suma"], filas, "numeros")) : null;
}

const encabezadosVotos = (eleccion, indices) =>
  indices.map((i) => el("abbr", { title: eleccion.columnas[i].nombre, texto: eleccion.columnas[i].corto }));
const NOTA = "«-»: esa opción no compite allí: no aparece en su acta.";

function tablaHijos(eleccion, datos, indices) {
  const hijos = datos.hijos || [];
  if (!hijos.length) return null;
  const [singular, plural] = NIVELES[hijos[0].nivel] || ["Zona", "Zonas"];
  const filas = hijos.map(({ nivel, id, nombre, totales: t }) => el("tr", {},
    el("th", { scope: "row" }, a(ruta([eleccion.tipo, nivel, id]), nombre)),
    td(`${cifra(t.actas_contabilizadas)} de ${cifra(t.actas_esperadas)} (${t.porcentaje_actas_contabilizadas}%)`),
    td(`${t.porcentaje_participacion_ciudadana}%`), indices.map((i) => (t.votos[i] === null ? noCompite(nombre) : td(cifra(t.votos[i]))))));
  return seccion("t-hijos", plural, tabla(`${plural} de ${datos.nombre || eleccion.nombre}`,
    [singular, "Actas contabilizadas", "Participación", ...encabezadosVotos(eleccion, indices)], filas, "numeros"),
    hijos.some((h) => indices.some((i) => h.totales.votos[i] === null)) && el("p", { clase: "nota", texto: NOTA }));
}

/* A seccion file's acta rows are the CSV rows: cells are read by column name. */
function lector(datos) {
  const indice = new Map((datos.columnas_acta || []).map((c, i) => [c, i]));
  return (fila, columna) => (indice.has(columna) ? fila[indice.get(columna)] : undefined);
}
const idActa = (fila, leer, i) => String(leer(fila, "CLAVE_ACTA") ?? i).replace(/^'|'$/g, "");
const contabilizada = (fila, leer) => String(leer(fila, "CONTABILIZADA")) === "1";
const estadoDe = (fila, leer) => ESTADOS[String(leer(fila, "CONTABILIZADA") ?? "-")] || String(leer(fila, "CONTABILIZADA"));

/* R13 over some actas: contabilizadas only; casillas especiales only in the final corte. */
function participacion(actas, leer) {
  let votos = 0;
  let lista = 0;
  for (const f of actas.filter((f) => contabilizada(f, leer))) {
    lista += numero(leer(f, "LISTA_NOMINAL")) ?? 0;
    if (corte.final || leer(f, "TIPO_CASILLA") !== "S") votos += numero(leer(f, "TOTAL_VOTOS_CALCULADO")) ?? 0;
  }
  return `${porcentaje(votos, lista)}%`;
}

/* One acta: its cells as published. Several: the sum over the contabilizadas. */
function votosDe(eleccion, actas, leer) {
  return eleccion.columnas.map((c) => actas.length === 1 ? leer(actas[0], c.clave) ?? "-"
    : actas.filter((f) => contabilizada(f, leer)).reduce((s, f) => s + (numero(leer(f, c.clave)) ?? 0), 0));
}

/* A sección's casillas, or a node's without sección (own key; the shared one shown). */
function tablaCasillas(eleccion, datos, indices, id, titulo) {
  const leer = lector(datos);
  const filas = (datos.casillas || []).map((c) => {
    const votos = votosDe(eleccion, c.actas, leer);
    return el("tr", {},
      el("th", { scope: "row" }, a(ruta([eleccion.tipo, datos.nivel, datos.id, c.clave]), c.nombre), el("small", { texto: c.clave.split("_")[0] })),
      td(c.actas.map((f) => estadoDe(f, leer)).join(", ")), td(participacion(c.actas, leer)),
      indices.map((i) => (c.totales.votos[i] === null ? noCompite(c.nombre) : td(cifra(votos[i])))));
  });
  return seccion(id, titulo, tabla(`${titulo} de ${datos.nombre}`,
    ["Casilla", "Estado del acta", "Participación", ...encabezadosVotos(eleccion, indices)], filas, "numeros"));
}

/* B4: casillas without sección, named by tipo (7th character of the key). */
const sinSeccion = (casillas) => ({ A: "Voto anticipado", M: "Voto desde el extranjero" })[
  [...new Set(casillas.map((c) => c.clave[6]))].join("")] || "Voto anticipado y desde el extranjero";

/* A citizen's question: how did my casilla vote? The sección is on the credencial para votar;
the entidad is asked only when the election has more than one. */
function buscador(eleccion, resumen, previo = {}) {
  const entidades = (resumen.hijos || []).filter((h) => h.nivel === "entidad");
  const campo = el("input", { id: "b-seccion", inputmode: "numeric", autocomplete: "off", maxlength: "4",
    value: previo.seccion || null, "aria-describedby": "b-ayuda b-error" });
  const entidad = entidades.length > 1 ? el("select", { id: "b-entidad" },
    entidades.map((e) => el("option", { value: e.id, texto: e.nombre, selected: e.id === previo.entidad }))) : null;
  const error = el("p", { id: "b-error", clase: "error", role: "alert" });
  const forma = el("form", { clase: "buscador", role: "search", "aria-labelledby": "t-buscar", novalidate: true },
    el("h2", { id: "t-buscar", texto: "Consulte su casilla" }),
    entidad && el("label", { for: "b-entidad", texto: "Entidad" }), entidad,
    el("label", { for: "b-seccion", texto: "Sección" }), campo,
    el("button", { type: "submit", texto: "Buscar" }),
    el("p", { id: "b-ayuda", clase: "ayuda", texto: "El número de sección está en su credencial para votar." }), error);
  forma.addEventListener("submit", (e) => {
    e.preventDefault();
    const escrito = campo.value.trim();
    if (!/^\d{1,4}$/.test(escrito) || !Number(escrito)) {
      error.textContent = "Escriba sólo el número de sección, de 1 a 4 dígitos (por ejemplo, 0215).";
      campo.setAttribute("aria-invalid", "true");
      campo.focus();
      return;
    }
    const id = entidad ? entidad.value : entidades[0]?.id;
    location.hash = ruta([eleccion.tipo, "seccion", `${id}-${escrito.padStart(4, "0")}`]);
  });
  return forma;
}

/* Views: {titulo, nivel, migas, contenido}. */
function vistaNodo(eleccion, datos, nivel) {
  const titulo = nivel ? datos.nombre : eleccion.nombre;
  const indices = contendientes(eleccion, datos.totales);
  return {
    titulo,
    nivel: nivel ? `${eleccion.nombre} · ${(NIVELES[nivel] || [nivel])[0]}` : "Total de la elección",
    migas: nivel ? migas(eleccion, [...pasosRuta(eleccion, datos), [titulo]]) : null,
    contenido: [!nivel && buscador(eleccion, datos), cifrasActas(datos.totales),
      grafica(eleccion, datos.totales.votos || [], titulo, indices, datos.candidatos),
      candidaturas(eleccion, datos.totales, titulo),
      nivel === "seccion" ? tablaCasillas(eleccion, datos, indices, "t-casillas", "Casillas") : tablaHijos(eleccion, datos, indices),
      nivel !== "seccion" && datos.casillas && tablaCasillas(eleccion, datos, indices, "t-sin-seccion", sinSeccion(datos.casillas))],
  };
}

function vistaCasilla(eleccion, datos, casilla) {
  const leer = lector(datos);
  const titulo = `Casilla ${casilla.nombre}`;
  const filas = casilla.actas.map((f, i) => el("tr", {},
    el("th", { scope: "row" }, a(ruta([eleccion.tipo, datos.nivel, datos.id, casilla.clave, idActa(f, leer, i)]), `Acta ${idActa(f, leer, i)}`)),
    td(estadoDe(f, leer)), td(leer(f, "OBSERVACIONES") ?? ""), td(cifra(leer(f, "TOTAL_VOTOS_CALCULADO") ?? ""))));
  return {
    titulo,
    nivel: `${eleccion.nombre} · Casilla ${casilla.clave}`,
    migas: migas(eleccion, [...pasosNodo(eleccion, datos), [titulo]]),
    contenido: [
      seccion("t-actas", "Actas y participación", el("dl", { clase: "cifras" },
        dato("Actas contabilizadas", `${casilla.actas.filter((f) => contabilizada(f, leer)).length} de ${casilla.actas.length}`),
        dato("Participación ciudadana", participacion(casilla.actas, leer)))),
      seccion("t-lista", "Actas de esta casilla", tabla(`Actas de la casilla ${casilla.nombre}`,
        ["Acta", "Estado", "Observaciones", "Total de votos calculado"], filas)),
      grafica(eleccion, votosDe(eleccion, casilla.actas, leer), titulo, contendientes(eleccion, casilla.totales), datos.candidatos),
    ],
  };
}

function vistaActa(eleccion, datos, casilla, fila, clave) {
  const leer = lector(datos);
  const titulo = `Acta ${clave}`;
  const nombres = new Map(eleccion.columnas.map((c) => [c.clave, c.nombre]));
  const registro = (datos.columnas_acta || []).map((c, i) => el("tr", {},
    el("th", { scope: "row" }, nombres.get(c) || ETIQUETAS[c] || c, el("small", { texto: c })),
    el("td", { "data-columna": c, texto: String(fila[i] ?? "") })));
  return {
    titulo,
    nivel: `${eleccion.nombre} · Casilla ${casilla.nombre}`,
    migas: migas(eleccion, [...pasosNodo(eleccion, datos),
      [`Casilla ${casilla.nombre}`, ruta([eleccion.tipo, datos.nivel, datos.id, casilla.clave])], [titulo]]),
    contenido: [
      el("p", { clase: `sello estado-${String(leer(fila, "CONTABILIZADA"))}`, id: "estado-acta", texto: estadoDe(fila, leer) }),
      seccion("t-datos", "Datos del acta", el("dl", { clase: "cifras datos" },
        dato("Participación ciudadana", participacion([fila], leer)),
        RESUMEN_ACTA.filter((c) => leer(fila, c) !== undefined)
          .map((c) => dato(ETIQUETAS[c], c === "OBSERVACIONES" && leer(fila, c) === "-" ? "Ninguna" : cifra(leer(fila, c)))))),
      grafica(eleccion, votosDe(eleccion, [fila], leer), titulo, contendientes(eleccion, casilla.totales), datos.candidatos),
      imagen(datos, fila, leer, clave),
      seccion("t-registro", "Registro en la base de datos",
        el("p", { texto: "Los mismos valores, en el mismo orden, que la fila de esta acta en el CSV de las bases de datos." }),
        tabla(`Fila del acta ${clave}`, ["Campo", "Valor"], registro, "registro")),
    ],
  };
}

function imagen(datos, fila, leer, clave) {
  const sha = String(leer(fila, "CODIGO_INTEGRIDAD") ?? "");
  const archivo = /^[0-9a-f]{64}$/i.test(sha) ? (datos.imagenes || {})[sha] : null;
  const tipo = archivo ? archivo.split(".").pop().toUpperCase() : "";
  return seccion("t-imagen", "Imagen del acta",
    el("p", {}, "SHA-256 (código de integridad): ", el("code", { clase: "hash", id: "codigo-integridad", texto: sha || "-" })),
    !archivo ? el("p", { texto: "Esta acta no tiene imagen publicada." }) : [
      el("figure", { clase: "imagen" },
        tipo === "PDF" ? null : el("a", { href: archivo, tabindex: "-1" },
          el("img", { src: archivo, alt: `Imagen del acta ${clave}`, loading: "lazy", decoding: "async" })),
        el("figcaption", {}, a(archivo, `Abrir la imagen completa (${tipo})`, { id: "imagen-completa" }))),
      globalThis.crypto?.subtle ? comprobar(archivo, sha) : null,
    ]);
}

/* Anyone can check in their browser that the image is the one its hash names. */
function comprobar(archivo, sha) {
  const salida = el("p", { role: "status", id: "comprobacion" });
  return el("div", { clase: "comprobar" }, boton("Comprobar el SHA-256 de la imagen", () => {
    salida.textContent = "Calculando…";
    fetch(archivo)
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject()))
      .then((b) => crypto.subtle.digest("SHA-256", b))
      .then((h) => {
        const hex = Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, "0")).join("");
        salida.textContent = hex === sha.toLowerCase() ? "La imagen coincide con su código de integridad."
          : `La imagen NO coincide con su código de integridad (calculado: ${hex}).`;
      })
      .catch(() => { salida.textContent = `No se pudo cargar ${archivo}.`; });
  }), salida);
}

const mensaje = (titulo, texto, accion) =>
  ({ titulo, contenido: [el("p", { clase: "error", texto }), accion || el("p", {}, a("#/", "Ir al inicio"))] });
const noEncontrada = () => mensaje("No encontramos esa página",
  "La dirección no corresponde a ninguna elección, zona, casilla o acta de este corte.");

/* A sección number the election does not have, most likely mistyped: say so, and ask again. */
async function seccionInexistente(eleccion, id) {
  const resumen = await cargar(eleccion.resumen);
  const [entidad, sec] = id.split("-");
  const nombre = (resumen.hijos || []).find((h) => h.id === entidad)?.nombre;
  return mensaje(`No encontramos la sección ${sec}`,
    `${eleccion.nombre}${nombre ? ` en ${nombre}` : ""} no tiene la sección ${sec}. Revise el número en su credencial para votar.`,
    buscador(eleccion, resumen, { entidad, seccion: sec }));
}

/* Router: #/TIPO[/nivel/id[/casilla[/acta]]]. */
function partesRuta() {
  if (!location.hash.startsWith("#/")) return [];
  try {
    return location.hash.slice(2).split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
}

async function resolver(partes) {
  if (partes === null || partes.length > 5) return noEncontrada();
  const [tipo, nivel, id, claveCasilla, claveActa] = partes;
  const eleccion = tipo ? corte.elecciones.find((e) => e.tipo === tipo) : corte.elecciones[0];
  if (!eleccion) return noEncontrada();
  for (const enlace of $("elecciones").querySelectorAll("a")) {
    if (enlace.getAttribute("href") === ruta([eleccion.tipo])) enlace.setAttribute("aria-current", "page");
    else enlace.removeAttribute("aria-current");
  }
  if (!nivel) return vistaNodo(eleccion, await cargar(eleccion.resumen), null);
  if (!NIVELES[nivel] || !/^[\w-]+$/.test(id || "")) return noEncontrada();
  let datos;
  try {
    datos = await cargar(`${eleccion.resumen.replace(/[^/]*$/, "")}${nivel}/${id}.json`);
  } catch (e) {
    if (!(e instanceof NoExiste)) throw e;
    return nivel === "seccion" ? seccionInexistente(eleccion, id) : noEncontrada();
  }
  if (!claveCasilla) return vistaNodo(eleccion, datos, nivel);
  const casilla = (datos.casillas || []).find((c) => c.clave === claveCasilla);
  if (!casilla) return noEncontrada();
  if (claveActa === undefined) return vistaCasilla(eleccion, datos, casilla);
  const leer = lector(datos);
  const fila = casilla.actas.find((f, i) => idActa(f, leer, i) === claveActa);
  return fila ? vistaActa(eleccion, datos, casilla, fila, claveActa) : noEncontrada();
}

async function mostrar(enfocar) {
  const yo = ++navegacion;
  const main = $("contenido");
  main.setAttribute("aria-busy", "true");
  let vista;
  try {
    vista = await resolver(partesRuta());
  } catch (e) {
    vista = mensaje("No se pudo cargar la información", `${e.message} Revise su conexión e intente de nuevo.`,
      boton("Reintentar", () => mostrar(true)));
  }
  if (yo !== navegacion) return; // a later navigation already answered
  const h1 = el("h1", { tabindex: "-1", texto: vista.titulo });
  main.replaceChildren(vista.migas || "", vista.nivel ? el("p", { clase: "nivel", texto: vista.nivel }) : "", h1,
    ...vista.contenido.filter(Boolean));
  main.removeAttribute("aria-busy");
  d.title = `${vista.titulo} · PREP · corte ${corte.texto}`;
  if (enfocar) {
    window.scrollTo(0, 0);
    h1.focus({ preventScroll: true });
  }
}

async function iniciar() {
  d.querySelector(".saltar").addEventListener("click", (e) => {
    e.preventDefault(); // the hash holds the route
    $("contenido").focus();
  });
  try {
    corte = await cargar("datos/corte.json");
  } catch (e) {
    $("corte").textContent = "No se pudo cargar la hora del corte.";
    $("contenido").replaceChildren(el("h1", { texto: "No se pudo cargar el corte" }), el("p", { clase: "error", texto: e.message }),
      boton("Reintentar", () => location.reload()));
    return;
  }
  cabecera();
  window.addEventListener("hashchange", () => {
    if (location.hash === "" || location.hash.startsWith("#/")) mostrar(true);
  });
  vigilar();
  mostrar(false);
}

iniciar();
