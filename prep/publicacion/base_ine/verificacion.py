"""Checks a results database with the rule engine (docs/reglas.md, R4–R14).

(a) The header block is recomputed from the rows. Many institutes do not show every fact in the
    figures (illegible fields published as 0, withheld figures of actas that exceed the lista
    nominal), so the header is recomputed from each row's *published* status and observaciones,
    with the votes and lista nominal of the rows published as contabilizada.
(b) Each row's computed columns (TOTAL_VOTOS_CALCULADO, CONTABILIZADA, OBSERVACIONES) are
    recomputed from its figures, so (b) tells whether each published status is right.

Where institutes apply a rule differently (docs/reglas.md, «Bases reales y desviaciones
observadas»), the variant is detected from the file
and said, and mapped to a `ConfiguracionReglas` setting when there is one.

An institute's error is never masked (B6): a row whose OBSERVACIONES cannot be checked against
its cells is *no verificable*, not in agreement; a row whose TOTAL_VOTOS_CALCULADO is not the sum
of its cells is in disagreement; and when the header does not follow from the rows, the rows that
explain the difference are named (`Verificacion.causas`).

Pure Python: no Django import.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from itertools import combinations
from typing import TypeVar

from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.lectura import (
    NO_CONTABILIZAN,
    Anotacion,
    BaseResultados,
    ErrorFormato,
    Fila,
    es_no_aplica,
    es_sin_acta,
    leer_cifra,
    leer_entero,
    leer_porcentaje,
    listado,
    tipo_acta_reconocido,
)
from prep.reglas.acta import Acta, Registro, TipoCasilla
from prep.reglas.agregacion import Totales
from prep.reglas.cifras import Lectura, es_numero
from prep.reglas.configuracion import (
    CONFIGURACION_POR_OMISION,
    ConfiguracionReglas,
    Inconsistencias,
)
from prep.reglas.evaluacion import (
    FUERA_CATALOGO,
    PENDIENTE,
    Contabilizacion,
    Evaluacion,
    Observacion,
    evaluar,
    total_votos_calculado,
)
from prep.reglas.porcentajes import formatear, porcentaje

PORCENTAJES = tuple(c for c in ENCABEZADO if c.startswith("PORCENTAJE_"))
_K = TypeVar("_K")
_V = TypeVar("_V")

_ILEGIBLES = frozenset({Anotacion.ILEGIBLE, Anotacion.SIN_DATO, Anotacion.ILEGIBLE_O_SIN_DATO})
_ANOTACION = {
    Observacion.EXCEDE_LISTA_NOMINAL: Anotacion.EXCEDE_LISTA_NOMINAL,
    Observacion.ILEGIBLE: Anotacion.ILEGIBLE,
    Observacion.SIN_DATO: Anotacion.SIN_DATO,
    Observacion.TODOS_ILEGIBLES: Anotacion.TODOS_ILEGIBLES,
    Observacion.TODOS_VACIOS: Anotacion.TODOS_ILEGIBLES,
}

RETENIDAS = (
    "cifras no publicadas: el instituto deja en 0 o vacías las cifras de las actas con Excede"
    " Lista Nominal o todos los campos ilegibles"
)
ILEGIBLES_COMO_NUMERO = (
    "OBSERVACIONES no verificable: el archivo nunca escribe 'Ilegible' ni 'Sin dato' en las"
    " celdas de votos (publica esos campos como número)"
)
ILEGIBLE_NO_VISIBLE = (
    "OBSERVACIONES no verificable: dice 'ilegible o sin dato' pero ninguna celda de votos"
    " publicada lo muestra (el campo puede no ser de votos o publicarse como número)"
)
NO_RECONOCIDA = (
    "OBSERVACIONES no reconocida: no se sabe qué regla aplicó el instituto (ver los avisos)"
)
EXCEDE_SIN_REPRESENTANTES = (
    "R5 no verificable: su total pasa de la lista nominal y el archivo no publica"
    " REPRESENTANTES_PP_CI, que se le suman"
)
SIN_ACTA_EN_CELDAS = (
    "celdas 'SIN ACTA' en una fila que no se publica como Sin Acta: no se sabe qué cifras tiene"
)
# Header figures a row can change, in header order (the percentages follow from them).
CUENTAS = (
    "ACTAS_ESPERADAS",
    "ACTAS_REGISTRADAS",
    "ACTAS_FUERA_CATALOGO",
    "ACTAS_CAPTURADAS",
    "ACTAS_CONTABILIZADAS",
    "ACTAS_NO_CONTABILIZADAS",
    "LISTA_NOMINAL_ACTAS_CONTABILIZADAS",
    "TOTAL_VOTOS_C_CS",
    "TOTAL_VOTOS_S_CS",
)


class Participacion(StrEnum):
    """Which total the file's PORCENTAJE_PARTICIPACION_CIUDADANA uses (R13)."""

    CON_ESPECIALES = "participación calculada con casillas especiales (corte final)"
    SIN_ESPECIALES = "participación calculada sin casillas especiales (durante la operación)"


