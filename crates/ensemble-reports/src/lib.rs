//! Funder reports from data entered once. A member's performances of a period (those it
//! presented, and those of the shows it produces or represents) are gathered with their
//! settlements (its own, or the presenter's shared under an agreement, read through a grant) and
//! where they took place ([`facts`]); a [`template::Template`] says which tables to fill, and
//! [`build`] fills them, each figure keeping the performances behind it. [`export`] writes the
//! result as an Excel workbook, CSV files or JSON.

pub mod document;
pub mod export;
pub mod facts;
pub mod template;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ensemble_i18n::{Arg, Lang, tr, tr_args};
use serde::Serialize;

pub use facts::{Completeness, Fact, Period, consortium_facts, facts};
pub use template::{Dimension, Field, Measure, TableSpec, Template, templates};

/// What can go wrong with a report, each with a stable code (`error-<code>` in the catalogues).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// No template of that name.
    #[error("unknown report template {template}")]
    UnknownTemplate {
        /// The name asked for.
        template: String,
        /// The names known.
        known: Vec<String>,
    },
    /// A template file cannot be read.
    #[error("report template {file}: {detail}")]
    Template {
        /// The file.
        file: String,
        /// What is wrong.
        detail: String,
    },
    /// The period is neither a season nor a year.
    #[error("invalid period {0}")]
    Period(String),
    /// No member with that short code.
    #[error("unknown member {0}")]
    UnknownMember(String),
    /// No such output format.
    #[error("unknown format {0}")]
    Format(String),
    /// A file cannot be written or read.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        cause: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] ensemble_store::StoreError),
}

impl ReportError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::UnknownTemplate { .. } => "report-template-unknown",
            ReportError::Template { .. } => "report-template-invalid",
            ReportError::Period(_) => "report-period-invalid",
            ReportError::UnknownMember(_) => "report-member-unknown",
            ReportError::Format(_) => "report-format-unknown",
            ReportError::Io { .. } => "report-io",
            ReportError::Store(error) => error.code(),
        }
    }

    /// The message's arguments.
    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            ReportError::UnknownTemplate { template, known } => vec![
                ("template", Arg::from(template.as_str())),
                ("known", Arg::from(known.join(", "))),
            ],
            ReportError::Template { file, detail } => vec![
                ("file", Arg::from(file.as_str())),
                ("detail", Arg::from(detail.as_str())),
            ],
            ReportError::Period(period) => vec![("period", Arg::from(period.as_str()))],
            ReportError::UnknownMember(member) => vec![("member", Arg::from(member.as_str()))],
            ReportError::Format(format) => vec![("format", Arg::from(format.as_str()))],
            ReportError::Io { path, cause } => {
                vec![("path", Arg::from(path.as_str())), ("cause", Arg::from(cause.as_str()))]
            }
            ReportError::Store(error) => vec![("cause", Arg::from(error.to_string()))],
        }
    }
}

/// One figure of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Value {
    /// A count.
    Count(i64),
    /// An amount in cents (shown in dollars).
    Money(i64),
    /// A percentage (none when it cannot be computed).
    Percent(Option<f64>),
    /// A distance in km (none when unknown).
    Km(Option<f64>),
    /// A date.
    Date(NaiveDate),
    /// Text.
    Text(String),
    /// Yes or no.
    Flag(bool),
    /// Hidden by disclosure control (a consortium-wide table), with the reason's code.
    Hidden(String),
}

impl Value {
    /// The value as a person reads it (French or English number forms).
    pub fn text(&self, lang: Lang) -> String {
        use ensemble_i18n::format;
        match self {
            Value::Count(count) => format::integer(lang, *count),
            Value::Money(cents) => format::money(lang, *cents),
            Value::Percent(Some(percent)) | Value::Km(Some(percent)) => {
                let tenths = (percent * 10.0).round() as i64;
                let whole = format::integer(lang, tenths / 10);
                let decimal = if lang == Lang::Fr { ',' } else { '.' };
                format!("{whole}{decimal}{}", (tenths % 10).abs())
            }
            Value::Percent(None) | Value::Km(None) => "—".to_string(),
            Value::Date(date) => format::date(lang, *date),
            Value::Text(text) => text.clone(),
            Value::Flag(flag) => tr(lang, if *flag { "report-value-yes" } else { "report-value-no" }),
            Value::Hidden(reason) => tr(lang, &format!("report-hidden-{reason}")),
        }
    }
}

