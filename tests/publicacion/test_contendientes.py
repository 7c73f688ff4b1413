"""Publication of an election whose municipios print different actas (B1, B2, B4): the marker in
non-contender cells, the candidaturas file per ámbito, each node's contenders and totals in the
JSON, voto anticipado and VMRE actas, and participación with and without them."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from prep.difusion.models import publicados
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from prep.reglas.porcentajes import formatear, porcentaje
from tests.publicacion.tres_municipios import (
    BOLETAS,
    COLUMNAS_AYUN,
    COLUMNAS_GOB,
    LISTA_ANTICIPADO,
    LISTA_EXTRANJERO,
    LISTA_NOMINAL,
    MUNICIPIOS,
    PERSONA_X,
    PERSONA_Y,
    SECCIONES,
    TresMunicipios,
)

pytestmark = pytest.mark.django_db

# The figures of each municipio's actas (exactly its boleta's fields, in its order).
VOTOS = {
    1: {"PAN": 100, "PRI": 80, "MORENA": 120, "PAN_PRI": 10, "NO_REGISTRADAS": 1, "NULOS": 5},
    2: {"PAN": 90, "PRI": 70, "CAND_IND_1": 50, "NO_REGISTRADAS": 0, "NULOS": 4},
    3: {"MORENA": 150, "CAND_IND_1": 60, "NO_REGISTRADAS": 2, "NULOS": 3},
}
ANTICIPADO = {
    1: {"PAN": 7, "PRI": 3, "MORENA": 9, "PAN_PRI": 1, "NO_REGISTRADAS": 0, "NULOS": 0},
    2: {"PAN": 6, "PRI": 2, "CAND_IND_1": 4, "NO_REGISTRADAS": 0, "NULOS": 1},
}
GOB = {"PAN": 200, "PRI": 150, "MORENA": 180, "NO_REGISTRADAS": 2, "NULOS": 8}
VMRE = {"PAN": 40, "PRI": 30, "MORENA": 90, "NO_REGISTRADAS": 0, "NULOS": 2}
SIN_ACTA = 4  # the sección (of M2) whose acta never arrives
COALICION = ("PAN", "PRI", "PAN_PRI")


def _preparar(tmp_path: Path, settings, **ajustes: str) -> TresMunicipios:
    """Every acta recorded but M2's sección 4 (Sin Acta) and M3's voto anticipado (pending)."""
    settings.PREP_PUBLICACION_DIR = tmp_path / "publicacion"
    settings.PREP_LLAVE_FIRMA = tmp_path / "llaves" / "firma.pem"
    eleccion = TresMunicipios(tmp_path, **ajustes)
    for seccion, (municipio, _distrito) in SECCIONES.items():
        ayun = eleccion.esperada("AYUN", seccion)
        if seccion == SIN_ACTA:
            eleccion.sin_acta(ayun)
        else:
            eleccion.registrar(ayun, VOTOS[municipio])
        eleccion.registrar(eleccion.esperada("GOB", seccion), GOB)
    eleccion.registrar(eleccion.esperada("AYUN", 3, tipo="C"), VOTOS[2])
    eleccion.registrar(eleccion.esperada("GOB", 3, tipo="C"), GOB)
    for municipio, votos in ANTICIPADO.items():
        eleccion.registrar(eleccion.esperada("AYUN", None, "A", municipio), votos)
    eleccion.registrar(eleccion.esperada("GOB", None, "M"), VMRE)
    return eleccion


@pytest.fixture
def corte(tmp_path, settings) -> Path:
    """The folder of a corte of the default settings (marker `-`, participación with A/M)."""
    eleccion = _preparar(tmp_path, settings)
    return raiz() / publicar(eleccion.inicio, difusores=publicados).carpeta


def _zip(corte: Path, nombre: str) -> str:
    (archivo,) = (corte / "bases").glob("*.zip")
    with zipfile.ZipFile(archivo) as paquete:
        (miembro,) = [n for n in paquete.namelist() if n.endswith(f"/{nombre}")]
        return paquete.read(miembro).decode("utf-8-sig")


def _base(corte: Path, tipo: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The header (line 4 → line 5) and the rows of an election's database, by column name."""
    lineas = list(csv.reader(io.StringIO(_zip(corte, f"{tipo}_2027.csv"))))
    encabezado = dict(zip(lineas[3], lineas[4], strict=True))
    return encabezado, [dict(zip(lineas[6], fila, strict=True)) for fila in lineas[7:]]


def _nodo(corte: Path, tipo: str, ruta: str) -> dict:
    return json.loads((corte / "datos" / tipo / f"{ruta}.json").read_bytes())


