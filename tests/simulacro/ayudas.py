"""Helpers of the simulacro tests: read a synthetic election through the rule engine."""

from collections import Counter

from prep.reglas.acta import Registro
from prep.reglas.evaluacion import Evaluacion, evaluar
from prep.simulacro.generador import ActaSintetica, EleccionSintetica, clave_de_casilla
from prep.simulacro.motor import Indice

# Injected case → the verdict (CONTABILIZADA, OBSERVACIONES) the rule engine must give it.
VEREDICTO_DEL_CASO = {
    "ilegible": ("1", "Ilegible"),
    "sin_dato": ("1", "Sin dato"),
    "todos_ilegibles": ("0", "Todos los campos ilegibles"),
    "todos_vacios": ("0", "Todos los campos vacíos"),
    "excede": ("0", "Excede Lista Nominal"),
    "sin_acta": ("0", "Sin Acta"),  # any of its causes
    "fuera_catalogo": ("2", "Fuera de catálogo"),
    "pendiente": ("-", "-"),
}
NORMAL = ("1", "-")


def casillas_por_clave(sintetica: EleccionSintetica) -> dict[str, tuple]:
    """casillas.csv rows by the casilla's key (CLAVE_CASILLA, plus the ámbito of one without
    sección)."""
    return {clave_de_casilla(fila): fila for fila in sintetica.catalogo["casillas.csv"]}


def evaluar_acta(acta: ActaSintetica, indice: Indice) -> Evaluacion:
    """The rule engine's verdict, with the catálogo's LISTA_NOMINAL and REPRESENTANTES_PP_CI."""
    return evaluar(indice.acta(acta))


def veredictos(sintetica: EleccionSintetica, eleccion: str) -> Counter:
    """How many actas of the election get each verdict; Sin Acta causes counted together."""
    indice = Indice(sintetica)
    resultado = Counter()
    for acta in sintetica.actas:
        if acta.eleccion == eleccion:
            ev = evaluar_acta(acta, indice)
            texto = "Sin Acta" if ev.texto_observaciones.startswith("Sin Acta") else None
            resultado[(ev.contabilizacion.value, texto or ev.texto_observaciones)] += 1
    return resultado


def veredictos_esperados(sintetica: EleccionSintetica, eleccion: str) -> Counter:
    """The verdicts the injected cases must produce."""
    casos = sintetica.casos[eleccion]
    resultado = Counter()
    for caso, n in casos.items():
        resultado[VEREDICTO_DEL_CASO[caso]] += n
    resultado[NORMAL] += esperadas(sintetica, eleccion) - sum(
        n for caso, n in casos.items() if caso != "fuera_catalogo"
    )
    return +resultado


def esperadas(sintetica: EleccionSintetica, eleccion: str) -> int:
    """Actas esperadas of the election."""
    return sum(
        1
        for a in sintetica.actas
        if a.eleccion == eleccion and a.registro is not Registro.FUERA_CATALOGO
    )
