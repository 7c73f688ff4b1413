"""The coordinator's page of phones: pairing with a QR code, the centro's devices, and giving one
de baja after a confirmation."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.cuentas.models import Dispositivo, Emparejamiento, Rol
from prep.digitalizacion.models import Imagen
from tests.casilla.ayudas import emparejar
from tests.cuentas.ayudas import persona
from tests.fabricas import CentroFactory, dispositivo

pytestmark = pytest.mark.django_db
URL = "/dispositivos/"


def _navegador(rol: Rol, centro) -> Client:
    cliente = Client()
    cliente.force_login(persona(rol, centro))
    return cliente


def test_el_coordinador_empareja_un_telefono_con_un_qr_de_un_solo_uso(centro):
    coordinador = _navegador(Rol.COORDINADOR, centro)
    pagina = coordinador.get(URL)
    assert pagina.status_code == 200
    assert "Emparejar un teléfono" in pagina.text and "CATD01-tel-01" in pagina.text
    respuesta = coordinador.post(URL, {"nombre": "Casilla 0123 B"})
    assert respuesta.status_code == 200
    texto = respuesta.text
    assert "data-qr-emparejamiento" in texto and 'src="data:image/svg+xml' in texto
    codigo = re.search(r"<output data-codigo>(\w{4}-\w{4})</output>", texto).group(1)
    enlace = re.search(r'data-enlace-emparejamiento href="([^"]+)"', texto).group(1)
    assert enlace == f"http://testserver/casilla/#codigo={codigo.replace('-', '')}"
    assert "Vale una sola vez" in texto
    # The code itself is nowhere in the database.
    assert codigo.replace("-", "") not in str(list(Emparejamiento.objects.values()))
    telefono = emparejar(Client(), codigo).json()
    assert (telefono["dispositivo"], telefono["centro"]) == ("Casilla 0123 B", centro.clave)
    lista = coordinador.get(URL).text
    assert "Casilla 0123 B" in lista and "Activo" in lista
    assert emparejar(Client(), codigo).status_code == 422


def test_el_coordinador_ve_solo_su_centro_y_el_administrador_elige(centro):
    otro = CentroFactory(clave="CATD09")
    dispositivo(otro)
    coordinador = _navegador(Rol.COORDINADOR, centro)
    assert "CATD09" not in coordinador.get(URL).text
    # A centro in the form is ignored for a coordinador: the phone is of their own centro.
    coordinador.post(URL, {"nombre": "tel-x", "centro": "CATD09"})
    assert Emparejamiento.objects.get().centro == centro
    administrador = _navegador(Rol.ADMINISTRADOR, None)
    assert "CATD09" in administrador.get(URL).text
    sin_centro = administrador.post(URL, {"nombre": "tel-y"})
    assert sin_centro.status_code == 422 and "obligatorio" in sin_centro.text
    assert administrador.post(URL, {"nombre": "tel-y", "centro": "CATD09"}).status_code == 200
    assert Emparejamiento.objects.get(nombre="tel-y").centro == otro


def test_un_nombre_ocupado_se_explica_y_no_emite_nada(centro):
    existente, _ = dispositivo(centro)
    coordinador = _navegador(Rol.COORDINADOR, centro)
    respuesta = coordinador.post(URL, {"nombre": existente.nombre})
    assert respuesta.status_code == 422
    assert "ya hay un dispositivo o un código vigente" in respuesta.text
    assert not Emparejamiento.objects.exists()


def test_dar_de_baja_pide_confirmacion(centro):
    telefono, _ = dispositivo(centro)
    coordinador = _navegador(Rol.COORDINADOR, centro)
    lista = coordinador.get(URL).text
    assert f'data-revocar="{telefono.nombre}"' in lista
    url = f"/dispositivos/{telefono.pk}/baja/"
    confirmacion = coordinador.get(url)
    assert "Sí, dar de baja" in confirmacion.text and "no se borran" in confirmacion.text
    telefono.refresh_from_db()
    assert telefono.revocado is None
    respuesta = coordinador.post(url, follow=True)
    assert "quedó dado de baja" in respuesta.text
    telefono.refresh_from_db()
    assert telefono.revocado is not None
    entrada = Entrada.objects.get(accion="dispositivo.revocar")
    assert (
        entrada.actor.startswith("usuario:") and entrada.objeto == f"dispositivo:{telefono.nombre}"
    )


def test_no_se_da_de_baja_un_dispositivo_de_otro_centro(centro):
    ajeno, _ = dispositivo(CentroFactory(clave="CATD09"))
    coordinador = _navegador(Rol.COORDINADOR, centro)
    assert coordinador.post(f"/dispositivos/{ajeno.pk}/baja/").status_code == 404
    ajeno.refresh_from_db()
    assert ajeno.revocado is None and not Dispositivo.objects.filter(revocado__isnull=False)


def _imagenes(telefono: Dispositivo, n: int) -> None:
    for i in range(n):
        Imagen.objects.create(
            sha256=f"{telefono.pk:08d}{i:056d}", tamano=1, tipo=Imagen.Tipo.JPEG, ancho=1, alto=1,
            origen=Acta.Origen.CASILLA, digitalizacion=Acta.Digitalizacion.MOVIL,
            estado=Imagen.Estado.PENDIENTE, centro=telefono.centro, subida_por="x",
            dispositivo=telefono,
        )  # fmt: skip


def _filas(html: str, tabla: str) -> list[list[str]]:
    """The text of each body row's cells of the table with that class."""
    cuerpo = html.split(f'class="datos dispositivos {tabla}"')[1].split("</tbody>")[0]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", f, re.S)
        ]
        for f in re.findall(r"<tr>(.*?)</tr>", cuerpo.split("<tbody>")[1], re.S)
    ]


