# Storage, demo and file errors: key error-<code>.
error-database-url-unsupported = The database address “{ $url }” is not recognised. Use sqlite://FILE (for example sqlite://./ensemble.db) or postgres://USER@HOST/DATABASE.
error-database-unreachable = Cannot open the database { $target } ({ $cause }). Check that the folder exists for SQLite, or that the PostgreSQL server is running and the address, user and password are right.
error-database-error = The database refused the operation ({ $cause }). Nothing was stored; if it happens again, report it with this message.
error-schema-mismatch = The database tables do not match this version of Ensemble ({ $cause }). Use a database created by Ensemble.
error-schema-newer = This database was updated by a newer version of Ensemble (schema { $found }, this program knows { $known }). Install the newer version.
error-migration-failed = Schema update { $version } failed and was rolled back ({ $cause }). The database is as it was.
error-record-unreadable = A stored record cannot be read back ({ $cause }). Report it with this message.
error-demo-database-not-empty = The database already holds data: the demo is only written into an empty database. Add --reset to delete the SQLite file, or choose another database with --database.
error-key-file-exists = The key file { $path } exists already; it is never overwritten, since every pseudonym depends on it.
error-key-file-unreadable = The key file { $path } cannot be read. Check the path (--key-file) and the permissions.
error-key-file-unwritable = The key file { $path } cannot be created. Check that the folder exists and that you can write in it.
error-key-file-malformed = The file { $path } does not hold a valid key (64 hexadecimal characters). Restore it from your backup.
error-key-file-too-open = The key file { $path } can be read by others than you. Restrict it with: chmod 600 { $path }
error-file-unwritable = Cannot write { $path } ({ $cause }). Check the folder and the permissions.
error-reset-needs-sqlite = --reset only applies to a SQLite file. For PostgreSQL, create an empty database and give it with --database.
error-batch-in-use = Batch { $batch } cannot be rolled back: data imported later is attached to it. Roll back the more recent batches first (ensemble import batches --member CODE), then this one.