@dataclass(frozen=True, slots=True)
class Convenciones:
    """How this file applies the rules where institutes differ."""

    participacion: Participacion | None  # None: both totals give the figure, or neither does
    inconsistencias: Inconsistencias | None  # None: both variants give the figure, or neither
    escribe_ilegibles: bool  # some vote cell holds the text Ilegible or Sin dato
    fuera_catalogo: tuple[str, ...]  # CONTABILIZADA values of fuera de catálogo rows
    actas_no_listadas: int  # ACTAS_ESPERADAS minus catalog rows
    config: ConfiguracionReglas
    contendientes: str = ""  # how the contenders were inferred from the file, in Spanish
    # B4: whether participación counts the casillas without sección (A, M); None when the file
    # has none contabilizada, or both readings give the published figure.
    participacion_sin_seccion: bool | None = None
    hay_sin_seccion: bool = False  # some contabilizada row is of a casilla without sección
    # Columns some layouts lack (lectura.SIN_CONTABILIZADA, SIN_REPRESENTANTES).
    publica_contabilizada: bool = True
    publica_representantes: bool = True

    def descripcion(self) -> list[str]:
        """One Spanish line per convention."""
        lineas = [
            self._participacion(),
            *self._sin_seccion(),
            self._inconsistencias(),
            "celdas de votos: el archivo escribe 'Ilegible' / 'Sin dato'"
            if self.escribe_ilegibles
            else "celdas de votos: el archivo nunca escribe 'Ilegible' ni 'Sin dato'",
            (
                "fuera de catálogo con CONTABILIZADA "
                + (" / ".join(f"'{v}'" for v in self.fuera_catalogo) or "(no hay filas)")
                if self.publica_contabilizada
                else "fuera de catálogo: el archivo no publica CONTABILIZADA"
            ),
            f"{self.actas_no_listadas} actas esperadas no listadas en el archivo"
            if self.actas_no_listadas
            else "el archivo lista todas las actas esperadas",
        ]
        if self.contendientes:
            lineas.append(self.contendientes)
        return lineas

    def _participacion(self) -> str:
        if self.participacion is not None:
            return self.participacion.value
        return "participación: no se distingue si incluye casillas especiales"

    def _sin_seccion(self) -> list[str]:
        if not self.hay_sin_seccion:
            return []
        if self.participacion_sin_seccion is None:
            return [
                "participación: no se distingue si incluye las casillas sin sección"
                " (voto anticipado, extranjero)"
            ]
        incluye = "incluye" if self.participacion_sin_seccion else "no incluye"
        return [
            f"participación: {incluye} las casillas sin sección (voto anticipado, extranjero);"
            " su lista nominal sí cuenta en LISTA_NOMINAL_ACTAS_CONTABILIZADAS"
            f" (participacion_sin_seccion={'SI' if self.participacion_sin_seccion else 'NO'})"
        ]

    def _inconsistencias(self) -> str:
        if self.inconsistencias is Inconsistencias.TODAS:
            return (
                "actas con inconsistencias: algún campo ilegible o sin dato, excede lista nominal"
                " y todos ilegibles (Inconsistencias.TODAS)"
            )
        if self.inconsistencias is Inconsistencias.NO_CONTABILIZADAS:
            return (
                "actas con inconsistencias: solo excede lista nominal y todos ilegibles"
                " (Inconsistencias.NO_CONTABILIZADAS)"
            )
        return "actas con inconsistencias: no se distingue la variante; se usa la de la spec"


@dataclass(frozen=True, slots=True)
class Diferencia:
    """A published value and the value the rules give."""

    campo: str
    publicado: str
    esperado: str


@dataclass(frozen=True, slots=True)
class RevisionFila:
    """The result of checking one row."""

    fila: Fila
    diferencias: tuple[Diferencia, ...] = ()
    no_verificable: str | None = None  # why part of the row could not be checked


@dataclass(frozen=True, slots=True)
class Verificacion:
    """The result of checking a whole file."""

    base: BaseResultados
    convenciones: Convenciones
    notas: tuple[str, ...]
    diferencias_encabezado: tuple[Diferencia, ...]
    # How actas esperadas missing from the file account for every header difference; empty when
    # they do not (or there is nothing to account for).
    explicacion: tuple[str, ...]
    revisiones: tuple[RevisionFila, ...]
    # Recoverable problems of the file (repeated keys, unknown TIPO_ACTA or OBSERVACIONES).
    avisos: tuple[str, ...] = ()
    # When the header disagrees: which rows explain the difference (B6); empty otherwise.
    causas: tuple[str, ...] = ()

    @property
    def encabezado_coincide(self) -> bool:
        """True when every header figure agrees with the rows, or the differences are explained
        by actas esperadas the file does not list."""
        return not self.diferencias_encabezado or bool(self.explicacion)

    @property
    def filas_en_desacuerdo(self) -> tuple[RevisionFila, ...]:
        """Rows where some derivable computed column differs."""
        return tuple(r for r in self.revisiones if r.diferencias)

    @property
    def no_verificables(self) -> Counter[str]:
        """Rows not fully checkable, by reason."""
        return Counter(r.no_verificable for r in self.revisiones if r.no_verificable)

    @property
    def filas_no_verificables(self) -> tuple[RevisionFila, ...]:
        """Rows not fully checkable, in file order."""
        return tuple(r for r in self.revisiones if r.no_verificable)

    @property
    def totales_distintos(self) -> tuple[tuple[RevisionFila, Diferencia], ...]:
        """Rows whose published TOTAL_VOTOS_CALCULADO is a number other than the sum of their
        cells (R9), with that difference (`esperado` is the sum)."""
        return tuple(
            (r, d)
            for r in self.revisiones
            for d in r.diferencias
            if d.campo == "TOTAL_VOTOS_CALCULADO" and d.esperado.isdigit()
        )


