"""What the store raises; the CLI prints a StoreError as one line and exits 1."""

from __future__ import annotations


class StoreError(RuntimeError):
    pass


class StoreBusy(StoreError):
    """Another process holds the database; the caller should say 'busy, try again'."""


class NotInitialised(StoreError):
    pass


class StoreUnavailable(StoreError):
    """The store cannot be used as it is; ``code`` names why (for the UI's own wording)."""

    code = "unavailable"


class StoreCorrupt(StoreUnavailable):
    code = "corrupt"


class StoreReadOnly(StoreUnavailable):
    code = "read_only"


class StoreDiskFull(StoreUnavailable):
    code = "disk_full"


class AccountExists(StoreError):
    """An account of that name is already stored (and no replace was asked)."""


class NotWaiting(StoreError):
    """The upload is not (or no longer) waiting for review: decided, or never submitted."""


class ContentMismatch(StoreError):
    """Rows written by a restore or copy hash differently from their source; rolled back."""