def _votos(nodo: dict, columnas=COLUMNAS_AYUN) -> dict[str, int | None]:
    return dict(zip(columnas, nodo["totales"]["votos"], strict=True))


def _suma(columna: str, *grupos) -> int:
    return sum(votos.get(columna, 0) for votos in grupos)


@pytest.mark.parametrize("marca", ["-", "N/A"])
def test_las_celdas_de_quien_no_compite_llevan_la_marca_y_nunca_cero(tmp_path, settings, marca):
    eleccion = _preparar(tmp_path, settings, no_aplica=marca)
    corte = raiz() / publicar(eleccion.inicio, difusores=publicados).carpeta
    _encabezado, filas = _base(corte, "AYUN")
    assert len(filas) == len(SECCIONES) + 1 + len(MUNICIPIOS)
    for fila in filas:
        municipio = int(fila["ID_MUNICIPIO"])
        impresas = BOLETAS[municipio]
        for columna in COLUMNAS_AYUN:
            if columna not in impresas:
                assert fila[columna] == marca, (fila["CLAVE_ACTA"], columna)
            elif fila["CONTABILIZADA"] == "1":
                assert fila[columna].isdigit(), (fila["CLAVE_ACTA"], columna)
            else:  # Sin Acta or pending: nothing captured in the printed fields
                assert fila[columna] == "-", (fila["CLAVE_ACTA"], columna)
        if fila["CONTABILIZADA"] == "1":
            printed = sum(int(fila[c]) for c in impresas)
            assert int(fila["TOTAL_VOTOS_CALCULADO"]) == printed
            assert fila["OBSERVACIONES"] == "-"  # all printed fields are numbers
    sin_acta = next(f for f in filas if f["SECCION"] == f"{SIN_ACTA:04d}")
    assert sin_acta["OBSERVACIONES"] == "Sin Acta por paquete no entregado"
    # The gubernatura prints every column everywhere: no marker, only figures.
    _encabezado, gob = _base(corte, "GOB")
    assert all(f[c].isdigit() for f in gob for c in COLUMNAS_GOB)


def test_el_archivo_de_candidaturas_resuelve_cada_una_en_su_municipio(corte):
    filas = list(csv.DictReader(io.StringIO(_zip(corte, "AYUN_CANDIDATURAS_2027.csv"))))
    por_municipio: dict[int, dict[str, dict[str, str]]] = {}
    for fila in filas:
        por_municipio.setdefault(int(fila["ID_MUNICIPIO"]), {})[fila["PARTIDO_CI"]] = fila
    assert {m: tuple(c) for m, c in por_municipio.items()} == BOLETAS
    assert por_municipio[2]["CAND_IND_1"]["CANDIDATURA_PROPIETARIA"] == PERSONA_X
    assert por_municipio[3]["CAND_IND_1"]["CANDIDATURA_PROPIETARIA"] == PERSONA_Y
    assert por_municipio[3]["CAND_IND_1"]["MUNICIPIO"] == MUNICIPIOS[3]
    assert "PAN" not in por_municipio[3]
    # Where the coalition runs its parties' votes are hers; where they run apart, their own.
    for columna in COALICION:
        assert por_municipio[1][columna]["CANDIDATURA"] == "Va por Calkiní"
    assert (por_municipio[2]["PAN"]["CANDIDATURA"], por_municipio[2]["PRI"]["CANDIDATURA"]) == (
        "PAN",
        "PRI",
    )
    assert por_municipio[1]["NULOS"]["CANDIDATURA_PROPIETARIA"] == ""
    gob = list(csv.DictReader(io.StringIO(_zip(corte, "GOB_CANDIDATURAS_2027.csv"))))
    assert [(f["ID_ENTIDAD"], f["PARTIDO_CI"]) for f in gob] == [("04", c) for c in COLUMNAS_GOB]
    assert gob[0]["CANDIDATURA_PROPIETARIA"] == "Laura Cauich Mex"


