"""The layers hold at run time too: importing the domain does not build the web layer, and
production code never loads the drills (`lint-imports` checks the imports themselves)."""

import os
import subprocess
import sys

_SERVICIOS = (
    "prep.acopio.servicios",
    "prep.actas.transiciones",
    "prep.captura.servicios",
    "prep.cuentas.acceso",
    "prep.digitalizacion.servicios",
    "prep.empaquetado.servicios",
    "prep.publicacion.corte",
    "prep.tablero.consultas",
    "prep.verificacion.servicios",
)


def test_los_servicios_no_importan_la_web_ni_el_simulacro():
    codigo = (
        "import sys, django; django.setup()\n"
        + "".join(f"import {m}\n" for m in _SERVICIOS)
        # prep.simulacro itself and its AppConfig are loaded by Django's app registry.
        + "cargados = [m for m in sys.modules if m.split('.')[0] == 'ninja'"
        " or m.startswith(('prep.web', 'prep.api', 'prep.simulacro.'))"
        " and m != 'prep.simulacro.apps']\n"
        "print(sorted(cargados))\n"
    )
    resultado = subprocess.run(
        [sys.executable, "-c", codigo],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "prep.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.strip() == "[]"