def verificar(base: BaseResultados) -> Verificacion:
    """Check the header and every row of a results database."""
    publicado = _encabezado_publicado(base.encabezado)
    catalogo = sum(f.acta.registro is not Registro.FUERA_CATALOGO for f in base.filas)
    no_listadas = max(publicado["ACTAS_ESPERADAS"] - catalogo, 0)
    inconsistencias = _detectar_inconsistencias(base.filas, publicado, no_listadas)
    config = replace(
        CONFIGURACION_POR_OMISION,
        inconsistencias=inconsistencias or CONFIGURACION_POR_OMISION.inconsistencias,
    )
    # Participación is not a stored total: one pass over the rows serves every reading.
    totales = totales_publicados(base, config)
    participacion, sin_seccion = _detectar_participacion(publicado, totales)
    if sin_seccion is not None:
        config = replace(config, participacion_sin_seccion=sin_seccion)
    convenciones = Convenciones(
        participacion=participacion,
        inconsistencias=inconsistencias,
        escribe_ilegibles=any(
            v is Lectura.ILEGIBLE or v is Lectura.SIN_DATO for f in base.filas for v in f.votos
        ),
        fuera_catalogo=_marcas_fuera_de_catalogo(base.filas),
        actas_no_listadas=no_listadas,
        config=config,
        contendientes=_descripcion_contendientes(base),
        participacion_sin_seccion=sin_seccion,
        hay_sin_seccion=_hay_sin_seccion(totales),
        publica_contabilizada="CONTABILIZADA" in base.columnas,
        publica_representantes="REPRESENTANTES_PP_CI" in base.columnas,
    )
    diferencias = _comparar(publicado, _recalculado(totales, convenciones))
    explicacion: tuple[str, ...] = ()
    if diferencias and no_listadas:
        explicacion = _explicar_no_listadas(publicado, totales, convenciones)
    revisiones = tuple(revisar_fila(f, convenciones, base.columnas_voto) for f in base.filas)
    causas: tuple[str, ...] = ()
    if diferencias and not explicacion:
        causas = explicar_por_filas(base, publicado, totales, revisiones, config)
    return Verificacion(
        base=base,
        convenciones=convenciones,
        notas=(*base.notas, *_notas_de_formato(base.encabezado)),
        diferencias_encabezado=tuple(diferencias),
        explicacion=explicacion,
        revisiones=revisiones,
        avisos=base.avisos,
        causas=causas,
    )


def _descripcion_contendientes(base: BaseResultados) -> str:
    """Which vote columns the file shows not to apply where (B1), in one Spanish line. Groups
    with no figure yet (only Sin Acta or pending rows) tell nothing and are left out."""
    grupos = {g: c for g, c in base.contendientes.items() if tipo_acta_reconocido(g[1]) and c}
    if not grupos:  # no usable TIPO_ACTA: by demarcación only
        grupos = {g: c for g, c in base.contendientes.items() if c}
    if not grupos:
        return ""
    ausentes = Counter(
        columna
        for columnas in grupos.values()
        for columna in base.columnas_voto
        if columna not in columnas
    )
    inicio = (
        f"contendientes por {base.demarcacion.value} y TIPO_ACTA, inferidos de las celdas con"
        f" cifra ({len(grupos)} {'grupo' if len(grupos) == 1 else 'grupos'} con cifras)"
    )
    if not ausentes:
        return f"{inicio}: todas las columnas de votos aplican en todos"
    detalle = [f"{columna} no aplica en {n}" for columna, n in ausentes.items()]
    return f"{inicio}: {listado(detalle, 8)}"


def _marcas_fuera_de_catalogo(filas: Iterable[Fila]) -> tuple[str, ...]:
    """The CONTABILIZADA values the file gives fuera de catálogo rows (R7: 2, 0 or `-`)."""
    fuera = (f for f in filas if f.acta.registro is Registro.FUERA_CATALOGO)
    return tuple(sorted({f.celdas["CONTABILIZADA"] or "(vacía)" for f in fuera}))


# (a) The header block.


def _encabezado_publicado(encabezado: Mapping[str, str]) -> dict[str, int | Decimal]:
    """The 13 summary figures as numbers; any other field an institute adds is left alone."""
    valores: dict[str, int | Decimal] = {}
    for campo in ENCABEZADO:
        texto = encabezado[campo]
        try:
            valores[campo] = leer_porcentaje(texto) if campo in PORCENTAJES else _entero(texto)
        except ValueError as exc:
            raise ErrorFormato(f"encabezado, {campo}: {exc}") from None
    return valores


def _entero(texto: str) -> int:
    valor = leer_entero(texto)
    if valor is None:
        raise ValueError(f"se esperaba un número entero: {texto!r}")
    return valor


def evaluacion_publicada(fila: Fila, config: ConfiguracionReglas) -> Evaluacion:
    """The row's published verdict, as the aggregation consumes it: its published status, the
    R9 total of its figures, and whether its published observaciones count as an inconsistency
    under `config`. Its observaciones stay empty: only the row check compares them."""
    acta = fila.acta
    if acta.registro is Registro.FUERA_CATALOGO:
        return FUERA_CATALOGO
    if acta.registro is Registro.PENDIENTE:
        return PENDIENTE
    contabilizada = fila.celdas["CONTABILIZADA"] == Contabilizacion.CONTABILIZADA.value
    return Evaluacion(
        Contabilizacion.CONTABILIZADA if contabilizada else Contabilizacion.NO_CONTABILIZADA,
        total_votos_calculado=total_votos_calculado(acta),
        con_inconsistencia=con_inconsistencia(fila.anotaciones, config.inconsistencias),
    )


def con_inconsistencia(anotaciones: frozenset[Anotacion], variante: Inconsistencias) -> bool:
    """Whether PORCENTAJE_ACTAS_INCONSISTENCIAS counts an acta with these observaciones."""
    if variante is Inconsistencias.TODAS:
        return bool(anotaciones & (NO_CONTABILIZAN | _ILEGIBLES))
    return bool(anotaciones & NO_CONTABILIZAN)


def totales_publicados(base: BaseResultados, config: ConfiguracionReglas) -> Totales:
    """The election's totals from every row's published verdict (`evaluacion_publicada`)."""
    totales = Totales(len(base.columnas_voto))
    for fila in base.filas:
        totales.sumar_acta(fila.acta, evaluacion_publicada(fila, config))
    return totales


