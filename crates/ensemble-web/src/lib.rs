//! The member portal: server-rendered pages in French (by default) and English, usable without
//! JavaScript. Handlers extract, call a library crate from a blocking task (the store is
//! synchronous), render a template and map errors.
//!
//! Architecture invariant: every route is declared once in [`routes`], from which the router is
//! built; tests enumerate that table, so a new route is covered by them automatically.

mod agenda;
mod api;
mod audience;
mod audit;
mod auth;
mod barometer;
mod browse;
mod cache;
mod chart;
mod diagnostic;
mod document;
mod error;
mod files;
mod http;
mod imports;
mod lang;
mod members;
mod pages;
mod policy;
mod publication;
mod reconcile;
mod referential;
mod reports;
mod rights;
mod settlements;
mod sharing;
mod statistics;
mod tour_drawing;
mod touring;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::Method;
use axum::routing::MethodRouter;
use ensemble_model::Role;
use ensemble_privacy::SecretKey;
use ensemble_store::Store;

pub use auth::{ADDRESS_FAILURES, THROTTLE_FAILURES};
pub use http::{FORM_COOKIE, SESSION_COOKIE};
pub use lang::{LANG_COOKIE, PageLang};
pub use policy::{Access, UPLOAD_LIMIT, rank};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store, called from blocking tasks.
    pub store: Arc<Store>,
    /// The key that pseudonymises personal values of imported files.
    pub key: Arc<SecretKey>,
    /// Failed sign-ins, to slow down guessing.
    pub throttle: Arc<auth::Throttle>,
    /// Files uploaded to the import wizard and not yet imported.
    pub uploads: Arc<imports::Uploads>,
    /// Costly figures kept for a minute.
    pub cache: Arc<cache::Cache>,
    /// The consortium's own report templates, if it has a folder of them.
    pub report_templates: Option<Arc<std::path::PathBuf>>,
    /// The consortium's clock: "today" for every grant, deadline, season and plan.
    pub clock: ensemble_actions::Clock,
    /// The data diagnostic's maturity model (the built-in one, or the consortium's own).
    pub maturity: Arc<ensemble_actions::diagnostic::MaturityModel>,
}

/// The maturity model shipped with Ensemble (checked by its tests).
fn built_in_maturity() -> ensemble_actions::diagnostic::MaturityModel {
    ensemble_actions::diagnostic::MaturityModel::parse(ensemble_actions::diagnostic::BUILT_IN_MODEL)
        .unwrap_or(ensemble_actions::diagnostic::MaturityModel { dimensions: Vec::new() })
}

impl AppState {
    /// The state of a portal over a store, pseudonymising imports with `key`.
    pub fn new(store: Arc<Store>, key: SecretKey) -> AppState {
        AppState {
            store,
            key: Arc::new(key),
            throttle: Arc::default(),
            uploads: Arc::default(),
            cache: Arc::default(),
            report_templates: None,
            clock: ensemble_actions::Clock::default(),
            maturity: Arc::new(built_in_maturity()),
        }
    }

    /// The same portal with the consortium's own maturity model.
    pub fn with_maturity(mut self, model: ensemble_actions::diagnostic::MaturityModel) -> AppState {
        self.maturity = Arc::new(model);
        self
    }

    /// The same portal on another clock (a time zone of the consortium's, or a fixed moment in
    /// tests).
    pub fn with_clock(mut self, clock: ensemble_actions::Clock) -> AppState {
        self.clock = clock;
        self
    }

    /// The same portal, keeping the wizard's uploads in `folder` (emptied now of what an earlier
    /// run left there; emptied again when the portal stops).
    pub fn with_uploads(mut self, folder: std::path::PathBuf) -> AppState {
        self.uploads = Arc::new(imports::Uploads::in_folder(folder));
        self
    }

    /// The same portal, reading the consortium's report templates from `folder` too.
    pub fn with_report_templates(mut self, folder: Option<std::path::PathBuf>) -> AppState {
        self.report_templates = folder.map(Arc::new);
        self
    }
}

