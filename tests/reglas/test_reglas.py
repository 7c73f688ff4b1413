"""One example per rule of docs/reglas.md, named by its ID."""

from decimal import Decimal

import pytest

from prep.reglas.acta import CausaSinActa, Registro
from prep.reglas.agregacion import Nivel, agregar
from prep.reglas.cifras import Lectura, Prevalece, leer, validar, valor
from prep.reglas.coaliciones import Coalicion, Combinacion, reparto_art_311, votos_candidatura
from prep.reglas.configuracion import ConfiguracionReglas, Inconsistencias, Representantes
from prep.reglas.evaluacion import Contabilizacion, Observacion, evaluar
from prep.reglas.porcentajes import formatear, participacion, porcentaje
from tests.reglas.fabricas import acta

IL, S = Lectura.ILEGIBLE, Lectura.SIN_DATO


class TestR1LetraVsNumero:
    def test_iguales(self):
        assert leer(45, 45) == 45

    def test_letra_prevalece_por_omision(self):
        assert leer(120, 102) == 120

    def test_numero_prevalece_si_se_configura(self):
        assert leer(120, 102, Prevalece.NUMERO) == 102

    def test_solo_una_legible(self):
        assert leer(IL, 45) == 45
        assert leer(S, 45) == 45
        assert leer(45, IL) == 45

    def test_ninguna_legible(self):
        assert leer(IL, IL) is IL
        assert leer(IL, S) is IL

    def test_ambas_en_blanco(self):
        assert leer(S, S) is S

    def test_cero_es_un_numero(self):
        assert leer(0, S) == 0


def test_R2_ilegible_cuenta_cero_y_sigue_contabilizada():
    ev = evaluar(acta(120, IL, 4))
    assert ev.total_votos_calculado == 124
    assert ev.contabilizacion is Contabilizacion.CONTABILIZADA
    assert ev.observaciones == (Observacion.ILEGIBLE,)


def test_R3_sin_dato_cuenta_cero_y_sigue_contabilizada():
    ev = evaluar(acta(120, S, 4))
    assert ev.total_votos_calculado == 124
    assert ev.contabilizada
    assert ev.observaciones == (Observacion.SIN_DATO,)


def test_R2_R3_ejemplo_del_spec():
    ev = evaluar(acta(120, IL, S, 4))
    assert (ev.total_votos_calculado, ev.contabilizacion.value) == (124, "1")
    assert ev.texto_observaciones == "Ilegible, Sin dato"


class TestR4TodosLosCampos:
    def test_mezcla_de_ilegibles_y_sin_dato(self):
        ev = evaluar(acta(*[IL] * 7, *[S] * 5))
        assert ev.contabilizacion is Contabilizacion.NO_CONTABILIZADA
        assert ev.observaciones == (Observacion.TODOS_ILEGIBLES,)
        assert ev.con_inconsistencia

    def test_todos_vacios(self):
        ev = evaluar(acta(S, S, S))
        assert ev.observaciones == (Observacion.TODOS_VACIOS,)
        assert not ev.contabilizada

    def test_un_cero_legitimo_evita_R4(self):
        ev = evaluar(acta(IL, IL, 0))
        assert ev.contabilizada
        assert ev.observaciones == (Observacion.ILEGIBLE,)

    def test_sus_cifras_no_suman(self):
        res = agregar([acta(IL, S, lista_nominal=600)], 2)
        assert res.total.total_votos_c_cs == 0
        assert res.total.lista_nominal_actas_contabilizadas == 0


class TestR5ExcedeListaNominal:
    def test_igualdad_no_excede(self):
        assert evaluar(acta(600, 20, lista_nominal=600, representantes_pp_ci=20)).contabilizada

    def test_uno_mas_excede(self):
        ev = evaluar(acta(600, 21, lista_nominal=600, representantes_pp_ci=20))
        assert ev.contabilizacion is Contabilizacion.NO_CONTABILIZADA
        assert ev.observaciones == (Observacion.EXCEDE_LISTA_NOMINAL,)

    def test_no_se_aplica_a_casillas_especiales(self):
        assert evaluar(acta(900, tipo_casilla="S", lista_nominal=0)).contabilizada

    def test_representantes_capturados_si_se_configura(self):
        config = ConfiguracionReglas(representantes=Representantes.CAPTURADOS)
        a = acta(610, lista_nominal=600, representantes_pp_ci=20, rep_votaron=5)
        assert evaluar(a).contabilizada
        assert not evaluar(a, config).contabilizada

    def test_se_combina_con_ilegible_y_sin_dato(self):
        ev = evaluar(acta(700, IL, S, lista_nominal=600))
        assert ev.texto_observaciones == "Excede Lista Nominal, Ilegible, Sin dato"

    def test_ilegible_cuenta_cero_en_el_total(self):
        assert evaluar(acta(600, IL, lista_nominal=600)).contabilizada


def test_R6_sin_acta():
    a = acta(registro=Registro.SIN_ACTA, causa_sin_acta=CausaSinActa.CASILLA_NO_INSTALADA)
    ev = evaluar(a)
    assert ev.contabilizacion is Contabilizacion.NO_CONTABILIZADA
    assert ev.texto_observaciones == "Sin Acta por casilla no instalada"
    assert not ev.con_inconsistencia
    t = agregar([a], 0).total
    assert (t.actas_registradas, t.actas_capturadas, t.actas_no_contabilizadas) == (1, 1, 1)
    assert (t.actas_contabilizadas, t.actas_con_inconsistencia) == (0, 0)


def test_R6_sin_acta_requiere_causa():
    with pytest.raises(ValueError, match="sin causa"):
        evaluar(acta(registro=Registro.SIN_ACTA))