def _recalculado(
    t: Totales, convenciones: Convenciones
) -> dict[str, int | Decimal | tuple[Decimal, ...]]:
    """The 13 header figures from the rows; participación gives every candidate the file's
    conventions leave open (R13, B4)."""
    return {
        "ACTAS_ESPERADAS": t.actas_esperadas,
        "ACTAS_REGISTRADAS": t.actas_registradas,
        "ACTAS_FUERA_CATALOGO": t.actas_fuera_catalogo,
        "ACTAS_CAPTURADAS": t.actas_capturadas,
        "PORCENTAJE_ACTAS_CAPTURADAS": t.porcentaje_actas_capturadas,
        "ACTAS_CONTABILIZADAS": t.actas_contabilizadas,
        "PORCENTAJE_ACTAS_CONTABILIZADAS": t.porcentaje_actas_contabilizadas,
        "PORCENTAJE_ACTAS_INCONSISTENCIAS": t.porcentaje_actas_inconsistencias,
        "ACTAS_NO_CONTABILIZADAS": t.actas_no_contabilizadas,
        "LISTA_NOMINAL_ACTAS_CONTABILIZADAS": t.lista_nominal_actas_contabilizadas,
        "TOTAL_VOTOS_C_CS": t.total_votos_c_cs,
        "TOTAL_VOTOS_S_CS": t.total_votos_s_cs,
        "PORCENTAJE_PARTICIPACION_CIUDADANA": _posibles(
            t.total_votos_c_cs,
            t.total_votos_s_cs,
            t.lista_nominal_actas_contabilizadas,
            t,
            convenciones,
        ),
    }


def _comparar(
    publicado: Mapping[str, int | Decimal],
    recalculado: Mapping[str, int | Decimal | tuple[Decimal, ...]],
) -> list[Diferencia]:
    """Counts as integers, percentages by value (R12 truncation is in the recomputation)."""
    diferencias = []
    for campo, esperado in recalculado.items():
        opciones = esperado if isinstance(esperado, tuple) else (esperado,)
        if publicado[campo] not in opciones:
            diferencias.append(
                Diferencia(campo, _texto(publicado[campo]), " o ".join(map(_texto, opciones)))
            )
    return diferencias


def _texto(valor: int | Decimal) -> str:
    return formatear(valor) if isinstance(valor, Decimal) else str(valor)


def _notas_de_formato(encabezado: Mapping[str, str]) -> Iterable[str]:
    """R12 prints every percentage with exactly four decimals; real files sometimes do not."""
    for campo in PORCENTAJES:
        texto = encabezado[campo]
        esperado = formatear(leer_porcentaje(texto))
        if texto != esperado:
            yield (
                f"{campo} publicado como '{texto}' y no '{esperado}' (R12 pide 4 decimales);"
                " se compara por valor"
            )


def _participaciones(
    votos_c_cs: int, votos_s_cs: int, lista: int, t: Totales
) -> dict[tuple[Participacion, bool], Decimal]:
    """PORCENTAJE_PARTICIPACION_CIUDADANA under each reading of R13 (with or without casillas
    especiales) and of B4 (with or without the rows' casillas without sección in `t`, which are
    never especiales: their votes are in both totals, their lista nominal in `lista`)."""
    candidatos = {}
    for sin_seccion in (True, False):
        quitar_votos = 0 if sin_seccion else t.votos_sin_seccion
        quitar_lista = 0 if sin_seccion else t.lista_nominal_sin_seccion
        for especiales, votos in (
            (Participacion.CON_ESPECIALES, votos_c_cs),
            (Participacion.SIN_ESPECIALES, votos_s_cs),
        ):
            candidatos[especiales, sin_seccion] = porcentaje(
                votos - quitar_votos, lista - quitar_lista
            )
    return candidatos


def _posibles(
    votos_c_cs: int, votos_s_cs: int, lista: int, t: Totales, convenciones: Convenciones
) -> tuple[Decimal, ...]:
    """The distinct participaciones (`_participaciones`) under the readings the file's
    conventions leave open."""
    return tuple(
        dict.fromkeys(
            valor
            for (especiales, sin_seccion), valor in _participaciones(
                votos_c_cs, votos_s_cs, lista, t
            ).items()
            if convenciones.participacion in (None, especiales)
            and convenciones.participacion_sin_seccion in (None, sin_seccion)
        )
    )


def _hay_sin_seccion(t: Totales) -> bool:
    return bool(t.votos_sin_seccion or t.lista_nominal_sin_seccion)


def _detectar_participacion(
    publicado: Mapping[str, int | Decimal], t: Totales
) -> tuple[Participacion | None, bool | None]:
    """The readings of R13 and B4 that reproduce the published participación: from the header's
    own totals, less the part of the rows' casillas without sección (`t`) when they are left
    out. Each is None when both of its readings do, or none does."""
    candidatos = _participaciones(
        int(publicado["TOTAL_VOTOS_C_CS"]),
        int(publicado["TOTAL_VOTOS_S_CS"]),
        int(publicado["LISTA_NOMINAL_ACTAS_CONTABILIZADAS"]),
        t,
    )
    aciertos = [
        lectura
        for lectura, valor in candidatos.items()
        if valor == publicado["PORCENTAJE_PARTICIPACION_CIUDADANA"]
    ]
    especiales = {e for e, _ in aciertos}
    sin_seccion = {s for _, s in aciertos} if _hay_sin_seccion(t) else set()
    return (
        especiales.pop() if len(especiales) == 1 else None,
        sin_seccion.pop() if len(sin_seccion) == 1 else None,
    )


def _detectar_inconsistencias(
    filas: Iterable[Fila], publicado: Mapping[str, int | Decimal], holgura: int
) -> Inconsistencias | None:
    """The variant whose count of actas con inconsistencia reproduces the published percentage,
    allowing up to `holgura` unlisted actas; None when both or neither do."""
    esperadas = int(publicado["ACTAS_ESPERADAS"])
    cuentas = {v: 0 for v in Inconsistencias}
    for fila in filas:
        for variante in cuentas:
            cuentas[variante] += con_inconsistencia(fila.anotaciones, variante)
    meta = publicado["PORCENTAJE_ACTAS_INCONSISTENCIAS"]
    return _unico(
        cuentas,
        lambda k: any(porcentaje(k + d, esperadas) == meta for d in range(holgura + 1)),
    )


def _unico(candidatos: Mapping[_K, _V], acierta: Callable[[_V], bool]) -> _K | None:
    aciertos = [clave for clave, valor in candidatos.items() if acierta(valor)]
    return aciertos[0] if len(aciertos) == 1 else None


