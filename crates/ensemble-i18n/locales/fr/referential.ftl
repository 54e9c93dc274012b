# Référentiel partagé : une identité pour chaque organisation, lieu, personne et spectacle.

cli-referential-about = Référentiel partagé : qui est qui, d'une source à l'autre
cli-referential-dedupe-about = Regroupe les fiches d'un fichier CSV qui désignent la même organisation, le même lieu, la même personne ou le même spectacle, avec le moteur et les réglages du référentiel partagé du consortium
cli-arg-dedupe-kind = Ce que décrivent les fiches : organization, place, person ou show
cli-arg-dedupe-input = Fichier CSV des fiches (colonnes record_id et name obligatoires ; source, alt_names séparés par |, street, locality, region, postal_code, lat, lon, url, operator, parent_place, identifiers facultatives)
cli-arg-dedupe-output = Fichier CSV écrit : record_id, entity_id (la fiche qui représente l'entité), probability
cli-arg-dedupe-candidates = Écrit aussi toutes les paires candidates que le regroupement par clés donne à comparer (pour mesurer son rappel)
cli-arg-dedupe-pairs = Écrit aussi les paires probables, leur décision et le poids de chaque champ (pour les revoir)
cli-dedupe-done = { $records } fiches lues, { $entities } entités ; { $review } paires à revoir, { $conflicts } identifiants portés par des entités distinctes. Écrit : { $output }
cli-dedupe-rejected = { $count ->
    [one] { $count } ligne laissée de côté, avec sa raison, dans { $file }
   *[other] { $count } lignes laissées de côté, avec leur raison, dans { $file }
}
error-dedupe-kind-unknown = « { $value } » n'est pas une sorte de fiche : choisissez organization, place, person ou show.
error-dedupe-file-unreadable = Le fichier { $value } ne peut pas être lu comme un CSV : vérifiez son chemin et qu'il est enregistré en CSV (UTF-8, virgules).
error-dedupe-file-too-large = Le fichier dépasse { $value } Mo : découpez-le par source ou par région, puis traitez chaque partie.
error-dedupe-columns-missing = Il manque la ou les colonnes { $value } : la première ligne doit nommer au moins record_id et name.
error-dedupe-too-many-records = Le fichier a plus de { $value } fiches : découpez-le par source ou par région.
error-dedupe-field-too-long = Une valeur dépasse 2 000 caractères : la ligne est laissée de côté.
error-dedupe-record-id-missing = La colonne record_id est vide : donnez à chaque fiche un identifiant.
error-dedupe-name-missing = La colonne name est vide : sans nom, la fiche ne peut être comparée.
error-dedupe-record-id-duplicate = Cet identifiant record_id est déjà pris par une ligne précédente : chaque fiche a le sien.
cli-referential-run-about = Recalcule le référentiel partagé à partir des organisations, lieux, salles, groupes, personnes et spectacles du catalogue, en gardant les décisions prises
cli-arg-referential-table = Une seule sorte de fiches : organization, place, hall (salles), group, person ou show
cli-referential-run = { $table } : { $records } fiches, { $entities } entités ({ $new } nouvelles) ; { $review } paires à décider (dont { $provisional } rattachées provisoirement), { $held } tenues à part, { $conflicts } conflits d'identifiants.
cli-referential-table-organizations = Organisations
cli-referential-table-places = Lieux
cli-referential-table-halls = Salles
cli-referential-table-performing_groups = Groupes
cli-referential-table-persons = Personnes
cli-referential-table-shows = Spectacles
cli-progress-referential = Référentiel partagé
reconcile-batch-invalid = Le lot de requêtes ne peut pas être lu : envoyez un objet JSON de requêtes dans le champ « queries » (version 0.2), ou un objet JSON dont la clé « queries » est une liste, sur /match (version 1.0).
reconcile-batch-too-large = Un lot compte au plus 50 requêtes : découpez-le.
reconcile-type-unknown = Le type doit être Organization (organisation), Place (lieu), Hall (salle), PerformingGroup (groupe) ou CreativeWork (spectacle) ; les personnes ne sont pas offertes.
reconcile-extend-invalid = La demande d'extension ne peut pas être lue : envoyez un objet JSON avec la liste « ids » des entités et la liste « properties » des propriétés voulues (chacune avec son « id »).
reconcile-query-invalid = Chaque requête a besoin d'un nom à chercher (« query », ou une condition « name » en version 1.0).
reconcile-busy = Le service de réconciliation traite déjà d'autres lots : réessayez dans quelques secondes.
