"""Files the sender uploads: their size, the form the request takes, their release."""

from __future__ import annotations

import os
from typing import BinaryIO

from telegram import InputFile

MAX_FILE = 50 * 1024 * 1024  # what a bot may send (Telegram's limit)
Upload = bytes | BinaryIO  # a file to send: its bytes, or a temporary file sent from disk


def upload_size(data: Upload) -> int:
    """The file's size in bytes, a temporary file's read from the disk."""
    return len(data) if isinstance(data, bytes) else os.fstat(data.fileno()).st_size


def input_file(data: Upload, filename: str) -> InputFile:
    """The upload as the request takes it: a file is read as it is sent, a chunk at a time
    (httpx seeks back to its start for each attempt), never held in memory whole."""
    return InputFile(data, filename=filename, read_file_handle=False)


def release(data: Upload | None) -> None:
    """Close a temporary file (an unnamed one is removed from the disk with it)."""
    if data is not None and not isinstance(data, bytes):
        data.close()