def _explicar_no_listadas(
    publicado: Mapping[str, int | Decimal], t: Totales, convenciones: Convenciones
) -> tuple[str, ...]:
    """Whether up to N actas esperadas missing from the file, all of casillas especiales (no
    lista nominal, no votes in TOTAL_VOTOS_S_CS), account for every header difference; the
    explanation, or () when they do not.

    Campeche 2021 DIP_LOC lists one row per casilla while ACTAS_ESPERADAS also counts the acta de
    representación proporcional of each casilla especial.
    """
    n = convenciones.actas_no_listadas
    p = {campo: int(valor) for campo, valor in publicado.items() if campo not in PORCENTAJES}
    capturadas = p["ACTAS_CAPTURADAS"] - t.actas_capturadas
    contabilizadas = p["ACTAS_CONTABILIZADAS"] - t.actas_contabilizadas
    no_contabilizadas = p["ACTAS_NO_CONTABILIZADAS"] - t.actas_no_contabilizadas
    registradas = p["ACTAS_REGISTRADAS"] - t.actas_registradas
    votos = p["TOTAL_VOTOS_C_CS"] - t.total_votos_c_cs
    cuadra = (
        p["ACTAS_FUERA_CATALOGO"] == t.actas_fuera_catalogo
        and contabilizadas >= 0
        and no_contabilizadas >= 0
        and capturadas == contabilizadas + no_contabilizadas <= n
        and 0 <= registradas <= capturadas
        and p["LISTA_NOMINAL_ACTAS_CONTABILIZADAS"] == t.lista_nominal_actas_contabilizadas
        and p["TOTAL_VOTOS_S_CS"] == t.total_votos_s_cs
        and votos >= 0
        and (contabilizadas > 0 or votos == 0)
        and _porcentajes_propios(publicado, t, capturadas, convenciones)
    )
    if not cuadra:
        return ()
    explicacion = [
        f"{n} actas esperadas no listadas en el archivo: ACTAS_ESPERADAS {p['ACTAS_ESPERADAS']},"
        f" {t.actas_esperadas} filas del catálogo.",
        f"El encabezado cuenta {capturadas} de ellas como capturadas ({contabilizadas}"
        f" contabilizadas, {no_contabilizadas} no contabilizadas) con {votos} votos, sin lista"
        " nominal ni votos en TOTAL_VOTOS_S_CS: actas de casillas especiales."
        if capturadas
        else "El encabezado no cuenta ninguna de ellas como capturada.",
        "Los porcentajes son la truncación (R12) de las cifras del propio encabezado.",
    ]
    if registradas < capturadas:
        explicacion.append(
            f"ACTAS_REGISTRADAS ({p['ACTAS_REGISTRADAS']}) no cuenta {capturadas - registradas}"
            " de esas actas capturadas: el encabezado no cumple R14 (ACTAS_CAPTURADAS"
            f" {p['ACTAS_CAPTURADAS']} + ACTAS_FUERA_CATALOGO {p['ACTAS_FUERA_CATALOGO']} ="
            f" {p['ACTAS_CAPTURADAS'] + p['ACTAS_FUERA_CATALOGO']})."
        )
    return tuple(explicacion)


def _porcentajes_propios(
    publicado: Mapping[str, int | Decimal],
    t: Totales,
    no_listadas: int,
    convenciones: Convenciones,
) -> bool:
    """Each published percentage is the truncation of the header's own counts (participación,
    less the rows' casillas without sección when the file leaves them out); the unlisted actas
    may add up to `no_listadas` actas con inconsistencia beyond the rows' (`t`)."""
    p = publicado
    esperadas = int(p["ACTAS_ESPERADAS"])
    lista = int(p["LISTA_NOMINAL_ACTAS_CONTABILIZADAS"])
    opciones = _posibles(
        int(p["TOTAL_VOTOS_C_CS"]), int(p["TOTAL_VOTOS_S_CS"]), lista, t, convenciones
    )
    return (
        p["PORCENTAJE_ACTAS_CAPTURADAS"] == porcentaje(int(p["ACTAS_CAPTURADAS"]), esperadas)
        and p["PORCENTAJE_ACTAS_CONTABILIZADAS"]
        == porcentaje(int(p["ACTAS_CONTABILIZADAS"]), esperadas)
        and any(
            p["PORCENTAJE_ACTAS_INCONSISTENCIAS"]
            == porcentaje(t.actas_con_inconsistencia + d, esperadas)
            for d in range(no_listadas + 1)
        )
        and p["PORCENTAJE_PARTICIPACION_CIUDADANA"] in opciones
    )


# Which rows explain a header difference (B6).


@dataclass(frozen=True, slots=True)
class _Causa:
    """Rows that would give the published header if the institute had treated them otherwise."""

    texto: str  # what the header did with them, in Spanish
    filas: tuple[str, ...]  # each row's name and figures
    efecto: Mapping[str, int]  # header figure → published minus recomputed, if this is the cause
    libres: frozenset[str] = frozenset()  # figures it raises by an amount the file does not show


def _cuentas(t: Totales) -> dict[str, int]:
    return {
        "ACTAS_ESPERADAS": t.actas_esperadas,
        "ACTAS_REGISTRADAS": t.actas_registradas,
        "ACTAS_FUERA_CATALOGO": t.actas_fuera_catalogo,
        "ACTAS_CAPTURADAS": t.actas_capturadas,
        "ACTAS_CONTABILIZADAS": t.actas_contabilizadas,
        "ACTAS_NO_CONTABILIZADAS": t.actas_no_contabilizadas,
        "LISTA_NOMINAL_ACTAS_CONTABILIZADAS": t.lista_nominal_actas_contabilizadas,
        "TOTAL_VOTOS_C_CS": t.total_votos_c_cs,
        "TOTAL_VOTOS_S_CS": t.total_votos_s_cs,
    }


