"""Builders of the capture and verification tests: actas ready for capture, and figures."""

import hashlib
from itertools import count

from django.contrib.auth import get_user_model
from django.test import Client

from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.bitacora.models import Entrada
from prep.catalogo.models import ActaEsperada, Distrito, Eleccion
from prep.cuentas.identidad import SISTEMA, actor_de_usuario
from prep.cuentas.models import Rol
from prep.digitalizacion.servicios import recibir_imagen
from tests.digitalizacion.fabricas import foto_de
from tests.fabricas import ActaEsperadaFactory, CentroFactory, DistritoFactory, UsuarioFactory

_numeros = count(1)


class ActaLista:
    """Makes actas `digitalizada` of one election: the state digitalización leaves them in,
    with a código de integridad. Calling it skips the image (services never read it);
    `fotografiada()` uploads a real photo through digitalización, for the pages."""

    def __init__(self, eleccion: Eleccion, distrito: Distrito) -> None:
        self.eleccion = eleccion
        self.distrito = distrito

    def _esperada(self, distrito: Distrito, casilla: dict) -> ActaEsperada:
        return ActaEsperadaFactory(
            eleccion=self.eleccion,
            casilla__seccion__distrito_local=distrito,
            **{f"casilla__{k}": v for k, v in casilla.items()},
        )

    def __call__(self, *, ajena: bool = False, **casilla) -> Acta:
        """A new acta; `ajena` puts it in another distrito (outside the centro's scope)."""
        esperada = self._esperada(DistritoFactory() if ajena else self.distrito, casilla)
        acta = Acta.objects.create(acta_esperada=esperada, eleccion=self.eleccion)
        sha = hashlib.sha256(f"imagen {next(_numeros)}".encode()).hexdigest()
        return aplicar(
            acta, SISTEMA, "prueba.digitalizar", Acta.Estado.DIGITALIZADA, codigo_integridad=sha
        )

    def fotografiada(self, **casilla) -> Acta:
        """A new acta whose photo (drawn by the simulacro, with its QR code) a CATD digitalizador
        uploaded: stored, classified by its QR, the acta `digitalizada`."""
        esperada = self._esperada(self.distrito, casilla)
        catd = CentroFactory(distritos=[self.distrito])
        digitalizador = UsuarioFactory(perfil__rol=Rol.DIGITALIZADOR, perfil__centro=catd)
        recepcion = recibir_imagen(foto_de(esperada), "acta.jpg", actor_de_usuario(digitalizador))
        acta = Acta.objects.get(acta_esperada=esperada)
        assert acta.estado == Acta.Estado.DIGITALIZADA, recepcion.imagen.motivo
        return acta


def cifras(**cambios) -> dict:
    """Valid figures of the test election (PAN, NO_REGISTRADAS, NULOS); keyword arguments
    replace a vote column or another figure."""
    votos = {"PAN": 120, "NO_REGISTRADAS": 0, "NULOS": 7}
    otras = {
        "TOTAL_BOLETAS_SOBRANTES": 300,
        "TOTAL_PERSONAS_VOTARON": 127,
        "TOTAL_REP_PARTIDO_CI_VOTARON": 0,
        "TOTAL_VOTOS_SACADOS": 127,
        "TOTAL_VOTOS_ASENTADO": 127,
    }
    for campo, valor in cambios.items():
        (votos if campo in votos else otras)[campo] = valor
    return {"votos": votos, **otras}


def entradas(acta: Acta) -> list[Entrada]:
    """The acta's bitácora entries, oldest first."""
    return list(Entrada.objects.filter(objeto=f"acta:{acta.pk}").order_by("numero"))


def cliente(actor) -> Client:
    """A logged-in browser session of the actor's user (Django's test client)."""
    c = Client()
    c.force_login(get_user_model().objects.get(pk=actor.usuario_id))
    return c
