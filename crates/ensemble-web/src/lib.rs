//! The member portal: server-rendered pages in French (by default) and English, usable without
//! JavaScript. Handlers extract, call a library crate from a blocking task (the store is
//! synchronous), render a template and map errors.
//!
//! Architecture invariant: every route is declared once in [`routes`], from which the router is
//! built; tests enumerate that table, so a new route is covered by them automatically.

mod auth;
mod lang;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use ensemble_store::Store;

pub use auth::{FORM_COOKIE, SESSION_COOKIE, THROTTLE_FAILURES};
pub use lang::{LANG_COOKIE, PageLang};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store, called from blocking tasks.
    pub store: Arc<Store>,
    /// Failed sign-ins, to slow down guessing.
    pub throttle: Arc<auth::Throttle>,
}

/// One route of the portal.
pub struct Route {
    /// Its method.
    pub method: Method,
    /// Its path, in axum's syntax.
    pub path: &'static str,
    /// Its handler.
    pub handler: MethodRouter<AppState>,
}

/// Every route of the portal.
pub fn routes() -> Vec<Route> {
    use axum::routing::{get, post};
    vec![
        Route {
            method: Method::GET,
            path: "/",
            handler: get(pages::home),
        },
        Route {
            method: Method::GET,
            path: "/langue/{code}",
            handler: get(lang::switch),
        },
        Route {
            method: Method::GET,
            path: "/connexion",
            handler: get(auth::login_form),
        },
        Route {
            method: Method::POST,
            path: "/connexion",
            handler: post(auth::login),
        },
        Route {
            method: Method::POST,
            path: "/deconnexion",
            handler: post(auth::logout),
        },
    ]
}

/// The portal's router over a store.
pub fn router(store: Arc<Store>) -> Router {
    let mut router = Router::new();
    for route in routes() {
        router = router.route(route.path, route.handler);
    }
    let state = AppState {
        store,
        throttle: Arc::default(),
    };
    router.fallback(pages::not_found).with_state(state)
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

/// Serves the portal on `address` until Ctrl+C; `ready` is called once listening.
pub async fn serve(store: Arc<Store>, address: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| ServeError::Bind {
            address,
            cause: error.to_string(),
        })?;
    let local = listener.local_addr().unwrap_or(address);
    ready(local);
    axum::serve(listener, router(store))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|error| ServeError::Stopped(error.to_string()))
}
