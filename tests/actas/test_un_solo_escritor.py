"""`prep.actas.transiciones` is the only code that writes an acta's state: a scan of the syntax
of prep/, tests/ and benchmarks/ finds no other assignment to `<acta>.estado`, no `estado=` in a
write of the Acta model (constructor, create, update, get_or_create, bulk_update…), and no SQL
that inserts into or updates its table. Reading and filtering by state are fine.

The scan goes by names (an object whose expression mentions "acta", the names the Acta model is
imported as), so code that hides an acta under another name escapes it: the rule is still that
states change through `transiciones`. Migrations are history written with historical models and
are left out (`actas/0005_sin_publicada` turns `publicada` into `verificada`, with its entries).
"""

import ast
import re
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
CARPETAS = ("prep", "tests", "benchmarks")
PERMITIDOS = {Path("prep/actas/transiciones.py"), Path(__file__).resolve().relative_to(RAIZ)}
ESCRITURAS = {"create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
SQL = re.compile(r"\b(INSERT\s+INTO|UPDATE|COPY)\s+actas_acta\b", re.IGNORECASE)


def _modelos(arbol: ast.AST) -> set[str]:
    """The names the Acta model goes by in a module."""
    nombres = {"Acta"}
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.ImportFrom) and nodo.module == "prep.actas.models":
            nombres |= {a.asname or a.name for a in nodo.names if a.name == "Acta"}
    return nombres


def _es_de_acta(expresion: ast.expr) -> bool:
    return "acta" in ast.unparse(expresion).lower()


def _nombra_estado(nodo: ast.AST | None) -> bool:
    """A dict with an "estado" key, or a list/tuple with an "estado" item."""
    if isinstance(nodo, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value == "estado" for k in nodo.keys)
    if isinstance(nodo, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == "estado" for e in nodo.elts)
    return False


def _objetivos(nodo: ast.AST) -> list[ast.expr]:
    if isinstance(nodo, ast.Assign):
        pendientes = list(nodo.targets)
    elif isinstance(nodo, ast.AugAssign | ast.AnnAssign):
        pendientes = [nodo.target]
    else:
        return []
    objetivos = []
    while pendientes:
        objetivo = pendientes.pop()
        if isinstance(objetivo, ast.Tuple | ast.List):
            pendientes += objetivo.elts
        else:
            objetivos.append(objetivo)
    return objetivos


def _escritura_del_modelo(llamada: ast.Call, modelos: set[str]) -> bool:
    """A call that writes Acta rows: `Acta(...)` or `Acta.objects…<write>(...)`."""
    funcion = llamada.func
    if isinstance(funcion, ast.Name | ast.Attribute) and ast.unparse(funcion) in modelos:
        return True
    if not isinstance(funcion, ast.Attribute) or funcion.attr not in ESCRITURAS:
        return False
    receptor = ast.unparse(funcion.value)
    return any(re.search(rf"\b{re.escape(m)}\.objects\b", receptor) for m in modelos)


def _escribe_estado(llamada: ast.Call, modelos: set[str]) -> bool:
    if isinstance(llamada.func, ast.Name) and llamada.func.id == "setattr":
        return bool(llamada.args) and _es_de_acta(llamada.args[0])
    if not _escritura_del_modelo(llamada, modelos):
        return False
    por_defecto = [k.value for k in llamada.keywords if k.arg in ("defaults", "create_defaults")]
    return (
        any(k.arg == "estado" for k in llamada.keywords)
        or any(_nombra_estado(valor) for valor in por_defecto)
        or any(_nombra_estado(argumento) for argumento in llamada.args)
    )


def escrituras(texto: str) -> list[tuple[int, str]]:
    """(line, code) of each write of an acta's state found in a module's source."""
    arbol = ast.parse(texto)
    modelos = _modelos(arbol)
    halladas = []
    for nodo in ast.walk(arbol):
        halladas += [
            nodo
            for objetivo in _objetivos(nodo)
            if isinstance(objetivo, ast.Attribute)
            and objetivo.attr == "estado"
            and _es_de_acta(objetivo.value)
        ]
        if isinstance(nodo, ast.Call) and _escribe_estado(nodo, modelos):
            halladas.append(nodo)
        if (
            isinstance(nodo, ast.Constant)
            and isinstance(nodo.value, str)
            and SQL.search(nodo.value)
        ):
            halladas.append(nodo)
    return sorted({(n.lineno, ast.unparse(n).splitlines()[0][:100]) for n in halladas})


def _modulos() -> list[Path]:
    return sorted(
        ruta.relative_to(RAIZ)
        for carpeta in CARPETAS
        for ruta in (RAIZ / carpeta).rglob("*.py")
        if "migrations" not in ruta.parts
    )


def test_solo_transiciones_escribe_el_estado_de_un_acta():
    modulos = _modulos()
    assert Path("prep/actas/servicios.py") in modulos and Path("tests/fabricas.py") in modulos
    halladas = [
        f"{ruta}:{linea}: {codigo}"
        for ruta in modulos
        if ruta not in PERMITIDOS
        for linea, codigo in escrituras((RAIZ / ruta).read_text(encoding="utf-8"))
    ]
    assert not halladas, "escriben el estado de un acta fuera de transiciones:\n" + "\n".join(
        halladas
    )


def test_transiciones_si_escribe_el_estado():
    # The scan sees the writes it must see where they do happen.
    assert escrituras((RAIZ / "prep/actas/transiciones.py").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "codigo",
    [
        "acta.estado = 'verificada'",
        "self.acta.estado = E.VERIFICADA",
        "acta.cifras, acta.estado = {}, 'verificada'",
        "setattr(acta, 'estado', 'verificada')",
        "Acta.objects.create(eleccion=e, estado='verificada')",
        "Acta.objects.filter(pk=1).update(estado='verificada')",
        "Acta.objects.get_or_create(pk=1, defaults={'estado': 'verificada'})",
        "Acta.objects.bulk_update(actas, ['estado'])",
        "Acta(eleccion_id=1, estado='verificada')",
        "from prep.actas.models import Acta as Registro\nRegistro(estado='verificada')",
        "from prep.actas import models\nmodels.Acta.objects.update(estado='verificada')",
        "cursor.execute('UPDATE actas_acta SET estado = %s', ['verificada'])",
        "cursor.execute(f'INSERT INTO actas_acta ({columnas}) VALUES (%s)')",
    ],
)
def test_el_escaneo_encuentra_cada_forma_de_escribir_el_estado(codigo):
    assert escrituras(codigo)


@pytest.mark.parametrize(
    "codigo",
    [
        "estado = acta.estado",
        "imagen.estado = 'clasificada'",
        "difusor.estado = Difusor.Estado.ACTIVO",
        "Acta.objects.filter(estado='verificada').count()",
        "Acta.objects.exclude(estado='esperada').update(cotejada=True)",
        "Imagen.objects.create(estado='pendiente_clasificacion')",
        "aplicar(acta, SISTEMA, 'acopio.registrar', estado=E.ACOPIADA)",
        "cursor.execute('SELECT estado, count(*) FROM actas_acta GROUP BY estado')",
    ],
)
def test_el_escaneo_deja_pasar_lecturas_y_otros_modelos(codigo):
    assert not escrituras(codigo)
