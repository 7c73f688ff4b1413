/* PREP Casilla's service worker: the app opens with no connection after its first load.
 *
 * The server writes the app's version and the list of its files into this file, so any change
 * to the app is a new service worker. It installs in the background with its own cache; the
 * page activates it (message "activar") only when no upload is in flight, or at its next start.
 * Only the app's own files are cached (cache first); /api/ is never cached or answered here.
 */

const VERSION = "__VERSION__";
const ARCHIVOS = ["__ARCHIVOS__"];
const PREFIJO = "prep-casilla-";
const CACHE = PREFIJO + VERSION;
const ALCANCE = new URL(self.registration.scope).pathname;

self.addEventListener("install", (evento) => {
  // "no-cache": revalidate with the server (ETag), never take a stale copy of the old version.
  const pedidos = ARCHIVOS.map((ruta) => new Request(ruta, { cache: "no-cache" }));
  evento.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(pedidos)));
});

self.addEventListener("activate", (evento) => {
  const viejas = (nombres) => nombres.filter((n) => n.startsWith(PREFIJO) && n !== CACHE);
  evento.waitUntil(
    caches
      .keys()
      .then((nombres) => Promise.all(viejas(nombres).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (evento) => {
  if (evento.data && evento.data.tipo === "activar") self.skipWaiting();
});

self.addEventListener("fetch", (evento) => {
  const pedido = evento.request;
  const url = new URL(pedido.url);
  // Uploads and the API go straight to the network: only the app's files are answered here.
  const propio = url.origin === self.location.origin && url.pathname.startsWith(ALCANCE);
  if (pedido.method !== "GET" || !propio) return;
  evento.respondWith(desdeCache(pedido));
});

async function desdeCache(pedido) {
  const cache = await caches.open(CACHE);
  // Any page of the app is the app: its index (the pairing code travels in the hash).
  const clave = pedido.mode === "navigate" ? "./" : pedido;
  return (await cache.match(clave, { ignoreSearch: true, ignoreVary: true })) || fetch(pedido);
}
