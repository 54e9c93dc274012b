# Erreurs de stockage, de démonstration et de fichiers : clé error-<code>.
error-database-url-unsupported = L'adresse de base de données « { $url } » n'est pas reconnue. Utilisez sqlite://FICHIER (par exemple sqlite://./ensemble.db) ou postgres://UTILISATEUR@HÔTE/BASE.
error-database-unreachable = Impossible d'ouvrir la base { $target } ({ $cause }). Vérifiez que le dossier existe pour SQLite, ou que le serveur PostgreSQL est démarré et que l'adresse, l'utilisateur et le mot de passe sont justes.
error-database-error = La base de données a refusé l'opération ({ $cause }). Rien n'a été enregistré ; si le problème persiste, signalez-le avec ce message.
error-schema-mismatch = Les tables de la base ne correspondent pas à cette version d'Ensemble ({ $cause }). Utilisez une base créée par Ensemble.
error-schema-newer = Cette base a été mise à jour par une version plus récente d'Ensemble (schéma { $found }, ce programme connaît { $known }). Installez la version récente.
error-migration-failed = La mise à jour { $version } du schéma a échoué et a été annulée ({ $cause }). La base est restée telle qu'avant.
error-record-unreadable = Un enregistrement stocké ne peut pas être relu ({ $cause }). Signalez-le avec ce message.
error-demo-database-not-empty = La base contient déjà des données : la démonstration ne s'écrit que dans une base vide. Ajoutez --reset pour effacer le fichier SQLite, ou choisissez une autre base avec --database.
error-key-file-exists = Le fichier de clé { $path } existe déjà ; il n'est jamais écrasé, car tous les pseudonymes en dépendent.
error-key-file-unreadable = Le fichier de clé { $path } ne peut pas être lu. Vérifiez le chemin (--key-file) et les droits d'accès.
error-key-file-unwritable = Le fichier de clé { $path } ne peut pas être créé. Vérifiez que le dossier existe et que vous pouvez y écrire.
error-key-file-malformed = Le fichier { $path } ne contient pas une clé valide (64 caractères hexadécimaux). Restaurez-le depuis votre sauvegarde.
error-key-file-too-open = Le fichier de clé { $path } est lisible par d'autres que vous. Restreignez-le avec : chmod 600 { $path }
error-file-unwritable = Impossible d'écrire { $path } ({ $cause }). Vérifiez le dossier et les droits d'accès.
error-reset-needs-sqlite = --reset ne s'applique qu'à un fichier SQLite. Pour PostgreSQL, créez une base vide et indiquez-la avec --database.
error-batch-in-use = Le lot { $batch } ne peut pas être annulé : des données importées plus tard s'y rattachent. Annulez d'abord les lots plus récents (ensemble import batches --member CODE), puis celui-ci.
