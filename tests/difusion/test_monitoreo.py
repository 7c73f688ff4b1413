"""Monitoring each period (docs/difusion.md, D6–D8) against the difusores' real public sites: a
difusor whose site is down for three periods in a row is cut off (no more pushes, its link
disabled with a notice in the next corte), one down for two periods is not; an administrator
restores it; every period and the cut-off are in the bitácora."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.difusion import monitoreo
from prep.difusion.models import Difusor, Envio, Periodo
from prep.publicacion.carpetas import raiz

pytestmark = pytest.mark.django_db


def difusores_del_corte(corte) -> dict[str, dict]:
    datos = json.loads((raiz() / corte.carpeta / "datos" / "corte.json").read_bytes())
    return {d["nombre"]: d for d in datos["difusores"]}


def por_difusor(revisiones) -> dict[str, monitoreo.Revision]:
    return {r.difusor: r for r in revisiones}


def test_tres_periodos_caido_lo_cortan_y_su_enlace_se_deshabilita(noche):
    assert monitoreo.vigilar() == [], "before the first corte there is nothing to check"
    noche.cortar()
    bien = por_difusor(monitoreo.vigilar())
    assert [(r.correcto, r.fallos, r.servido) for r in bien.values()] == [(True, 0, 1)] * 2

    noche.web.detener()  # the university's web server falls; its SFTP inbox still works
    fallos = []
    for _ in range(3):
        noche.cortar()
        revision = por_difusor(monitoreo.vigilar())
        fallos.append(revision["Universidad (SFTP)"])
        assert revision["Diario (S3)"].correcto
        if len(fallos) < 3:
            universidad = Difusor.objects.get(pk=noche.universidad.pk)
            assert (universidad.estado, universidad.fallos) == (Difusor.Estado.ACTIVO, len(fallos))
    assert [(r.correcto, r.fallos, r.cortado) for r in fallos] == [
        (False, 1, False),
        (False, 2, False),
        (False, 3, True),
    ]
    assert "su sitio público no respondió" in fallos[0].motivo
    assert noche.web.url in fallos[0].motivo

    universidad = Difusor.objects.get(pk=noche.universidad.pk)
    assert universidad.estado == Difusor.Estado.SUSPENDIDO
    assert "no publicó el corte vigente en 3 periodos seguidos" in universidad.aviso
    [corte_entrada] = Entrada.objects.filter(accion="difusor.corte")
    assert corte_entrada.objeto == "difusor:Universidad (SFTP)"
    assert corte_entrada.despues["estado"] == "suspendido"
    periodos = Entrada.objects.filter(accion="difusor.periodo", objeto="difusor:Universidad (SFTP)")
    assert [e.despues["correcto"] for e in periodos] == [True, False, False, False]

    # The next corte: its link is disabled with the notice, and it is no longer pushed to.
    corte, entregas = noche.cortar()
    publicado = difusores_del_corte(corte)
    assert publicado["Universidad (SFTP)"]["activo"] is False
    assert publicado["Universidad (SFTP)"]["aviso"] == universidad.aviso
    assert publicado["Diario (S3)"]["activo"] is True and "aviso" not in publicado["Diario (S3)"]
    assert [e.difusor for e in entregas] == ["Diario (S3)"]
    assert not Envio.objects.filter(difusor=universidad, corte=corte.numero).exists()
    assert [r.difusor for r in monitoreo.vigilar()] == ["Diario (S3)"]

    # An administrator restores it once its site is back: pushed again, judged again, clean.
    noche.web.iniciar()
    call_command(
        "difusor", "restablecer", "Universidad (SFTP)", "--motivo", "servidor web reparado"
    )
    corte, entregas = noche.cortar()
    assert {e.difusor for e in entregas if e.entregado} == {"Universidad (SFTP)", "Diario (S3)"}
    assert difusores_del_corte(corte)["Universidad (SFTP)"]["activo"] is True
    revision = por_difusor(monitoreo.vigilar())["Universidad (SFTP)"]
    assert (revision.correcto, revision.fallos) == (True, 0)
    assert verificar_base().integra


def test_dos_periodos_caido_no_lo_cortan(noche, servidor_s3):
    noche.cortar()
    monitoreo.vigilar()
    servidor_s3.detener()  # the bucket's service is down: no push, no site
    try:
        for esperado in (1, 2):
            noche.cortar(limite=1)
            revision = por_difusor(monitoreo.vigilar())["Diario (S3)"]
            assert (revision.correcto, revision.fallos, revision.cortado) == (
                False,
                esperado,
                False,
            )
            assert revision.motivo.startswith(f"no se le pudo entregar el corte {esperado + 1}")
    finally:
        servidor_s3.iniciar()
    noche.cortar()
    revision = por_difusor(monitoreo.vigilar())["Diario (S3)"]
    assert (revision.correcto, revision.fallos) == (True, 0)
    diario = Difusor.objects.get(pk=noche.diario.pk)
    assert (diario.estado, diario.fallos, diario.aviso) == (Difusor.Estado.ACTIVO, 0, "")
    assert [p.fallos for p in Periodo.objects.filter(difusor=diario)] == [0, 1, 2, 0]
    assert not Entrada.objects.filter(accion="difusor.corte").exists()


def test_un_sitio_que_sirve_otro_manifiesto_falla_el_periodo(noche):
    noche.cortar()
    (noche.sitio / "ultimo" / "manifest.json").unlink()
    (noche.sitio / "ultimo" / "manifest.json").write_text('{"no": "es el enviado"}')
    revision = por_difusor(monitoreo.vigilar())["Universidad (SFTP)"]
    assert not revision.correcto
    assert "no sirve un manifiesto válido" in revision.motivo
    salida = StringIO()
    call_command("difusor", "vigilar", stdout=salida)
    assert "«Universidad (SFTP)»: fallido 2 de 3" in salida.getvalue()
    assert "«Diario (S3)»: correcto: muestra el corte 1" in salida.getvalue()
