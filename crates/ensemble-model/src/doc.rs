//! Self-description of the model: every entity and field knows its French and English label, so
//! that the data dictionary and the JSON Schemas are generated from the code.

/// What an entity says of itself.
#[derive(Debug, Clone)]
pub struct EntityDoc {
    /// The Rust and API name, e.g. `Show`.
    pub name: &'static str,
    /// The storage table, e.g. `shows`.
    pub table: &'static str,
    /// French name.
    pub label_fr: &'static str,
    /// English name.
    pub label_en: &'static str,
    /// French description.
    pub about_fr: &'static str,
    /// English description.
    pub about_en: &'static str,
    /// The matching Datascène and schema.org terms, when there are.
    pub datascene: &'static str,
    /// The schema.org type it exports to.
    pub schema_org: &'static str,
    /// Whether the records are private to their member by default (consortium records).
    pub private_by_default: bool,
    /// The fields, in order, `id` and provenance included.
    pub fields: Vec<FieldDoc>,
}

/// What a field says of itself.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDoc {
    /// The field name in JSON and storage.
    pub name: &'static str,
    /// French label.
    pub label_fr: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// The type.
    pub ty: TypeDoc,
}

/// The type of a field, as the dictionary and the JSON Schema describe it.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDoc {
    /// Text.
    Text,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// True or false.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A moment with its UTC offset, RFC 3339.
    DateTime,
    /// An amount of money in cents.
    Cents,
    /// A reference to another entity's `id`.
    Reference(&'static str),
    /// A code from a controlled vocabulary shipped in `data/reference/vocabularies`.
    Vocabulary(&'static str),
    /// One value among a closed list: (code, French label, English label).
    Choice(&'static [(&'static str, &'static str, &'static str)]),
    /// An optional value.
    Optional(Box<TypeDoc>),
    /// A list of values.
    List(Box<TypeDoc>),
    /// A nested structure.
    Object(&'static str, Vec<FieldDoc>),
}

/// A Rust type that the data dictionary can describe.
pub trait FieldType {
    /// Its description.
    fn type_doc() -> TypeDoc;
}

impl FieldType for String {
    fn type_doc() -> TypeDoc {
        TypeDoc::Text
    }
}
impl FieldType for i64 {
    fn type_doc() -> TypeDoc {
        TypeDoc::Integer
    }
}
impl FieldType for i32 {
    fn type_doc() -> TypeDoc {
        TypeDoc::Integer
    }
}
impl FieldType for u32 {
    fn type_doc() -> TypeDoc {
        TypeDoc::Integer
    }
}
impl FieldType for f64 {
    fn type_doc() -> TypeDoc {
        TypeDoc::Number
    }
}
impl FieldType for bool {
    fn type_doc() -> TypeDoc {
        TypeDoc::Boolean
    }
}
impl FieldType for chrono::NaiveDate {
    fn type_doc() -> TypeDoc {
        TypeDoc::Date
    }
}
impl FieldType for chrono::DateTime<chrono::FixedOffset> {
    fn type_doc() -> TypeDoc {
        TypeDoc::DateTime
    }
}
impl<T: FieldType> FieldType for Option<T> {
    fn type_doc() -> TypeDoc {
        TypeDoc::Optional(Box::new(T::type_doc()))
    }
}
impl<T: FieldType> FieldType for Vec<T> {
    fn type_doc() -> TypeDoc {
        TypeDoc::List(Box::new(T::type_doc()))
    }
}

/// A nested structure whose fields are documented.
pub trait Documented {
    /// The structure's fields.
    fn fields() -> Vec<FieldDoc>;
}
