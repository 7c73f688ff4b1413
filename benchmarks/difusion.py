"""Push a national-size corte to 10 difusores over loopback: SFTP (real sshd, one per difusor)
and S3 (moto servers, one process per difusor), all in parallel as `prep publicar` does.

    python benchmarks/difusion.py [--casillas 170000] [--sftp 5] [--s3 5] [--incremento 10000]

Builds the national corte and an incremental one (as benchmarks/corte.py), then times
`enviar_corte` for each: the first push sends everything (the full SFTP package, every file to
each bucket); before the second, each SFTP difusor's monitoring period is recorded as correct
(as `prep publicar --programado` does when its site serves corte 1), so it gets the package of
differences, and each bucket only the files that changed. Then one SFTP difusor receives both
packages (verify, extract, swap `ultimo`), as its `prep difusor bandeja` would.
"""

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corte as nacional

RAIZ = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RAIZ))


def puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def servidor_moto(puerto: int) -> subprocess.Popen:
    """A moto S3 server in its own process (as a real bucket would be: not on our CPU's GIL)."""
    proceso = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(puerto)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    fin = time.monotonic() + 30
    while time.monotonic() < fin:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", puerto)) == 0:
                return proceso
        time.sleep(0.1)
    raise RuntimeError("el servidor moto no arrancó")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    nacional.argumentos(parser)
    parser.add_argument("--sftp", type=int, default=5, help="difusores SFTP")
    parser.add_argument("--s3", type=int, default=5, help="difusores S3")
    args = parser.parse_args()

    uno, dos = nacional.cortes_nacionales(args.casillas, args.semilla, args.incremento)

    import boto3

    from prep.difusion.envio.empuje import enviar_corte
    from prep.difusion.models import Difusor, Envio, Periodo
    from prep.difusion.recepcion import recibir
    from tests.servicios.sshd import ServidorSFTP

    temporal = Path(tempfile.mkdtemp(prefix="prep-difusion-"))
    servidores_sftp, procesos = [], []
    try:
        for n in range(args.sftp):
            servidor = ServidorSFTP(temporal / f"sftp{n}")
            servidor.iniciar()
            servidores_sftp.append(servidor)
            Difusor.objects.create(
                nombre=f"SFTP {n}",
                url=f"https://sftp{n}.example",
                canal=Difusor.Canal.SFTP,
                credencial=str(servidor.llave_cliente),
                destino=servidor.destino,
                llave_servidor=servidor.llave_servidor,
            )
        for n in range(args.s3):
            puerto = puerto_libre()
            procesos.append(servidor_moto(puerto))
            endpoint = f"http://127.0.0.1:{puerto}"
            boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            ).create_bucket(Bucket=f"difusor-{n}")
            archivo = temporal / f"s3-{n}.credencial"
            archivo.write_text("bench:bench")
            archivo.chmod(0o600)
            Difusor.objects.create(
                nombre=f"S3 {n}",
                url=f"https://s3-{n}.example",
                canal=Difusor.Canal.S3,
                credencial=str(archivo),
                destino=f"s3://difusor-{n}/sitio/?endpoint={endpoint}",
            )

        print(f"\ndifusores: {args.sftp} SFTP (sshd) y {args.s3} S3 (moto), por loopback")
        for corte in (uno, dos):
            if corte is dos:
                for difusor in Difusor.objects.filter(canal=Difusor.Canal.SFTP):
                    Periodo.objects.create(
                        difusor=difusor,
                        momento=uno.momento,
                        corte=uno.numero,
                        servido=uno.numero,
                        correcto=True,
                        motivo=f"muestra el corte {uno.numero}",
                        fallos=0,
                    )
            inicio = time.perf_counter()
            entregas = enviar_corte(
                corte,
                limite=7200,
                avisar=lambda i, nombre, t0=inicio: print(
                    f"  {nombre}: {'entregado' if i.entregado else 'falló'} a los"
                    f" {time.perf_counter() - t0:.1f} s",
                    flush=True,
                ),
            )
            total = time.perf_counter() - inicio
            assert all(e.entregado for e in entregas), [e.detalle for e in entregas]
            print(f"corte {corte.numero}: {len(entregas)} difusores en {total:.1f} s")
            for canal in ("SFTP", "S3"):
                envios = Envio.objects.filter(corte=corte.numero, difusor__canal=canal)
                if not envios:
                    continue
                segundos = [(e.fin - e.inicio).total_seconds() for e in envios]
                print(
                    f"  {canal}: {max(segundos):.1f} s el más lento, {min(segundos):.1f} s el más"
                    f" rápido; por difusor {envios[0].archivos:,} archivos,"
                    f" {envios[0].bytes / 1e6:,.1f} MB"
                )

        if servidores_sftp:
            destino = temporal / "sitio-del-difusor"
            for paquete in sorted(servidores_sftp[0].bandeja.glob("*_PREP.tar.gz")):
                print(f"paquete {paquete.name}: {paquete.stat().st_size / 1e6:,.1f} MB")
                inicio = time.perf_counter()
                recepcion = recibir(paquete, destino)
                print(
                    f"recepción del corte {recepcion.corte} por un difusor (verificar, extraer,"
                    f" cambiar ultimo): {time.perf_counter() - inicio:.1f} s,"
                    f" {recepcion.resultado.texto}"
                )
    finally:
        for servidor in servidores_sftp:
            servidor.detener()
        for proceso in procesos:
            proceso.terminate()
            proceso.wait()
        shutil.rmtree(temporal, ignore_errors=True)


if __name__ == "__main__":
    main()
