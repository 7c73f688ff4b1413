"""The JSON the results site reads: one file per election and level (resumen, entidad,
distrito or municipio, sección with its casillas and their actas), as the CSV database says it.

Each acta is its database row (same strings, same order), so the site, the JSON and the CSV
cannot disagree. Percentages are the CSV header's strings (R12: truncated, 4 decimals).
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from prep.catalogo.boletas import candidatos_en
from prep.catalogo.claves import partes_de_casilla
from prep.catalogo.elecciones import es_federal
from prep.catalogo.models import Coalicion, ColumnaVoto, Distrito, Eleccion, Entidad, Municipio
from prep.publicacion.base_datos import (
    CoalicionPublicada,
    EleccionCalculada,
    columnas_identificacion,
    para_agregar,
)
from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.escritura import columnas_fila, valores_encabezado, valores_fila
from prep.reglas.acta import Registro
from prep.reglas.agregacion import (
    CandidaturaDeCoalicion,
    Clave,
    Nivel,
    Totales,
    contiende,
    orden_clave,
)

_TIPO_COLUMNA = {
    ColumnaVoto.Tipo.PARTIDO: "partido",
    ColumnaVoto.Tipo.COMBINACION: "coalicion",
    ColumnaVoto.Tipo.INDEPENDIENTE: "candidatura_independiente",
    ColumnaVoto.Tipo.NO_REGISTRADAS: "no_registradas",
    ColumnaVoto.Tipo.NULOS: "nulos",
}
_TIPO_CASILLA = {
    "B": "Básica",
    "C": "Contigua",
    "E": "Extraordinaria",
    "S": "Especial",
    "A": "Voto anticipado",
    "M": "Voto desde el extranjero",
}
_TIPO_COALICION = {
    Coalicion.Tipo.COALICION: "coalicion",
    Coalicion.Tipo.CANDIDATURA_COMUN: "candidatura_comun",
}
_EXTENSION = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def a_json(datos: object) -> bytes:
    """Compact, deterministic JSON (R16: the same state gives the same bytes)."""
    return json.dumps(datos, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def extension(tipo: str) -> str:
    """The file extension of an image's MIME type."""
    return _EXTENSION[tipo]


@dataclass(frozen=True)
class Nombres:
    """Names of the geography, for titles and breadcrumbs."""

    entidades: dict[int, str]
    distritos: dict[tuple[int, str, int], str]  # (entidad, tipo, número) → cabecera
    municipios: dict[tuple[int, int], str]

    @classmethod
    def del_catalogo(cls) -> "Nombres":
        """Read them from the catálogo."""
        return cls(
            dict(Entidad.objects.values_list("clave", "nombre")),
            {
                (e, t, n): c
                for e, t, n, c in Distrito.objects.values_list(
                    "entidad__clave", "tipo", "numero", "cabecera"
                )
            },
            {
                (e, n): m
                for e, n, m in Municipio.objects.values_list("entidad__clave", "numero", "nombre")
            },
        )


def totales_json(
    totales: Totales, corte_final: bool, coaliciones: Sequence[CandidaturaDeCoalicion] = ()
) -> dict:
    """A node's counters, percentages, participación and votes (NODE_TOTALS). `votos` follows
    the election's columns and `candidaturas` its coalitions: null where that option did not run
    in the node (no acta esperada of it prints the column, or the coalition's combinations; B1,
    B2), so a non-contender is never a 0."""
    encabezado = dict(
        zip(ENCABEZADO, valores_encabezado(totales, corte_final=corte_final), strict=True)
    )
    datos: dict[str, object] = {
        clave.lower(): valor if clave.startswith("PORCENTAJE") else int(valor)
        for clave, valor in encabezado.items()
    }
    compiten = _compiten(totales.contienden, totales.columnas, tuple(coaliciones))
    if compiten is None:
        datos["votos"] = list(totales.votos)
        datos["candidaturas"] = list(totales.candidaturas)
    else:
        columnas, candidaturas = compiten
        datos["votos"] = [v if c else None for v, c in zip(totales.votos, columnas, strict=True)]
        datos["candidaturas"] = [
            v if c else None for v, c in zip(totales.candidaturas, candidaturas, strict=True)
        ]
    return datos


