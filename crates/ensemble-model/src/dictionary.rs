//! The bilingual data dictionary and the JSON Schemas, generated from the entities' own
//! documentation. `ensemble model docs` writes them under `docs/`; a test keeps them current.

use serde_json::{Map, Value, json};

use crate::doc::{EntityDoc, FieldDoc, TypeDoc};
use crate::vocab;

/// A generated file: its path relative to the repository root and its contents.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedFile {
    /// Relative path, e.g. `docs/data-model.md`.
    pub path: String,
    /// The full contents.
    pub contents: String,
}

/// Every generated file: the dictionary and one JSON Schema per entity.
pub fn generated_files() -> Vec<GeneratedFile> {
    let docs = crate::entity_docs();
    let mut files = vec![GeneratedFile {
        path: "docs/data-model.md".to_string(),
        contents: markdown(&docs),
    }];
    for entity in &docs {
        let schema = json_schema(entity);
        let mut contents = serde_json::to_string_pretty(&schema).unwrap_or_default();
        contents.push('\n');
        files.push(GeneratedFile {
            path: format!("docs/schema/{}.schema.json", entity.name),
            contents,
        });
    }
    files
}

fn type_text(ty: &TypeDoc, french: bool) -> String {
    let (fr, en) = match ty {
        TypeDoc::Text => ("texte", "text"),
        TypeDoc::Integer => ("entier", "integer"),
        TypeDoc::Number => ("nombre", "number"),
        TypeDoc::Boolean => ("oui/non", "yes/no"),
        TypeDoc::Date => ("date AAAA-MM-JJ", "date YYYY-MM-DD"),
        TypeDoc::DateTime => ("date et heure RFC 3339", "RFC 3339 date-time"),
        TypeDoc::Cents => ("montant en cents", "amount in cents"),
        TypeDoc::Reference(entity) => return format!("→ {entity}"),
        TypeDoc::Vocabulary(name) => {
            return if french {
                format!("code du vocabulaire `{name}`")
            } else {
                format!("code from vocabulary `{name}`")
            };
        }
        TypeDoc::Choice(choices) => {
            let codes: Vec<String> = choices.iter().map(|(code, _, _)| format!("`{code}`")).collect();
            return if french {
                format!("un de {}", codes.join(", "))
            } else {
                format!("one of {}", codes.join(", "))
            };
        }
        TypeDoc::Optional(inner) => {
            let inner = type_text(inner, french);
            return if french {
                format!("{inner} (facultatif)")
            } else {
                format!("{inner} (optional)")
            };
        }
        TypeDoc::List(inner) => {
            let inner = type_text(inner, french);
            return if french {
                format!("liste de : {inner}")
            } else {
                format!("list of: {inner}")
            };
        }
        TypeDoc::Object(name, _) => return format!("structure `{name}`"),
    };
    if french { fr.to_string() } else { en.to_string() }
}

fn field_rows(out: &mut String, prefix: &str, fields: &[FieldDoc], french: bool) {
    for field in fields {
        let label = if french { field.label_fr } else { field.label_en };
        out.push_str(&format!(
            "| `{prefix}{}` | {} | {} |\n",
            field.name,
            label,
            type_text(&field.ty, french)
        ));
        let mut inner = &field.ty;
        while let TypeDoc::Optional(next) | TypeDoc::List(next) = inner {
            inner = next;
        }
        if let TypeDoc::Object(_, subfields) = inner {
            field_rows(out, &format!("{prefix}{}.", field.name), subfields, french);
        }
    }
}

fn choices_rows(out: &mut String, fields: &[FieldDoc], french: bool) {
    for field in fields {
        let mut inner = &field.ty;
        while let TypeDoc::Optional(next) | TypeDoc::List(next) = inner {
            inner = next;
        }
        match inner {
            TypeDoc::Choice(choices) => {
                let values: Vec<String> = choices
                    .iter()
                    .map(|(code, fr, en)| format!("`{code}` {}", if french { fr } else { en }))
                    .collect();
                out.push_str(&format!("* `{}` : {}\n", field.name, values.join(" · ")));
            }
            TypeDoc::Object(_, subfields) => choices_rows(out, subfields, french),
            _ => {}
        }
    }
}

fn section(out: &mut String, docs: &[EntityDoc], french: bool) {
    for entity in docs {
        let (label, about) = if french {
            (entity.label_fr, entity.about_fr)
        } else {
            (entity.label_en, entity.about_en)
        };
        out.push_str(&format!("### {label} (`{}`)\n\n{about}\n\n", entity.name));
        let privacy = match (french, entity.private_by_default) {
            (true, true) => "Privé au membre détenteur par défaut.",
            (true, false) => "Donnée publique, publiable en données ouvertes.",
            (false, true) => "Private to the owning member by default.",
            (false, false) => "Public data, publishable as open data.",
        };
        let (table_word, terms) = if french {
            ("Table", "Correspondances")
        } else {
            ("Table", "Mappings")
        };
        out.push_str(&format!("{table_word} : `{}`. {privacy}", entity.table));
        if !entity.datascene.is_empty() || !entity.schema_org.is_empty() {
            out.push_str(&format!(" {terms} : "));
            let mut parts = Vec::new();
            if !entity.datascene.is_empty() {
                parts.push(format!("Datascène `{}`", entity.datascene));
            }
            if !entity.schema_org.is_empty() {
                parts.push(format!("schema.org `{}`", entity.schema_org));
            }
            out.push_str(&parts.join(", "));
            out.push('.');
        }
        out.push_str("\n\n");
        if french {
            out.push_str("| Champ | Libellé | Type |\n|---|---|---|\n");
        } else {
            out.push_str("| Field | Label | Type |\n|---|---|---|\n");
        }
        field_rows(out, "", &entity.fields, french);
        let mut choices = String::new();
        choices_rows(&mut choices, &entity.fields, french);
        if !choices.is_empty() {
            out.push_str(if french {
                "\nValeurs permises :\n\n"
            } else {
                "\nAllowed values:\n\n"
            });
            out.push_str(&choices);
        }
        out.push('\n');
    }
}

