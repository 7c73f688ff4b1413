"""A night with two real difusores, for the push and monitoring tests: one over SFTP (a real
sshd; its inbox received into DESTINO as the difusor's `prep difusor bandeja` does, DESTINO served
by a real HTTP server) and one over S3 (the moto server, which also serves the bucket over HTTP).
Cortes come from the real generator with the real calendar."""

from dataclasses import dataclass, field
from pathlib import Path

from prep.difusion.bandeja import procesar
from prep.difusion.envio.empuje import Entrega, enviar_corte
from prep.difusion.models import Difusor, publicados
from prep.publicacion.corte import publicar
from prep.publicacion.models import Corte
from tests.fabricas import DifusorFactory
from tests.publicacion.eleccion import Eleccion
from tests.servicios.s3 import BucketS3
from tests.servicios.sshd import ServidorSFTP
from tests.servicios.web import ServidorWeb

VARIABLE_S3 = "PREP_DIFUSOR_DIARIO"


@dataclass
class Noche:
    """The election, the two difusores and their servers."""

    eleccion: Eleccion
    sftp: ServidorSFTP
    web: ServidorWeb
    sitio: Path
    bucket: BucketS3
    universidad: Difusor
    diario: Difusor
    cortes: list[Corte] = field(default_factory=list)

    def cortar(self, actas: int = 3, limite: float = 20.0) -> tuple[Corte, list[Entrega]]:
        """The next corte of the calendar (20 min after the last), pushed to the difusores;
        then the SFTP difusor publishes what reached its inbox."""
        self.eleccion.registrar(actas, con_imagen=1)
        corte = publicar(self.eleccion.minuto(20 * len(self.cortes)), difusores=publicados)
        self.cortes.append(corte)
        entregas = enviar_corte(corte, limite=limite)
        if self.sftp.bandeja.is_dir():
            procesar(self.sftp.bandeja, self.sitio)
        return corte, entregas


def preparar_noche(tmp_path: Path, sftp: ServidorSFTP, bucket: BucketS3, monkeypatch) -> Noche:
    """Register the two difusores (credentials by reference: a 0600 key file, an environment
    variable) over a fresh synthetic election."""
    eleccion = Eleccion(tmp_path)
    sitio = tmp_path / "difusor-universidad"
    sitio.mkdir()
    web = ServidorWeb(sitio)
    monkeypatch.setenv(VARIABLE_S3, bucket.credencial)
    universidad = DifusorFactory(
        nombre="Universidad (SFTP)",
        url=web.url,
        canal=Difusor.Canal.SFTP,
        credencial=str(sftp.llave_cliente),
        destino=sftp.destino,
        llave_servidor=sftp.llave_servidor,
    )
    diario = DifusorFactory(
        nombre="Diario (S3)",
        url=bucket.publico,
        canal=Difusor.Canal.S3,
        credencial=VARIABLE_S3,
        destino=bucket.destino,
        llave_servidor="",
    )
    return Noche(eleccion, sftp, web, sitio, bucket, universidad, diario)
