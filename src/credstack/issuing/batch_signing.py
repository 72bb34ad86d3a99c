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

import gc
import json
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.standards import sign
from credstack.standards.errors import DataModelError, StandardsError
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.vc.data_model import require_valid_credential

# Credentials sent to a worker at once: small enough that the first come back soon and
# the workers share a batch evenly.
_CHUNK_SIZE = 50


@dataclass(frozen=True)
class SigningResult:
    """The signed credential, or why there is none (``message`` and ``problems``).
    ``json_text`` is the signed credential as JSON (``json.dumps``) when a worker made
    it, so that the process storing it need not."""

    signed: dict[str, Any] | None
    message: str = ""
    problems: tuple[str, ...] = ()
    json_text: str | None = None


def validate_and_sign(
    credentials: Iterable[dict[str, Any]],
    key_pair: Ed25519KeyPair,
    *,
    verification_method: str,
    created: datetime,
) -> Iterator[SigningResult]:
    """Check each credential against its data model and sign it; one result per
    credential, in order, each as soon as it is made."""
    for credential in credentials:
        try:
            require_valid_credential(credential)
            signed = sign(
                credential, key_pair, verification_method=verification_method, created=created
            )
        except DataModelError as error:
            problems = tuple(f"{path}: {message}" for path, message in error.problems)
            yield SigningResult(
                None, "the credential would not conform to its data model", problems
            )
        except StandardsError as error:
            yield SigningResult(None, "the credential cannot be signed", (error.message,))
        else:
            assert isinstance(signed, dict)
            yield SigningResult(signed)


def _sign_chunk(
    seed: bytes,
    verification_method: str,
    created: datetime,
    credentials: list[dict[str, Any]],
) -> list[SigningResult]:
    key_pair = Ed25519KeyPair.from_private_key(Ed25519PrivateKey.from_private_bytes(seed))
    return [
        result if result.signed is None else replace(result, json_text=json.dumps(result.signed))
        for result in validate_and_sign(
            credentials, key_pair, verification_method=verification_method, created=created
        )
    ]


def _results_of(futures: list[Future[list[SigningResult]]]) -> Iterator[SigningResult]:
    for future in futures:
        yield from future.result()


def _load_trust_core() -> None:
    """Import the signing code once per worker, not with its first chunk, and keep
    the garbage collector from scanning what was imported again and again: the
    credentials' short-lived dicts trigger collections all the time."""
    from credstack.standards.dataintegrity import proofs  # noqa: F401

    gc.freeze()


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
        credentials: Iterable[dict[str, Any]],
        key_pair: Ed25519KeyPair,
        *,
        verification_method: str,
        created: datetime,
    ) -> Iterator[SigningResult]:
        """As :func:`validate_and_sign`, spread over the workers. Every credential is
        sent at once, a chunk at a time, before this returns; the results come back in
        order as they are iterated. So a caller can let one batch be signed while it
        stores another: the workers take the chunks in the order they were sent."""
        if key_pair.private_key is None:
            raise ValueError("signing needs a private key")
        seed = key_pair.private_key.private_bytes_raw()
        remaining = iter(credentials)
        futures: list[Future[list[SigningResult]]] = []
        while chunk := list(islice(remaining, _CHUNK_SIZE)):
            futures.append(
                self._executor.submit(_sign_chunk, seed, verification_method, created, chunk)
            )
        return _results_of(futures)

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
