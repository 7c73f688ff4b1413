"""An acta with three shots, as election night leaves one: the casilla's phone photographs it,
takes it again (a retake), and the CATD scans the paper when the package arrives, which becomes
the image in use (R-DIG3). Shared by the capture and verification tests of the shots."""

from datetime import datetime

from django.utils import timezone

from prep.actas.models import Acta
from prep.cuentas.identidad import actor_de_token, actor_de_usuario
from prep.cuentas.models import Dispositivo, Rol
from prep.digitalizacion.models import Imagen
from prep.digitalizacion.servicios import recibir_imagen
from tests.digitalizacion.fabricas import foto_de
from tests.fabricas import ActaEsperadaFactory, CentroFactory, UsuarioFactory, dispositivo


def noche(hora: int, minuto: int) -> datetime:
    """An instant of election night (6 June 2027) in the institute's zone."""
    return datetime(2027, 6, 6, hora, minuto, tzinfo=timezone.get_default_timezone())


def tres_tomas(eleccion, distrito) -> tuple[Acta, list[Imagen]]:
    """The acta (digitalizada, ready for capture) and its three images in order of arrival:
    phone shot at 21:47 (arrived 21:48), phone retake at 21:49 (arrived 21:52), CATD scan
    arrived at 23:10, the one in use."""
    esperada = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)
    catd = CentroFactory(distritos=[distrito])
    telefono, token = dispositivo(catd, Dispositivo.Tipo.TELEFONO)
    digitalizador = UsuarioFactory(perfil__rol=Rol.DIGITALIZADOR, perfil__centro=catd)
    envios = [
        (actor_de_token(token), noche(21, 47), noche(21, 48)),
        (actor_de_token(token), noche(21, 49), noche(21, 52)),
        (actor_de_usuario(digitalizador), None, noche(23, 10)),
    ]
    imagenes = []
    for semilla, (actor, tomada, llegada) in enumerate(envios, start=1):
        datos = foto_de(esperada, semilla)
        imagen = recibir_imagen(datos, f"toma{semilla}.jpg", actor, tomada=tomada).imagen
        # Arrival at a fixed time of the night, so the labels can be read.
        Imagen.objects.filter(pk=imagen.pk).update(momento=llegada)
        imagen.refresh_from_db()
        imagenes.append(imagen)
    acta = Acta.objects.get(acta_esperada=esperada)
    assert acta.estado == Acta.Estado.DIGITALIZADA
    assert [i.dispositivo for i in imagenes] == [telefono, telefono, None]
    assert acta.codigo_integridad == imagenes[2].sha256
    return acta, imagenes