fn vocabularies(out: &mut String, french: bool) {
    for vocabulary in vocab::all() {
        let label = if french {
            vocabulary.label_fr
        } else {
            vocabulary.label_en
        };
        let count = vocabulary.terms.len();
        if french {
            out.push_str(&format!(
                "* `{}` : {label} ({count} termes, source : {})\n",
                vocabulary.name, vocabulary.source
            ));
        } else {
            out.push_str(&format!(
                "* `{}`: {label} ({count} terms, source: {})\n",
                vocabulary.name, vocabulary.source
            ));
        }
    }
}

/// The data dictionary as Markdown, French first, then English.
pub fn markdown(docs: &[EntityDoc]) -> String {
    let mut out = String::new();
    out.push_str("<!-- Generated by `ensemble model docs` from crates/ensemble-model. Do not edit. -->\n\n");
    out.push_str("# Dictionnaire de données / Data dictionary\n\n");
    out.push_str("[Français](#français) · [English](#english)\n\n");
    out.push_str("## Français\n\n");
    out.push_str(
        "Le modèle de données sectoriel d'Ensemble. Chaque enregistrement porte sa provenance \
         (membre, lot, ligne source). Les montants sont en cents, les dates au format ISO 8601. \
         Les acheteurs ne figurent jamais que par un pseudonyme à clé.\n\n",
    );
    out.push_str("#### Vocabulaires contrôlés\n\n");
    vocabularies(&mut out, true);
    out.push('\n');
    section(&mut out, docs, true);
    out.push_str("## English\n\n");
    out.push_str(
        "Ensemble's sector data model. Every record carries its provenance (member, batch, source \
         row). Amounts are in cents, dates in ISO 8601. Buyers only ever appear as a keyed \
         pseudonym.\n\n",
    );
    out.push_str("#### Controlled vocabularies\n\n");
    vocabularies(&mut out, false);
    out.push('\n');
    section(&mut out, docs, false);
    out
}

fn schema_of(ty: &TypeDoc) -> Value {
    match ty {
        TypeDoc::Text => json!({"type": "string"}),
        TypeDoc::Integer => json!({"type": "integer"}),
        TypeDoc::Number => json!({"type": "number"}),
        TypeDoc::Boolean => json!({"type": "boolean"}),
        TypeDoc::Date => json!({"type": "string", "format": "date"}),
        TypeDoc::DateTime => json!({"type": "string", "format": "date-time"}),
        TypeDoc::Cents => json!({"type": "integer", "description": "cents"}),
        TypeDoc::Reference(entity) => json!({"type": "integer", "description": format!("id of {entity}")}),
        TypeDoc::Vocabulary(name) => {
            let codes: Vec<&str> = vocab::vocabulary(name)
                .map(|v| v.terms.iter().map(|t| t.code.as_str()).collect())
                .unwrap_or_default();
            json!({"type": "string", "enum": codes, "description": format!("vocabulary {name}")})
        }
        TypeDoc::Choice(choices) => {
            let codes: Vec<&str> = choices.iter().map(|(code, _, _)| *code).collect();
            json!({"type": "string", "enum": codes})
        }
        TypeDoc::Optional(inner) => {
            let mut schema = schema_of(inner);
            if let Some(Value::String(kind)) = schema.get("type").cloned()
                && let Some(object) = schema.as_object_mut()
            {
                object.insert("type".to_string(), json!([kind, "null"]));
                if let Some(Value::Array(values)) = object.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            schema
        }
        TypeDoc::List(inner) => json!({"type": "array", "items": schema_of(inner)}),
        TypeDoc::Object(name, fields) => object_schema(name, fields, None),
    }
}

fn object_schema(title: &str, fields: &[FieldDoc], description: Option<String>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let mut schema = schema_of(&field.ty);
        if let Some(object) = schema.as_object_mut() {
            object.insert("title".to_string(), json!(field.label_en));
            object.insert("x-label-fr".to_string(), json!(field.label_fr));
        }
        properties.insert(field.name.to_string(), schema);
        if !matches!(field.ty, TypeDoc::Optional(_) | TypeDoc::List(_) | TypeDoc::Object(..)) {
            required.push(field.name);
        }
    }
    let mut schema = json!({
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let (Some(description), Some(object)) = (description, schema.as_object_mut()) {
        object.insert("description".to_string(), json!(description));
    }
    schema
}

/// The JSON Schema (draft 2020-12) of one entity.
pub fn json_schema(entity: &EntityDoc) -> Value {
    let mut schema = object_schema(entity.name, &entity.fields, Some(entity.about_en.to_string()));
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$schema".to_string(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        object.insert("$id".to_string(), json!(format!("urn:ensemble:schema:{}", entity.name)));
        object.insert("x-label-fr".to_string(), json!(entity.label_fr));
        object.insert("x-description-fr".to_string(), json!(entity.about_fr));
    }
    schema
}
