"""Back up and restore a whole geoapp instance as one ZIP file.

The archive holds the database (copied with SQLite's online backup API, so it is a
consistent snapshot even while the server writes), the alias file, the upload folder,
``config.toml`` and the secret key, plus a manifest with every member's size and
SHA-256. Restore trusts nothing in the archive: only the expected member names are
accepted (no paths of the user's choosing), sizes and counts are bounded, checksums
must agree and the database must pass SQLite's integrity check. The new instance is
assembled next to the old one and swapped in by renaming; the old one is kept as
``<instance>.bak``. A running server (holding the instance lock) is never replaced
unless ``force`` is given.

Modules: ``archive`` (the format and the checks an archive must pass), ``create``
(``backup_instance``), ``restore`` (``restore_instance``) and ``lock`` (the server's
instance lock). The names below are the package's public API (the CLI and the server
import them from here).
"""

from geoapp.store.backup.archive import MANIFEST, BackupInfo
from geoapp.store.backup.create import backup_instance
from geoapp.store.backup.lock import LOCK_FILE, hold_instance_lock, instance_lock, is_running
from geoapp.store.backup.restore import restore_instance

__all__ = ["LOCK_FILE", "MANIFEST", "BackupInfo", "backup_instance", "hold_instance_lock",
           "instance_lock", "is_running", "restore_instance"]