def test_el_administrador_ve_un_renglon_por_centro_y_entra_a_cada_uno(
    centro, django_assert_max_num_queries
):
    """Thousands of phones on a national night: the administrador's page counts them per centro
    in a fixed number of queries, and lists a centro's devices when asked."""
    otro = CentroFactory(clave="CATD09", nombre="Centro nueve")
    activos = [dispositivo(centro)[0] for _ in range(3)]
    _imagenes(activos[0], 4)
    dispositivo(centro, Dispositivo.Tipo.ESCANER)
    dado_de_baja, _ = dispositivo(otro)
    _imagenes(dado_de_baja, 2)
    Dispositivo.objects.filter(pk=dado_de_baja.pk).update(revocado=timezone.now())
    administrador = _navegador(Rol.ADMINISTRADOR, None)
    with django_assert_max_num_queries(12):
        pagina = administrador.get(URL)
    assert pagina.status_code == 200
    filas = _filas(pagina.text, "por-centro")
    assert [f[:5] for f in filas] == [
        [f"{centro.clave} {centro.nombre}", "3", "1", "0", "4"],
        ["CATD09 Centro nueve", "0", "0", "1", "2"],
    ]
    assert 'href="?centro=CATD09"' in pagina.text
    assert activos[0].nombre not in pagina.text  # no device table until a centro is chosen
    for n in range(20):  # more centros and devices: the same number of queries
        dispositivo(CentroFactory(clave=f"CATD{n + 20:02d}"))
    with django_assert_max_num_queries(12):
        assert administrador.get(URL).status_code == 200

    uno = administrador.get(URL, {"centro": "CATD09"})
    assert uno.status_code == 200
    assert dado_de_baja.nombre in uno.text and activos[0].nombre not in uno.text
    assert "Teléfonos de PREP Casilla · CATD09" in uno.text and "Todos los centros" in uno.text
    assert '<option value="CATD09" selected>' in uno.text  # the next phone, of that centro

    ninguno = administrador.get(URL, {"centro": "CATD99"})
    assert ninguno.status_code == 404
    assert "No existe el centro «CATD99»; estos son todos." in ninguno.text
    assert ["CATD09 Centro nueve", "0", "0", "1", "2"] in [
        f[:5] for f in _filas(ninguno.text, "por-centro")
    ]


def test_el_coordinador_no_ve_otro_centro_aunque_lo_pida(centro):
    otro = CentroFactory(clave="CATD09")
    ajeno, _ = dispositivo(otro)
    propio, _ = dispositivo(centro)
    pagina = _navegador(Rol.COORDINADOR, centro).get(URL, {"centro": "CATD09"})
    assert pagina.status_code == 200
    assert propio.nombre in pagina.text and ajeno.nombre not in pagina.text
