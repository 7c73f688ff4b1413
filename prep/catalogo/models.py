"""Catalog tables: fixed before election day, read by every later phase."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prep.catalogo.claves import SIN_SECCION, clave_acta, clave_casilla, sufijo_ambito
from prep.reglas.cifras import Prevalece
from prep.reglas.configuracion import ConfiguracionReglas, Inconsistencias, Representantes


class ProcesoElectoral(models.Model):
    """An electoral process (federal, or one entidad's local one)."""

    nombre = models.CharField(_("nombre"), max_length=200)
    anio = models.PositiveSmallIntegerField(_("año"))
    zona_horaria = models.CharField(_("zona horaria"), max_length=64, default="America/Mexico_City")

    class Meta:
        verbose_name = _("proceso electoral")
        verbose_name_plural = _("procesos electorales")

    def __str__(self) -> str:
        return self.nombre


class Entidad(models.Model):
    """An entidad federativa, by its INE number (1–32)."""

    clave = models.PositiveSmallIntegerField(_("clave"), unique=True)
    nombre = models.CharField(_("nombre"), max_length=100)

    class Meta:
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")
        ordering = ["clave"]

    def __str__(self) -> str:
        return self.nombre


class Distrito(models.Model):
    """A distrito electoral, federal or local, with its cabecera."""

    class Tipo(models.TextChoices):
        FEDERAL = "FEDERAL", _("federal")
        LOCAL = "LOCAL", _("local")

    entidad = models.ForeignKey(Entidad, on_delete=models.PROTECT, related_name="distritos")
    tipo = models.CharField(_("tipo"), max_length=7, choices=Tipo.choices)
    numero = models.PositiveSmallIntegerField(_("número"))
    cabecera = models.CharField(_("cabecera"), max_length=100)

    class Meta:
        verbose_name = _("distrito")
        verbose_name_plural = _("distritos")
        ordering = ["entidad__clave", "tipo", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["entidad", "tipo", "numero"], name="distrito_unico")
        ]

    def __str__(self) -> str:
        return f"{self.numero:03d}. {self.cabecera}"


class Municipio(models.Model):
    """A municipio of an entidad."""

    entidad = models.ForeignKey(Entidad, on_delete=models.PROTECT, related_name="municipios")
    numero = models.PositiveSmallIntegerField(_("número"))
    nombre = models.CharField(_("nombre"), max_length=100)

    class Meta:
        verbose_name = _("municipio")
        verbose_name_plural = _("municipios")
        ordering = ["entidad__clave", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["entidad", "numero"], name="municipio_unico")
        ]

    def __str__(self) -> str:
        return self.nombre


