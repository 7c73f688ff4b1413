"""PREP Abierto: Programa de Resultados Electorales Preliminares de extremo a extremo."""

__version__ = "0.1.0"
