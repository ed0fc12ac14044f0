"""Passwords (argon2 via pwdlib) and opaque tokens stored only as SHA-256 hashes."""

import hashlib
import secrets

from pwdlib import PasswordHash

_password_hash = PasswordHash.recommended()
# Verifying against this keeps the timing of "unknown email" close to "wrong password"; made at
# the first unknown email, not at import (half a second of every process start: servers, CLI).
_DUMMY_HASH: str | None = None


def use_password_hashing(hashing: PasswordHash) -> None:
    """Hash new passwords with `hashing` (the tests use Argon2id at its smallest cost). Stored
    hashes carry their own parameters, so every hash made before still verifies."""
    global _password_hash, _DUMMY_HASH
    _password_hash = hashing
    _DUMMY_HASH = None  # remade with `hashing` when first needed


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        global _DUMMY_HASH
        if _DUMMY_HASH is None:
            _DUMMY_HASH = _password_hash.hash("strang-dummy-password")
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    return _password_hash.verify(password, password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