/// One route of the portal.
pub struct Route {
    /// Its method.
    pub method: Method,
    /// Its path, in axum's syntax (`{member}` names a member by its short code).
    pub path: &'static str,
    /// Who may use it (checked by [`policy::guard`] before the handler runs).
    pub access: Access,
    /// Its handler.
    pub handler: MethodRouter<AppState>,
}

/// Every route of the portal and of its JSON API.
pub fn routes() -> Vec<Route> {
    use axum::routing::{delete, get, options, post};
    let route = |method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>| Route {
        method,
        path,
        access,
        handler,
    };
    let member = |role: Role| Access::Member(role);
    vec![
        route(Method::GET, "/", Access::Public, get(pages::home)),
        route(Method::GET, "/langue/{code}", Access::Public, get(lang::switch)),
        route(Method::GET, "/connexion", Access::Public, get(auth::login_form)),
        route(Method::POST, "/connexion", Access::Public, post(auth::login)),
        route(Method::POST, "/deconnexion", Access::SignedIn, post(auth::logout)),
        route(
            Method::GET,
            "/organisations",
            Access::SignedIn,
            get(browse::organizations),
        ),
        route(Method::GET, "/spectacles", Access::SignedIn, get(browse::shows)),
        route(
            Method::GET,
            "/representations",
            Access::SignedIn,
            get(browse::performances),
        ),
        route(Method::GET, "/lieux", Access::SignedIn, get(browse::places)),
        route(Method::GET, "/membres", Access::SignedIn, get(members::list)),
        route(Method::POST, "/membres", Access::Coordinator, post(members::create)),
        route(
            Method::GET,
            "/membres/{member}",
            member(Role::Viewer),
            get(members::home),
        ),
        route(
            Method::GET,
            "/membres/{member}/utilisateurs",
            member(Role::MemberAdmin),
            get(members::users),
        ),
        route(
            Method::POST,
            "/membres/{member}/utilisateurs",
            member(Role::MemberAdmin),
            post(members::create_user),
        ),
        route(
            Method::POST,
            "/membres/{member}/utilisateurs/{user}/desactiver",
            member(Role::MemberAdmin),
            post(members::disable_user),
        ),
        route(
            Method::POST,
            "/membres/{member}/utilisateurs/{user}/mot-de-passe",
            member(Role::MemberAdmin),
            post(members::reset_password),
        ),
        route(
            Method::GET,
            "/membres/{member}/journal",
            member(Role::MemberAdmin),
            get(audit::member),
        ),
        route(Method::GET, "/statistiques", Access::SignedIn, get(statistics::page)),
        route(Method::GET, "/barometre", Access::SignedIn, get(barometer::page)),
        route(
            Method::GET,
            "/membres/{member}/publics",
            member(Role::Viewer),
            get(audience::page),
        ),
        route(Method::GET, "/audit", Access::Coordinator, get(audit::all)),
        route(Method::GET, "/referentiel", Access::Coordinator, get(referential::show)),
        route(
            Method::POST,
            "/referentiel/{table}/recalculer",
            Access::Coordinator,
            post(referential::rerun),
        ),
        route(
            Method::POST,
            "/referentiel/{table}/paires",
            Access::Coordinator,
            post(referential::decide),
        ),
        route(
            Method::POST,
            "/referentiel/{table}/decisions/{decision}/annuler",
            Access::Coordinator,
            post(referential::undo),
        ),
        route(
            Method::GET,
            "/referentiel/entites/{entity}",
            Access::SignedIn,
            get(referential::entity),
        ),
        route(
            Method::GET,
            "/membres/{member}/referentiel",
            member(Role::MemberAdmin),
            get(referential::show_member),
        ),
        route(
            Method::POST,
            "/membres/{member}/referentiel/{table}/paires",
            member(Role::MemberAdmin),
            post(referential::decide_member),
        ),
        route(
            Method::POST,
            "/membres/{member}/referentiel/{table}/decisions/{decision}/annuler",
            member(Role::MemberAdmin),
            post(referential::undo_member),
        ),
        route(Method::GET, "/droits", Access::Coordinator, get(rights::list)),
        route(Method::POST, "/droits", Access::Coordinator, post(rights::create)),
        route(Method::GET, "/droits/{request}", Access::Coordinator, get(rights::show)),
        route(
            Method::POST,
            "/droits/{request}",
            Access::Coordinator,
            post(rights::act),
        ),
        route(
            Method::GET,
            "/droits/{request}/{file}",
            Access::Coordinator,
            get(rights::export),
        ),
        route(Method::GET, "/incidents", Access::Coordinator, get(rights::incidents)),
        route(
            Method::POST,
            "/incidents",
            Access::Coordinator,
            post(rights::create_incident),
        ),
        route(
            Method::GET,
            "/membres/{member}/incidents",
            member(Role::MemberAdmin),
            get(rights::member_incidents),
        ),
        route(
            Method::POST,
            "/membres/{member}/incidents",
            member(Role::MemberAdmin),
            post(rights::create_member_incident),
        ),
        route(
            Method::GET,
            "/membres/{member}/redditions",
            member(Role::MemberAnalyst),
            get(settlements::list),
        ),
        route(
            Method::POST,
            "/membres/{member}/redditions",
            member(Role::MemberAdmin),
            post(settlements::save),
        ),
        route(
            Method::GET,
            "/membres/{member}/rapports",
            member(Role::MemberAnalyst),
            get(reports::page),
        ),
        route(
            Method::GET,
            "/membres/{member}/tournees",
            member(Role::MemberAnalyst),
            get(touring::page),
        ),
        route(
            Method::GET,
            "/membres/{member}/tournees/salle",
            member(Role::MemberAnalyst),
            get(touring::hall),
        ),
        route(
            Method::POST,
            "/membres/{member}/tournees/options",
            member(Role::MemberAdmin),
            post(touring::take),
        ),
        route(
            Method::POST,
            "/membres/{member}/tournees/disponibilites",
            member(Role::MemberAdmin),
            post(touring::block),
        ),
        route(
            Method::POST,
            "/membres/{member}/tournees/options/{engagement}/liberer",
            member(Role::MemberAdmin),
            post(touring::release),
        ),
        route(
            Method::GET,
            "/membres/{member}/ententes",
            member(Role::Viewer),
            get(sharing::list),
        ),
        route(
            Method::POST,
            "/membres/{member}/ententes",
            member(Role::MemberAdmin),
            post(sharing::create),
        ),
        route(
            Method::POST,
            "/membres/{member}/ententes/{agreement}/terminer",
            member(Role::MemberAdmin),
            post(sharing::end),
        ),
        route(
            Method::POST,
            "/membres/{member}/responsable",
            member(Role::MemberAdmin),
            post(members::set_officer),
        ),
        route(Method::GET, "/guide", Access::Public, get(pages::guide)),
        route(Method::GET, "/atelier", Access::SignedIn, get(diagnostic::workshop)),
        route(
            Method::POST,
            "/atelier",
            Access::SignedIn,
            post(diagnostic::workshop_change),
        ),
        route(
            Method::GET,
            "/atelier/solutions/{solution}",
            Access::SignedIn,
            get(diagnostic::use_case),
        ),
        route(
            Method::POST,
            "/atelier/solutions/{solution}",
            Access::SignedIn,
            post(diagnostic::write_use_case),
        ),
        route(
            Method::GET,
            "/chaine",
            Access::SignedIn,
            get(diagnostic::consortium_chain),
        ),
        route(
            Method::GET,
            "/membres/{member}/chaine",
            member(Role::Viewer),
            get(diagnostic::chain),
        ),
        route(
            Method::POST,
            "/membres/{member}/chaine",
            member(Role::MemberAdmin),
            post(diagnostic::describe_activity),
        ),
        route(
            Method::POST,
            "/membres/{member}/chaine/echanges",
            member(Role::MemberAdmin),
            post(diagnostic::add_exchange),
        ),
        route(
            Method::POST,
            "/membres/{member}/chaine/echanges/{exchange}/retirer",
            member(Role::MemberAdmin),
            post(diagnostic::remove_exchange),
        ),
        route(
            Method::GET,
            "/membres/{member}/inventaire",
            member(Role::Viewer),
            get(diagnostic::inventory),
        ),
        route(
            Method::POST,
            "/membres/{member}/inventaire",
            member(Role::MemberAdmin),
            post(diagnostic::declare_asset),
        ),
        route(
            Method::POST,
            "/membres/{member}/inventaire/{asset}/retirer",
            member(Role::MemberAdmin),
            post(diagnostic::remove_asset),
        ),
        route(
            Method::GET,
            "/membres/{member}/maturite",
            member(Role::Viewer),
            get(diagnostic::maturity),
        ),
        route(
            Method::POST,
            "/membres/{member}/maturite",
            member(Role::MemberAdmin),
            post(diagnostic::assess),
        ),
        route(Method::GET, "/compte", Access::SignedIn, get(members::account)),
        route(
            Method::POST,
            "/compte/mot-de-passe",
            Access::SignedIn,
            post(members::change_password),
        ),
        route(
            Method::POST,
            "/compte/jetons",
            Access::SignedIn,
            post(members::create_token),
        ),
        route(
            Method::POST,
            "/compte/jetons/{token}/revoquer",
            Access::SignedIn,
            post(members::revoke_token),
        ),
        route(
            Method::GET,
            "/membres/{member}/importer",
            member(Role::MemberAdmin),
            get(imports::wizard),
        ),
        route(
            Method::POST,
            "/membres/{member}/importer",
            member(Role::MemberAdmin),
            post(imports::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        route(
            Method::POST,
            "/membres/{member}/importer/{upload}",
            member(Role::MemberAdmin),
            post(imports::commit),
        ),
        route(
            Method::GET,
            "/membres/{member}/imports",
            member(Role::Viewer),
            get(imports::history),
        ),
        route(
            Method::GET,
            "/membres/{member}/imports/{batch}",
            member(Role::Viewer),
            get(imports::batch),
        ),
        route(
            Method::POST,
            "/membres/{member}/imports/{batch}/annuler",
            member(Role::MemberAdmin),
            post(imports::roll_back),
        ),
        route(
            Method::GET,
            "/membres/{member}/quarantaine",
            member(Role::MemberAnalyst),
            get(imports::quarantine),
        ),
        route(
            Method::POST,
            "/membres/{member}/quarantaine/{entry}",
            member(Role::MemberAdmin),
            post(imports::fix_entry),
        ),
        route(Method::GET, "/api/v1/openapi.json", Access::Public, get(api::openapi)),
        route(
            Method::GET,
            "/membres/{member}/donnees-ouvertes",
            member(Role::MemberAdmin),
            get(publication::show),
        ),
        route(
            Method::POST,
            "/membres/{member}/donnees-ouvertes",
            member(Role::MemberAdmin),
            post(publication::choose),
        ),
        route(
            Method::POST,
            "/membres/{member}/donnees-ouvertes/consentements",
            member(Role::MemberAdmin),
            post(publication::record_consent),
        ),
        route(Method::GET, "/agenda", Access::Public, get(agenda::list)),
        route(Method::GET, "/agenda/{performance}", Access::Public, get(agenda::event)),
        route(Method::GET, "/sitemap.xml", Access::Public, get(agenda::sitemap)),
        route(Method::GET, "/donnees-ouvertes", Access::Public, get(files::index)),
        route(
            Method::GET,
            "/donnees-ouvertes/{*path}",
            Access::Public,
            get(files::file),
        ),
        route(Method::GET, "/reconcile", Access::Public, get(reconcile::service)),
        route(
            Method::POST,
            "/reconcile",
            Access::Public,
            post(reconcile::service_post),
        ),
        route(
            Method::OPTIONS,
            "/reconcile",
            Access::Public,
            options(reconcile::preflight),
        ),
        route(
            Method::GET,
            "/reconcile/preview",
            Access::Public,
            get(reconcile::preview),
        ),
        route(
            Method::GET,
            "/reconcile/suggest/entity",
            Access::Public,
            get(reconcile::suggest),
        ),
        route(
            Method::GET,
            "/reconcile/v1",
            Access::Public,
            get(reconcile::manifest_v1),
        ),
        route(
            Method::POST,
            "/reconcile/v1/match",
            Access::Public,
            post(reconcile::match_v1),
        ),
        route(
            Method::OPTIONS,
            "/reconcile/v1/match",
            Access::Public,
            options(reconcile::preflight),
        ),
        route(
            Method::GET,
            "/reconcile/v1/suggest/entity",
            Access::Public,
            get(reconcile::suggest),
        ),
        route(
            Method::GET,
            "/reconcile/suggest/property",
            Access::Public,
            get(reconcile::suggest_property),
        ),
        route(
            Method::GET,
            "/reconcile/v1/suggest/property",
            Access::Public,
            get(reconcile::suggest_property),
        ),
        route(
            Method::GET,
            "/reconcile/suggest/type",
            Access::Public,
            get(reconcile::suggest_type),
        ),
        route(
            Method::GET,
            "/reconcile/v1/suggest/type",
            Access::Public,
            get(reconcile::suggest_type),
        ),
        route(
            Method::GET,
            "/reconcile/properties",
            Access::Public,
            get(reconcile::propose),
        ),
        route(
            Method::GET,
            "/reconcile/v1/extend/propose",
            Access::Public,
            get(reconcile::propose),
        ),
        route(
            Method::POST,
            "/reconcile/v1/extend",
            Access::Public,
            post(reconcile::extend_v1),
        ),
        route(
            Method::OPTIONS,
            "/reconcile/v1/extend",
            Access::Public,
            options(reconcile::preflight),
        ),
        route(Method::GET, "/api/v1/me", Access::Token, get(api::me)),
        route(Method::DELETE, "/api/v1/token", Access::Token, delete(api::revoke)),
        route(
            Method::GET,
            "/api/v1/organizations",
            Access::Token,
            get(api::organizations),
        ),
        route(Method::GET, "/api/v1/shows", Access::Token, get(api::shows)),
        route(
            Method::GET,
            "/api/v1/performances",
            Access::Token,
            get(api::performances),
        ),
        route(Method::GET, "/api/v1/places", Access::Token, get(api::places)),
        route(Method::GET, "/api/v1/members", Access::Token, get(api::members)),
        route(Method::GET, "/api/v1/agreements", Access::Token, get(api::agreements)),
        route(Method::GET, "/api/v1/settlements", Access::Token, get(api::settlements)),
        route(
            Method::GET,
            "/api/v1/statistics/ticket-sales",
            Access::Token,
            get(statistics::api),
        ),
        route(Method::GET, "/api/v1/barometer", Access::Token, get(barometer::api)),
        route(Method::GET, "/api/v1/audience", Access::Token, get(audience::api)),
    ]
}

/// The portal's router: every route of [`routes`] behind its access rule.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in routes() {
        let access = route.access;
        let pattern = error::RoutePattern(route.path);
        let guarded = route.handler.route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            move |state: State<AppState>, request, next| async move {
                let mut response = policy::guard(access, state, request, next).await;
                response.extensions_mut().insert(pattern);
                response
            },
        ));
        router = router.route(route.path, guarded);
    }
    router
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(error::observe))
}

/// Why the server cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address cannot be listened on (taken, or not allowed).
    #[error("cannot listen on {address}: {cause}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// What the system said.
        cause: String,
    },
    /// The server stopped on an error.
    #[error("the server stopped: {0}")]
    Stopped(String),
}

impl ServeError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ServeError::Bind { .. } => "serve-bind-failed",
            ServeError::Stopped(_) => "serve-stopped",
        }
    }
}

/// Resolves when the portal is asked to stop: Ctrl+C, or (on Unix) the signal a service manager
/// or `kill` sends.
async fn stop_asked() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Serves the portal on `address` until Ctrl+C (or a termination signal); `ready` is called once listening.
pub async fn serve(state: AppState, address: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| ServeError::Bind {
            address,
            cause: error.to_string(),
        })?;
    let local = listener.local_addr().unwrap_or(address);
    ready(local);
    let uploads = state.uploads.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(stop_asked())
        .await
        .map_err(|error| ServeError::Stopped(error.to_string()));
    // Files sent to the wizard and not imported are personal data: none is left behind.
    uploads.sweep();
    served
}