def test_cada_nodo_muestra_solo_a_quien_compitio_alli(corte):
    municipios = {m: _nodo(corte, "AYUN", f"municipio/04-{m:03d}") for m in MUNICIPIOS}
    for m, nodo in municipios.items():
        contienden = {c for c, v in _votos(nodo).items() if v is not None}
        assert contienden == set(BOLETAS[m]), m
    assert municipios[2]["candidatos"]["CAND_IND_1"] == PERSONA_X
    assert municipios[3]["candidatos"] == {
        "MORENA": "Jorge Tun Balam",
        "CAND_IND_1": PERSONA_Y,
    }
    # Secciones inherit their municipio's contenders and names.
    seccion = _nodo(corte, "AYUN", "seccion/04-0005")
    assert _votos(seccion)["PAN"] is None and seccion["candidatos"]["CAND_IND_1"] == PERSONA_Y
    entidad = _nodo(corte, "AYUN", "entidad/04")
    votos = _votos(entidad)
    # The entidad's contenders are the union; PAN adds M1's and M2's actas only.
    assert all(v is not None for v in votos.values())
    m1 = [VOTOS[1]] * 2 + [ANTICIPADO[1]]  # secciones 1, 2 and the voto anticipado
    m2 = [VOTOS[2]] * 2 + [ANTICIPADO[2]]  # sección 3's B and C (4 is Sin Acta)
    m3 = [VOTOS[3]] * 2
    assert votos["PAN"] == _suma("PAN", *m1, *m2)
    assert votos["CAND_IND_1"] == _suma("CAND_IND_1", *m2, *m3)
    assert entidad["candidatos"] == {}  # names vary by municipio
    hijos = {h["id"]: _votos(h) for h in entidad["hijos"]}
    assert hijos["04-003"]["PAN"] is None and hijos["04-001"]["CAND_IND_1"] is None


def test_la_coalicion_suma_solo_donde_compite(corte):
    info = json.loads((corte / "datos" / "corte.json").read_bytes())
    ayun = next(e for e in info["elecciones"] if e["tipo"] == "AYUN")
    assert ayun["candidaturas"] == [
        {"nombre": "Va por Calkiní", "tipo": "coalicion", "columnas": list(COALICION)}
    ]
    m1 = [VOTOS[1]] * 2 + [ANTICIPADO[1]]
    coalicion = sum(_suma(c, *m1) for c in COALICION)
    entidad = _nodo(corte, "AYUN", "entidad/04")
    # M2's PAN and PRI ran apart: their votes are not the coalition's.
    assert entidad["totales"]["candidaturas"] == [coalicion]
    assert _nodo(corte, "AYUN", "municipio/04-001")["totales"]["candidaturas"] == [coalicion]
    for m in (2, 3):
        assert _nodo(corte, "AYUN", f"municipio/04-{m:03d}")["totales"]["candidaturas"] == [None]


def test_voto_anticipado_por_municipio(corte):
    _encabezado, filas = _base(corte, "AYUN")
    anticipado = [f for f in filas if f["TIPO_CASILLA"] == "A"]
    assert [f["ID_MUNICIPIO"] for f in anticipado] == ["1", "2", "3"]
    for fila in anticipado:
        # One shared published key (sección 0000), N/A where the geography does not apply.
        assert (fila["CLAVE_CASILLA"], fila["CLAVE_ACTA"]) == ("'040000A0100'", "'040000A01004'")
        assert (fila["SECCION"], fila["ID_CASILLA"]) == ("N/A", "N/A")
    assert [f["CONTABILIZADA"] for f in anticipado] == ["1", "1", "-"]
    # It aggregates under its municipio, where the site lists it by its own unique key.
    for m in MUNICIPIOS:
        nodo = _nodo(corte, "AYUN", f"municipio/04-{m:03d}")
        secciones = [s for s, (mun, _d) in SECCIONES.items() if mun == m]
        casillas = len(secciones) + (m == 2)  # sección 3 has a contigua
        assert nodo["totales"]["actas_esperadas"] == casillas + 1
        (casilla,) = nodo["casillas"]
        assert casilla["clave"] == f"040000A0100_M{m:03d}"
        assert casilla["nombre"] == "Voto anticipado 01"
        (fila,) = casilla["actas"]
        assert fila[nodo["columnas_acta"].index("CLAVE_ACTA")] == "'040000A01004'"
    m1 = _nodo(corte, "AYUN", "municipio/04-001")["totales"]
    assert m1["votos"][COLUMNAS_AYUN.index("PAN")] == _suma(
        "PAN", VOTOS[1], VOTOS[1], ANTICIPADO[1]
    )
    assert m1["lista_nominal_actas_contabilizadas"] == 2 * LISTA_NOMINAL + LISTA_ANTICIPADO[1]


