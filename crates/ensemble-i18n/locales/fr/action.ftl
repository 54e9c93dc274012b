# Les refus des actions (crates/ensemble-actions), communs au portail et à la ligne de commande.
error-settlement-coordination-read-only = La coordination ne saisit ni ne corrige la reddition d'un diffuseur : seul le diffuseur de la représentation le fait. Demandez-lui de la saisir dans son portail.
error-settlement-not-yours = Seul le diffuseur de la représentation en saisit la reddition, par une personne qui administre ce membre. Choisissez une représentation que votre membre a diffusée.
error-record-invalid = Une valeur n'est pas valide : { $detail } Corrigez-la et recommencez.
error-time-zone-unknown = Fuseau horaire inconnu : « { $value } ». Donnez à ENSEMBLE_TIME_ZONE un nom de la base IANA, par exemple America/Toronto pour le Québec.
