# Portail web : clé web-<page>-<texte>.
web-skip = Aller au contenu
web-language-nav = Langue
web-language-switch = English
web-back-home = Retour à l'accueil
web-home-title = Le commun de données des arts de la scène
web-home-intro = Créateurs, producteurs, diffuseurs et agences mettent leurs données en commun sous un même modèle, et chacun garde la main sur ce qu'il partage.
web-home-members = Membres du consortium
web-home-no-members = Aucun membre pour l'instant.
web-member-name = Organisation
web-member-code = Code court
web-member-roles = Rôles
web-member-place = Municipalité et région
web-not-found-title = Page introuvable
web-not-found-text = Cette adresse ne correspond à aucune page d'Ensemble. Vérifiez le lien ou revenez à l'accueil.
web-unavailable-title = Service momentanément indisponible
web-unavailable-text = La base de données ne répond pas. Réessayez dans un moment ; si le problème persiste, prévenez la coordination du consortium.