/// A line of a table: the group (or the performance), its figures and the performances behind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// The group's values, one per row dimension (code, label); empty for a list table.
    pub keys: Vec<(String, String)>,
    /// The figures, one per header after the keys.
    pub values: Vec<Value>,
    /// The performances counted, by number.
    pub performances: Vec<i64>,
}

/// A filled table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// From the template.
    pub id: String,
    /// Title in the report's language.
    pub title: String,
    /// Headers: the row dimensions, then the measures (or the list's fields).
    pub headers: Vec<String>,
    /// How many headers are group keys.
    pub key_columns: usize,
    /// Lines, by group.
    pub lines: Vec<Line>,
    /// The total over every line (grouped tables only).
    pub total: Option<Line>,
}

/// A filled report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Template name.
    pub template: String,
    /// Title and funder in the report's language.
    pub title: String,
    /// The funder.
    pub funder: String,
    /// What it follows.
    pub about: String,
    /// The member's number.
    pub member_id: i64,
    /// The member's short code and name.
    pub member: (String, String),
    /// The period.
    pub period: String,
    /// The tables.
    pub tables: Vec<Table>,
    /// The performances behind the report, by number.
    pub facts: Vec<Fact>,
    /// What the member's data still lacks.
    pub completeness: Completeness,
}

impl Fact {
    /// The value of a dimension for this performance: (code, label).
    pub fn dimension(&self, dimension: Dimension, lang: Lang) -> (String, String) {
        let value = |code: &str| (code.to_string(), tr(lang, &format!("report-value-{code}")));
        match dimension {
            Dimension::Discipline => {
                let label = ensemble_model::vocab::vocabulary("disciplines-asq")
                    .and_then(|vocabulary| vocabulary.term(&self.discipline))
                    .map_or_else(
                        || tr(lang, "report-value-other-discipline"),
                        |term| term.label(lang == Lang::En).to_string(),
                    );
                (self.discipline.clone(), label)
            }
            Dimension::Region => match &self.region {
                Some(code) => (
                    code.clone(),
                    format!("{code} {}", ensemble_model::geo::region_name(code).unwrap_or_default()),
                ),
                None if self.in_quebec => value("unknown"),
                None => value("outside-quebec"),
            },
            Dimension::Territory => value(self.territory.code()),
            Dimension::TerritoryDetail => (self.territory_detail.clone(), self.territory_detail.clone()),
            Dimension::Setting => value(if self.at_home { "home" } else { "tour" }),
            Dimension::Audience => value(if self.school { "school" } else { "general" }),
            Dimension::Admission => value(if self.free { "free" } else { "paid" }),
            Dimension::Month => {
                let code = format!("{}", self.date.format("%Y-%m"));
                let label = ensemble_i18n::format::month(
                    lang,
                    chrono::Datelike::year(&self.date),
                    chrono::Datelike::month(&self.date),
                );
                (code, label)
            }
            Dimension::Show => (self.show.clone(), self.show.clone()),
        }
    }

    fn field(&self, field: Field, lang: Lang) -> Value {
        match field {
            Field::Date => Value::Date(self.date),
            Field::Show => Value::Text(self.show.clone()),
            Field::Venue => Value::Text(self.venue.clone()),
            Field::Municipality => Value::Text(self.municipality.clone()),
            Field::TerritoryDetail => Value::Text(self.dimension(Dimension::TerritoryDetail, lang).1),
            Field::DistanceKm => Value::Km(self.distance_km),
            Field::Touring250 => Value::Flag(self.touring_250()),
            Field::Attendance => Value::Count(self.settlement.as_ref().map_or(0, facts::attendance)),
        }
    }

