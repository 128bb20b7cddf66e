"""Operating-system errors (missing file, permission, full disk...) as a user-facing GeoappError.

``os_error(exc)`` names the path the system complained about and the likely cause, in
the reader's language, instead of a stack trace. The command line turns every OSError
that reaches it into this message (``geoapp.cli.common``); core code may use it too.
"""

from __future__ import annotations

import errno
import os

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

NOT_FOUND = Msg(
    "os.not_found",
    "The file or folder {path} does not exist. Check its name and location.",
)
PERMISSION = Msg(
    "os.permission",
    "Permission denied for {path}. Check the permissions of the file and its folder, or "
    "choose another location.",
)
NOT_A_FOLDER = Msg(
    "os.not_a_folder",
    "A part of the path {path} is a file, not a folder. Choose a location inside an existing "
    "folder.",
)
EXISTS = Msg(
    "os.exists",
    "{path} already exists (as a file), so it cannot be created here. Choose another name or "
    "location.",
)
IS_A_FOLDER = Msg(
    "os.is_a_folder",
    "{path} is a folder, but a file is needed here. Give the name of a file.",
)
DISK_FULL = Msg(
    "os.disk_full",
    "The disk is full (while writing {path}). Free some space or choose another location, "
    "then try again.",
)
READ_ONLY = Msg(
    "os.read_only",
    "{path} is on a read-only disk. Choose a location that can be written.",
)
ADDRESS_IN_USE = Msg(
    "os.address_in_use",
    "The network port is already in use by another program ({reason}). Choose another port "
    "with --port.",
)
OTHER = Msg(
    "os.other",
    "The operating system refused the operation on {path}: {reason}. Check the path and try "
    "again.",
)
OTHER_NO_PATH = Msg(
    "os.other_no_path",
    "The operating system refused the operation: {reason}. Check the paths and options given "
    "and try again.",
)

_BY_ERRNO = {
    errno.ENOENT: NOT_FOUND,
    errno.EACCES: PERMISSION,
    errno.EPERM: PERMISSION,
    errno.ENOTDIR: NOT_A_FOLDER,
    errno.EEXIST: EXISTS,
    errno.EISDIR: IS_A_FOLDER,
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EFBIG: DISK_FULL,
    errno.EROFS: READ_ONLY,
}
_STATUS = {NOT_FOUND: 404, PERMISSION: 403, DISK_FULL: 507, ADDRESS_IN_USE: 409}


def os_error(exc: OSError, path: str | None = None) -> GeoappError:
    """The GeoappError for ``exc``; ``path`` when the error does not name one itself."""
    where = path or exc.filename
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno == errno.EADDRINUSE:
        msg = ADDRESS_IN_USE
    elif where is None:
        msg = OTHER_NO_PATH
    else:
        msg = _BY_ERRNO.get(exc.errno, OTHER)  # type: ignore[arg-type]
    shown = os.fsdecode(where) if isinstance(where, str | bytes) else str(where or "")
    return GeoappError(msg, _STATUS.get(msg, 400), path=shown, reason=reason)
