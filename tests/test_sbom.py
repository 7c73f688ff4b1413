"""The bill of materials (scripts/sbom.py): valid CycloneDX by the library's own validator,
exactly the packages and versions of the lock, and the project with its fingerprint."""

import json
import re
import runpy
import tomllib
from pathlib import Path

from prep.huella import calcular

RAIZ = Path(__file__).resolve().parent.parent
FIJADO = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _normalizado(nombre: str) -> str:
    """A package name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", nombre).lower()


def test_sbom_del_candado(tmp_path):
    # Imported here: its schemas take seconds to load, and collecting this file (as the
    # PostgreSQL run does before leaving it out) should not pay for them.
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    destino = tmp_path / "sbom.cdx.json"
    # In this process (the script's own `python scripts/sbom.py` does the same): the validator's
    # schemas load once for the script's check and this test's.
    runpy.run_path(str(RAIZ / "scripts" / "sbom.py"))["generar"](destino)
    texto = destino.read_text(encoding="utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(texto) is None
    sbom = json.loads(texto)

    candado = (RAIZ / "requisitos" / "prep.txt").read_text(encoding="utf-8")
    esperados = {_normalizado(n): v for n, v in FIJADO.findall(candado)}
    assert len(esperados) > 20
    listados = {_normalizado(c["name"]): c["version"] for c in sbom["components"]}
    assert listados == esperados
    assert all(c["purl"].startswith("pkg:pypi/") for c in sbom["components"])

    proyecto = tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    principal = sbom["metadata"]["component"]
    assert (principal["name"], principal["version"]) == (proyecto["name"], proyecto["version"])
    assert principal["type"] == "application"
    assert {"name": "prep:huella_software", "value": calcular(RAIZ / "prep")} in principal[
        "properties"
    ]
    assert "serialNumber" not in sbom  # reproducible: the same lock gives the same file