class Seccion(models.Model):
    """The smallest electoral geography; it nests in a distrito and a municipio."""

    entidad = models.ForeignKey(Entidad, on_delete=models.PROTECT, related_name="secciones")
    numero = models.PositiveIntegerField(_("número"))
    distrito_federal = models.ForeignKey(
        Distrito, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    distrito_local = models.ForeignKey(
        Distrito, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipio = models.ForeignKey(
        Municipio, on_delete=models.PROTECT, null=True, blank=True, related_name="secciones"
    )

    class Meta:
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")
        ordering = ["entidad__clave", "numero"]
        constraints = [models.UniqueConstraint(fields=["entidad", "numero"], name="seccion_unica")]

    def __str__(self) -> str:
        return f"{self.numero:04d}"


class Casilla(models.Model):
    """A polling station: entidad + sección + tipo + número (+ contigua of an extraordinaria).

    Voto anticipado (`A`) and voto de mexicanos residentes en el extranjero (`M`) have no
    sección (B4): they hang from a municipio, a distrito or the entidad. Every casilla carries
    its entidad, municipio and distritos (copied from its sección when it has one), so a query
    of a municipio or distrito finds both kinds with one join.
    """

    class Tipo(models.TextChoices):
        BASICA = "B", _("básica")
        CONTIGUA = "C", _("contigua")
        EXTRAORDINARIA = "E", _("extraordinaria")
        ESPECIAL = "S", _("especial")
        ANTICIPADO = "A", _("voto anticipado")
        EXTRANJERO = "M", _("voto de mexicanos residentes en el extranjero")

    class Ubicacion(models.IntegerChoices):
        URBANA = 1, _("urbana")
        NO_URBANA = 2, _("no urbana")

    class Traslado(models.TextChoices):
        NINGUNO = "", _("ninguno")
        DAT = "D", _("dispositivo de apoyo para el traslado")
        CRYT_FIJO = "F", _("CRyT fijo")
        CRYT_ITINERANTE = "I", _("CRyT itinerante")

    seccion = models.ForeignKey(
        Seccion, on_delete=models.PROTECT, null=True, blank=True, related_name="casillas"
    )
    entidad = models.ForeignKey(Entidad, on_delete=models.PROTECT, related_name="casillas")
    municipio = models.ForeignKey(
        Municipio, on_delete=models.PROTECT, null=True, blank=True, related_name="casillas"
    )
    distrito_federal = models.ForeignKey(
        Distrito, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    distrito_local = models.ForeignKey(
        Distrito, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tipo = models.CharField(_("tipo"), max_length=1, choices=Tipo.choices)
    numero = models.PositiveSmallIntegerField(_("número"))
    ext_contigua = models.PositiveSmallIntegerField(_("contigua de extraordinaria"), default=0)
    lista_nominal = models.PositiveIntegerField(_("lista nominal"))
    representantes_pp_ci = models.PositiveSmallIntegerField(
        _("representantes de partidos y candidaturas independientes"), default=0
    )
    ubicacion = models.PositiveSmallIntegerField(
        _("ubicación"), choices=Ubicacion.choices, default=Ubicacion.URBANA
    )
    mecanismo_traslado = models.CharField(
        _("mecanismo de traslado"), max_length=1, choices=Traslado.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("casilla")
        verbose_name_plural = _("casillas")
        ordering = ["entidad__clave", "seccion__numero", "tipo", "numero", "ext_contigua"]
        constraints = [
            models.UniqueConstraint(
                fields=["seccion", "tipo", "numero", "ext_contigua"], name="casilla_unica"
            ),
            models.CheckConstraint(
                condition=~models.Q(tipo="S") | models.Q(lista_nominal=0),
                name="especial_sin_lista_nominal",
            ),
            models.CheckConstraint(
                condition=models.Q(seccion__isnull=True, tipo__in=SIN_SECCION)
                | models.Q(seccion__isnull=False) & ~models.Q(tipo__in=SIN_SECCION),
                name="sin_seccion_solo_a_y_m",
            ),
        ]

    def __str__(self) -> str:
        return self.clave

    def save(self, *args, **kwargs) -> None:
        """Save, with the geography of its sección when it has one (the importer writes the
        same in bulk)."""
        if self.seccion_id:
            seccion = self.seccion
            self.entidad_id = seccion.entidad_id
            self.municipio_id = seccion.municipio_id
            self.distrito_local_id = seccion.distrito_local_id
            self.distrito_federal_id = seccion.distrito_federal_id
        super().save(*args, **kwargs)

    @property
    def clave(self) -> str:
        """The casilla's unique key: CLAVE_CASILLA, plus the ámbito of a casilla without
        sección (`clave_sin_seccion`), whose published CLAVE_CASILLA is shared."""
        return self.clave_publicada + self.sufijo_ambito

    @property
    def clave_publicada(self) -> str:
        """CLAVE_CASILLA as published: entidad(2) + sección(4, 0000 without sección) + tipo(1)
        + número(2) + ext_contigua(2)."""
        # Through the sección when there is one: the phases' queries already select it.
        if self.seccion_id:
            entidad, seccion = self.seccion.entidad.clave, self.seccion.numero
        else:
            entidad, seccion = self.entidad.clave, 0
        return clave_casilla(entidad, seccion, self.tipo, self.numero, self.ext_contigua)

    @property
    def sufijo_ambito(self) -> str:
        """The ámbito that makes a casilla without sección unique; empty for the others."""
        if self.seccion_id:
            return ""
        return sufijo_ambito(
            self.municipio.numero if self.municipio_id else None,
            self.distrito_local.numero if self.distrito_local_id else None,
            self.distrito_federal.numero if self.distrito_federal_id else None,
        )


class Eleccion(models.Model):
    """One election of the process, with its rule settings."""

    class Tipo(models.TextChoices):
        PRESIDENCIA = "PRES", _("Presidencia de la República")
        SENADURIA = "SEN", _("Senadurías")
        DIPUTACION_FEDERAL = "DIP_FED", _("Diputaciones federales")
        GUBERNATURA = "GOB", _("Gubernatura")
        DIPUTACION_LOCAL = "DIP_LOC", _("Diputaciones locales")
        AYUNTAMIENTO = "AYUN", _("Ayuntamientos")

    proceso = models.ForeignKey(
        ProcesoElectoral, on_delete=models.PROTECT, related_name="elecciones"
    )
    tipo = models.CharField(_("tipo"), max_length=8, choices=Tipo.choices)
    nombre = models.CharField(_("nombre"), max_length=200)
    tipo_acta = models.CharField(_("tipo de acta"), max_length=8)
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    prevalece = models.CharField(
        _("prevalece"),
        max_length=6,
        choices=[(p.value, p.value) for p in Prevalece],
        default=Prevalece.LETRA,
    )
    no_aplica = models.CharField(
        _("marca de campo que no aparece en el acta"),
        max_length=3,
        choices=[("-", "-"), ("N/A", "N/A")],
        default="-",
    )
    participacion_sin_seccion = models.BooleanField(
        _("la lista nominal del voto anticipado y del extranjero cuenta en la participación"),
        default=True,
    )
    representantes = models.CharField(
        _("representantes en Excede Lista Nominal"),
        max_length=10,
        choices=[(r.value, r.value) for r in Representantes],
        default=Representantes.CATALOGO,
    )
    inconsistencias = models.CharField(
        _("actas con inconsistencia"),
        max_length=17,
        choices=[(i.value, i.value) for i in Inconsistencias],
        default=Inconsistencias.TODAS,
    )

    class Meta:
        verbose_name = _("elección")
        verbose_name_plural = _("elecciones")
        ordering = ["proceso", "orden", "tipo"]
        constraints = [models.UniqueConstraint(fields=["proceso", "tipo"], name="eleccion_unica")]

    def __str__(self) -> str:
        return self.nombre

    @property
    def configuracion(self) -> ConfiguracionReglas:
        """The rule settings of this election, for the pure rule engine."""
        return ConfiguracionReglas(
            prevalece=Prevalece(self.prevalece),
            representantes=Representantes(self.representantes),
            inconsistencias=Inconsistencias(self.inconsistencias),
            participacion_sin_seccion=self.participacion_sin_seccion,
        )


class Partido(models.Model):
    """A partido político or a candidatura independiente, as it appears on the acta."""

    class Tipo(models.TextChoices):
        PARTIDO = "PARTIDO", _("partido político")
        INDEPENDIENTE = "INDEPENDIENTE", _("candidatura independiente")

    proceso = models.ForeignKey(ProcesoElectoral, on_delete=models.PROTECT, related_name="partidos")
    tipo = models.CharField(_("tipo"), max_length=13, choices=Tipo.choices, default=Tipo.PARTIDO)
    siglas = models.CharField(_("siglas"), max_length=30)
    nombre = models.CharField(_("nombre"), max_length=200)
    nombre_corto = models.CharField(_("nombre corto"), max_length=60)
    color = models.CharField(_("color"), max_length=7, default="#777777")
    logo = models.CharField(_("logo"), max_length=200, blank=True, default="")
    orden = models.PositiveSmallIntegerField(_("orden en el acta"))

    class Meta:
        verbose_name = _("partido o candidatura independiente")
        verbose_name_plural = _("partidos y candidaturas independientes")
        ordering = ["proceso", "orden"]
        constraints = [models.UniqueConstraint(fields=["proceso", "siglas"], name="partido_unico")]

    def __str__(self) -> str:
        return self.siglas


class Coalicion(models.Model):
    """A coalition or candidatura común of an election. Where it runs is said by the boletas
    that print its columns (B1)."""

    class Tipo(models.TextChoices):
        COALICION = "COALICION", _("coalición")
        CANDIDATURA_COMUN = "CANDIDATURA_COMUN", _("candidatura común")

    eleccion = models.ForeignKey(Eleccion, on_delete=models.CASCADE, related_name="coaliciones")
    nombre = models.CharField(_("nombre"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=17, choices=Tipo.choices, default=Tipo.COALICION)
    partidos = models.ManyToManyField(Partido, related_name="coaliciones")

    class Meta:
        verbose_name = _("coalición")
        verbose_name_plural = _("coaliciones")

    def __str__(self) -> str:
        return self.nombre


class ColumnaVoto(models.Model):
    """One vote field of an election's acta, in acta order (R9): a partido, a combination of a
    coalition's partners, a candidatura independiente, no registradas or nulos."""

    class Tipo(models.TextChoices):
        PARTIDO = "PARTIDO", _("partido político")
        COMBINACION = "COMBINACION", _("combinación de coalición")
        INDEPENDIENTE = "INDEPENDIENTE", _("candidatura independiente")
        NO_REGISTRADAS = "NO_REGISTRADAS", _("candidaturas no registradas")
        NULOS = "NULOS", _("votos nulos")

    eleccion = models.ForeignKey(Eleccion, on_delete=models.CASCADE, related_name="columnas")
    clave = models.CharField(_("clave"), max_length=60)
    tipo = models.CharField(_("tipo"), max_length=14, choices=Tipo.choices)
    orden = models.PositiveSmallIntegerField(_("orden"))
    partidos = models.ManyToManyField(Partido, blank=True, related_name="columnas")
    coalicion = models.ForeignKey(
        Coalicion, on_delete=models.CASCADE, null=True, blank=True, related_name="columnas"
    )

    class Meta:
        verbose_name = _("columna de votos")
        verbose_name_plural = _("columnas de votos")
        ordering = ["eleccion", "orden"]
        constraints = [
            models.UniqueConstraint(fields=["eleccion", "clave"], name="columna_unica"),
            models.UniqueConstraint(fields=["eleccion", "orden"], name="columna_orden_unico"),
        ]

    def __str__(self) -> str:
        return self.clave


class ActaEsperada(models.Model):
    """One acta of the catálogo: one per casilla and election (and acta type)."""

    eleccion = models.ForeignKey(Eleccion, on_delete=models.PROTECT, related_name="actas_esperadas")
    casilla = models.ForeignKey(Casilla, on_delete=models.PROTECT, related_name="actas_esperadas")
    tipo_acta = models.CharField(_("tipo de acta"), max_length=8)

    class Meta:
        verbose_name = _("acta esperada")
        verbose_name_plural = _("actas esperadas")
        constraints = [
            models.UniqueConstraint(
                fields=["eleccion", "casilla", "tipo_acta"], name="acta_esperada_unica"
            )
        ]

    def __str__(self) -> str:
        return self.clave

    @property
    def clave(self) -> str:
        """The acta's unique key: CLAVE_ACTA (CLAVE_CASILLA + tipo de acta), plus the ámbito of
        an acta without sección."""
        return self.clave_publicada + self.casilla.sufijo_ambito

    @property
    def clave_publicada(self) -> str:
        """CLAVE_ACTA as the results database publishes it (shared by the voto anticipado
        actas of every municipio or distrito, B4)."""
        return clave_acta(self.casilla.clave_publicada, self.tipo_acta)


class Ambito(models.TextChoices):
    """Where a boleta or a candidatura applies (B1): the whole entidad, one distrito (federal
    for federal elections, local for local ones) or one municipio."""

    ENTIDAD = "ENTIDAD", _("entidad")
    DISTRITO = "DISTRITO", _("distrito")
    MUNICIPIO = "MUNICIPIO", _("municipio")


class Boleta(models.Model):
    """The vote fields printed on the actas of one ámbito of an election, in acta order (B1):
    one municipio's ayuntamiento acta, one distrito's, or the entidad's. `tipo_acta` empty
    applies to every tipo de acta there. Which boleta an acta takes: `catalogo.boletas`."""

    eleccion = models.ForeignKey(Eleccion, on_delete=models.CASCADE, related_name="boletas")
    entidad = models.ForeignKey(Entidad, on_delete=models.PROTECT, related_name="+")
    ambito = models.CharField(_("ámbito"), max_length=9, choices=Ambito.choices)
    numero = models.PositiveSmallIntegerField(_("número"), default=0)
    tipo_acta = models.CharField(_("tipo de acta"), max_length=8, blank=True, default="")
    columnas = models.JSONField(_("columnas"), default=list)

    class Meta:
        verbose_name = _("boleta")
        verbose_name_plural = _("boletas")
        constraints = [
            models.UniqueConstraint(
                fields=["eleccion", "entidad", "ambito", "numero", "tipo_acta"],
                name="boleta_unica",
            )
        ]

    def __str__(self) -> str:
        return f"{self.eleccion.tipo} {self.ambito} {self.numero} {self.tipo_acta}".strip()


class Candidatura(models.Model):
    """Who runs under a vote column in one ámbito (B1): `CAND_IND_1` is one person in one
    municipio and another elsewhere. The public site and the candidaturas file show it."""

    eleccion = models.ForeignKey(Eleccion, on_delete=models.CASCADE, related_name="candidaturas")
    entidad = models.ForeignKey(Entidad, on_delete=models.PROTECT, related_name="+")
    ambito = models.CharField(_("ámbito"), max_length=9, choices=Ambito.choices)
    numero = models.PositiveSmallIntegerField(_("número"), default=0)
    columna = models.ForeignKey(ColumnaVoto, on_delete=models.CASCADE, related_name="candidaturas")
    nombre = models.CharField(_("nombre de la candidatura"), max_length=200)

    class Meta:
        verbose_name = _("candidatura")
        verbose_name_plural = _("candidaturas")
        constraints = [
            models.UniqueConstraint(
                fields=["columna", "entidad", "ambito", "numero"], name="candidatura_unica"
            )
        ]

    def __str__(self) -> str:
        return self.nombre