@cache
def _compiten(
    impresas: int, columnas: int, coaliciones: tuple[CandidaturaDeCoalicion, ...]
) -> tuple[tuple[bool, ...], tuple[bool, ...]] | None:
    """Which columns and coalitions run where the bit set `impresas` is printed; None when all
    of them do (every node of an election without boletas). Nodes share a few distinct sets,
    so this is computed once per set."""
    if impresas == (1 << columnas) - 1:
        return None
    return (
        tuple(contiende(impresas, i) for i in range(columnas)),
        tuple(k.corre_en(impresas) for k in coaliciones),
    )


def columnas_json(eleccion: Eleccion) -> list[dict]:
    """The election's vote columns in acta order, with their names and colours."""
    columnas = []
    for columna in eleccion.columnas.order_by("orden").prefetch_related("partidos"):
        partidos = list(columna.partidos.all())
        unico = partidos[0] if len(partidos) == 1 else None
        if unico is not None:
            nombre, corto, color = unico.nombre, unico.nombre_corto, unico.color
        elif columna.coalicion_id:
            nombre = corto = " + ".join(p.siglas for p in partidos)
            color = partidos[0].color if partidos else "#777777"
        else:
            nombre = corto = {
                ColumnaVoto.Tipo.NO_REGISTRADAS: "Candidaturas no registradas",
                ColumnaVoto.Tipo.NULOS: "Votos nulos",
            }.get(columna.tipo, columna.clave)
            color = "#777777"
        columnas.append(
            {
                "clave": columna.clave,
                "nombre": nombre,
                "corto": corto,
                "tipo": _TIPO_COLUMNA[ColumnaVoto.Tipo(columna.tipo)],
                "color": color,
            }
        )
    return columnas


def candidaturas_json(coaliciones: Sequence[CoalicionPublicada]) -> list[dict]:
    """R11: each coalition's (or candidatura común's) candidatura and the columns whose votes
    are hers: her parties' own columns and her combinations. Where she runs, a node's
    `totales.candidaturas` gives her total; where her parties run apart, null."""
    return [
        {
            "nombre": k.nombre,
            "tipo": _TIPO_COALICION[Coalicion.Tipo(k.tipo)],
            "columnas": list(k.columnas),
        }
        for k in coaliciones
    ]


# The ámbito at which each kind of election registers its candidaturas: the candidaturas file
# has one block per ámbito.
_AMBITO_CANDIDATURAS = {
    Eleccion.Tipo.AYUNTAMIENTO: Nivel.MUNICIPIO,
    Eleccion.Tipo.DIPUTACION_LOCAL: Nivel.DISTRITO,
    Eleccion.Tipo.DIPUTACION_FEDERAL: Nivel.DISTRITO,
}


