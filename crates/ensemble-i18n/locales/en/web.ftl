# Web portal: key web-<page>-<text>.
web-skip = Skip to content
web-language-nav = Language
web-language-switch = Français
web-back-home = Back to the home page
web-home-title = The performing-arts data commons
web-home-intro = Creators, producers, presenters and agencies pool their data under one model, and each keeps control of what it shares.
web-home-members = Consortium members
web-home-no-members = No members yet.
web-member-name = Organisation
web-member-code = Short code
web-member-roles = Roles
web-member-place = Municipality and region
web-not-found-title = Page not found
web-not-found-text = This address matches no Ensemble page. Check the link or go back to the home page.
web-unavailable-title = Service temporarily unavailable
web-unavailable-text = The database is not answering. Try again in a moment; if it persists, tell the consortium's coordination.
