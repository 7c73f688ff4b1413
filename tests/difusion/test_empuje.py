"""The push after each corte (`prep.difusion.envio.empuje`, `prep difusor enviar`, and `prep
publicar`): every active difusor in parallel through its real channel (sshd, moto), each attempt
recorded with its bitácora entry, retries inside the period, nothing sent twice, nothing to a
suspended difusor, and what the difusores then serve is the corte sent."""

import multiprocessing
import os
import shutil
import signal
import socket
import threading
import time
from io import StringIO

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep import reloj
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.difusion import monitoreo
from prep.difusion.bandeja import RECHAZADOS
from prep.difusion.envio.empuje import enviar_corte
from prep.difusion.models import Difusor, Envio, publicados
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from prep.publicacion.manifiesto import MANIFIESTO, ULTIMO, huella
from prep.publicacion.verificacion_corte import verificar

pytestmark = pytest.mark.django_db


def servido(url: str) -> bytes:
    respuesta = httpx.get(f"{url}ultimo/{MANIFIESTO}", timeout=10)
    respuesta.raise_for_status()
    return respuesta.content


def test_cada_corte_llega_a_ambos_canales_y_queda_registrado(noche):
    for _ in range(2):
        corte, entregas = noche.cortar()
        assert {(e.difusor, e.entregado, e.intentos) for e in entregas} == {
            ("Universidad (SFTP)", True, 1),
            ("Diario (S3)", True, 1),
        }
        publicado = (raiz() / corte.carpeta / MANIFIESTO).read_bytes()
        assert huella(publicado) == corte.manifiesto_sha256
        # What each difusor's public site serves now is the corte sent, byte for byte.
        assert servido(noche.web.url) == publicado
        assert servido(noche.bucket.publico) == publicado
        assert (noche.sitio / ULTIMO).resolve().name == corte.carpeta
    envios = list(Envio.objects.order_by("corte", "difusor__nombre"))
    assert [(e.corte, e.difusor.nombre, e.intento, e.entregado) for e in envios] == [
        (1, "Diario (S3)", 1, True),
        (1, "Universidad (SFTP)", 1, True),
        (2, "Diario (S3)", 1, True),
        (2, "Universidad (SFTP)", 1, True),
    ]
    sftp_2 = envios[3]
    # No monitoring period in between: nothing proves the difusor publishes corte 1, so corte 2
    # goes whole too.
    assert sftp_2.detalle.startswith(f"paquete completo {sftp_2.carpeta}.tar.gz")
    assert sftp_2.bytes > 0 and sftp_2.archivos == 1
    s3_1, s3_2 = envios[0], envios[2]
    assert 0 < s3_2.archivos < s3_1.archivos, "the second corte sends only what changed"
    entradas = Entrada.objects.filter(accion="difusor.envio")
    assert entradas.count() == 4
    assert {e.actor for e in entradas} == {"sistema"}
    assert verificar_base().integra


def test_no_se_envia_dos_veces_ni_a_un_difusor_suspendido(noche):
    corte, _ = noche.cortar()
    assert enviar_corte(corte) == [], "every active difusor already has it"
    Difusor.objects.filter(pk=noche.diario.pk).update(estado=Difusor.Estado.SUSPENDIDO)
    corte, entregas = noche.cortar()
    assert [e.difusor for e in entregas] == ["Universidad (SFTP)"]
    assert not Envio.objects.filter(difusor=noche.diario, corte=corte.numero).exists()
    salida = StringIO()
    call_command("difusor", "enviar", stdout=salida)
    assert "Nada que enviar" in salida.getvalue()


def test_un_servidor_caido_se_reintenta_dentro_del_periodo(noche):
    """The sshd is down at the first attempt and is back before the second: the corte is
    delivered on attempt 2 and both attempts are recorded."""
    noche.sftp.detener()

    def revivir(intento, nombre):
        if nombre == "Universidad (SFTP)" and not intento.entregado:
            noche.sftp.iniciar()

    noche.eleccion.registrar(2)
    corte = publicar(noche.eleccion.minuto(0), difusores=publicados)
    entregas = {e.difusor: e for e in enviar_corte(corte, limite=30, avisar=revivir)}
    assert (entregas["Universidad (SFTP)"].entregado, entregas["Universidad (SFTP)"].intentos) == (
        True,
        2,
    )
    primero, segundo = Envio.objects.filter(difusor=noche.universidad).order_by("intento")
    assert not primero.entregado and str(noche.sftp.puerto) in primero.detalle
    assert segundo.entregado
    assert entregas["Diario (S3)"].intentos == 1


def test_sin_exito_dentro_del_limite_queda_no_entregado_con_su_motivo(noche):
    noche.sftp.detener()
    # The retries wait 2 s, then 4 s (transporte.ESPERAS) in a process of their own: 8 s leave
    # room for a second attempt even when starting that process takes seconds on a busy machine.
    corte, entregas = noche.cortar(limite=8)
    fallida = next(e for e in entregas if e.difusor == "Universidad (SFTP)")
    assert not fallida.entregado and fallida.intentos >= 2
    intentos = Envio.objects.filter(difusor=noche.universidad, corte=corte.numero)
    assert intentos.count() == fallida.intentos
    assert not any(i.entregado for i in intentos)
    salida, errores = StringIO(), StringIO()
    noche.sftp.iniciar()
    call_command("difusor", "enviar", "--limite", "20", stdout=salida, stderr=errores)
    assert "«Universidad (SFTP)»: entregado (1 intentos)" in salida.getvalue()


