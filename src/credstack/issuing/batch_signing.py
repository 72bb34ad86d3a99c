"""Checking and signing a batch of award credentials, in this process or in a pool of
worker processes.

Pure trust-core work, no Django: the award service builds the unsigned credentials and
stores what comes back. Each credential is checked against its data model and signed
with eddsa-rdfc-2022, exactly as a single award is; a credential that fails comes back
with the reason instead, and the others are unaffected.

:class:`SigningPool` spreads a batch over worker processes started with ``spawn``, so a
worker inherits no database connection, lock or thread from the web or job process.
The signing key goes to a worker with each chunk of credentials (its 32-byte seed, over
the pool's pipe between this process and its own children) and is not kept there.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.standards import sign
from credstack.standards.errors import DataModelError, StandardsError
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.vc.data_model import require_valid_credential

# Chunks per worker and batch: more than one evens out a worker slowed by other work.
_CHUNKS_PER_PROCESS = 2


@dataclass(frozen=True)
class SigningResult:
    """The signed credential, or why there is none (``message`` and ``problems``)."""

    signed: dict[str, Any] | None
    message: str = ""
    problems: tuple[str, ...] = ()


def validate_and_sign(
    credentials: Sequence[dict[str, Any]],
    key_pair: Ed25519KeyPair,
    *,
    verification_method: str,
    created: datetime,
) -> list[SigningResult]:
    """Check each credential against its data model and sign it; one result per
    credential, in order."""
    results = []
    for credential in credentials:
        try:
            require_valid_credential(credential)
            signed = sign(
                credential, key_pair, verification_method=verification_method, created=created
            )
        except DataModelError as error:
            problems = tuple(f"{path}: {message}" for path, message in error.problems)
            results.append(
                SigningResult(None, "the credential would not conform to its data model", problems)
            )
        except StandardsError as error:
            results.append(SigningResult(None, "the credential cannot be signed", (error.message,)))
        else:
            assert isinstance(signed, dict)
            results.append(SigningResult(signed))
    return results


def _sign_chunk(
    seed: bytes,
    verification_method: str,
    created: datetime,
    credentials: list[dict[str, Any]],
) -> list[SigningResult]:
    key_pair = Ed25519KeyPair.from_private_key(Ed25519PrivateKey.from_private_bytes(seed))
    return validate_and_sign(
        credentials, key_pair, verification_method=verification_method, created=created
    )


def _load_trust_core() -> None:
    """Import the signing code once per worker, not with its first chunk."""
    from credstack.standards.dataintegrity import proofs  # noqa: F401


class SigningPool:
    """Worker processes that check and sign batches (see :func:`validate_and_sign`).
    Use it as a context manager, or call :meth:`close`."""

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("a signing pool needs at least one process")
        self.processes = processes
        self._executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_trust_core,
        )

    def sign(
        self,
        credentials: Sequence[dict[str, Any]],
        key_pair: Ed25519KeyPair,
        *,
        verification_method: str,
        created: datetime,
    ) -> list[SigningResult]:
        """As :func:`validate_and_sign`, spread over the workers."""
        if key_pair.private_key is None:
            raise ValueError("signing needs a private key")
        seed = key_pair.private_key.private_bytes_raw()
        chunk_count = min(len(credentials), self.processes * _CHUNKS_PER_PROCESS)
        if chunk_count == 0:
            return []
        size = -(-len(credentials) // chunk_count)
        futures = [
            self._executor.submit(
                _sign_chunk,
                seed,
                verification_method,
                created,
                list(credentials[start : start + size]),
            )
            for start in range(0, len(credentials), size)
        ]
        return [result for future in futures for result in future.result()]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> SigningPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
