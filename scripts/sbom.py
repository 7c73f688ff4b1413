"""The bill of materials (CycloneDX JSON) of PREP Abierto, generated from the lock.

    python scripts/sbom.py [ARCHIVO]        # by default ./sbom.cdx.json

The components are exactly the packages and versions of requisitos/prep.txt (what production
installs), each with its purl and the SHA-256 of its files from the lock; the main component is
the project (name, version and license from pyproject.toml) and carries the software's
fingerprint (`prep huella`) as the property `prep:huella_software`. cyclonedx-py (a dev
dependency) writes it; this script adds the fingerprint and checks the result with the CycloneDX
library's strict schema validator. Reproducible: no serial number, and the time only when
SOURCE_DATE_EPOCH is set.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))

from prep.huella import calcular  # noqa: E402 (after the checkout is on the path)

CANDADO = RAIZ / "requisitos" / "prep.txt"
ESPECIFICACION = "1.6"
PROPIEDAD = "prep:huella_software"


def generar(destino: Path) -> None:
    """Write the bill of materials to `destino`; SystemExit with the reason when it fails."""
    with tempfile.TemporaryDirectory(prefix="prep-sbom.") as temporal:
        crudo = Path(temporal) / "sbom.cdx.json"
        # Validated once, below, after the fingerprint is added; its messages (validation
        # skipped; the lock is flat, so the main component has no dependency graph) only when
        # it fails.
        hecho = subprocess.run(
            [
                sys.executable,
                "-m",
                "cyclonedx_py",
                "requirements",
                str(CANDADO),
                "--pyproject",
                str(RAIZ / "pyproject.toml"),
                "--mc-type",
                "application",
                "--sv",
                ESPECIFICACION,
                "--output-reproducible",
                "--no-validate",
                "--output-file",
                str(crudo),
            ],
            capture_output=True,
            text=True,
        )
        if hecho.returncode != 0:
            raise SystemExit(f"ERROR: cyclonedx-py falló:\n{hecho.stderr}")
        sbom = json.loads(crudo.read_text(encoding="utf-8"))
    principal = sbom["metadata"]["component"]
    principal.setdefault("properties", []).append(
        {"name": PROPIEDAD, "value": calcular(RAIZ / "prep")}
    )
    texto = json.dumps(sbom, ensure_ascii=False, indent=2) + "\n"
    error = JsonStrictValidator(SchemaVersion.from_version(ESPECIFICACION)).validate_str(texto)
    if error is not None:
        raise SystemExit(f"ERROR: el SBOM no es CycloneDX {ESPECIFICACION} válido: {error}")
    destino.write_text(texto, encoding="utf-8")


def main() -> None:
    """Write the bill of materials where the command line says (./sbom.cdx.json by default)."""
    destino = Path(sys.argv[1] if len(sys.argv) > 1 else "sbom.cdx.json")
    generar(destino)
    print(f"SBOM CycloneDX {ESPECIFICACION} escrito en {destino}")


if __name__ == "__main__":
    main()