def texto_candidaturas(calculada: EleccionCalculada, nombres: Nombres) -> bytes:
    """The candidaturas CSV beside each database (as INE's and the OPLs' `…_CANDIDATURAS_…`):
    for each ámbito where the election's candidaturas are registered (municipio, distrito or
    entidad), one row per column its actas print, with who runs there (B1): a party of a
    coalition that runs there gives its votes to the coalition's candidatura, the same party
    running apart elsewhere to its own, and `CAND_IND_1` names each municipio's person."""
    eleccion = calculada.eleccion
    nivel = _AMBITO_CANDIDATURAS.get(Eleccion.Tipo(eleccion.tipo), Nivel.ENTIDAD)
    federal = es_federal(eleccion.tipo)
    geografia = {
        Nivel.MUNICIPIO: ["ID_MUNICIPIO", "MUNICIPIO"],
        Nivel.DISTRITO: ["ID_DISTRITO_FEDERAL", "DISTRITO_FEDERAL"]
        if federal
        else ["ID_DISTRITO_LOCAL", "DISTRITO_LOCAL"],
    }.get(nivel, [])
    descripcion = columnas_json(eleccion)
    partidos = {
        c.clave: "-".join(p.siglas for p in c.partidos.all())
        for c in eleccion.columnas.prefetch_related("partidos")
    }
    coaliciones = list(
        zip(
            calculada.coaliciones,
            para_agregar(calculada.coaliciones, calculada.columnas),
            strict=True,
        )
    )
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    escritor.writerow(
        [
            "ID_ENTIDAD",
            "ENTIDAD",
            *geografia,
            "PARTIDO_CI",
            "TIPO",
            "NOMBRE",
            "PARTIDOS",
            "CANDIDATURA",
            "CANDIDATURA_PROPIETARIA",
        ]
    )
    tipo_distrito = str(Distrito.Tipo.FEDERAL if federal else Distrito.Tipo.LOCAL)
    nodos = calculada.resultados.niveles[nivel]
    for clave in sorted(k for k in nodos if None not in k):
        entidad: int = clave[0]
        numero: int = clave[-1]  # the municipio or distrito (the entidad, for entidad nodes)
        impresas = nodos[clave].contienden
        if nivel is Nivel.MUNICIPIO:
            # As the database writes them, so that the two files join on these cells.
            lugar = [str(numero), nombres.municipios.get((entidad, numero), "")]
            candidatos = candidatos_en(calculada.candidatos, entidad, None, numero)
        elif nivel is Nivel.DISTRITO:
            cabecera = nombres.distritos.get((entidad, tipo_distrito, numero), "")
            lugar = [f"{numero:03d}", f"{numero:03d}. {cabecera}"]
            candidatos = candidatos_en(calculada.candidatos, entidad, numero, None)
        else:
            lugar = []
            candidatos = candidatos_en(calculada.candidatos, entidad, None, None)
        de_coalicion = {
            columna: k.nombre
            for k, agregable in coaliciones
            if agregable.corre_en(impresas)
            for columna in k.columnas
        }
        for i, datos in enumerate(descripcion):
            if not contiende(impresas, i):
                continue
            columna = datos["clave"]
            propia = (
                partidos[columna]
                if datos["tipo"] in {"partido", "candidatura_independiente"}
                else ""
            )
            escritor.writerow(
                [
                    f"{entidad:02d}",
                    nombres.entidades.get(entidad, ""),
                    *lugar,
                    columna,
                    datos["tipo"],
                    datos["nombre"],
                    partidos[columna],
                    de_coalicion.get(columna, propia),
                    candidatos.get(columna, ""),
                ]
            )
    return salida.getvalue().encode("utf-8-sig")


def geografia(eleccion: Eleccion) -> str:
    """How the election is navigated below the entidad."""
    return "municipio" if eleccion.tipo == Eleccion.Tipo.AYUNTAMIENTO else "distrito"


