"""PREP Casilla in real Chromium on a phone's screen (390×844, touch), with a fake rear camera
that shows a simulacro photo of an acta of the centro: pairing from the coordinator's page,
photographing, the offline queue that survives closing the app, delivery exactly once (also
when an answer is lost), what the server did with each photo, the checks that refuse a photo
before it is queued, the key typed when the QR cannot be read, a phone given de baja, the app
served with no connection by its service worker, and a new version applied only when asked.

Time is driven with Playwright's clock where the sender's waits matter; nothing sleeps.
"""

import base64
import re
import shutil

import pytest
from playwright.sync_api import Locator, Page, expect

from prep.casilla import aplicacion, vistas
from prep.cuentas.models import Dispositivo, Rol
from prep.digitalizacion.models import Imagen
from tests.captura.navegador import foto
from tests.casilla import camara
from tests.casilla.ayudas import codigo_para
from tests.casilla.navegador import ESCRITORIO, TELEFONO, Telefono
from tests.digitalizacion.fabricas import foto_de, sin_qr
from tests.fabricas import EleccionFactory, UsuarioFactory

# What the phone keeps of each shot, read from its IndexedDB as the app wrote it.
_TOMAS = """async () => {
  const bases = await indexedDB.databases();
  if (!bases.some((b) => b.name === "prep-casilla")) return [];
  const leer = (pedido) => new Promise((ok, mal) => {
    pedido.onsuccess = () => ok(pedido.result);
    pedido.onerror = () => mal(pedido.error);
  });
  const db = await leer(indexedDB.open("prep-casilla"));
  const tomas = await leer(db.transaction("tomas").objectStore("tomas").index("creada").getAll());
  db.close();
  return tomas.map((t) => ({id: t.id, estado: t.estado, sha256: t.sha256, clave: t.clave,
    eleccion: t.eleccion, tecleada: t.tecleada, tomada: t.tomada, archivo: Boolean(t.archivo),
    recibo: t.recibo, siguiente_intento: t.siguiente_intento}));
}"""


# The phone's side and what it shows: the database engine only prepares it.
pytestmark = pytest.mark.un_motor


def tomas_del_telefono(pagina: Page) -> list[dict]:
    """The shots in the phone's queue, oldest first."""
    return pagina.evaluate(_TOMAS)


@pytest.fixture
def video(esperada, tmp_path):
    """The fake camera's video: the acta esperada, photographed."""
    return camara.video_y4m(foto_de(esperada), tmp_path / "camara.y4m")


@pytest.fixture
def coordinadora(centro):
    """The coordinadora of the centro (a person who logs in)."""
    return UsuarioFactory(username="carla", perfil__rol=Rol.COORDINADOR, perfil__centro=centro)


def emparejado(
    telefonos, video, centro, nombre: str = "casilla-0001", antes=None, **opciones
) -> tuple[Telefono, Page]:
    """A phone already paired with the centro (its code opened as from the QR): (phone, page)."""
    telefono = telefonos(video, **opciones)
    pagina = telefono.abrir(f"/casilla/#codigo={codigo_para(centro, nombre)}", antes=antes)
    expect(pagina.locator("[data-identidad]")).to_contain_text(nombre)
    return telefono, pagina


def abrir_camara(pagina: Page, boton: str = "Fotografiar acta") -> None:
    """Open the camera from the button and wait until it shows the acta."""
    pagina.get_by_role("button", name=boton).first.click()
    expect(pagina.get_by_role("button", name="Tomar foto")).to_be_enabled()


def fotografiar(pagina: Page, boton: str = "Fotografiar acta") -> None:
    """Open the camera, take the shot, and wait for the checks."""
    abrir_camara(pagina, boton)
    pagina.get_by_role("button", name="Tomar foto").click()
    esperar_revision(pagina)


def con_la_camara_del_telefono(pagina: Page, nombre: str, datos: bytes) -> None:
    """In the camera screen, use the phone's camera app instead, which gives this JPEG."""
    with pagina.expect_file_chooser() as eleccion:
        pagina.get_by_role("button", name="Usar la cámara del teléfono").click()
    eleccion.value.set_files({"name": nombre, "mimeType": "image/jpeg", "buffer": datos})
    esperar_revision(pagina)


