/* Keyboard conventions of the capture and verification pages (listed on each page under
 * "Teclas"), and the acta image viewer. Plain JavaScript, no build step; the forms work
 * without it (the server reads "i", "s" and digits the same way).
 *
 * In a figure field (input.cifra): digits type the figure; i → ILEGIBLE; s → SIN DATO;
 * a / b copy capture 1 / 2 (verification); Backspace clears a word; other letters are ignored.
 * In any field of a form marked data-teclado: Enter → next field (submit on the last one),
 * Shift+Enter → previous field.
 * Outside text fields (and in figure fields): + − zoom, / rotate 90°, * reset,
 * Shift+arrows move the image.
 * An acta with several shots has one button per shot under the image: it swaps the image
 * shown (zoom and rotation reset); a shot that is not the one in use is flagged.
 */
(function () {
  "use strict";

  var PALABRAS = { i: "ILEGIBLE", s: "SIN DATO" };
  var IMAGEN = { "+": "acercar", "-": "alejar", "/": "girar", "*": "restablecer" };
  var PASO = 80; // pixels moved per Shift+arrow
  var ZOOM_MIN = 0.5;
  var ZOOM_MAX = 6;

  // --- Image viewer --------------------------------------------------------------------------

  function visor() {
    return document.querySelector("[data-visor]");
  }

  // Size the sheet to the rotated, zoomed image so that the scroll area fits it exactly.
  function pintar(v) {
    var img = v.querySelector("[data-imagen]");
    var lienzo = v.querySelector(".lienzo");
    var hoja = v.querySelector(".hoja");
    if (!img || !img.naturalWidth) return;
    var giro = Number(v.dataset.giro);
    var girada = giro % 180 !== 0;
    var ajuste = lienzo.clientWidth / (girada ? img.naturalHeight : img.naturalWidth);
    var escala = ajuste * Number(v.dataset.zoom);
    var ancho = img.naturalWidth * escala;
    var alto = img.naturalHeight * escala;
    img.style.width = ancho + "px";
    img.style.height = alto + "px";
    img.style.transform = "translate(-50%, -50%) rotate(" + giro + "deg)";
    hoja.style.width = (girada ? alto : ancho) + "px";
    hoja.style.height = (girada ? ancho : alto) + "px";
  }

  function accion(nombre) {
    var v = visor();
    if (!v) return;
    var zoom = Number(v.dataset.zoom);
    if (nombre === "acercar") v.dataset.zoom = Math.min(ZOOM_MAX, zoom * 1.25);
    if (nombre === "alejar") v.dataset.zoom = Math.max(ZOOM_MIN, zoom / 1.25);
    if (nombre === "girar") v.dataset.giro = (Number(v.dataset.giro) + 90) % 360;
    if (nombre === "restablecer") {
      v.dataset.zoom = 1;
      v.dataset.giro = 0;
    }
    pintar(v);
    if (nombre === "restablecer") v.querySelector(".lienzo").scrollTo(0, 0);
  }

  function mover(tecla) {
    var v = visor();
    if (!v) return;
    var dx = { ArrowLeft: -PASO, ArrowRight: PASO }[tecla] || 0;
    var dy = { ArrowUp: -PASO, ArrowDown: PASO }[tecla] || 0;
    v.querySelector(".lienzo").scrollBy(dx, dy);
  }

  function mostrarToma(boton) {
    var v = boton.closest("[data-visor]");
    v.querySelectorAll("[data-toma]").forEach(function (otro) {
      otro.setAttribute("aria-pressed", String(otro === boton));
    });
    var enUso = boton.hasAttribute("data-en-uso");
    v.toggleAttribute("data-otra-toma", !enUso);
    var aviso = v.querySelector("[data-aviso-toma]");
    aviso.textContent = enUso ? "" : aviso.dataset.texto;
    v.querySelector("[data-imagen]").src = boton.dataset.toma;
    accion("restablecer"); // the new image is sized again when it loads
  }

  document.addEventListener("click", function (ev) {
    var boton = ev.target.closest("[data-visor] [data-accion]");
    if (boton) accion(boton.dataset.accion);
    var toma = ev.target.closest("[data-visor] [data-toma]");
    if (toma) mostrarToma(toma);
  });
  // Image loads do not bubble: listen in the capture phase.
  document.addEventListener(
    "load",
    function (ev) {
      if (ev.target.matches && ev.target.matches("[data-imagen]")) pintar(ev.target.closest("[data-visor]"));
    },
    true
  );
  window.addEventListener("resize", function () {
    var v = visor();
    if (v) pintar(v);
  });

  // --- Fields --------------------------------------------------------------------------------

  function campos(form) {
    return Array.prototype.slice.call(
      form.querySelectorAll("input:not([type=hidden]):not([disabled])")
    );
  }

  function irA(campo, paso) {
    var lista = campos(campo.form);
    var destino = lista.indexOf(campo) + paso;
    if (destino >= lista.length) {
      campo.form.requestSubmit();
    } else if (destino >= 0) {
      lista[destino].focus();
      lista[destino].select();
    }
  }

  function escribir(campo, valor) {
    campo.value = valor;
    campo.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function esPalabra(valor) {
    return valor !== "" && !/^[0-9]+$/.test(valor);
  }

  // A key typed in a figure field. Returns true when handled.
  function enCifra(campo, ev) {
    var tecla = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (PALABRAS[tecla]) {
      escribir(campo, PALABRAS[tecla]);
      return true;
    }
    if ((tecla === "a" || tecla === "b") && campo.dataset["captura" + tecla.toUpperCase()]) {
      escribir(campo, campo.dataset["captura" + tecla.toUpperCase()]);
      return true;
    }
    if (/^[0-9]$/.test(tecla)) {
      if (esPalabra(campo.value)) escribir(campo, "");
      return false; // the browser types the digit
    }
    if ((tecla === "Backspace" || tecla === "Delete") && esPalabra(campo.value)) {
      escribir(campo, "");
      return true;
    }
    // Any other printable character has no meaning in a figure.
    return tecla.length === 1 && !IMAGEN[tecla];
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var campo = ev.target;
    var enTexto = campo instanceof HTMLInputElement || campo instanceof HTMLTextAreaElement;
    var esCifra = enTexto && campo.classList.contains("cifra");
    if (!enTexto || esCifra) {
      if (IMAGEN[ev.key]) {
        ev.preventDefault();
        accion(IMAGEN[ev.key]);
        return;
      }
      if (ev.shiftKey && ev.key.indexOf("Arrow") === 0) {
        ev.preventDefault();
        mover(ev.key);
        return;
      }
    }
    if (!enTexto || !campo.form || !campo.form.hasAttribute("data-teclado")) return;
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (ev.shiftKey) {
        irA(campo, -1);
      } else if (campo.value.trim() === "") {
        campo.setAttribute("aria-invalid", "true");
      } else {
        campo.removeAttribute("aria-invalid");
        irA(campo, 1);
      }
      return;
    }
    if (esCifra && enCifra(campo, ev)) ev.preventDefault();
  });

  // After htmx swaps in the next acta, focus the field the server marked.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var foco = ev.detail.elt.querySelector("[autofocus]");
    if (foco) {
      foco.focus();
      if (foco.select) foco.select();
    }
  });
})();