def _efecto(
    columnas: int, cambios: Iterable[tuple[Acta, Evaluacion, Evaluacion | None]]
) -> dict[str, int]:
    """How much the header figures move when each acta is counted by its second verdict instead
    of its published one (None: not counted at all)."""
    antes, despues = Totales(columnas), Totales(columnas)
    for acta, publicada, otra in cambios:
        antes.sumar_acta(acta, publicada)
        if otra is not None:
            despues.sumar_acta(acta, otra)
    a, d = _cuentas(antes), _cuentas(despues)
    return {campo: d[campo] - a[campo] for campo in CUENTAS}


def _causas_posibles(
    base: BaseResultados, revisiones: Sequence[RevisionFila], config: ConfiguracionReglas
) -> list[_Causa]:
    """Every kind of row whose published status or figures can make the header differ."""
    n = len(base.columnas_voto)
    publicada = {id(r.fila): evaluacion_publicada(r.fila, config) for r in revisiones}
    causas = []

    # The header adds the published TOTAL_VOTOS_CALCULADO, which is not the sum of the cells.
    totales = [
        (r, int(d.publicado), int(d.esperado))
        for r in revisiones
        for d in r.diferencias
        if d.campo == "TOTAL_VOTOS_CALCULADO" and d.publicado.isdigit() and d.esperado.isdigit()
    ]
    causas.append(
        _Causa(
            "el encabezado suma el TOTAL_VOTOS_CALCULADO publicado, que no es la suma de las"
            " celdas de la fila",
            tuple(f"{_nombre(r)} (publicado {p}, suma de las celdas {e})" for r, p, e in totales),
            _efecto(
                n,
                (
                    (
                        r.fila.acta,
                        publicada[id(r.fila)],
                        replace(publicada[id(r.fila)], total_votos_calculado=p),
                    )
                    for r, p, _ in totales
                ),
            ),
        )
    )

    # The header follows the rules where the row's published CONTABILIZADA does not.
    estados = [
        (r, d)
        for r in revisiones
        for d in r.diferencias
        if d.campo == "CONTABILIZADA" and d.esperado in {"0", "1"} and d.publicado in {"0", "1"}
    ]
    causas.append(
        _Causa(
            "el encabezado cuenta la fila como dicen las reglas y no como dice su CONTABILIZADA",
            tuple(
                f"{_nombre(r)} (publicada {d.publicado}, según las reglas {d.esperado})"
                for r, d in estados
            ),
            _efecto(
                n,
                (
                    (
                        r.fila.acta,
                        publicada[id(r.fila)],
                        replace(publicada[id(r.fila)], contabilizacion=Contabilizacion(d.esperado)),
                    )
                    for r, d in estados
                ),
            ),
        )
    )

    # The header counts a CLAVE_ACTA repeated in the same ámbito once.
    causas.append(
        _Causa(
            "el encabezado cuenta una sola vez cada CLAVE_ACTA repetida en el mismo ámbito; sobran",
            tuple(f.acta.clave for f in base.repetidas),
            _efecto(n, ((f.acta, evaluacion_publicada(f, config), None) for f in base.repetidas)),
        )
    )

    # The header counts as contabilizadas rows published as no contabilizadas with their figures
    # withheld: by how many votes, the file does not show.
    retenidas = [
        r
        for r in revisiones
        if r.no_verificable == RETENIDAS and r.fila.celdas["CONTABILIZADA"] == "0"
    ]
    causas.append(
        _Causa(
            "el encabezado cuenta como contabilizadas filas no verificables publicadas como no"
            " contabilizadas y sin cifras",
            tuple(_nombre(r) for r in retenidas),
            _efecto(
                n,
                (
                    (
                        r.fila.acta,
                        publicada[id(r.fila)],
                        replace(
                            publicada[id(r.fila)], contabilizacion=Contabilizacion.CONTABILIZADA
                        ),
                    )
                    for r in retenidas
                ),
            ),
            frozenset(
                {"TOTAL_VOTOS_C_CS"}
                | (
                    {"TOTAL_VOTOS_S_CS"}
                    if any(r.fila.acta.tipo_casilla != TipoCasilla.ESPECIAL for r in retenidas)
                    else set()
                )
            ),
        )
    )

    # The header does not count Sin Acta rows as capturadas (R6 says it should).
    sin_acta = [r for r in revisiones if r.fila.acta.registro is Registro.SIN_ACTA]
    causas.append(
        _Causa(
            "el encabezado no cuenta como capturadas las actas Sin Acta",
            tuple(_nombre(r) for r in sin_acta),
            _efecto(n, ((r.fila.acta, publicada[id(r.fila)], PENDIENTE) for r in sin_acta)),
        )
    )
    return [c for c in causas if c.filas and (any(c.efecto.values()) or c.libres)]


def explicar_por_filas(
    base: BaseResultados,
    publicado: Mapping[str, int | Decimal],
    totales: Totales,
    revisiones: Sequence[RevisionFila],
    config: ConfiguracionReglas,
) -> tuple[str, ...]:
    """Which rows explain the header's differences with the rows (B6), in Spanish: the smallest
    set of kinds of rows that accounts for every count and total, or those that account for part
    of it, or that none does."""
    recalculado = _cuentas(totales)
    delta = {campo: int(publicado[campo]) - recalculado[campo] for campo in CUENTAS}
    if not any(delta.values()):
        # The counts agree: only a percentage differs, and the inconsistencias one can be told.
        return _explicar_inconsistencias(publicado, totales, revisiones, config)
    causas = _causas_posibles(base, revisiones, config)
    for tamano in range(1, len(causas) + 1):
        for grupo in combinations(causas, tamano):
            if _cuadra(delta, grupo):
                return ("Filas que explican la diferencia:", *map(_linea_causa, grupo))
    parciales = [c for c in causas if _explica_parte(delta, c)]
    distintos = ", ".join(f"{campo} {v:+d}" for campo, v in delta.items() if v)
    if parciales:
        return (
            f"Ninguna combinación de filas explica toda la diferencia ({distintos}); explican"
            " parte de ella:",
            *map(_linea_causa, parciales),
        )
    return (
        f"Ninguna fila publicada explica la diferencia ({distintos}): el encabezado no se sigue"
        " de las filas.",
    )