def esperar_revision(pagina: Page) -> None:
    """Wait until the review screen shows the checks of the shot."""
    expect(pagina.locator('[data-pantalla="revision"]')).to_be_visible()
    expect(pagina.locator("[data-revisando]")).to_be_hidden()


def guardar(pagina: Page) -> None:
    """Save the reviewed shot and wait until the app says it is on the phone."""
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_role("heading", name="Guardada en el teléfono")).to_be_visible()


def al_inicio(pagina: Page) -> None:
    """From the saved screen back to the main one."""
    pagina.get_by_role("button", name="Volver al inicio").click()
    expect(pagina.locator('[data-pantalla="principal"]')).to_be_visible()


def tomas_en_pantalla(pagina: Page) -> Locator:
    """The shots listed on the main screen, acta by acta, oldest shot first."""
    return pagina.locator('[data-pantalla="principal"] [data-toma]')


def comprobar_para_una_mano(pagina: Page) -> None:
    """Every visible control is at least 56 px tall, and nothing overflows the screen's width."""
    bajos = pagina.evaluate(
        """() => [...document.querySelectorAll("button, input, select, summary")]
          .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 56)
          .map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert bajos == []
    assert pagina.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def esperar_trabajador(pagina: Page) -> None:
    """Wait until the service worker is active and controls the page (the app is cached)."""
    pagina.wait_for_function(
        "navigator.serviceWorker.ready.then(() => Boolean(navigator.serviceWorker.controller))"
    )


def test_emparejar_fotografiar_sin_conexion_cerrar_y_entregar_una_sola_vez(
    telefonos, pagina_de, video, centro, esperada, coordinadora
):
    # The coordinadora pairs a phone from her page.
    coordinacion = pagina_de(coordinadora, "/dispositivos/")
    coordinacion.get_by_label("Nombre del teléfono").fill("casilla-0012-B1")
    coordinacion.get_by_role("button", name="Emparejar un teléfono").click()
    expect(coordinacion.locator("[data-qr-emparejamiento]")).to_be_visible()
    enlace = coordinacion.locator("[data-enlace-emparejamiento]").get_attribute("href")
    assert re.search(r"/casilla/#codigo=[A-Z0-9]{8}$", enlace)

    # The phone opens the QR code's link: it pairs, and the code leaves the address bar.
    telefono = telefonos(video)
    pagina = telefono.abrir(enlace.removeprefix(telefono.url_base))
    expect(pagina.locator("[data-aviso-emparejado]")).to_contain_text("casilla-0012-B1")
    expect(pagina.locator("[data-identidad]")).to_contain_text(centro.clave)
    assert "#" not in pagina.url
    dispositivo = Dispositivo.objects.get(nombre="casilla-0012-B1")
    assert dispositivo.centro == centro
    esperar_trabajador(pagina)
    foto(pagina, "casilla-telefono-emparejado")

    # A photo with the connection: checked, its QR code read, saved, then received.
    clave = esperada.clave
    abrir_camara(pagina)
    foto(pagina, "casilla-telefono-camara")
    pagina.get_by_role("button", name="Tomar foto").click()
    esperar_revision(pagina)
    for revision in ("resolucion", "luz", "nitidez"):
        expect(pagina.locator(f'[data-revision="{revision}"]')).to_have_attribute("data-ok", "true")
    expect(pagina.locator("[data-clave-leida]")).to_have_text(f"Acta {clave}")
    expect(pagina.locator("[data-qr]")).to_contain_text(esperada.eleccion.nombre)
    comprobar_para_una_mano(pagina)
    foto(pagina, "casilla-telefono-revision")
    guardar(pagina)
    foto(pagina, "casilla-telefono-guardada")
    al_inicio(pagina)
    primera = tomas_en_pantalla(pagina).first
    expect(primera).to_have_attribute("data-estado", "recibida")
    imagen = Imagen.objects.get(dispositivo=dispositivo)
    expect(primera.locator("[data-recibo]")).to_have_attribute("data-recibo", imagen.sha256)
    assert imagen.acta.acta_esperada == esperada
    assert imagen.tomada is not None

    # Offline: two more shots of the same acta, each kept on the phone.
    telefono.sin_conexion()
    expect(pagina.locator('[data-pantalla="principal"] [data-conexion]')).to_have_text(
        "Sin conexión"
    )
    fotografiar(pagina, "Otra foto de esta acta")
    guardar(pagina)
    fotografiar(pagina, "Otra foto de esta acta")
    guardar(pagina)
    al_inicio(pagina)
    expect(tomas_en_pantalla(pagina)).to_have_count(3)
    comprobar_para_una_mano(pagina)
    foto(pagina, "casilla-telefono-sin-conexion")

    # The app is closed (the phone switched off) and opened again, still offline: the service
    # worker serves it and all three shots are still there; two wait to be sent.
    telefono.cerrar()
    pagina = telefono.abrir(sin_conexion=True)
    expect(tomas_en_pantalla(pagina)).to_have_count(3)
    expect(pagina.locator("[data-resumen]")).to_have_text("2 fotos por enviar")
    tomas = tomas_del_telefono(pagina)
    assert [t["estado"] for t in tomas] == ["recibida", "guardada", "guardada"]
    assert all(t["clave"] == clave for t in tomas)
    assert [t["archivo"] for t in tomas] == [False, True, True]
    assert Imagen.objects.filter(dispositivo=dispositivo).count() == 1

    # Back online: each is delivered exactly once and shows its receipt.
    telefono.sin_conexion(False)
    expect(pagina.locator('[data-pantalla="principal"] [data-estado="recibida"]')).to_have_count(3)
    expect(pagina.locator("[data-resumen]")).to_have_text("Todas las fotos llegaron al servidor.")
    imagenes = Imagen.objects.filter(dispositivo=dispositivo)
    assert imagenes.count() == 3
    tomas = tomas_del_telefono(pagina)
    assert {t["sha256"] for t in tomas} == set(imagenes.values_list("sha256", flat=True))
    assert all(t["recibo"]["sha256"] == t["sha256"] for t in tomas)
    assert {i.acta.acta_esperada for i in imagenes} == {esperada}
    recibo = tomas_en_pantalla(pagina).last.locator("[data-recibo]")
    recibo.locator("summary").click()
    expect(recibo.locator("[data-sha256]")).to_have_text(tomas[-1]["sha256"])
    foto(pagina, "casilla-telefono-recibidas")


def test_una_respuesta_perdida_se_reintenta_con_espera_y_no_duplica(
    telefonos, video, centro, esperada
):
    """The server records the photo but its answer is lost: the phone waits about 5 s and
    sends the same bytes again; a 503 with Retry-After makes it wait that long; the server's
    200 for bytes it already has counts as delivered. One record in all."""
    # Requests are intercepted by the test, so no service worker (Playwright cannot see past it).
    _, pagina = emparejado(
        telefonos, video, centro, antes=lambda p: p.clock.install(), service_workers="block"
    )
    expect(pagina.locator("[data-aviso-sin-sw]")).to_be_visible()
    intentos: list[int] = []

    def servidor(ruta):
        intentos.append(len(intentos) + 1)
        if len(intentos) == 1:
            ruta.fetch()  # the server records it...
            ruta.abort("connectionreset")  # ...and its answer never reaches the phone
        elif len(intentos) == 2:
            ruta.fulfill(
                status=503,
                headers={"Retry-After": "120"},
                json={"codigo": "almacen_no_disponible", "mensaje": "Intente más tarde."},
            )
        else:
            ruta.continue_()

    pagina.route("**/api/v1/imagenes", servidor)
    fotografiar(pagina)
    guardar(pagina)
    al_inicio(pagina)
    toma = tomas_en_pantalla(pagina).first
    expect(toma).to_have_attribute("data-estado", "guardada")
    expect(toma).to_contain_text("Próximo intento")
    assert Imagen.objects.count() == 1

    pagina.clock.fast_forward(7_000)  # the first wait: 5 s, give or take 20 %
    expect(toma).to_contain_text("Intente más tarde. Próximo intento")
    assert intentos == [1, 2]
    [guardada] = tomas_del_telefono(pagina)
    espera = guardada["siguiente_intento"] - pagina.evaluate("Date.now()")
    assert 119_000 <= espera <= 120_000 * 1.2

    pagina.clock.fast_forward(espera + 1_000)
    expect(toma).to_have_attribute("data-estado", "recibida")
    assert intentos == [1, 2, 3]
    imagen = Imagen.objects.get()
    [recibida] = tomas_del_telefono(pagina)
    assert recibida["recibo"]["sha256"] == recibida["sha256"] == imagen.sha256


def test_el_telefono_dice_lo_que_el_servidor_hizo_con_cada_foto(
    telefonos, video, centro, esperada, ajena
):
    """An acta outside the centro's scope is received and waits for a person to classify it;
    a refusal (422) is final and shows the server's reason; neither holds the queue up."""
    _, pagina = emparejado(telefonos, video, centro, service_workers="block")
    abrir_camara(pagina)
    con_la_camara_del_telefono(pagina, "otra.jpg", foto_de(ajena))
    guardar(pagina)
    al_inicio(pagina)
    recibida = pagina.locator(f'[data-pantalla="principal"] [data-acta="{ajena.clave}"] li')
    expect(recibida).to_have_attribute("data-estado", "recibida")
    expect(recibida).to_contain_text(
        f"El centro la clasificará a mano. El acta {ajena.clave} no corresponde al centro"
        f" {centro.clave}."
    )
    assert Imagen.objects.get().estado == Imagen.Estado.PENDIENTE

    pagina.route(
        "**/api/v1/imagenes",
        lambda ruta: ruta.fulfill(
            status=422,
            json={"codigo": "imagen_ilegible", "mensaje": "la imagen no se pudo decodificar"},
        ),
    )
    fotografiar(pagina)
    guardar(pagina)
    al_inicio(pagina)
    rechazada = pagina.locator(f'[data-pantalla="principal"] [data-acta="{esperada.clave}"] li')
    expect(rechazada).to_have_attribute("data-estado", "rechazada")
    expect(rechazada).to_contain_text("La imagen no se pudo decodificar.")
    expect(pagina.locator("[data-resumen]")).to_have_text("1 foto rechazada")
    foto(pagina, "casilla-telefono-rechazada")
    assert Imagen.objects.count() == 1


_REVISAR = """async (fotos) => {
  const { revisar } = await import(new URL("calidad.js", document.baseURI).href);
  const resultados = {};
  for (const [nombre, base64] of Object.entries(fotos)) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const { revisiones, qr } = await revisar(new Blob([bytes], { type: "image/jpeg" }));
    resultados[nombre] = {
      fallan: revisiones.filter((r) => !r.ok).map((r) => r.nombre),
      qr: qr && qr.clave,
    };
  }
  return resultados;
}"""


def test_los_umbrales_de_calidad_separan_las_fotos_buenas_de_las_malas(telefonos, video, esperada):
    """The thresholds of calidad.js, on the simulacro's photos of three shots: sharp ones
    pass, blurred ones (even by 2 px) fail on sharpness, dark ones on light."""
    pagina = telefonos(video).abrir()
    fotos = {}
    for semilla in (1, 2, 3):
        nitida = foto_de(esperada, semilla)
        fotos |= {
            f"nitida{semilla}": nitida,
            f"borrosa{semilla}": camara.borrosa(nitida),
            f"poco-borrosa{semilla}": camara.borrosa(nitida, radio=2),
            f"oscura{semilla}": camara.oscura(nitida),
        }
    resultados = pagina.evaluate(
        _REVISAR, {nombre: base64.b64encode(datos).decode() for nombre, datos in fotos.items()}
    )
    for semilla in (1, 2, 3):
        assert resultados[f"nitida{semilla}"] == {"fallan": [], "qr": esperada.clave}
        assert resultados[f"borrosa{semilla}"]["fallan"] == ["nitidez"]
        assert resultados[f"poco-borrosa{semilla}"]["fallan"] == ["nitidez"]
        assert resultados[f"oscura{semilla}"]["fallan"] == ["luz", "nitidez"]


def test_una_foto_borrosa_u_oscura_se_rechaza_antes_de_guardarla(
    telefonos, video, centro, esperada
):
    _, pagina = emparejado(telefonos, video, centro)
    nitida = foto_de(esperada)
    casos = (
        ("borrosa", camara.borrosa(nitida), "nitidez", "Borrosa"),
        ("oscura", camara.oscura(nitida), "luz", "Muy oscura"),
    )
    for nombre, datos, revision, motivo in casos:
        abrir_camara(pagina)
        con_la_camara_del_telefono(pagina, f"{nombre}.jpg", datos)
        fallida = pagina.locator(f'[data-revision="{revision}"]')
        expect(fallida).to_have_attribute("data-ok", "false")
        expect(fallida).to_contain_text(motivo)
        expect(pagina.locator("[data-revisiones]")).to_contain_text("Esta foto no se puede usar")
        expect(pagina.get_by_role("button", name="Guardar")).to_be_hidden()
        foto(pagina, f"casilla-telefono-{nombre}")
        pagina.get_by_role("button", name="Repetir foto").click()
        expect(pagina.get_by_role("button", name="Tomar foto")).to_be_enabled()
        pagina.get_by_role("button", name="Cancelar").click()
        expect(pagina.locator('[data-pantalla="principal"]')).to_be_visible()
    # Nothing was queued on the phone, nothing reached the server.
    assert tomas_del_telefono(pagina) == []
    expect(tomas_en_pantalla(pagina)).to_have_count(0)
    assert not Imagen.objects.exists()


def test_sin_codigo_qr_legible_se_teclea_la_clave_dos_veces(telefonos, video, centro, esperada):
    EleccionFactory(proceso=esperada.eleccion.proceso, tipo="AYUN", nombre="Ayuntamientos")
    # The smallest phone the app is made for.
    _, pagina = emparejado(telefonos, video, centro, viewport={"width": 360, "height": 640})
    clave = esperada.clave
    abrir_camara(pagina)
    con_la_camara_del_telefono(pagina, "sin-qr.jpg", sin_qr(foto_de(esperada)))
    expect(pagina.locator("[data-qr]")).to_contain_text("No se pudo leer el código QR")
    guardar_boton = pagina.get_by_role("button", name="Guardar")
    expect(guardar_boton).to_be_disabled()

    # Typed with spaces and in lower case, then a different second key: refused.
    pagina.get_by_label("Clave del acta").fill(f"{clave[:6]} {clave[6:]}".lower())
    pagina.get_by_label("Escriba la clave otra vez").fill(clave[:-1] + "9")
    expect(pagina.locator("[data-error-clave]")).to_have_text(
        "Las dos claves no coinciden: revíselas."
    )
    expect(guardar_boton).to_be_disabled()
    pagina.get_by_label("Escriba la clave otra vez").fill(clave)
    # Two elections: which one the acta is of must be said.
    expect(pagina.locator("[data-error-clave]")).to_have_text("Elija la elección del acta.")
    pagina.get_by_label("Elección").select_option(label=esperada.eleccion.nombre)
    expect(guardar_boton).to_be_enabled()
    comprobar_para_una_mano(pagina)
    foto(pagina, "casilla-telefono-clave")
    guardar(pagina)

    # Another shot of the same acta whose QR cannot be read either: the key is not asked again.
    pagina.get_by_role("button", name="Otra foto de esta acta").click()
    con_la_camara_del_telefono(pagina, "sin-qr-2.jpg", sin_qr(foto_de(esperada, semilla=2)))
    expect(pagina.locator("[data-misma-acta]")).to_contain_text(f"Acta {clave}")
    expect(pagina.get_by_label("Clave del acta")).to_be_hidden()
    guardar(pagina)
    al_inicio(pagina)

    # The server classifies both by the typed key.
    expect(pagina.locator('[data-pantalla="principal"] [data-estado="recibida"]')).to_have_count(2)
    expect(tomas_en_pantalla(pagina).first).to_contain_text(f"registró en el acta {clave}")
    imagenes = Imagen.objects.order_by("momento")
    assert [i.clave_tecleada for i in imagenes] == [clave, clave]
    assert {i.acta.acta_esperada for i in imagenes} == {esperada}
    assert all(t["tecleada"] and t["eleccion"] == "GOB" for t in tomas_del_telefono(pagina))


def test_un_telefono_dado_de_baja_ve_el_aviso_y_conserva_su_cola(
    telefonos, pagina_de, video, centro, esperada, coordinadora
):
    telefono, pagina = emparejado(telefonos, video, centro, "casilla-0002")
    esperar_trabajador(pagina)
    telefono.sin_conexion()
    fotografiar(pagina)
    guardar(pagina)
    al_inicio(pagina)

    # The coordinadora gives it de baja while it is offline.
    coordinacion = pagina_de(coordinadora, "/dispositivos/")
    coordinacion.locator('[data-revocar="casilla-0002"]').click()
    coordinacion.get_by_role("button", name="Sí, dar de baja").click()
    assert Dispositivo.objects.get(nombre="casilla-0002").revocado is not None

    # Back online, its next request is refused: the app says so and keeps the photo.
    telefono.sin_conexion(False)
    expect(pagina.get_by_role("heading", name="Emparejar este teléfono")).to_be_visible()
    expect(pagina.locator("[data-aviso-baja]")).to_contain_text(
        "teléfono (casilla-0002) fue dado de baja"
    )
    expect(pagina.locator("[data-resumen-sin-emparejar]")).to_contain_text("Hay 1 foto por enviar")
    # The upload in flight when the refusal came answers 401 too: its shot goes back to «guardada».
    expect(pagina.locator('[data-toma][data-estado="guardada"]:visible')).to_have_count(1)
    [toma] = tomas_del_telefono(pagina)
    assert toma["estado"] == "guardada" and toma["archivo"]
    assert not Imagen.objects.exists()
    foto(pagina, "casilla-telefono-dado-de-baja")

    # Closed and opened again, it still knows why; paired anew (the code typed by hand), the
    # photo goes with the new device.
    telefono.cerrar()
    pagina = telefono.abrir()
    expect(pagina.locator("[data-aviso-baja]")).to_contain_text("fue dado de baja")
    codigo = codigo_para(centro, "casilla-0002-bis")
    pagina.get_by_label("Código de emparejamiento").fill(f"{codigo[:4]}-{codigo[4:]}".lower())
    pagina.get_by_role("button", name="Emparejar").click()
    expect(tomas_en_pantalla(pagina).first).to_have_attribute("data-estado", "recibida")
    assert Imagen.objects.get().dispositivo.nombre == "casilla-0002-bis"


def test_el_trabajador_sirve_la_app_sin_conexion(telefonos, video, centro):
    telefono, pagina = emparejado(telefonos, video, centro)
    esperar_trabajador(pagina)
    telefono.sin_conexion()
    respuesta = pagina.reload()
    assert respuesta.from_service_worker
    expect(pagina.locator("[data-identidad]")).to_contain_text("casilla-0001")
    expect(pagina.locator('[data-pantalla="principal"] [data-conexion]')).to_have_text(
        "Sin conexión"
    )
    # The camera works offline too.
    fotografiar(pagina)
    expect(pagina.locator("[data-clave-leida]")).to_be_visible()


def test_una_version_nueva_se_instala_aparte_y_se_aplica_al_pedirlo(
    telefonos, video, centro, tmp_path, monkeypatch
):
    """A new release changes a file of the app: the phone installs the new version in the
    background, offers it, and switches only when asked; its queue and pairing stay."""
    telefono, pagina = emparejado(telefonos, video, centro)
    esperar_trabajador(pagina)
    telefono.sin_conexion()
    fotografiar(pagina)
    guardar(pagina)
    al_inicio(pagina)
    telefono.sin_conexion(False)
    expect(tomas_en_pantalla(pagina).first).to_have_attribute("data-estado", "recibida")
    anterior = aplicacion.aplicacion().version
    assert pagina.evaluate("caches.keys()") == [f"prep-casilla-{anterior}"]

    carpeta = tmp_path / "app"
    shutil.copytree(aplicacion.CARPETA, carpeta)
    with (carpeta / "estilo.css").open("a") as estilo:
        estilo.write("\n/* versión siguiente */\n")
    nueva = aplicacion.leer(carpeta)
    monkeypatch.setattr(vistas, "aplicacion", lambda: nueva)
    pagina.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    aviso = pagina.locator("[data-aviso-version]")
    expect(aviso).to_be_visible()
    expect(aviso).to_contain_text("Hay una versión nueva")
    foto(pagina, "casilla-telefono-version-nueva")
    # Installed beside the one in use, which still serves the page.
    assert sorted(pagina.evaluate("caches.keys()")) == sorted(
        [f"prep-casilla-{anterior}", f"prep-casilla-{nueva.version}"]
    )

    pagina.get_by_role("button", name="Actualizar").click()
    pagina.wait_for_function(
        f"caches.keys().then((k) => k.length === 1 && k[0] === 'prep-casilla-{nueva.version}')"
    )
    expect(pagina.locator("[data-aviso-version]")).to_be_hidden()
    expect(pagina.locator("[data-identidad]")).to_contain_text("casilla-0001")
    expect(tomas_en_pantalla(pagina).first).to_have_attribute("data-estado", "recibida")


def test_sin_https_la_app_pide_una_direccion_segura(navegador_casilla, live_server):
    """Outside localhost, http:// is not a secure context: no camera, no offline storage."""
    contexto = navegador_casilla.new_context(**TELEFONO)
    pagina = contexto.new_page()

    def servidor(ruta):
        url = ruta.request.url.replace("http://prep.example", live_server.url)
        ruta.fulfill(response=ruta.fetch(url=url))

    pagina.route("http://prep.example/**", servidor)
    pagina.goto("http://prep.example/casilla/")
    expect(pagina.get_by_role("heading", name="Esta dirección no es segura")).to_be_visible()
    expect(pagina.locator("[data-direccion]")).to_have_text("http://prep.example/casilla/")
    foto(pagina, "casilla-telefono-sin-https")
    contexto.close()


def test_pantallas_en_escritorio(telefonos, video, centro, esperada):
    """The app on a desktop screen (1366×900): a wrong code shows the server's reason; then
    the main, camera and review screens."""
    telefono = telefonos(video, **ESCRITORIO, is_mobile=False, has_touch=False)
    pagina = telefono.abrir()
    pagina.get_by_label("Código de emparejamiento").fill("AAAA-AAAA")
    pagina.get_by_role("button", name="Emparejar").click()
    expect(pagina.locator("[data-error-emparejar]")).to_contain_text("pida uno nuevo")
    foto(pagina, "casilla-escritorio-emparejar")
    codigo = codigo_para(centro, "casilla-escritorio")
    pagina.get_by_label("Código de emparejamiento").fill(codigo)
    pagina.get_by_role("button", name="Emparejar").click()
    expect(pagina.locator("[data-identidad]")).to_contain_text("casilla-escritorio")
    abrir_camara(pagina)
    foto(pagina, "casilla-escritorio-camara")
    pagina.get_by_role("button", name="Tomar foto").click()
    esperar_revision(pagina)
    foto(pagina, "casilla-escritorio-revision")
    guardar(pagina)
    al_inicio(pagina)
    expect(tomas_en_pantalla(pagina).first).to_have_attribute("data-estado", "recibida")
    foto(pagina, "casilla-escritorio-principal")