def test_una_credencial_ausente_es_un_intento_fallido_que_no_muestra_secretos(noche, monkeypatch):
    monkeypatch.delenv("PREP_DIFUSOR_DIARIO")
    _corte, entregas = noche.cortar(limite=2)
    fallida = next(e for e in entregas if e.difusor == "Diario (S3)")
    assert not fallida.entregado
    assert "la variable de entorno PREP_DIFUSOR_DIARIO de la credencial no está" in fallida.detalle
    with pytest.raises(CommandError) as error:
        call_command("difusor", "enviar", "--limite", "1", stdout=StringIO())
    assert error.value.returncode == 1


def test_prep_publicar_envia_el_corte_a_los_difusores(noche, monkeypatch):
    noche.eleccion.registrar(2)
    monkeypatch.setattr(reloj, "ahora", lambda: noche.eleccion.minuto(1))
    salida = StringIO()
    call_command("publicar", stdout=salida, stderr=StringIO())
    texto = salida.getvalue()
    assert "corte 1 entregado a «Universidad (SFTP)» (1 intentos)" in texto
    assert "corte 1 entregado a «Diario (S3)» (1 intentos)" in texto


def test_un_proceso_de_envio_que_muere_queda_como_intento_fallido(noche):
    """Each difusor's push runs in its own process: one killed (kill -9) mid-transfer is
    recorded as a failed attempt and retried while the period lasts, and the other difusor is
    delivered all the same."""
    mudo = socket.create_server(("127.0.0.1", 0))  # accepts, never answers: the push hangs
    Difusor.objects.filter(pk=noche.universidad.pk).update(
        destino=f"sftp://prep@127.0.0.1:{mudo.getsockname()[1]}/bandeja"
    )
    matado = threading.Event()

    def matar() -> None:
        fin = time.monotonic() + 30
        while time.monotonic() < fin and not matado.is_set():
            for hijo in multiprocessing.active_children():
                if hijo.name == "envio-Universidad (SFTP)" and hijo.pid:
                    mudo.accept()  # the child is connected and waiting: kill it there
                    os.kill(hijo.pid, signal.SIGKILL)
                    matado.set()
                    return
            time.sleep(0.05)

    asesino = threading.Thread(target=matar)
    asesino.start()
    noche.eleccion.registrar(2)
    corte = publicar(noche.eleccion.minuto(0), difusores=publicados)
    entregas = {e.difusor: e for e in enviar_corte(corte, limite=8)}
    asesino.join()
    mudo.close()
    assert matado.is_set()
    assert not entregas["Universidad (SFTP)"].entregado
    primero, *reintentos = Envio.objects.filter(difusor=noche.universidad).order_by("intento")
    assert primero.detalle == "el proceso de envío terminó de forma inesperada (código -9)"
    assert reintentos and reintentos[0].intento == 2  # a new process tried again
    assert entregas["Diario (S3)"].entregado


def test_con_el_anterior_publicado_basta_un_paquete_de_diferencias(noche):
    noche.cortar(actas=6)
    monitoreo.vigilar()  # both serve corte 1
    corte, _ = noche.cortar(actas=1)
    completo, diferencias = Envio.objects.filter(difusor=noche.universidad).order_by("corte")
    assert diferencias.detalle.startswith(f"paquete de diferencias {corte.carpeta}.tar.gz")
    assert diferencias.bytes < completo.bytes
    publicado = (raiz() / corte.carpeta / MANIFIESTO).read_bytes()
    assert servido(noche.web.url) == publicado
    assert verificar(noche.sitio).integro  # every corte the difusor keeps, and the chain


def test_sin_la_base_el_difusor_rechaza_las_diferencias_y_luego_recibe_el_completo(noche):
    noche.cortar()
    monitoreo.vigilar()
    # The difusor's site is rebuilt empty (a new server): it no longer has corte 1.
    shutil.rmtree(noche.sitio)
    noche.sitio.mkdir()
    corte, entregas = noche.cortar()
    assert all(e.entregado for e in entregas)  # delivered to the inbox…
    rechazado = noche.sftp.bandeja / RECHAZADOS / f"{corte.carpeta}.tar.gz"
    assert rechazado.is_file()  # …and refused there: it cannot be applied on nothing
    revision = {r.difusor: r for r in monitoreo.vigilar()}["Universidad (SFTP)"]
    assert not revision.correcto
    corte, _ = noche.cortar()  # after a failed period, the full package
    ultimo = Envio.objects.filter(difusor=noche.universidad, corte=corte.numero).get()
    assert ultimo.detalle.startswith("paquete completo")
    revision = {r.difusor: r for r in monitoreo.vigilar()}["Universidad (SFTP)"]
    assert (revision.correcto, revision.fallos) == (True, 0)
