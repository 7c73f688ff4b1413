"""The JSON the results site reads: one file per election and level (resumen, entidad,
distrito or municipio, sección with its casillas and their actas), as the CSV database says it.

Each acta is its database row (same strings, same order), so the site, the JSON and the CSV
cannot disagree. Percentages are the CSV header's strings (R12: truncated, 4 decimals).
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from prep.catalogo.claves import partes_de_casilla
from prep.catalogo.elecciones import es_federal
from prep.catalogo.models import ColumnaVoto, Distrito, Eleccion, Entidad, Municipio
from prep.publicacion.base_datos import EleccionCalculada, columnas_identificacion
from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.escritura import columnas_fila, valores_encabezado, valores_fila
from prep.reglas.acta import Registro
from prep.reglas.agregacion import Clave, Nivel, Totales

_TIPO_COLUMNA = {
    ColumnaVoto.Tipo.PARTIDO: "partido",
    ColumnaVoto.Tipo.COMBINACION: "coalicion",
    ColumnaVoto.Tipo.INDEPENDIENTE: "candidatura_independiente",
    ColumnaVoto.Tipo.NO_REGISTRADAS: "no_registradas",
    ColumnaVoto.Tipo.NULOS: "nulos",
}
_TIPO_CASILLA = {"B": "Básica", "C": "Contigua", "E": "Extraordinaria", "S": "Especial"}
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


def totales_json(totales: Totales, corte_final: bool) -> dict:
    """A node's counters, percentages, participación and votes (NODE_TOTALS)."""
    encabezado = dict(
        zip(ENCABEZADO, valores_encabezado(totales, corte_final=corte_final), strict=True)
    )
    datos: dict[str, object] = {
        clave.lower(): valor if clave.startswith("PORCENTAJE") else int(valor)
        for clave, valor in encabezado.items()
    }
    datos["votos"] = list(totales.votos)
    return datos


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


def candidaturas_json(eleccion: Eleccion) -> list[dict]:
    """R11: each coalition's candidatura and the columns whose votes are hers (the member
    parties' own columns and every combination of them), so any level's total is their sum."""
    propias = {
        p.pk: c.clave
        for c in eleccion.columnas.filter(tipo=ColumnaVoto.Tipo.PARTIDO).prefetch_related(
            "partidos"
        )
        for p in c.partidos.all()
    }
    candidaturas = []
    for coalicion in eleccion.coaliciones.order_by("nombre").prefetch_related(
        "partidos", "columnas"
    ):
        columnas = [propias[p.pk] for p in coalicion.partidos.all() if p.pk in propias]
        columnas += [c.clave for c in coalicion.columnas.order_by("orden")]
        candidaturas.append({"nombre": coalicion.nombre, "columnas": columnas})
    return candidaturas


def texto_candidaturas(eleccion: Eleccion) -> bytes:
    """The candidaturas CSV beside each database (as INE's `PRES_CANDIDATURAS_2024.csv`): each
    vote column, its parties, and the candidatura its votes go to."""
    de_coalicion = {
        columna: k["nombre"] for k in candidaturas_json(eleccion) for columna in k["columnas"]
    }
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    escritor.writerow(["COLUMNA", "TIPO", "NOMBRE", "PARTIDOS", "CANDIDATURA"])
    columnas = eleccion.columnas.order_by("orden").prefetch_related("partidos")
    for columna, datos in zip(columnas, columnas_json(eleccion), strict=True):
        partidos = "-".join(p.siglas for p in columna.partidos.all())
        propia = partidos if datos["tipo"] in {"partido", "candidatura_independiente"} else ""
        escritor.writerow(
            [
                columna.clave,
                datos["tipo"],
                datos["nombre"],
                partidos,
                de_coalicion.get(columna.clave, propia),
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
        self.tipo_distrito = Distrito.Tipo.FEDERAL if es_federal(self.tipo) else Distrito.Tipo.LOCAL
        self.n_votos = len(calculada.columnas)
        self.columnas_acta = columnas_fila(
            columnas_identificacion(calculada.eleccion), calculada.columnas
        )
        niveles = calculada.resultados.niveles
        self.intermedio = niveles[
            Nivel.MUNICIPIO if self.geografia == "municipio" else Nivel.DISTRITO
        ]
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
        if self.geografia == "municipio":
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
        return e, (m if self.geografia == "municipio" else d)

    def _nodo(self, ref: dict, ruta: list[dict], totales: Totales, hijos: list[dict]) -> dict:
        return {
            "nivel": ref["nivel"],
            "id": ref["id"],
            "nombre": ref["nombre"],
            "ruta": ruta,
            "totales": totales_json(totales, self.final),
            "hijos": hijos,
        }

    def _hijo(self, ref: dict, totales: Totales) -> dict:
        return {**ref, "totales": totales_json(totales, self.final)}

    # --- the files ------------------------------------------------------------------------

    def archivos(self) -> Iterator[tuple[str, bytes]]:
        """Every JSON file of the election, with its path inside the corte."""
        entidades = self.c.resultados.niveles[Nivel.ENTIDAD]
        conocidas = sorted(k for k in entidades if k[0] is not None)
        raiz = {"nivel": "resumen", "id": self.tipo, "nombre": self.c.eleccion.nombre}
        yield (
            self.resumen(),
            a_json(
                self._nodo(
                    raiz,
                    [],
                    self.c.resultados.total,
                    [self._hijo(self._entidad(e), entidades[(e,)]) for (e,) in conocidas],
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

        for (e,) in conocidas:
            ref_e = self._entidad(e)
            hijos = [self._hijo(self._intermedio(*k), self.intermedio[k]) for k in por_entidad[e]]
            nodo = self._nodo(ref_e, [], entidades[(e,)], hijos)
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
                yield (
                    ref_i["archivo"],
                    a_json(self._nodo(ref_i, ruta, self.intermedio[clave], hijos)),
                )
                for s in secciones_de[clave]:
                    yield self._archivo_seccion(s, [*ruta, ref_i], casillas_de[s])

    def _archivo_seccion(self, clave: Clave, ruta: list[dict], casillas: list) -> tuple[str, bytes]:
        ref = self._seccion(clave[0], clave[3])
        nodo = self._nodo(ref, ruta, self.secciones[clave], [])
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
                    "totales": totales_json(self.casillas[casilla], self.final),
                    "actas": [self._fila(f) for f in filas],
                }
            )
        nodo["casillas"] = lista
        nodo["imagenes"] = imagenes
        return ref["archivo"], a_json(nodo)

    def _fila(self, fila) -> list[str]:
        evaluacion = self.c.resultados.evaluaciones[fila.acta.clave]
        return valores_fila(fila, evaluacion, self.n_votos)


def nombre_casilla(clave: str) -> str:
    """`Básica 01`, `Contigua 02`, `Extraordinaria 01 contigua 01`… from a CLAVE_CASILLA."""
    partes = partes_de_casilla(clave)
    tipo, ext = partes.tipo_casilla, partes.ext_contigua
    nombre = f"{_TIPO_CASILLA.get(tipo, tipo)} {partes.numero:02d}"
    return f"{nombre} contigua {ext:02d}" if ext else nombre
