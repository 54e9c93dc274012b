//! Declarative macros that define a type and its documentation in one place.

/// Declares a newtype identifier that references an entity.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident => $entity:literal) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $crate::doc::FieldType for $name {
            fn type_doc() -> $crate::doc::TypeDoc {
                $crate::doc::TypeDoc::Reference($entity)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

/// Declares a closed list of codes with French and English labels.
macro_rules! code_enum {
    (
        $(#[$meta:meta])* $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ($fr:literal, $en:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value as (code, French label, English label).
            pub const CHOICES: &'static [(&'static str, &'static str, &'static str)] =
                &[$(($code, $fr, $en)),+];

            /// The stable code, as stored and exchanged.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The French label.
            pub fn label_fr(self) -> &'static str {
                match self { $($name::$variant => $fr),+ }
            }

            /// The English label.
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// The value with this code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::doc::FieldType for $name {
            fn type_doc() -> $crate::doc::TypeDoc {
                $crate::doc::TypeDoc::Choice(Self::CHOICES)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

/// Declares a code from one of the controlled vocabularies in `data/reference/vocabularies`.
macro_rules! vocab_code {
    ($(#[$meta:meta])* $name:ident => $vocabulary:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The vocabulary the code belongs to.
            pub const VOCABULARY: &'static str = $vocabulary;

            /// Wraps a code; [`crate::Validate`] checks that it exists.
            pub fn new(code: impl Into<String>) -> Self {
                $name(code.into())
            }

            /// The code.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl $crate::doc::FieldType for $name {
            fn type_doc() -> $crate::doc::TypeDoc {
                $crate::doc::TypeDoc::Vocabulary($vocabulary)
            }
        }
    };
}

/// Declares a nested structure with documented fields.
macro_rules! record {
    (
        $(#[$meta:meta])* $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => ($ffr:literal, $fen:literal) ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $crate::doc::Documented for $name {
            fn fields() -> Vec<$crate::doc::FieldDoc> {
                vec![$(
                    $crate::doc::FieldDoc {
                        name: stringify!($field),
                        label_fr: $ffr,
                        label_en: $fen,
                        ty: <$ty as $crate::doc::FieldType>::type_doc(),
                    }
                ),*]
            }
        }

        impl $crate::doc::FieldType for $name {
            fn type_doc() -> $crate::doc::TypeDoc {
                $crate::doc::TypeDoc::Object(
                    stringify!($name),
                    <$name as $crate::doc::Documented>::fields(),
                )
            }
        }
    };
}

/// Declares an entity: a record with an `id`, its fields and its provenance, and its documentation.
macro_rules! entity {
    (
        $(#[$meta:meta])* $name:ident ($id:ident) {
            table: $table:literal,
            label: ($lfr:literal, $len:literal),
            about: ($afr:literal, $aen:literal),
            datascene: $ds:literal,
            schema_org: $so:literal,
            private: $private:tt $(,)?
        }
        {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => ($ffr:literal, $fen:literal) ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// The record's identifier.
            pub id: $id,
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Where the record comes from.
            #[serde(flatten)]
            pub provenance: $crate::Provenance,
        }

        impl $crate::Entity for $name {
            const TABLE: &'static str = $table;

            fn id(&self) -> i64 {
                self.id.0
            }

            fn provenance(&self) -> &$crate::Provenance {
                &self.provenance
            }

            fn doc() -> $crate::doc::EntityDoc {
                let mut fields = vec![$crate::doc::FieldDoc {
                    name: "id",
                    label_fr: "Identifiant",
                    label_en: "Identifier",
                    ty: $crate::doc::TypeDoc::Integer,
                }];
                $(
                    fields.push($crate::doc::FieldDoc {
                        name: stringify!($field),
                        label_fr: $ffr,
                        label_en: $fen,
                        ty: <$ty as $crate::doc::FieldType>::type_doc(),
                    });
                )*
                fields.extend(<$crate::Provenance as $crate::doc::Documented>::fields());
                $crate::doc::EntityDoc {
                    name: stringify!($name),
                    table: $table,
                    label_fr: $lfr,
                    label_en: $len,
                    about_fr: $afr,
                    about_en: $aen,
                    datascene: $ds,
                    schema_org: $so,
                    private_by_default: $private,
                    fields,
                }
            }
        }

        public_marker!($private, $name);
    };
}

/// Marks an entity [`crate::Public`] when it is not private.
macro_rules! public_marker {
    (false, $name:ident) => {
        impl $crate::Public for $name {}
    };
    (true, $name:ident) => {};
}
