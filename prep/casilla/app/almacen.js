/* What PREP Casilla keeps on the phone (IndexedDB): the session (the device's token) and the
 * queue of shots, each with its JPEG. Nothing here is ever deleted by an update: the schema only
 * migrates forward (MIGRACIONES), and a shot stays until the server has confirmed it.
 *
 * A shot ("toma"): { id, clave, eleccion, tecleada (the key was typed: the QR was not read),
 * tomada (ISO 8601 with offset), creada (ms), archivo (Blob, dropped once received), tamano,
 * ancho, alto, sha256, estado, intentos, siguiente_intento (ms), recibo, motivo }.
 */

const NOMBRE = "prep-casilla";

// One step per schema version, in order: a phone several versions behind runs every step it
// missed. A step may add stores, indexes or fields; it never deletes a store or a record.
const MIGRACIONES = [
  (db) => {
    db.createObjectStore("ajustes");
    db.createObjectStore("tomas", { keyPath: "id" }).createIndex("creada", "creada");
  },
];

export const ESTADOS = Object.freeze({
  GUARDADA: "guardada",
  ENVIADA: "enviada",
  RECIBIDA: "recibida",
  RECHAZADA: "rechazada",
});
const PENDIENTES = [ESTADOS.GUARDADA, ESTADOS.ENVIADA];

function promesa(pedido) {
  return new Promise((resolver, rechazar) => {
    pedido.onsuccess = () => resolver(pedido.result);
    pedido.onerror = () => rechazar(pedido.error);
  });
}

// A write counts only when its transaction commits: "strict" durability asks the browser to
// flush it to disk first, so a shot reported as saved survives the phone switching off.
function terminada(transaccion) {
  return new Promise((resolver, rechazar) => {
    transaccion.oncomplete = () => resolver();
    transaccion.onerror = () => rechazar(transaccion.error);
    transaccion.onabort = () => rechazar(transaccion.error || new Error("transacción abortada"));
  });
}

/** Open (and, if needed, migrate) the phone's database. `alCambiarVersion` runs when another
 * tab opens a newer schema: this one must close and reload. */
export function abrir(alCambiarVersion) {
  const pedido = indexedDB.open(NOMBRE, MIGRACIONES.length);
  pedido.onupgradeneeded = (evento) => {
    for (let v = evento.oldVersion; v < MIGRACIONES.length; v += 1) {
      MIGRACIONES[v](pedido.result, pedido.transaction);
    }
  };
  return promesa(pedido).then((db) => {
    db.onversionchange = () => {
      db.close();
      alCambiarVersion();
    };
    return new Almacen(db);
  });
}

class Almacen {
  constructor(db) {
    this.db = db;
  }

  escribir(tiendas, accion) {
    const transaccion = this.db.transaction(tiendas, "readwrite", { durability: "strict" });
    const resultado = accion(transaccion);
    return terminada(transaccion).then(() => resultado);
  }

  /** A setting ("sesion", "aviso"), or undefined. */
  ajuste(clave) {
    return promesa(this.db.transaction("ajustes").objectStore("ajustes").get(clave));
  }

  /** Store a setting; resolves when it is on disk. */
  guardarAjuste(clave, valor) {
    return this.escribir("ajustes", (t) => t.objectStore("ajustes").put(valor, clave));
  }

  borrarAjuste(clave) {
    return this.escribir("ajustes", (t) => t.objectStore("ajustes").delete(clave));
  }

  /** Add a new shot to the queue; resolves only when the transaction has committed. */
  guardarToma(toma) {
    return this.escribir("tomas", (t) => t.objectStore("tomas").add(toma));
  }

  /** One shot by id, or undefined. */
  toma(id) {
    return promesa(this.db.transaction("tomas").objectStore("tomas").get(id));
  }

  /** Change fields of a shot (read and write in one transaction); resolves with the shot. */
  actualizarToma(id, cambios) {
    let actualizada;
    return this.escribir("tomas", (t) => {
      const tienda = t.objectStore("tomas");
      tienda.get(id).onsuccess = (evento) => {
        if (!evento.target.result) return;
        actualizada = { ...evento.target.result, ...cambios };
        tienda.put(actualizada);
      };
    }).then(() => actualizada);
  }

  /** Every shot, oldest first. */
  tomas() {
    const indice = this.db.transaction("tomas").objectStore("tomas").index("creada");
    return promesa(indice.getAll());
  }

  /** The shots the server has not confirmed yet, oldest first. */
  async pendientes() {
    return (await this.tomas()).filter((toma) => PENDIENTES.includes(toma.estado));
  }
}

export function pendiente(toma) {
  return PENDIENTES.includes(toma.estado);
}