    /// Whether it is at least 250 km from the member's home base (the Canada Council's rule).
    pub fn touring_250(&self) -> bool {
        self.distance_km.is_some_and(|km| km >= 250.0)
    }
}

/// A measure over a group of performances.
pub fn measure(measure: Measure, group: &[&Fact]) -> Value {
    let settled: Vec<&ensemble_model::Settlement> = group.iter().filter_map(|fact| fact.settlement.as_ref()).collect();
    let sum = |figure: &dyn Fn(&ensemble_model::Settlement) -> i64| settled.iter().map(|s| figure(s)).sum::<i64>();
    let box_office = || sum(&|s| s.gross.0 - s.taxes.0);
    match measure {
        Measure::Performances => Value::Count(group.len() as i64),
        Measure::TicketsAvailable => Value::Count(sum(&|s| i64::from(s.capacity_offered))),
        Measure::Attendance => Value::Count(sum(&facts::attendance)),
        Measure::PaidAttendance => Value::Count(sum(&|s| i64::from(s.paid))),
        Measure::FreeAttendance => Value::Count(sum(&|s| i64::from(s.complimentary) + i64::from(s.free_admissions))),
        Measure::BoxOfficeExclTaxes => Value::Money(box_office()),
        Measure::AveragePrice => {
            let paid = sum(&|s| i64::from(s.paid));
            Value::Money(if paid > 0 {
                (box_office() as f64 / paid as f64).round() as i64
            } else {
                0
            })
        }
        Measure::OccupancyRate => {
            let offered = sum(&|s| i64::from(s.capacity_offered));
            Value::Percent((offered > 0).then(|| sum(&facts::attendance) as f64 * 100.0 / offered as f64))
        }
        Measure::ArtistFees => Value::Money(sum(&|s| s.artist_fee.0)),
        Measure::Touring250 => Value::Count(group.iter().filter(|fact| fact.touring_250()).count() as i64),
        Measure::Unsettled => Value::Count(group.iter().filter(|fact| fact.settlement.is_none()).count() as i64),
    }
}

fn keep(fact: &Fact, spec: &TableSpec) -> bool {
    spec.filter
        .iter()
        .all(|(dimension, wanted)| fact.dimension(*dimension, Lang::Fr).0 == *wanted)
}

/// Fills one table from the facts.
pub fn fill(spec: &TableSpec, facts: &[Fact], lang: Lang) -> Table {
    let kept: Vec<&Fact> = facts.iter().filter(|fact| keep(fact, spec)).collect();
    let title = spec.title.get(lang).to_string();
    if !spec.list.is_empty() {
        let lines = kept
            .iter()
            .map(|fact| Line {
                keys: Vec::new(),
                values: spec.list.iter().map(|field| fact.field(*field, lang)).collect(),
                performances: vec![fact.performance],
            })
            .collect();
        return Table {
            id: spec.id.clone(),
            title,
            headers: spec
                .list
                .iter()
                .map(|field| tr(lang, &format!("report-field-{}", code(field))))
                .collect(),
            key_columns: 0,
            lines,
            total: None,
        };
    }
    let mut groups: BTreeMap<Vec<(String, String)>, Vec<&Fact>> = BTreeMap::new();
    for fact in &kept {
        let keys = spec
            .rows
            .iter()
            .map(|dimension| fact.dimension(*dimension, lang))
            .collect();
        groups.entry(keys).or_default().push(fact);
    }
    let line = |keys: Vec<(String, String)>, group: &[&Fact]| Line {
        keys,
        values: spec.measures.iter().map(|m| measure(*m, group)).collect(),
        performances: group.iter().map(|fact| fact.performance).collect(),
    };
    let lines = groups.into_iter().map(|(keys, group)| line(keys, &group)).collect();
    let mut headers: Vec<String> = spec
        .rows
        .iter()
        .map(|dimension| tr(lang, &format!("report-dimension-{}", code(dimension))))
        .collect();
    headers.extend(
        spec.measures
            .iter()
            .map(|m| tr(lang, &format!("report-measure-{}", code(m)))),
    );
    let total_keys = spec
        .rows
        .iter()
        .enumerate()
        .map(|(index, _)| {
            if index == 0 {
                ("total".to_string(), tr(lang, "report-total"))
            } else {
                (String::new(), String::new())
            }
        })
        .collect();
    Table {
        id: spec.id.clone(),
        title,
        headers,
        key_columns: spec.rows.len(),
        lines,
        total: Some(line(total_keys, &kept)),
    }
}