def test_vmre_solo_en_la_entidad(corte):
    _encabezado, filas = _base(corte, "GOB")
    (vmre,) = [f for f in filas if f["TIPO_CASILLA"] == "M"]
    assert (vmre["ID_DISTRITO_LOCAL"], vmre["DISTRITO_LOCAL"]) == ("N/A", "N/A")
    assert (vmre["SECCION"], vmre["ID_CASILLA"], vmre["CLAVE_ACTA"]) == (
        "N/A",
        "N/A",
        "'040000M01001'",
    )
    entidad = _nodo(corte, "GOB", "entidad/04")
    distritos = [_nodo(corte, "GOB", f"distrito/04-{d:03d}") for d in (1, 2)]
    casillas = len(SECCIONES) + 1
    assert sum(d["totales"]["actas_esperadas"] for d in distritos) == casillas
    assert entidad["totales"]["actas_esperadas"] == casillas + 1
    pan = COLUMNAS_GOB.index("PAN")
    assert entidad["totales"]["votos"][pan] == casillas * GOB["PAN"] + VMRE["PAN"]
    assert sum(d["totales"]["votos"][pan] for d in distritos) == casillas * GOB["PAN"]
    assert all("casillas" not in d for d in distritos)
    (casilla,) = entidad["casillas"]
    assert casilla["nombre"] == "Voto desde el extranjero 01"
    resumen = _nodo(corte, "GOB", "resumen")
    assert resumen["candidatos"]["PAN"] == "Laura Cauich Mex"  # one entidad: its candidaturas


@pytest.mark.parametrize("cuenta", ["SI", "NO"])
def test_participacion_con_y_sin_el_voto_anticipado(tmp_path, settings, cuenta):
    eleccion = _preparar(tmp_path, settings, participacion_sin_seccion=cuenta)
    corte = raiz() / publicar(eleccion.inicio, difusores=publicados).carpeta
    encabezado, _filas = _base(corte, "AYUN")
    actas = [VOTOS[1]] * 2 + [VOTOS[2]] * 2 + [VOTOS[3]] * 2
    anticipado = list(ANTICIPADO.values())
    votos_secciones = sum(sum(v.values()) for v in actas)
    votos_anticipado = sum(sum(v.values()) for v in anticipado)
    ln_secciones = len(actas) * LISTA_NOMINAL
    ln_anticipado = LISTA_ANTICIPADO[1] + LISTA_ANTICIPADO[2]
    # The header's lista nominal and votes always include them (B4) …
    assert int(encabezado["LISTA_NOMINAL_ACTAS_CONTABILIZADAS"]) == ln_secciones + ln_anticipado
    assert int(encabezado["TOTAL_VOTOS_S_CS"]) == votos_secciones + votos_anticipado
    # … participación only when the election says so.
    if cuenta == "SI":
        esperada = porcentaje(votos_secciones + votos_anticipado, ln_secciones + ln_anticipado)
    else:
        esperada = porcentaje(votos_secciones, ln_secciones)
    assert encabezado["PORCENTAJE_PARTICIPACION_CIUDADANA"] == formatear(esperada)
    m1 = _nodo(corte, "AYUN", "municipio/04-001")["totales"]
    votos_m1 = 2 * sum(VOTOS[1].values()) + (sum(ANTICIPADO[1].values()) if cuenta == "SI" else 0)
    ln_m1 = 2 * LISTA_NOMINAL + (LISTA_ANTICIPADO[1] if cuenta == "SI" else 0)
    assert m1["porcentaje_participacion_ciudadana"] == formatear(porcentaje(votos_m1, ln_m1))
    gob, _ = _base(corte, "GOB")  # the gubernatura's setting is SI: its VMRE counts
    assert int(gob["LISTA_NOMINAL_ACTAS_CONTABILIZADAS"]) == 7 * LISTA_NOMINAL + LISTA_EXTRANJERO
    # The checker of published databases tells the setting from the file itself.
    base = tmp_path / "AYUN_2027.csv"
    base.write_text(_zip(corte, "AYUN_2027.csv"), encoding="utf-8-sig")
    salida = io.StringIO()
    call_command("verificar_base", str(base), stdout=salida)
    texto = salida.getvalue()
    assert "Encabezado: coincide con las filas" in texto
    incluye = "incluye" if cuenta == "SI" else "no incluye"
    assert f"participación: {incluye} las casillas sin sección" in texto
    assert f"(participacion_sin_seccion={cuenta})" in texto
    assert texto.strip().splitlines()[-1].startswith("filas en desacuerdo: 0 de")


def test_las_bases_publicadas_pasan_verificar_base(corte, tmp_path):
    for tipo in ("AYUN", "GOB"):
        base = tmp_path / f"{tipo}_2027.csv"
        base.write_text(_zip(corte, f"{tipo}_2027.csv"), encoding="utf-8-sig")
        salida = io.StringIO()
        call_command("verificar_base", str(base), stdout=salida)
        assert salida.getvalue().strip().splitlines()[-1].startswith("filas en desacuerdo: 0 de")
