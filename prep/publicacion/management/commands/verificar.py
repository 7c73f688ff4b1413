"""`prep verificar CORTE|PAQUETE|CARPETA_DE_PUBLICACION`: check published cortes offline (the
signature, every file's SHA-256, nothing extra, the chain). Exit code 0 when everything holds, 1
when something fails, 2 when the input is not a corte, a package nor a publication folder."""

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prep.orden import Orden
from prep.publicacion.llaves import huella_publica, leer_publica
from prep.publicacion.verificacion_corte import (
    EntradaIlegible,
    Falla,
    Informe,
    InformePublicacion,
    verificar,
)


class Command(Orden):
    help = _(
        "Verifica sin conexión un corte publicado, un paquete de corte o una carpeta de"
        " publicación.\n\n"
        "Comprueba la firma del manifiesto, el tamaño y el SHA-256 de cada archivo, que no sobre"
        " ni falte ninguno y la cadena de cortes (cada manifiesto lleva el SHA-256 del anterior)."
        " Nombra cada archivo que falla. Sale con 0 si todo se cumple, 1 si algo falla y 2 si la"
        " entrada no es un corte, un paquete ni una carpeta de publicación."
    )
    requiere_base = False  # works on files: a corte, a package, a publication folder

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "ruta",
            type=Path,
            metavar="CORTE|PAQUETE|CARPETA_DE_PUBLICACION",
            help=_(
                "carpeta de un corte (con manifest.json), paquete .tar o .tar.gz de un corte, o"
                " carpeta de publicación con varios cortes"
            ),
        )
        parser.add_argument(
            "--llave",
            type=Path,
            metavar="ARCHIVO.pem",
            help=_(
                "llave pública del instituto (PEM), obtenida de su publicación oficial; sin ella"
                " se usa la llave_publica.pem de cada corte, que prueba que nada cambió pero no"
                " quién firmó"
            ),
        )

    def handle(self, *args, ruta: Path, llave: Path | None, **opciones) -> None:
        confiable = self._llave(llave) if llave is not None else None
        try:
            resultado = verificar(ruta, confiable)
        except EntradaIlegible as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if isinstance(resultado, InformePublicacion):
            self._publicacion(resultado)
        else:
            self._corte(resultado)
        if not resultado.integro:
            raise CommandError(_("la verificación encontró fallas"), returncode=1)

    def _llave(self, archivo: Path) -> Ed25519PublicKey:
        try:
            return leer_publica(archivo.read_bytes())
        except OSError as exc:
            raise CommandError(
                _("no se puede leer la llave %(archivo)s: %(causa)s")
                % {"archivo": archivo, "causa": exc.strerror or exc},
                returncode=2,
            ) from exc
        except ValueError as exc:
            raise CommandError(
                _("%(archivo)s: %(causa)s") % {"archivo": archivo, "causa": exc}, returncode=2
            ) from exc

    def _escribir(self, texto: str) -> None:
        self.stdout.write(texto)

    def _llaves(self, informes: list[Informe]) -> None:
        """Which key checked the signatures; a key that came with the cortes only proves
        integrity, so its fingerprint is shown to be compared with the institute's."""
        if any(i.llave_confiable for i in informes):
            confiable = next(i.llave for i in informes if i.llave_confiable)
            self._escribir(_("Llave: la dada con --llave, huella %s") % huella_publica(confiable))
            return
        huellas = dict.fromkeys(huella_publica(i.llave) for i in informes if i.llave is not None)
        for texto in huellas:
            self._escribir(_("Llave: la llave_publica.pem del propio corte, huella %s") % texto)
        if huellas:
            self._escribir(
                _(
                    "AVISO: compare la huella con la que publicó el instituto (o use --llave):"
                    " la llave que trae el corte prueba que nada cambió desde que se firmó, no"
                    " quién lo firmó."
                )
            )

    def _software(self, informes: list[Informe]) -> None:
        """Which software made the cortes (the fingerprint each manifest names, prep huella),
        each fingerprint with the cortes that carry it; old cortes do not name one."""
        cortes: dict[str | None, list[str]] = {}
        for informe in informes:
            if informe.manifiesto is not None:
                software = informe.manifiesto.huella_software
                cortes.setdefault(software, []).append(str(informe.manifiesto.corte))
        for software, numeros in cortes.items():
            lista = ", ".join(numeros) if len(informes) > 1 else ""
            if software is None:
                texto = _("Software: el manifiesto no nombra la huella del software")
            else:
                texto = _("Software: huella %s") % software
            self._escribir(texto + (_(" (cortes %s)") % lista if lista else ""))

    def _falla(self, falla: Falla, prefijo: str = "") -> None:
        self._escribir(f"{falla.tipo} {prefijo}{falla.ruta}: {falla.detalle}")

    def _bloque(self, informe: Informe, prefijo: str = "") -> None:
        """A corte's notes and failures, and its final line."""
        for nota in informe.notas:
            self._escribir(_("nota: %s") % nota)
        for falla in informe.fallas:
            self._falla(falla, prefijo)
        if informe.integro:
            self._escribir(
                ngettext(
                    "%(corte)s íntegro: %(n)d archivo verificado",
                    "%(corte)s íntegro: %(n)d archivos verificados",
                    informe.verificados,
                )
                % {"corte": informe.etiqueta, "n": informe.verificados}
            )
        else:
            self._escribir(
                ngettext("%(corte)s: %(n)d falla", "%(corte)s: %(n)d fallas", len(informe.fallas))
                % {"corte": informe.etiqueta, "n": len(informe.fallas)}
            )

    def _corte(self, informe: Informe) -> None:
        manifiesto = informe.manifiesto
        if manifiesto is None:
            self._escribir(_("Corte: %s") % informe.nombre)
        else:
            self._escribir(
                _("Corte: %(nombre)s, número %(n)d, %(momento)s%(final)s")
                % {
                    "nombre": informe.nombre,
                    "n": manifiesto.corte,
                    "momento": manifiesto.momento.isoformat(),
                    "final": _(", final") if manifiesto.final else "",
                }
            )
        self._llaves([informe])
        self._software([informe])
        self._bloque(informe)

    def _publicacion(self, publicacion: InformePublicacion) -> None:
        self._escribir(
            ngettext(
                "Publicación: %(ruta)s, %(n)d carpeta de corte",
                "Publicación: %(ruta)s, %(n)d carpetas de corte",
                len(publicacion.cortes),
            )
            % {"ruta": publicacion.origen, "n": len(publicacion.cortes)}
        )
        self._llaves(publicacion.cortes)
        self._software(publicacion.cortes)
        for informe in publicacion.cortes:
            self._bloque(informe, f"{informe.nombre}/")
        if publicacion.copia_ultimo is not None:
            self._bloque(publicacion.copia_ultimo, "ultimo/")
        for nota in publicacion.notas:
            self._escribir(_("nota: %s") % nota)
        for falla in publicacion.fallas:
            self._falla(falla)
        self._escribir(self._resumen(publicacion))

    def _resumen(self, publicacion: InformePublicacion) -> str:
        total = len(publicacion.cortes)
        if publicacion.integro:
            texto = ngettext(
                "publicación íntegra: %(n)d corte, cadena del 1 al %(n)d firmada con una sola"
                " llave",
                "publicación íntegra: %(n)d cortes, cadena del 1 al %(n)d firmada con una sola"
                " llave",
                total,
            ) % {"n": total}
            if publicacion.ultimo:
                texto += _("; ultimo → %s") % publicacion.ultimo
            return texto
        informes = [*publicacion.cortes, *filter(None, [publicacion.copia_ultimo])]
        con_fallas = sum(not i.integro for i in informes)
        return _(
            "publicación con fallas: %(c)d de %(n)d cortes con fallas, %(k)d fallas de la cadena"
        ) % {"c": con_fallas, "n": len(informes), "k": len(publicacion.fallas)}
