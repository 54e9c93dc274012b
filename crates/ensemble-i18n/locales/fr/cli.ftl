# Ligne de commande : aides, progression et résultats.
cli-about = Ensemble, le commun de données des arts de la scène : importer, partager sous entente, produire ses rapports.
cli-usage = Utilisation :
cli-heading-commands = Commandes
cli-heading-options = Options
cli-arg-help = Affiche cette aide
cli-arg-version = Affiche la version
cli-arg-database = Base de données : sqlite://FICHIER (par défaut sqlite://./ensemble.db) ou postgres://UTILISATEUR@HÔTE/BASE ; aussi par la variable ENSEMBLE_DATABASE_URL
cli-arg-key-file = Fichier de la clé secrète des pseudonymes (par défaut à côté du fichier SQLite, sinon ./ensemble.key) ; aussi par la variable ENSEMBLE_KEY_FILE
cli-arg-lang = Langue des messages : fr (par défaut) ou en
cli-arg-json = Écrit le résultat en JSON au lieu d'un tableau
cli-arg-scale = Taille : small (quelques secondes, pour essayer) ou full (par défaut, environ un million de lignes de billetterie)
cli-arg-seed = Graine du hasard : la même graine donne le même consortium (par défaut 2026)
cli-arg-reset = Efface d'abord le fichier SQLite et repart de zéro
cli-arg-output = Dossier où écrire docs/data-model.md et docs/schema/ (par défaut le dossier courant)
cli-init-about = Crée la base de données et la clé secrète des pseudonymes
cli-demo-about = Génère le consortium de démonstration (quatre membres fondateurs, diffuseurs de Scène Pro, trois saisons)
cli-stats-about = Compte les enregistrements par entité et par membre
cli-model-about = Outils du modèle de données
cli-model-docs-about = Écrit le dictionnaire de données (français et anglais) et un schéma JSON par entité
cli-progress-migrations = Mise à jour du schéma de la base
cli-migrations-applied = { $count ->
    [one] Une migration appliquée.
   *[other] { $count } migrations appliquées.
}
cli-progress-building = Construction du consortium
cli-progress-storing = Enregistrement des membres, lieux, spectacles et représentations
cli-progress-tickets = Lignes de billetterie (acheteurs pseudonymisés)
cli-progress-committing = Validation de la transaction
cli-init-database = Base de données prête : { $database }
cli-init-key-created = Clé secrète créée : { $path } (lisible par vous seul).
cli-init-key-kept = Clé secrète existante conservée : { $path }.
cli-init-key-advice = Gardez ce fichier en lieu sûr et hors de la base : il sert à calculer les pseudonymes. Sans lui, les nouvelles importations ne retrouveront plus les mêmes personnes.
cli-demo-done = Consortium de démonstration créé dans { $database } en { $seconds } s ({ $size } Mio) :
cli-demo-checksum = Empreinte des données : { $checksum }
cli-demo-members = Membres fondateurs :
cli-demo-next = Pour voir les comptes par membre : ensemble stats
cli-stats-entity = Entité
cli-stats-total = Total
cli-stats-unowned = référence
cli-model-docs-written = { $count } fichiers écrits dans { $folder }.
cli-error = Erreur
cli-error-unknown-command = La commande « { $argument } » n'existe pas.
cli-error-unknown-argument = L'option « { $argument } » n'existe pas pour cette commande.
cli-error-invalid-value = La valeur « { $value } » ne convient pas à { $argument }.
cli-error-missing = Il manque un élément obligatoire ({ $argument }).
cli-error-usage = La ligne de commande est incomplète ou incorrecte.
cli-error-see-help = Tapez « ensemble --help » pour voir les commandes et leurs options.
cli-import-about = Importe un fichier d'un membre (CSV, XLSX, XLS, ODS, JSON, JSON-LD, Datascène) avec diagnostics et quarantaine
cli-import-profiles-about = Liste les profils d'importation intégrés
cli-import-batches-about = Liste les lots (importations) d'un membre
cli-import-rollback-about = Annule un lot entier : ses enregistrements, ses clés et sa quarantaine
cli-import-quarantine-about = Affiche les lignes en quarantaine d'un membre, avec leurs diagnostics
cli-import-correct-about = Corrige une ligne en quarantaine (CHAMP=VALEUR) et la vérifie de nouveau
cli-import-replay-about = Importe de nouveau les lignes en quarantaine corrigées (toutes, ou celles indiquées)
cli-import-dismiss-about = Écarte des lignes de la quarantaine : elles restent listées mais ne sont plus rejouées
cli-arg-member = Code court du membre qui importe (par exemple deux-rivieres)
cli-arg-file = Fichier à importer
cli-arg-profile = Profil de correspondance : auto (par défaut, reconnu d'après les en-têtes), le nom d'un profil intégré ou le chemin d'un fichier .toml
cli-arg-dry-run = Vérifie tout et affiche les diagnostics sans rien enregistrer
cli-arg-strict = Refuse le fichier entier si une seule ligne n'est pas valide
cli-arg-batch = Numéro du lot
cli-arg-all = Affiche aussi les lignes rejouées ou écartées
cli-arg-entry = Numéro de la ligne en quarantaine
cli-arg-assignment = Valeur(s) corrigée(s), sous la forme champ=valeur (par exemple event_date=2026-11-28)
cli-arg-entries = Numéros des lignes en quarantaine