class Arbol:
    """The files of one election at one corte: `archivos()` yields (path, JSON bytes)."""

    def __init__(
        self,
        calculada: EleccionCalculada,
        nombres: Nombres,
        corte_final: bool,
        imagenes: dict[str, str],
    ) -> None:
        self.c = calculada
        self.nombres = nombres
        self.final = corte_final
        self.imagenes = imagenes  # sha256 → MIME type, of the images this corte publishes
        self.tipo = calculada.eleccion.tipo
        self.geografia = geografia(calculada.eleccion)
        self.municipal = self.geografia == "municipio"
        self.tipo_distrito = Distrito.Tipo.FEDERAL if es_federal(self.tipo) else Distrito.Tipo.LOCAL
        self.n_votos = len(calculada.columnas)
        self.no_aplica = calculada.eleccion.no_aplica
        self.indice = {c: i for i, c in enumerate(calculada.columnas)}
        self.coaliciones = tuple(para_agregar(calculada.coaliciones, calculada.columnas))
        self.columnas_acta = columnas_fila(
            columnas_identificacion(calculada.eleccion), calculada.columnas
        )
        niveles = calculada.resultados.niveles
        self.intermedio = niveles[Nivel.MUNICIPIO if self.municipal else Nivel.DISTRITO]
        self.secciones = niveles[Nivel.SECCION]
        self.casillas = niveles[Nivel.CASILLA]
        self.filas_por_casilla: dict[str, list] = defaultdict(list)
        self.fuera_de_catalogo: dict[int | None, list] = defaultdict(list)
        for fila in calculada.filas:
            acta = fila.acta
            if acta.registro is Registro.FUERA_CATALOGO:
                self.fuera_de_catalogo[acta.ubicacion.entidad].append(fila)
            else:
                self.filas_por_casilla[acta.ubicacion.casilla].append(fila)

    # --- names and paths ----------------------------------------------------------------

    def _archivo(self, nivel: str, id_: str) -> str:
        return f"datos/{self.tipo}/{nivel}/{id_}.json"

    def resumen(self) -> str:
        """Path of the election's top file."""
        return f"datos/{self.tipo}/resumen.json"

    def _entidad(self, e: int) -> dict:
        return {
            "nivel": "entidad",
            "id": f"{e:02d}",
            "nombre": self.nombres.entidades.get(e, f"Entidad {e:02d}"),
            "archivo": self._archivo("entidad", f"{e:02d}"),
        }

    def _intermedio(self, e: int, n: int) -> dict:
        if self.municipal:
            nombre = self.nombres.municipios.get((e, n), "")
        else:
            nombre = self.nombres.distritos.get((e, self.tipo_distrito, n), "")
        id_ = f"{e:02d}-{n:03d}"
        return {
            "nivel": self.geografia,
            "id": id_,
            "nombre": f"{n:03d}. {nombre}".strip(),
            "archivo": self._archivo(self.geografia, id_),
        }

    def _seccion(self, e: int, s: int) -> dict:
        id_ = f"{e:02d}-{s:04d}"
        return {
            "nivel": "seccion",
            "id": id_,
            "nombre": f"Sección {s:04d}",
            "archivo": self._archivo("seccion", id_),
        }

    def _padre_de_seccion(self, clave: Clave) -> tuple[int, int | None]:
        e, d, m, _s = clave
        return e, (m if self.municipal else d)

    def _lugar_intermedio(self, clave: tuple) -> tuple[int, int | None, int | None]:
        e, n = clave
        return (e, None, n) if self.municipal else (e, n, None)

    def _totales(self, totales: Totales) -> dict:
        return totales_json(totales, self.final, self.coaliciones)

    def _candidatos(self, totales: Totales, lugar: tuple | None) -> dict[str, str]:
        """Who runs under each contender's column at a node (B1): its ámbito's candidaturas,
        only for the columns printed there."""
        if lugar is None or not self.c.candidatos:
            return {}
        nombres = candidatos_en(self.c.candidatos, *lugar)
        impresas = totales.contienden
        return {
            columna: nombre
            for columna, nombre in nombres.items()
            if columna in self.indice and contiende(impresas, self.indice[columna])
        }

    def _nodo(
        self, ref: dict, ruta: list[dict], totales: Totales, hijos: list[dict], lugar
    ) -> dict:
        return {
            "nivel": ref["nivel"],
            "id": ref["id"],
            "nombre": ref["nombre"],
            "ruta": ruta,
            "totales": self._totales(totales),
            "candidatos": self._candidatos(totales, lugar),
            "hijos": hijos,
        }

    def _hijo(self, ref: dict, totales: Totales) -> dict:
        return {**ref, "totales": self._totales(totales)}

    # --- the files ------------------------------------------------------------------------

    def archivos(self) -> Iterator[tuple[str, bytes]]:
        """Every JSON file of the election, with its path inside the corte."""
        entidades = self.c.resultados.niveles[Nivel.ENTIDAD]
        conocidas = sorted(k for k in entidades if k[0] is not None)
        raiz = {"nivel": "resumen", "id": self.tipo, "nombre": self.c.eleccion.nombre}
        # A single entidad's candidaturas are the whole election's.
        unica = (conocidas[0][0], None, None) if len(conocidas) == 1 else None
        yield (
            self.resumen(),
            a_json(
                self._nodo(
                    raiz,
                    [],
                    self.c.resultados.total,
                    [self._hijo(self._entidad(e), entidades[(e,)]) for (e,) in conocidas],
                    unica,
                )
            ),
        )
        por_entidad: dict[int, list] = defaultdict(list)
        for clave in sorted(k for k in self.intermedio if None not in k):
            por_entidad[clave[0]].append(clave)
        secciones_de: dict[tuple, list] = defaultdict(list)
        for clave in sorted(k for k in self.secciones if k[0] is not None and k[3] is not None):
            secciones_de[self._padre_de_seccion(clave)].append(clave)
        casillas_de: dict[tuple, list] = defaultdict(list)
        for clave in sorted(k for k in self.casillas if k[3] is not None):
            casillas_de[clave[:4]].append(clave)
        # Casillas without sección (B4) are shown at the lowest node that holds them: their
        # municipio or distrito, else their entidad.
        sin_seccion_de: dict[tuple, list] = defaultdict(list)
        sin_seccion = (k for k in self.casillas if k[3] is None and k[4] is not None)
        for clave in sorted(sin_seccion, key=orden_clave):
            padre = self._padre_de_seccion(clave[:4])
            sin_seccion_de[
                padre if padre in self.intermedio and None not in padre else (clave[0],)
            ].append(clave)

        for (e,) in conocidas:
            ref_e = self._entidad(e)
            hijos = [self._hijo(self._intermedio(*k), self.intermedio[k]) for k in por_entidad[e]]
            nodo = self._nodo(ref_e, [], entidades[(e,)], hijos, (e, None, None))
            self._con_casillas(nodo, sin_seccion_de.get((e,), []))
            fuera = self.fuera_de_catalogo.get(e, [])
            if fuera:
                nodo["columnas_acta"] = self.columnas_acta
                nodo["fuera_de_catalogo"] = [self._fila(f) for f in fuera]
            yield ref_e["archivo"], a_json(nodo)
            for clave in por_entidad[e]:
                ref_i = self._intermedio(*clave)
                hijos = [
                    self._hijo(self._seccion(s[0], s[3]), self.secciones[s])
                    for s in secciones_de[clave]
                ]
                ruta = [ref_e]
                nodo = self._nodo(
                    ref_i, ruta, self.intermedio[clave], hijos, self._lugar_intermedio(clave)
                )
                self._con_casillas(nodo, sin_seccion_de.get(clave, []))
                yield ref_i["archivo"], a_json(nodo)
                for s in secciones_de[clave]:
                    yield self._archivo_seccion(s, [*ruta, ref_i], casillas_de[s])

    def _archivo_seccion(self, clave: Clave, ruta: list[dict], casillas: list) -> tuple[str, bytes]:
        ref = self._seccion(clave[0], clave[3])
        e, d, m, _s = clave
        nodo = self._nodo(ref, ruta, self.secciones[clave], [], (e, d, m))
        self._con_casillas(nodo, casillas, siempre=True)
        return ref["archivo"], a_json(nodo)

    def _con_casillas(self, nodo: dict, casillas: list, siempre: bool = False) -> None:
        """Put the casillas and their actas (each as its database row) into a node's file: a
        sección's, or those without sección of a municipio, distrito or entidad."""
        if not casillas and not siempre:
            return
        nodo["columnas_acta"] = self.columnas_acta
        lista, imagenes = [], {}
        for casilla in casillas:
            clave_casilla = casilla[4]
            filas = self.filas_por_casilla.get(clave_casilla, [])
            for fila in filas:
                sha = fila.codigo_integridad
                if sha in self.imagenes:
                    imagenes[sha] = f"imagenes/{sha}.{extension(self.imagenes[sha])}"
            lista.append(
                {
                    "clave": clave_casilla,
                    "nombre": nombre_casilla(clave_casilla),
                    "totales": self._totales(self.casillas[casilla]),
                    "actas": [self._fila(f) for f in filas],
                }
            )
        nodo["casillas"] = lista
        nodo["imagenes"] = imagenes

    def _fila(self, fila) -> list[str]:
        evaluacion = self.c.resultados.evaluaciones[fila.acta.clave]
        return valores_fila(fila, evaluacion, self.n_votos, self.no_aplica)


def nombre_casilla(clave: str) -> str:
    """`Básica 01`, `Contigua 02`, `Extraordinaria 01 contigua 01`… from a CLAVE_CASILLA."""
    partes = partes_de_casilla(clave)
    tipo, ext = partes.tipo_casilla, partes.ext_contigua
    nombre = f"{_TIPO_CASILLA.get(tipo, tipo)} {partes.numero:02d}"
    return f"{nombre} contigua {ext:02d}" if ext else nombre