def test_R7_fuera_de_catalogo():
    actas = [acta(10) for _ in range(4)] + [
        acta(registro=Registro.FUERA_CATALOGO) for _ in range(3)
    ]
    t = agregar(actas, 1).total
    assert (t.actas_esperadas, t.actas_fuera_catalogo, t.actas_registradas) == (4, 3, 7)
    assert t.actas_capturadas == 4
    assert evaluar(actas[-1]).contabilizacion is Contabilizacion.FUERA_CATALOGO


def test_R8_casillas_especiales():
    especial = acta(300, tipo_casilla="S", lista_nominal=0)
    t = agregar([especial], 1).total
    assert (t.total_votos_c_cs, t.total_votos_s_cs, t.lista_nominal_actas_contabilizadas) == (
        300,
        0,
        0,
    )
    assert t.votos == [300]


def test_R9_total_calculado_ignora_el_asentado():
    ev = evaluar(acta(120, 80, 10, 200, 15, 20, 5, 1, 9))
    assert ev.total_votos_calculado == 460


def test_R10_solo_contabilizadas_suman():
    c1 = acta(100, lista_nominal=600)
    c2 = acta(900, lista_nominal=600)
    res = agregar([c1, c2], 1)
    assert res.total.votos == [100]
    assert set(res.evaluaciones) == {c1.clave, c2.clave}


def test_R11_coaliciones():
    coalicion = Coalicion("VA", ("PAN", "PRI"), (Combinacion("PAN_PRI", ("PAN", "PRI")),))
    votos = {"PAN": 120, "PRI": 80, "PAN_PRI": 11}
    assert votos_candidatura(votos, coalicion) == 211
    assert reparto_art_311(votos, coalicion) == {"PAN": 126, "PRI": 85}


def test_R11_resto_a_los_de_mas_votacion():
    coalicion = Coalicion("X", ("A", "B", "C"), (Combinacion("A_B_C", ("A", "B", "C")),))
    reparto = reparto_art_311({"A": 10, "B": 30, "C": 20, "A_B_C": 8}, coalicion)
    assert reparto == {"A": 12, "B": 33, "C": 23}


class TestR12Truncamiento:
    @pytest.mark.parametrize(
        ("x", "y", "esperado"),
        [(1000, 1234, "81.0372"), (930, 1234, "75.3646"), (30, 1234, "2.4311"), (2, 3, "66.6666")],
    )
    def test_ejemplos_del_spec(self, x, y, esperado):
        assert formatear(porcentaje(x, y)) == esperado

    def test_denominador_cero(self):
        assert formatear(porcentaje(5, 0)) == "0.0000"

    def test_inconsistencias_segun_configuracion(self):
        actas = [acta(IL, 5), acta(700, lista_nominal=600), acta(5)]
        todas = agregar(actas, 2).total
        graves = agregar(
            actas, 2, ConfiguracionReglas(inconsistencias=Inconsistencias.NO_CONTABILIZADAS)
        ).total
        assert (todas.actas_con_inconsistencia, graves.actas_con_inconsistencia) == (2, 1)


def test_R13_participacion():
    b = acta(460, lista_nominal=600)
    c1 = acta(400, lista_nominal=580)
    s1 = acta(300, tipo_casilla="S", lista_nominal=0)
    t = agregar([b, c1, s1], 1).total
    assert (t.total_votos_c_cs, t.total_votos_s_cs, t.lista_nominal_actas_contabilizadas) == (
        1160,
        860,
        1180,
    )
    assert formatear(t.porcentaje_participacion(corte_final=False)) == "72.8813"
    assert formatear(t.porcentaje_participacion(corte_final=True)) == "98.3050"
    assert participacion(1160, 860, 1180, corte_final=True) == Decimal("98.3050")


def test_R14_invariantes_del_ejemplo():
    actas = (
        [acta(1) for _ in range(930)]
        + [
            acta(registro=Registro.SIN_ACTA, causa_sin_acta=CausaSinActa.PAQUETE_SIN_SOBRE)
            for _ in range(40)
        ]
        + [acta(800, lista_nominal=600) for _ in range(25)]
        + [acta(IL) for _ in range(5)]
        + [acta(registro=Registro.PENDIENTE) for _ in range(234)]
        + [acta(registro=Registro.FUERA_CATALOGO) for _ in range(3)]
    )
    t = agregar(actas, 1).total
    assert t.actas_esperadas == 1234
    assert t.actas_registradas == 1003
    assert t.actas_capturadas == t.actas_contabilizadas + t.actas_no_contabilizadas == 1000
    assert (t.actas_contabilizadas, t.actas_no_contabilizadas) == (930, 70)
    assert formatear(t.porcentaje_actas_inconsistencias) == "2.4311"


def test_R15_una_nueva_verificacion_cambia_el_siguiente_corte():
    corte5 = agregar([acta(120, IL, 4, clave="X")], 3)
    corte6 = agregar([acta(120, 60, 4, clave="X")], 3)
    assert corte5.evaluaciones["X"].total_votos_calculado == 124
    assert corte6.evaluaciones["X"].total_votos_calculado == 184
    assert corte5.total.votos == [120, 0, 4]


def test_R16_determinismo():
    actas = [acta(5, IL, lista_nominal=10), acta(3, 2), acta(registro=Registro.PENDIENTE)]
    a, b = agregar(actas, 2), agregar(list(actas), 2)
    assert a.total.comparable() == b.total.comparable()
    assert list(a.niveles[Nivel.SECCION]) == list(b.niveles[Nivel.SECCION])


def test_cifras_validas():
    assert validar(5) == 5
    assert validar("ILEGIBLE") is Lectura.ILEGIBLE
    assert valor(S) == 0
    for malo in (-1, True, "7", 2.5):
        with pytest.raises(ValueError):
            validar(malo)