def _explicar_inconsistencias(
    publicado: Mapping[str, int | Decimal],
    totales: Totales,
    revisiones: Sequence[RevisionFila],
    config: ConfiguracionReglas,
) -> tuple[str, ...]:
    """Whether PORCENTAJE_ACTAS_INCONSISTENCIAS leaves out the rows whose OBSERVACIONES says
    'ilegible o sin dato' with no cell that shows it: the header follows the cells there."""
    meta = publicado["PORCENTAJE_ACTAS_INCONSISTENCIAS"]
    esperadas = int(publicado["ACTAS_ESPERADAS"])
    if porcentaje(totales.actas_con_inconsistencia, esperadas) == meta:
        return ()
    sin_celda = [
        r
        for r in revisiones
        if r.no_verificable in {ILEGIBLE_NO_VISIBLE, ILEGIBLES_COMO_NUMERO}
        and con_inconsistencia(r.fila.anotaciones, config.inconsistencias)
    ]
    if (
        not sin_celda
        or porcentaje(totales.actas_con_inconsistencia - len(sin_celda), esperadas) != meta
    ):
        return ()
    filas = "fila" if len(sin_celda) == 1 else "filas"
    return (
        "Filas que explican la diferencia:",
        "- PORCENTAJE_ACTAS_INCONSISTENCIAS no cuenta como inconsistencia las filas no"
        " verificables cuyo OBSERVACIONES dice 'ilegible o sin dato' sin celda que lo muestre;"
        f" {len(sin_celda)} {filas}: {listado([_nombre(r) for r in sin_celda])}",
    )


def _cuadra(delta: Mapping[str, int], causas: Sequence[_Causa]) -> bool:
    libres = frozenset().union(*(c.libres for c in causas))
    for campo in CUENTAS:
        resto = delta[campo] - sum(c.efecto[campo] for c in causas)
        if resto < 0 or (resto and campo not in libres):
            return False
    return True


def _explica_parte(delta: Mapping[str, int], causa: _Causa) -> bool:
    """Every figure the rows move, they move towards the published one and not past it."""
    toca = False
    for campo in CUENTAS:
        efecto = causa.efecto[campo]
        if campo in causa.libres or not efecto:
            continue
        if delta[campo] * efecto <= 0 or abs(efecto) > abs(delta[campo]):
            return False
        toca = True
    return toca


def _linea_causa(causa: _Causa) -> str:
    efectos = [f"{campo} {v:+d}" for campo, v in causa.efecto.items() if v]
    efectos += [f"{campo} más lo que sumen" for campo in CUENTAS if campo in causa.libres]
    filas = "fila" if len(causa.filas) == 1 else "filas"
    return (
        f"- {causa.texto} ({', '.join(efectos)}); {len(causa.filas)} {filas}:"
        f" {listado(causa.filas)}"
    )


def _nombre(revision: RevisionFila) -> str:
    return revision.fila.acta.clave


# (b) Each row.


def revisar_fila(
    fila: Fila, convenciones: Convenciones, columnas_voto: Sequence[str]
) -> RevisionFila:
    """Recompute the row's computed columns from its figures and lista nominal (R4–R9)."""
    revision = _revisar_fila(fila, convenciones, columnas_voto)
    if convenciones.publica_contabilizada:
        return revision
    # The status was deduced from the row itself: nothing published to compare it with.
    return replace(
        revision, diferencias=tuple(d for d in revision.diferencias if d.campo != "CONTABILIZADA")
    )


def _revisar_fila(
    fila: Fila, convenciones: Convenciones, columnas_voto: Sequence[str]
) -> RevisionFila:
    registro = fila.acta.registro
    if registro is Registro.PENDIENTE:
        return RevisionFila(fila)
    if registro is Registro.FUERA_CATALOGO:
        # R7: never contabilizada; institutes mark it 2, 0 or `-`.
        return RevisionFila(fila, tuple(_contabilizada(fila, "0, 2 o -", {"0", "2", "-", ""})))
    motivo = NO_RECONOCIDA if fila.problemas else None
    if registro is Registro.SIN_ACTA:
        # R6: no contabilizada and no figures.
        return RevisionFila(fila, (*_no_contabilizada(fila), *_sin_total(fila)), motivo)
    acta = acta_aplicable(fila, columnas_voto, convenciones.escribe_ilegibles)
    if motivo is not None:
        # Whatever rule the unknown observación stands for, R9 still holds.
        return RevisionFila(fila, tuple(_total_si_hay_cifras(fila, acta)), motivo)
    if any(es_sin_acta(fila.celdas[c]) for c in columnas_voto):
        return RevisionFila(fila, (), SIN_ACTA_EN_CELDAS)
    if cifras_retenidas(fila):
        # R4/R5 as published still mean no contabilizada.
        return RevisionFila(fila, tuple(_no_contabilizada(fila)), RETENIDAS)
    if not convenciones.publica_representantes and _podria_exceder(acta):
        # R5 adds the representantes to the lista nominal: without them it cannot be told.
        return RevisionFila(
            fila, tuple(_total_si_hay_cifras(fila, acta)), EXCEDE_SIN_REPRESENTANTES
        )
    evaluacion = evaluar(acta, convenciones.config)
    contabilizacion = evaluacion.contabilizacion.value
    diferencias = [
        *_total(fila, acta, evaluacion),
        *_contabilizada(fila, contabilizacion, {contabilizacion}),
    ]
    diferencia, motivo = _observaciones(fila, evaluacion, convenciones.escribe_ilegibles)
    if diferencia is not None:
        diferencias.append(diferencia)
    return RevisionFila(fila, tuple(diferencias), motivo)


