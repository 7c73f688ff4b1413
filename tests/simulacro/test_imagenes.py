"""Acta images: a decodable QR, determinism, and Spanish numbers in words."""

import io
from dataclasses import replace

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from prep.catalogo.claves import carga_qr
from prep.reglas.acta import Registro
from prep.reglas.cifras import Lectura
from prep.simulacro import imagenes
from prep.simulacro.imagenes import dibujar_acta, imagen_plana, numero_a_letras


@pytest.fixture(scope="module")
def capturada(request):
    sintetica = request.getfixturevalue("local")
    return next(a for a in sintetica.actas if a.registro is Registro.CAPTURADA and a.seccion != 0)


def _qr(datos: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(datos)))]


class TestDibujo:
    def test_jpeg_de_foto(self, capturada):
        datos = dibujar_acta(capturada, 1)
        imagen = Image.open(io.BytesIO(datos))
        assert imagen.format == "JPEG"
        assert imagen.size == (imagenes.ANCHO, imagenes.ALTO)
        assert 60_000 <= len(datos) <= 350_000

    @pytest.mark.parametrize("semilla", range(6))
    def test_qr_legible_tras_la_distorsion(self, capturada, semilla):
        acta = capturada
        assert _qr(dibujar_acta(acta, semilla)) == [f"PREP|{acta.eleccion}|{acta.clave_acta}"]

    def test_determinista(self, capturada):
        assert dibujar_acta(capturada, 3) == dibujar_acta(capturada, 3)
        assert dibujar_acta(capturada, 3) != dibujar_acta(capturada, 4)

    def test_ilegible_sin_dato_y_fuera_de_catalogo(self, capturada, local):
        acta = capturada
        raras = [
            replace(acta, votos=(Lectura.ILEGIBLE,) * len(acta.columnas)),
            replace(acta, votos=(Lectura.SIN_DATO,) * len(acta.columnas), otras={}),
            next(a for a in local.actas if a.registro is Registro.FUERA_CATALOGO),
        ]
        for rara in raras:
            assert _qr(dibujar_acta(rara, 2)) == [carga_qr(rara.eleccion, rara.clave_acta)]

    @pytest.mark.parametrize("formato", ["PNG", "JPEG"])
    def test_imagen_plana_de_escaner_o_recortada(self, capturada, formato):
        acta = capturada
        datos = imagen_plana(acta, 5, formato)
        imagen = Image.open(io.BytesIO(datos))
        assert (imagen.format, imagen.mode) == (formato, "L")
        assert imagen.size == (575, 745)
        assert _qr(datos) == [carga_qr(acta.eleccion, acta.clave_acta)]
        assert datos == imagen_plana(acta, 5, formato)

    def test_sin_seccion_su_qr_lleva_su_propia_clave(self, local):
        """Voto anticipado (the key of its municipio) and from abroad: the QR names the acta
        itself, not the key the published file shares."""
        for tipo in ("A", "M"):
            acta = next(a for a in local.actas if a.tipo_casilla == tipo)
            assert acta.seccion == 0
            assert _qr(imagen_plana(acta, 1, "PNG")) == [carga_qr(acta.eleccion, acta.clave_acta)]
            assert _qr(imagenes.imagen_de_simulacro(acta, 1, "PNG")) == [
                carga_qr(acta.eleccion, acta.clave_acta)
            ]

    def test_cada_acta_muestra_solo_sus_campos(self, local):
        """Two municipios with different boletas: different forms (the number of rows drawn
        differs with the fields printed)."""
        por_boleta = {}
        for acta in local.actas:
            if acta.eleccion == "AYUN" and acta.registro is Registro.CAPTURADA:
                por_boleta.setdefault(len(acta.columnas), acta)
        assert len(por_boleta) >= 2
        corta, larga = por_boleta[min(por_boleta)], por_boleta[max(por_boleta)]
        planas = [imagen_plana(replace(a, votos=(), otras={}), 0, "PNG") for a in (corta, larga)]
        assert planas[0] != planas[1]

    def test_escribir_imagenes_en_paralelo(self, local, tmp_path):
        indices = imagenes.seleccionar(local, 20)
        assert len(indices) == 20
        assert indices == imagenes.seleccionar(local, 20)
        assert all(local.actas[i].registro in imagenes.CON_IMAGEN for i in indices)
        avance = []
        total = imagenes.escribir_imagenes(local, indices, tmp_path, avance.append)
        archivos = sorted(tmp_path.iterdir())
        assert len(archivos) == 20 == sum(avance)
        assert total == sum(p.stat().st_size for p in archivos)
        # The same acta gets the same bytes whether drawn alone or in a batch.
        primera = local.actas[indices[0]]
        unica = tmp_path / "una"
        imagenes.escribir_imagenes(local, indices[:1], unica)
        nombre = imagenes.nombre_imagen(primera)
        assert (unica / nombre).read_bytes() == (tmp_path / nombre).read_bytes()


class TestNumeroALetras:
    @pytest.mark.parametrize(
        ("n", "letras"),
        [
            (0, "cero"),
            (1, "uno"),
            (15, "quince"),
            (16, "dieciséis"),
            (21, "veintiuno"),
            (22, "veintidós"),
            (30, "treinta"),
            (31, "treinta y uno"),
            (99, "noventa y nueve"),
            (100, "cien"),
            (101, "ciento uno"),
            (120, "ciento veinte"),
            (500, "quinientos"),
            (555, "quinientos cincuenta y cinco"),
            (700, "setecientos"),
            (999, "novecientos noventa y nueve"),
            (1_000, "mil"),
            (1_001, "mil uno"),
            (2_000, "dos mil"),
            (21_000, "veintiún mil"),
            (31_000, "treinta y un mil"),
            (100_000, "cien mil"),
            (101_000, "ciento un mil"),
            (1_000_000, "un millón"),
            (2_000_000, "dos millones"),
            (21_000_021, "veintiún millones veintiuno"),
            (1_000_000_000, "mil millones"),
        ],
    )
    def test_ejemplos(self, n, letras):
        assert numero_a_letras(n) == letras

    def test_inyectiva_hasta_9999(self):
        textos = [numero_a_letras(n) for n in range(10_000)]
        assert len(set(textos)) == len(textos)

    @given(st.integers(0, 10**12 - 1))
    def test_solo_palabras_en_minusculas(self, n):
        texto = numero_a_letras(n)
        assert texto == texto.strip().lower()
        assert "  " not in texto
        assert texto.replace(" ", "").isalpha()

    @given(st.integers(0, 9_999), st.integers(0, 9_999))
    def test_distintos_numeros_distintas_letras(self, a, b):
        assert (numero_a_letras(a) == numero_a_letras(b)) == (a == b)

    @pytest.mark.parametrize("n", [-1, 10**12])
    def test_fuera_de_rango(self, n):
        with pytest.raises(ValueError, match="fuera de rango"):
            numero_a_letras(n)