/// The serde code of a template word (`box-office-excl-taxes`).
pub fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Fills every table of a template for a member's facts.
pub fn build(
    template: &Template,
    member: (i64, &str, &str),
    period: &Period,
    facts: Vec<Fact>,
    completeness: Completeness,
    lang: Lang,
) -> Report {
    Report {
        template: template.name.clone(),
        title: template.title.get(lang).to_string(),
        funder: template.funder.get(lang).to_string(),
        about: template.about.get(lang).to_string(),
        member_id: member.0,
        member: (member.1.to_string(), member.2.to_string()),
        period: period.label.clone(),
        tables: template.tables.iter().map(|spec| fill(spec, &facts, lang)).collect(),
        facts,
        completeness,
    }
}

/// The lines of "what is still missing", in a language.
pub fn completeness_lines(completeness: &Completeness, lang: Lang) -> Vec<String> {
    let line = |key: &str, count: usize| tr_args(lang, key, &[("count", Arg::from(count))]);
    let mut lines = Vec::new();
    for (key, count) in [
        ("report-lacks-settlement", completeness.unsettled.len()),
        ("report-lacks-region", completeness.halls_without_region.len()),
        ("report-lacks-coordinates", completeness.halls_without_coordinates.len()),
        ("report-lacks-differences", completeness.differences.len()),
    ] {
        if count > 0 {
            lines.push(line(key, count));
        }
    }
    lines
}

/// What a report is asked for.
pub struct Request<'a> {
    /// The member's short code.
    pub member: &'a str,
    /// The template's name.
    pub template: &'a str,
    /// The period (`2025-2026` or `2025`).
    pub period: &'a str,
    /// A folder of the consortium's own templates.
    pub templates: Option<&'a std::path::Path>,
    /// The language of headers and labels.
    pub lang: Lang,
    /// Today, in Québec.
    pub today: NaiveDate,
}

/// Builds a report on behalf of `requester` (its reads of settlements go through a grant).
pub fn run(
    store: &ensemble_store::Store,
    requester: &ensemble_store::Requester,
    request: &Request<'_>,
) -> Result<Report, ReportError> {
    let period = Period::parse(request.period)?;
    let all = templates(request.templates)?;
    let template = all
        .iter()
        .find(|template| template.name == request.template)
        .ok_or_else(|| ReportError::UnknownTemplate {
            template: request.template.to_string(),
            known: all.iter().map(|template| template.name.clone()).collect(),
        })?;
    let found = store.write(|session| -> Result<_, ReportError> {
        let member = session
            .member_by_slug(request.member)?
            .ok_or_else(|| ReportError::UnknownMember(request.member.to_string()))?;
        let name = session
            .get::<ensemble_model::Organization>(member.organization_id.0)?
            .map_or_else(|| member.slug.clone(), |organization| organization.name);
        let (facts, completeness) = facts(session, requester, &member, &period, request.today)?;
        Ok((member, name, facts, completeness))
    })?;
    let (member, name, facts, completeness) = found;
    Ok(build(
        template,
        (member.id.0, &member.slug, &name),
        &period,
        facts,
        completeness,
        request.lang,
    ))
}

