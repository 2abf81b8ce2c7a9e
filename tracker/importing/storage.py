"""Uploaded files kept on the server between the preview and the commit, so a commit checks the same bytes
again instead of trusting anything the browser sends back.

Each upload is `<token>.bin` (the bytes) and `<token>.json` (who uploaded it, the file name) in the import
folder (`TRACKER_IMPORT_DIR`, default instance/imports). Only the uploader can use the token; uploads older
than the maximum age are refused and swept away at the next upload, and a committed upload is deleted.

A large upload whose commit becomes a background job is handed over to the job: moved into the job's own folder
(`upload.bin`, `upload.json`) before the job is queued. There the sweep cannot delete it however long the job waits
for a worker, its token no longer works (a second commit of the same preview finds nothing), and it goes with the
job's folder when the job fails or its worker dies.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")


class UploadMissing(LookupError):
    """No upload under this token for this user: never made, someone else's, expired or already used."""


@dataclass(frozen=True)
class StoredUpload:
    """An upload read back: the bytes and the name the file had."""

    token: str
    filename: str
    data: bytes


def save_upload(folder: Path, user_id: int | None, filename: str, data: bytes) -> str:
    """Keep the bytes under a new random token, readable by the server's user only."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(16)
    _write(folder / f"{token}.bin", data)
    _write(folder / f"{token}.json", json.dumps({"user_id": user_id, "filename": filename[:255]}).encode())
    return token


def _write(path: Path, data: bytes) -> None:
    """Write a file that only the owner can read."""
    path.touch(mode=0o600)
    path.write_bytes(data)


def load_upload(folder: Path, token: str, user_id: int | None, max_age: float) -> StoredUpload:
    """The upload under `token`, if this user made it within `max_age` seconds."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise UploadMissing(token)
    data_path, meta_path = folder / f"{token}.bin", folder / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
        fresh = time.time() - data_path.stat().st_mtime <= max_age
        data = data_path.read_bytes() if fresh and meta.get("user_id") == user_id else None
    except (OSError, ValueError) as error:
        raise UploadMissing(token) from error
    if data is None:
        raise UploadMissing(token)
    return StoredUpload(token, str(meta.get("filename", "")), data)


HANDED = "upload"


def hand_over(folder: Path, token: str, destination: Path) -> None:
    """Move the upload into `destination` (a job's folder); UploadMissing when it is gone (committed meanwhile).

    The bytes move first: of two commits racing for one upload, only one finds them.
    """
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise UploadMissing(token)
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        shutil.move(folder / f"{token}.bin", destination / f"{HANDED}.bin")
    except FileNotFoundError as error:
        raise UploadMissing(token) from error
    shutil.move(folder / f"{token}.json", destination / f"{HANDED}.json")


def take_back(destination: Path, folder: Path, token: str) -> None:
    """Undo `hand_over` (the job could not be recorded): the upload is the uploader's again, under its token."""
    for suffix in (".bin", ".json"):
        source = destination / f"{HANDED}{suffix}"
        if source.exists():
            shutil.move(source, folder / f"{token}{suffix}")


def load_handed(destination: Path) -> StoredUpload:
    """The upload handed over to a job; UploadMissing when it is not there."""
    try:
        meta = json.loads((destination / f"{HANDED}.json").read_text())
        data = (destination / f"{HANDED}.bin").read_bytes()
    except (OSError, ValueError) as error:
        raise UploadMissing(destination.name) from error
    return StoredUpload("", str(meta.get("filename", "")), data)


def discard_handed(destination: Path) -> None:
    """Delete the upload a job has used."""
    for suffix in (".bin", ".json"):
        (destination / f"{HANDED}{suffix}").unlink(missing_ok=True)


def discard_upload(folder: Path, token: str) -> None:
    """Delete an upload (after its commit)."""
    if TOKEN_PATTERN.fullmatch(token or ""):
        for suffix in (".bin", ".json"):
            (folder / f"{token}{suffix}").unlink(missing_ok=True)


def sweep(folder: Path, max_age: float) -> int:
    """Delete uploads older than `max_age` seconds; how many were deleted."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age
    removed = 0
    for path in folder.glob("*.bin"):
        if path.stat().st_mtime < cutoff:
            discard_upload(folder, path.stem)
            removed += 1
    return removed
