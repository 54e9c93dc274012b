# Command line: help, progress and results.
cli-about = Ensemble, the performing-arts data commons: import, share under agreement, produce your reports.
cli-usage = Usage:
cli-heading-commands = Commands
cli-heading-options = Options
cli-arg-help = Show this help
cli-arg-version = Show the version
cli-arg-database = Database: sqlite://FILE (default sqlite://./ensemble.db) or postgres://USER@HOST/DATABASE; also from the variable ENSEMBLE_DATABASE_URL
cli-arg-key-file = File of the secret key for pseudonyms (default beside the SQLite file, else ./ensemble.key); also from the variable ENSEMBLE_KEY_FILE
cli-arg-lang = Language of messages: fr (default) or en
cli-arg-json = Write the result as JSON instead of a table
cli-arg-scale = Size: small (a few seconds, to try it) or full (the default, about a million ticket lines)
cli-arg-seed = Random seed: the same seed gives the same consortium (default 2026)
cli-arg-reset = First delete the SQLite file and start afresh
cli-arg-output = Folder where docs/data-model.md and docs/schema/ are written (default the current folder)
cli-init-about = Create the database and the secret key for pseudonyms
cli-demo-about = Generate the demo consortium (four founding members, Scène Pro presenters, three seasons)
cli-stats-about = Count records per entity and per member
cli-model-about = Data model tools
cli-model-docs-about = Write the data dictionary (French and English) and a JSON Schema per entity
cli-progress-migrations = Updating the database schema
cli-migrations-applied = { $count ->
    [one] One migration applied.
   *[other] { $count } migrations applied.
}
cli-progress-building = Building the consortium
cli-progress-storing = Storing members, places, shows and performances
cli-progress-tickets = Ticket lines (pseudonymised buyers)
cli-progress-committing = Committing the transaction
cli-init-database = Database ready: { $database }
cli-init-key-created = Secret key created: { $path } (readable by you only).
cli-init-key-kept = Existing secret key kept: { $path }.
cli-init-key-advice = Keep this file safe and away from the database: it computes the pseudonyms. Without it, new imports will no longer match the same people.
cli-demo-done = Demo consortium created in { $database } in { $seconds } s ({ $size } MiB):
cli-demo-checksum = Data checksum: { $checksum }
cli-demo-members = Founding members:
cli-demo-next = To see counts per member: ensemble stats
cli-stats-entity = Entity
cli-stats-total = Total
cli-stats-unowned = reference
cli-model-docs-written = { $count } files written in { $folder }.
cli-error = Error
cli-error-unknown-command = There is no command “{ $argument }”.
cli-error-unknown-argument = This command has no option “{ $argument }”.
cli-error-invalid-value = The value “{ $value }” does not suit { $argument }.
cli-error-missing = A required element is missing ({ $argument }).
cli-error-usage = The command line is incomplete or incorrect.
cli-error-see-help = Type “ensemble --help” to see the commands and their options.
cli-import-about = Import a member's file (CSV, XLSX, XLS, ODS, JSON, JSON-LD, Datascène) with diagnostics and quarantine
cli-import-profiles-about = List the built-in import profiles
cli-import-batches-about = List a member's batches (imports)
cli-import-rollback-about = Roll back a whole batch: its records, keys and quarantine
cli-import-quarantine-about = Show a member's quarantined rows with their diagnostics
cli-import-correct-about = Correct a quarantined row (FIELD=VALUE) and check it again
cli-import-replay-about = Import corrected quarantined rows again (all, or those given)
cli-import-dismiss-about = Dismiss quarantined rows: they stay listed but are no longer replayed
cli-arg-member = Short code of the importing member (for example deux-rivieres)
cli-arg-file = File to import
cli-arg-profile = Mapping profile: auto (default, recognised from the headers), the name of a built-in profile, or the path of a .toml file
cli-arg-dry-run = Check everything and show the diagnostics without saving anything
cli-arg-strict = Refuse the whole file if a single row is not valid
cli-arg-batch = Batch number
cli-arg-all = Also show replayed and dismissed rows
cli-arg-entry = Number of the quarantined row
cli-arg-assignment = Corrected value(s), as field=value (for example event_date=2026-11-28)
cli-arg-entries = Numbers of the quarantined rows
