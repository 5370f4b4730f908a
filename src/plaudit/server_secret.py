"""The server's secret: signs SSO codes and recipient sessions.

`PLAUDIT_SECRET_KEY` when set; otherwise one is generated the first time an app is built and
kept in the data directory (mode 0600), so that restarts and the processes of one host agree.
Hosts that share a database must share the secret too: set `PLAUDIT_SECRET_KEY` on each.

`server_secret` is the only way to the secret, and it applies the production rule first
(`refuse_insecure_secret`): no command can generate a secret file that production forbids.
"""

import os
import secrets
from pathlib import Path

from plaudit.settings import Settings
from plaudit.store import files

FILE_NAME = "secret_key"
GENERATED_BYTES = 32


def server_secret(settings: Settings) -> bytes:
    refuse_insecure_secret(settings)
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    return _stored_secret(settings.data_dir / FILE_NAME)


def _stored_secret(path: Path) -> bytes:
    files.private_directory(path.parent)
    if not path.exists():
        _publish(path, secrets.token_hex(GENERATED_BYTES))
    files.private_file(path)  # tightens a copy that was left readable to others
    value = path.read_text().strip()
    if len(value) < GENERATED_BYTES:
        raise SecretUnavailable(
            f"{path} holds no usable secret; delete it or set PLAUDIT_SECRET_KEY"
        )
    return value.encode()


def _publish(path: Path, value: str) -> None:
    """Writes a private file beside `path`, then links it into place: of several processes
    starting at once, exactly one secret wins and nobody reads a half-written file."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(value)
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


class SecretUnavailable(RuntimeError):
    """The server has no secret it may use; the message says what to set."""


class InsecureSecret(SecretUnavailable):
    """Production mode without a secret fit to protect signing keys."""


_PLACEHOLDER_WORDS = ("change", "replace", "placeholder", "example", "dummy", "insecure", "your")
_MIN_DISTINCT_CHARACTERS = 10


def refuse_insecure_secret(settings: Settings) -> None:
    """In production (`PLAUDIT_ENV=production`), the secret must be set, and not a placeholder:
    it encrypts every organization's signing keys, and a generated one lives on one host only."""
    if settings.env != "production":
        return
    if settings.secret_key is None:
        raise InsecureSecret(
            "PLAUDIT_ENV=production needs PLAUDIT_SECRET_KEY: a secret generated into the data "
            "directory would protect the signing keys with a file on one host. Set it to at "
            "least 32 random characters, e.g. `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`."
        )
    value = settings.secret_key.get_secret_value()
    lowered = value.lower()
    if (
        any(word in lowered for word in _PLACEHOLDER_WORDS)
        or len(set(value)) < _MIN_DISTINCT_CHARACTERS
    ):
        raise InsecureSecret(
            "PLAUDIT_SECRET_KEY looks like a placeholder; PLAUDIT_ENV=production needs a random "
            "secret of at least 32 characters."
        )
