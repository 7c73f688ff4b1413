"""Django settings, read from environment variables.

`PREP_DATABASE_URL` picks the database: SQLite in WAL mode under `./var/` by default, PostgreSQL
by URL (`postgres://usuario@host:5432/base`; a primary and its espejo as
`postgres://usuario:clave@db1:5432,db2:5432/base?sslmode=verify-full&sslrootcert=…`).
"""

import contextlib
import ipaddress
import os
import re
from importlib import import_module
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("PREP_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "si", "sí", "yes"}


def _env_int(name: str, default: int) -> int:
    texto = os.environ.get(name, "").strip()
    if not texto:
        return default
    if not texto.isdigit():
        raise ImproperlyConfigured(f"{name}: «{texto}» no es un número entero sin signo.")
    return int(texto)


DEBUG = _env_bool("PREP_DEBUG", False)
SECRET_KEY = os.environ.get("PREP_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and _env_bool("PREP_PRODUCCION", False):
        raise ImproperlyConfigured("Defina PREP_SECRET_KEY en producción.")
    # Only for the demo and tests: a key generated per process is never reused nor committed.
    SECRET_KEY = os.urandom(32).hex()

ALLOWED_HOSTS = [
    h for h in os.environ.get("PREP_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]


def _redes(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    redes = []
    for texto in os.environ.get(name, "").split(","):
        if not texto.strip():
            continue
        try:
            redes.append(ipaddress.ip_network(texto.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: «{texto.strip()}» no es una dirección IP ni una red (p. ej. 127.0.0.1"
                " o 10.0.0.0/24)."
            ) from None
    return tuple(redes)


# The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (prep/web/https.py);
# none by default: with no proxy in front, those headers come from the client.
PREP_PROXIES = _redes("PREP_PROXIES")
# HSTS, only on HTTPS responses and only when asked: a browser that saw it refuses any other
# certificate for that long, so it waits for the institute's real certificate.
SECURE_HSTS_SECONDS = _env_int("PREP_HSTS_SEGUNDOS", 0)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "prep.catalogo",
    "prep.cuentas",
    "prep.bitacora",
    "prep.actas",
    "prep.acopio",
    "prep.digitalizacion",
    "prep.casilla",
    "prep.captura",
    "prep.verificacion",
    "prep.empaquetado",
    "prep.tablero",
    "prep.simulacro",
    "prep.publicacion",
    "prep.servidor",
    "prep.difusion",
    "prep.continuidad",
    "prep.monitoreo",
]

MIDDLEWARE = [
    # Before anything reads the client's address or scheme (docs/instalacion.md, «Detrás de un
    # proxy»); it refuses nothing.
    "prep.web.https.DetrasDeProxy",
    # Then, so that it counts and times every request, refused or failed ones too (/metricas).
    "prep.monitoreo.middleware.MedirPeticiones",
    "django.middleware.security.SecurityMiddleware",
    # Outside the session and CSRF middlewares, so that it sees the cookies they set.
    "prep.web.https.CookiesSeguras",
    # Operators' pages need their CSS/JS from `prep servir` alone, with no web server in front.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prep.cuentas.rechazos.Rechazos",  # every refusal in the bitácora; oversized bodies out
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "prep.urls"
WSGI_APPLICATION = "prep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# One server of a URL's list: `host`, `host:puerto`, `[ipv6]` or `[ipv6]:puerto`.
_SERVIDOR = re.compile(r"(?:\[(?P<ipv6>[^\]]+)\]|(?P<host>[^:\[\]]+))(?::(?P<puerto>\d+))?")


def _servidores(url: str) -> tuple[str, str, str] | None:
    """For a URL naming several servers (`postgres://u:c@db1:5432,db2:5432/base?…`): the URL
    with only the first one (dj_database_url reads a single host) and the hosts and ports as
    the comma lists libpq takes; None for a URL with a single server."""
    partes = urlsplit(url)
    credenciales, arroba, lista = partes.netloc.rpartition("@")
    if "," not in lista:
        return None
    hosts, puertos = [], []
    for servidor in lista.split(","):
        encontrado = _SERVIDOR.fullmatch(servidor.strip())
        if encontrado is None:
            raise ImproperlyConfigured(
                f"PREP_DATABASE_URL: el servidor «{servidor}» no es válido; escriba"
                " host:puerto separados por comas"
            )
        hosts.append(unquote(encontrado["ipv6"] or encontrado["host"]))
        puertos.append(encontrado["puerto"] or "5432")
    primero = partes._replace(netloc=credenciales + arroba + lista.split(",")[0].strip())
    return primero.geturl(), ",".join(hosts), ",".join(puertos)


def _database() -> dict:
    url = os.environ.get("PREP_DATABASE_URL", "").strip()
    if not url:
        # A read-only folder must not stop `prep --help`; the connection reports the real error.
        with contextlib.suppress(OSError):
            VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'prep.sqlite3'}"
    varios = _servidores(url)
    config = dj_database_url.parse(varios[0] if varios else url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A connection kept between requests may have died (the primary fell and the espejo
        # was promoted, the server restarted): it is checked before a request uses it and
        # replaced, so `prep servir` keeps working without a restart.
        config["CONN_HEALTH_CHECKS"] = True
        if varios:
            # libpq tries the hosts in order; only a primary accepts the session, never an
            # espejo still in recovery (read-only).
            config["HOST"], config["PORT"] = varios[1], varios[2]
            config.setdefault("OPTIONS", {}).setdefault("target_session_attrs", "read-write")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers (publication) run beside the single writer; IMMEDIATE takes the
            # write lock at BEGIN so concurrent writers wait instead of failing mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
                " PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
        config.setdefault("TEST", {})["NAME"] = str(VAR_DIR / "prueba.sqlite3")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["prep.cuentas.autenticacion.ConPerfil"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("PREP_ZONA_HORARIA", "America/Mexico_City")
USE_I18N = True
USE_TZ = True
# PREP_RELOJ simulates the election-night clock (prep/reloj.py): a malformed value stops `prep`
# here, at startup, naming the expected form.
try:
    import_module("prep.reloj")
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

STATIC_URL = "static/"
# Served straight from the apps' static folders (no STATIC_ROOT): no collectstatic step to
# forget on a CATD.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
# One shift at most from login, and nothing left open on a shared CATD workstation once the
# browser is closed.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "entrar"
CSRF_FAILURE_VIEW = "prep.cuentas.vistas.csrf_rechazado"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

PREP_PUBLICACION_DIR = Path(os.environ.get("PREP_PUBLICACION_DIR", Path.cwd() / "publicacion"))
# The institute's Ed25519 key that signs every corte's manifest (never in the repository).
PREP_LLAVE_FIRMA = Path(
    os.environ.get("PREP_LLAVE_FIRMA", VAR_DIR / "llaves" / "firma_ed25519.pem")
)

# How long a capturista keeps the acta the capture queue handed them before another may take it.
PREP_CAPTURA_PLAZO_SEGUNDOS = _env_int("PREP_CAPTURA_PLAZO_SEGUNDOS", 600)

# Acta images: a local folder (VAR_DIR/imagenes) unless PREP_IMAGENES_URL names a bucket
# (s3://bucket/prefix; credentials from the standard AWS variables, PREP_S3_ENDPOINT for a
# non-AWS S3-compatible service). Uploads larger or with more pixels than these are refused.
# Several locations (separated by spaces or commas) keep a copy each; an upload is accepted once
# PREP_IMAGENES_COPIAS of them hold it (default: all). Checked on first use (almacen.py).
PREP_IMAGENES_URL = os.environ.get("PREP_IMAGENES_URL", "")
PREP_IMAGENES_COPIAS = os.environ.get("PREP_IMAGENES_COPIAS", "")
PREP_S3_ENDPOINT = os.environ.get("PREP_S3_ENDPOINT", "")
PREP_IMAGEN_MAX_BYTES = _env_int("PREP_IMAGEN_MAX_BYTES", 15 * 1024 * 1024)
PREP_IMAGEN_MAX_PIXELES = _env_int("PREP_IMAGEN_MAX_PIXELES", 60_000_000)
# PREP Casilla: how long a pairing code shown on the coordinator's page lives, and how many API
# requests a device may make per minute, by type (a casilla's phone sends a handful of photos;
# a CATD scanner, the whole district's packages).
PREP_EMPAREJAMIENTO_MINUTOS = _env_int("PREP_EMPAREJAMIENTO_MINUTOS", 10)
PREP_SOLICITUDES_POR_MINUTO = {
    "TELEFONO": _env_int("PREP_SOLICITUDES_TELEFONO", 60),
    "ESCANER": _env_int("PREP_SOLICITUDES_ESCANER", 600),
}

# /metricas (prep.monitoreo) shows operational figures before the legal publication start: with
# a token, only `Authorization: Bearer <token>` reads them; without one, only this machine.
PREP_METRICAS_TOKEN = os.environ.get("PREP_METRICAS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PREP_LOG_LEVEL", "WARNING")},
}
