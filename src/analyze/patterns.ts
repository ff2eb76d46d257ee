/** Name and value patterns the analyzer matches: pure tables and predicates, no parsing of code. */

const SECRET_PART = /(^|_)(SECRET|PASSWORD|PASSWD|PASS|PWD|TOKEN|APIKEY|API_KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|KEY|SALT)(_|$)/i;
const CREDENTIAL_URL_NAME = /(^|_)(DATABASE|DB|REDIS|MONGO|MONGODB|AMQP|BROKER|CELERY_BROKER|SQLALCHEMY_DATABASE)_(URL|URI|DSN)$/i;

/** A name whose literal value is itself a secret (SECRET_KEY, API_TOKEN), unlike DATABASE_URL which may hold none. */
export function isSecretValueName(name: string): boolean {
  return isSecretName(name) && !CREDENTIAL_URL_NAME.test(name);
}

/** SECRET_KEY, DB_PASSWORD, GITHUB_TOKEN, STRIPE_API_KEY, DATABASE_URL (URLs of databases carry credentials). */
export function isSecretName(name: string): boolean {
  if (/^(KEY_PREFIX|CACHE_KEY_PREFIX|SESSION_KEY_PREFIX|PRIMARY_KEY|SORT_KEYS|JSON_SORT_KEYS)$/i.test(name)) return false;
  return SECRET_PART.test(name) || CREDENTIAL_URL_NAME.test(name);
}

type ServiceKind = "postgres" | "mysql" | "redis" | "sqlite" | "mongodb";

const URL_SERVICES: [RegExp, ServiceKind][] = [
  [/^postgres(ql)?(\+\w+)?:\/\//i, "postgres"],
  [/^(mysql|mariadb)(\+\w+)?:\/\//i, "mysql"],
  [/^rediss?:\/\//i, "redis"],
  [/^mongodb(\+srv)?:\/\//i, "mongodb"],
  [/^sqlite(\+\w+)?:\/\//i, "sqlite"],
];

export function serviceForUrl(value: string): ServiceKind | undefined {
  for (const [re, kind] of URL_SERVICES) if (re.test(value)) return kind;
  return undefined;
}

/** scheme://user:password@host with a real password (not a ${VAR} placeholder). */
export function urlHasCredentials(value: string): boolean {
  const m = /^[a-z][\w+.-]*:\/\/[^/:@\s]+:([^/@\s]+)@/i.exec(value);
  return Boolean(m && !/^[$%{<]/.test(m[1]));
}

export const IMPORT_SERVICES: Record<string, ServiceKind> = {
  psycopg2: "postgres",
  psycopg: "postgres",
  asyncpg: "postgres",
  pg8000: "postgres",
  pymysql: "mysql",
  MySQLdb: "mysql",
  mysql: "mysql",
  redis: "redis",
  flask_redis: "redis",
  pymongo: "mongodb",
  flask_pymongo: "mongodb",
  mongoengine: "mongodb",
  sqlite3: "sqlite",
};

/** Import name → distributions that provide it, where the two names differ. */
export const IMPORT_PROVIDERS: Record<string, string[]> = {
  yaml: ["pyyaml"],
  PIL: ["pillow"],
  psycopg2: ["psycopg2", "psycopg2-binary"],
  psycopg: ["psycopg", "psycopg-binary"],
  bs4: ["beautifulsoup4"],
  dotenv: ["python-dotenv"],
  jwt: ["pyjwt"],
  jose: ["python-jose"],
  dateutil: ["python-dateutil"],
  MySQLdb: ["mysqlclient"],
  mysql: ["mysql-connector-python"],
  sklearn: ["scikit-learn"],
  cv2: ["opencv-python", "opencv-python-headless"],
  OpenSSL: ["pyopenssl"],
  Crypto: ["pycryptodome"],
  Cryptodome: ["pycryptodomex"],
  attr: ["attrs"],
  pkg_resources: ["setuptools"],
  magic: ["python-magic"],
  multipart: ["python-multipart"],
  google: ["protobuf", "google-cloud-storage", "google-auth", "google-api-python-client"],
  flask_sqlalchemy: ["flask-sqlalchemy"],
  flask_wtf: ["flask-wtf"],
  flask_login: ["flask-login"],
  markdown: ["markdown"],
  slugify: ["python-slugify"],
  serial: ["pyserial"],
  socketio: ["python-socketio"],
  engineio: ["python-engineio"],
  dns: ["dnspython"],
  git: ["gitpython"],
  gi: ["pygobject"],
  ldap: ["python-ldap"],
  zmq: ["pyzmq"],
  usb: ["pyusb"],
  win32api: ["pywin32"],
  dotmap: ["dotmap"],
  flask_restful: ["flask-restful"],
  rest_framework: ["djangorestframework"],
  pydantic_settings: ["pydantic-settings"],
  ruamel: ["ruamel-yaml"],
  opentelemetry: ["opentelemetry-api", "opentelemetry-sdk"],
  sentry_sdk: ["sentry-sdk"],
};

/**
 * Distributions that a declared distribution brings along (its install requirements), so that importing
 * werkzeug in a project that declares flask is not "imported but not declared".
 */
export const BRINGS: Record<string, string[]> = {
  flask: ["werkzeug", "jinja2", "itsdangerous", "click", "markupsafe", "blinker"],
  "flask-sqlalchemy": ["sqlalchemy"],
  "flask-migrate": ["alembic", "sqlalchemy", "flask-sqlalchemy"],
  alembic: ["sqlalchemy", "mako"],
  "flask-wtf": ["wtforms"],
  "flask-restx": ["aniso8601", "jsonschema", "werkzeug"],
  celery: ["kombu", "billiard", "vine"],
  requests: ["urllib3", "idna", "certifi", "charset-normalizer"],
  "flask-socketio": ["python-socketio", "python-engineio"],
  "flask-marshmallow": ["marshmallow"],
  "flask-smorest": ["marshmallow", "webargs", "apispec"],
  "flask-jwt-extended": ["pyjwt"],
  "python-jose": ["ecdsa", "rsa", "pyasn1"],
  boto3: ["botocore", "s3transfer", "jmespath"],
  gunicorn: ["packaging"],
  "sqlalchemy-utils": ["sqlalchemy"],
};

/** Declared distributions that are used without being imported by name. */
export const USED_WITHOUT_IMPORT = new Set([
  "gunicorn", "uwsgi", "waitress", "gevent", "eventlet", "python-dotenv", "setuptools", "wheel", "pip",
  "psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "pymysql", "mysqlclient", "cryptography",
  "email-validator", "greenlet", "uvicorn", "honcho", "supervisor", "meinheld", "bjoern", "whitenoise",
]);

export const SERVERS = ["gunicorn", "waitress", "uwsgi"] as const;

/** Python 3.11's sys.stdlib_module_names, without the private ones. */
export const STDLIB = new Set(
  ("abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect builtins bz2 " +
    "cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall concurrent configparser " +
    "contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis distutils doctest " +
    "email encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath " +
    "getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect io " +
    "ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap " +
    "modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode operator optparse os " +
    "ossaudiodev pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty " +
    "pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter runpy sched " +
    "secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile " +
    "sre_constants sre_parse ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny " +
    "tarfile telnetlib tempfile termios textwrap this threading time timeit tkinter token tokenize tomllib trace traceback " +
    "tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser " +
    "winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo __future__ _thread")
    .split(" "),
);