def _podria_exceder(acta: Acta) -> bool:
    """Whether R5 may apply: the acta's votes pass its lista nominal (casillas especiales have
    none, and R5 does not apply to them)."""
    return (
        acta.tipo_casilla != TipoCasilla.ESPECIAL
        and (total_votos_calculado(acta) or 0) > acta.lista_nominal
    )


def acta_aplicable(fila: Fila, columnas_voto: Sequence[str], escribe_ilegibles: bool) -> Acta:
    """The row's acta with only the vote fields that apply to it, for R4 and the observaciones.

    A field does not apply when its cell says so (`-`, `N/A`: B2) or, empty, when its column
    holds no figure anywhere in the acta's demarcación and TIPO_ACTA (the reader marks both
    NO_APLICA). A file that never writes Ilegible / Sin dato publishes those fields as numbers,
    so none of its empty cells can be read as a field with nothing written (R3): they are left
    out too (Campeche 2021 AYUN leaves empty the parties with no candidate in the municipio).
    """
    vacia_no_aplica = not escribe_ilegibles
    aplican = tuple(
        cifra
        for cifra, columna in zip(fila.acta.votos, columnas_voto, strict=True)
        # A number always applies: only the other cells need their wording read.
        if type(cifra) is int
        or (
            cifra is not Lectura.NO_APLICA
            and not no_aplica(fila.celdas[columna], vacia_no_aplica=vacia_no_aplica)
        )
    )
    return replace(fila.acta, votos=aplican)


def no_aplica(celda: str, *, vacia_no_aplica: bool) -> bool:
    """True when a vote cell says its field does not apply to the acta (`-`, `N/A`, …), or
    holds no figure and `vacia_no_aplica`."""
    return es_no_aplica(celda) or (vacia_no_aplica and leer_cifra(celda) is None)


def cifras_retenidas(fila: Fila) -> bool:
    """True when the row is published as R4/R5 but shows no figure to check it by: every vote
    cell and TOTAL_VOTOS_CALCULADO 0 or empty (Campeche 2021)."""
    if not fila.anotaciones & NO_CONTABILIZAN:
        return False
    total = _cifra(fila, "TOTAL_VOTOS_CALCULADO")
    return total in (None, 0) and all(v in (None, 0) or v is Lectura.NO_APLICA for v in fila.votos)


def _cifra(fila: Fila, columna: str) -> object:
    """The cell as a figure, or its text when it is not one (so it never equals a figure)."""
    texto = fila.celdas[columna]
    try:
        return leer_cifra(texto)
    except ValueError:
        return texto


def _contabilizada(fila: Fila, esperado: str, aceptados: set[str]) -> Iterable[Diferencia]:
    publicado = fila.celdas["CONTABILIZADA"]
    if publicado not in aceptados:
        yield Diferencia("CONTABILIZADA", publicado, esperado)


def _no_contabilizada(fila: Fila) -> Iterable[Diferencia]:
    no = Contabilizacion.NO_CONTABILIZADA.value
    return _contabilizada(fila, no, {no})


def _sin_total(fila: Fila) -> Iterable[Diferencia]:
    if _cifra(fila, "TOTAL_VOTOS_CALCULADO") not in (None, 0):
        yield Diferencia("TOTAL_VOTOS_CALCULADO", fila.celdas["TOTAL_VOTOS_CALCULADO"], "-")


def _total(fila: Fila, acta: Acta, evaluacion: Evaluacion) -> Iterable[Diferencia]:
    """R9. With no legible figure (R4) there is nothing to add up, and institutes publish 0,
    `Ilegible`, `-` or nothing: any of them is accepted."""
    publicado = _cifra(fila, "TOTAL_VOTOS_CALCULADO")
    esperado = evaluacion.total_votos_calculado
    if any(es_numero(v) for v in acta.votos):
        coincide = publicado == esperado
    else:
        coincide = not es_numero(publicado) or publicado == 0
    if not coincide:
        yield Diferencia(
            "TOTAL_VOTOS_CALCULADO", fila.celdas["TOTAL_VOTOS_CALCULADO"], str(esperado)
        )


def _total_si_hay_cifras(fila: Fila, acta: Acta) -> Iterable[Diferencia]:
    """R9 alone, when the row shows some number to add up."""
    if any(es_numero(v) for v in acta.votos):
        yield from _total(
            fila, acta, Evaluacion(Contabilizacion.PENDIENTE, (), total_votos_calculado(acta))
        )


def _observaciones(
    fila: Fila, evaluacion: Evaluacion, escribe_ilegibles: bool
) -> tuple[Diferencia | None, str | None]:
    """Compare published and computed observaciones; return the difference, if any, and why
    part of them could not be checked, if so."""
    calculadas = {_ANOTACION[o] for o in evaluacion.observaciones}
    publicadas = fila.anotaciones
    calculadas_il, publicadas_il = calculadas & _ILEGIBLES, publicadas & _ILEGIBLES
    motivo = None
    if not calculadas_il:
        # Nothing to derive the Ilegible / Sin dato label from.
        if publicadas_il:
            motivo = ILEGIBLE_NO_VISIBLE if escribe_ilegibles else ILEGIBLES_COMO_NUMERO
        ilegibles_ok = True
    elif Anotacion.ILEGIBLE_O_SIN_DATO in publicadas_il:
        ilegibles_ok = True
    elif not publicadas_il:
        # OPL files publish one label per acta: the R4/R5 one wins over Ilegible / Sin dato.
        ilegibles_ok = len(publicadas) == 1 and publicadas <= NO_CONTABILIZAN
    else:
        ilegibles_ok = publicadas_il == calculadas_il
    if ilegibles_ok and calculadas & NO_CONTABILIZAN == publicadas & NO_CONTABILIZAN:
        return None, motivo
    publicado = fila.celdas["OBSERVACIONES"] or "(vacía)"
    return Diferencia("OBSERVACIONES", publicado, evaluacion.texto_observaciones), motivo
