"""Real concurrency in tests: threads with their own database connections, released at once."""

import threading

from django.db import connections


def en_hilos(funcion, argumentos: list) -> list:
    """Run `funcion(arg)` in one thread per argument, all released at once by a barrier; their
    results (or the first exception, raised here). Each thread closes its connections."""
    barrera = threading.Barrier(len(argumentos))
    resultados: list = [None] * len(argumentos)
    errores: list[BaseException] = []

    def correr(i: int) -> None:
        try:
            barrera.wait(timeout=30)
            resultados[i] = funcion(argumentos[i])
        except BaseException as exc:
            errores.append(exc)
        finally:
            connections.close_all()

    hilos = [threading.Thread(target=correr, args=(i,)) for i in range(len(argumentos))]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=120)
    if errores:
        raise errores[0]
    return resultados