/// Hides, in every grouped table of a consortium-wide report, the lines that would expose one
/// member or a small audience: each line is a figure of a one-column table (its attendance, the
/// members whose settlements it adds up, what one of them could not see of the others) with the
/// total under it, protected by [`ensemble_privacy::disclosure::protect`] under the consortium's
/// rules; a hidden line shows the reason instead of its figures.
pub fn protect(report: &mut Report, rules: &ensemble_privacy::disclosure::Rules) {
    use ensemble_privacy::disclosure::{Cell, Figure, Table as Grid, protect};
    let facts: std::collections::HashMap<i64, &Fact> = report.facts.iter().map(|f| (f.performance, f)).collect();
    let cell = |performances: &[i64]| {
        let mut per_member: BTreeMap<i64, u64> = BTreeMap::new();
        for fact in performances.iter().filter_map(|id| facts.get(id)) {
            let attending = fact.settlement.as_ref().map_or(0, facts::attendance).max(0) as u64;
            *per_member.entry(fact.settlement_from.unwrap_or(0)).or_default() += attending;
        }
        let value: u64 = per_member.values().sum();
        Cell {
            value,
            people: value,
            members: per_member.len() as u64,
            others: value - per_member.values().max().copied().unwrap_or(0),
        }
    };
    for table in report.tables.iter_mut().filter(|table| table.total.is_some()) {
        let cells: Vec<Vec<Cell>> = table.lines.iter().map(|line| vec![cell(&line.performances)]).collect();
        let total = table
            .total
            .as_ref()
            .map(|line| cell(&line.performances))
            .unwrap_or(Cell {
                value: 0,
                people: 0,
                members: 0,
                others: 0,
            });
        let released = protect(
            &Grid {
                row_totals: cells.iter().map(|row| row[0]).collect(),
                cells,
                column_totals: vec![total],
                total,
            },
            rules,
        );
        let hide = |line: &mut Line, figure: &Figure| {
            if let Figure::Hidden(reason) = figure {
                let reason = code(reason);
                for value in &mut line.values {
                    *value = Value::Hidden(reason.clone());
                }
            }
        };
        for (line, figures) in table.lines.iter_mut().zip(&released.cells) {
            hide(line, &figures[0]);
        }
        if let Some(line) = table.total.as_mut() {
            hide(line, &released.total);
        }
    }
}

/// Builds a consortium-wide report (no member): every performance settled by a member that
/// shares its settlements with the whole consortium for pooled statistics, protected under the
/// consortium's disclosure rules; the read is written to the audit trail.
pub fn run_consortium(
    store: &ensemble_store::Store,
    requester: &ensemble_store::Requester,
    request: &Request<'_>,
    name: &str,
) -> Result<Report, ReportError> {
    let period = Period::parse(request.period)?;
    let all = templates(request.templates)?;
    let template = all
        .iter()
        .find(|template| template.name == request.template)
        .ok_or_else(|| ReportError::UnknownTemplate {
            template: request.template.to_string(),
            known: all.iter().map(|template| template.name.clone()).collect(),
        })?;
    let (facts, completeness, rules) = store.write(|session| -> Result<_, ReportError> {
        let (facts, completeness, pool) = consortium_facts(session, &period, request.today)?;
        let event = ensemble_store::AuditEvent {
            channel: requester.channel,
            user_id: requester.user_id,
            member_id: requester.member,
            action: ensemble_store::AuditAction::PooledQuery,
            subject: format!("{} {}", template.name, period.label),
            detail: serde_json::json!({
                "dataset": "settlements",
                "pool": pool.members().iter().map(|m| m.0).collect::<Vec<_>>(),
                "agreements": pool.agreements(),
            }),
        };
        session.append_audit(&event, chrono::Utc::now())?;
        Ok((facts, completeness, session.disclosure_rules()?))
    })?;
    let mut report = build(
        template,
        (0, "consortium", name),
        &period,
        facts,
        completeness,
        request.lang,
    );
    protect(&mut report, &rules);
    Ok(report)
}
