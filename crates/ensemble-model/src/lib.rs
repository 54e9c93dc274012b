//! The performing-arts sector data model: entities named after Datascène, controlled vocabularies,
//! external identifiers, Québec geography and validation with stable error codes.
//!
//! Architecture invariant: this crate does no IO, knows nothing of SQL or HTTP, and holds no
//! personal data of audience members (buyers appear only as [`PersonKey`] pseudonyms).

#[macro_use]
mod macros;

pub mod cells;
pub mod dictionary;
pub mod doc;
pub mod entities;
pub mod geo;
pub mod identifiers;
pub mod validate;
pub mod vocab;

pub use entities::*;
pub use identifiers::Identifiers;
pub use validate::{ErrorCode, Validate, ValidationError};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A record type of the model, stored in its own table.
pub trait Entity: Serialize + DeserializeOwned + Validate + Clone + Send + Sync + 'static {
    /// The storage table.
    const TABLE: &'static str;
    /// The record's identifier.
    fn id(&self) -> i64;
    /// Where the record comes from.
    fn provenance(&self) -> &Provenance;
    /// The entity's documentation.
    fn doc() -> doc::EntityDoc;
}

/// An entity whose records may be read by anyone signed in (organisations, places, shows,
/// performances, ...): the catalogue. Private entities (settlements, ticket sales, agreements, ...)
/// are not `Public`; the store reads them only through a grant or, for intake and administration,
/// through its explicitly unchecked calls.
pub trait Public: Entity {}

/// Calls `$action!(Type)` for every entity type, in dependency order (a record only points to
/// records of entities listed before it, except members, which point to organizations and are
/// pointed to by provenance).
#[macro_export]
macro_rules! for_each_entity {
    ($action:ident) => {
        $action!(Batch);
        $action!(Organization);
        $action!(Member);
        $action!(Person);
        $action!(Group);
        $action!(Place);
        $action!(Hall);
        $action!(Work);
        $action!(Show);
        $action!(Series);
        $action!(Performance);
        $action!(Offer);
        $action!(Tour);
        $action!(Engagement);
        $action!(Availability);
        $action!(Settlement);
        $action!(TicketSale);
        $action!(Grant);
        $action!(DataAsset);
        $action!(SharingAgreement);
        $action!(Consent);
    };
}

/// The documentation of every entity, in dependency order.
pub fn entity_docs() -> Vec<doc::EntityDoc> {
    let mut docs = Vec::new();
    macro_rules! push_doc {
        ($entity:ident) => {
            docs.push(<$crate::$entity as Entity>::doc());
        };
    }
    for_each_entity!(push_doc);
    docs
}
