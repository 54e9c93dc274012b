//! Disclosure control for pooled figures: before a table that pools several members' data is
//! shown, every figure that counts too few distinct people (fewer than k, 10 by default), comes
//! from too few members (fewer than 5 for a benchmark), or would leave fewer than k people once
//! one contributing member takes out what it already knows (its own buyers) is hidden; then more
//! figures are hidden
//! (secondary suppression) until no hidden figure can be worked out from what is shown through
//! the table's sums (a row's cells add up to the row's total, and so on); then what is shown may
//! be rounded to a base (5).
//!
//! The guarantee: for every hidden figure, another table with the same shown figures and sums, and
//! no negative figure, has a different value there. Figures are whole numbers (counts, cents);
//! the test is `count < k` hidden, `count >= k` shown.

use serde::{Deserialize, Serialize};

/// What protects a pooled table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// A figure counting fewer distinct people than this is hidden (k).
    pub min_people: u64,
    /// A figure that fewer members than this contribute to is hidden.
    pub min_members: u64,
    /// Shown figures are rounded to the nearest multiple of this (1: exact).
    pub round_to: u64,
}

impl Default for Rules {
    /// k = 10 people, 5 members, no rounding.
    fn default() -> Self {
        Rules {
            min_people: 10,
            min_members: 5,
            round_to: 1,
        }
    }
}

/// One figure of a pooled table, with what it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The figure (a count, an amount in cents).
    pub value: u64,
    /// How many distinct people it counts.
    pub people: u64,
    /// How many members contribute to it.
    pub members: u64,
    /// The fewest distinct people left once any one contributing member's own are taken out:
    /// what a member that contributes to the figure cannot already see in its own data.
    pub others: u64,
}

impl Cell {
    /// Why the figure alone may not be shown under `rules`, if it may not.
    fn primary(&self, rules: &Rules) -> Option<Hidden> {
        if self.value == 0 && self.people == 0 {
            // Nobody counted: an empty cell, shown as such.
            None
        } else if self.people < rules.min_people {
            Some(Hidden::TooFewPeople)
        } else if self.members < rules.min_members {
            Some(Hidden::TooFewMembers)
        } else if self.members >= 2 && self.others < rules.min_people {
            Some(Hidden::MostlyOneMember)
        } else {
            None
        }
    }
}

/// Why a figure is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hidden {
    /// It counts fewer than k people.
    TooFewPeople,
    /// Fewer members than the minimum contribute to it.
    TooFewMembers,
    /// One contributing member, taking out its own people, would see fewer than k others.
    MostlyOneMember,
    /// It could have been worked out from the figures shown (secondary suppression).
    Complementary,
}

/// A figure as released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figure {
    /// Shown (rounded when the rules say so).
    Shown(u64),
    /// Hidden, and why.
    Hidden(Hidden),
}

impl Figure {
    /// Whether it is hidden.
    pub fn is_hidden(&self) -> bool {
        matches!(self, Figure::Hidden(_))
    }
}

/// A pooled two-way table: cells by row and column, and the totals of each row, of each column
/// and of the whole (each with its own count of distinct people, which is not the sum of the
/// cells' when a person appears in several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Cells, row by row (every row as long).
    pub cells: Vec<Vec<Cell>>,
    /// One total per row.
    pub row_totals: Vec<Cell>,
    /// One total per column.
    pub column_totals: Vec<Cell>,
    /// The total of the whole table.
    pub total: Cell,
}

/// A table as released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    /// Cells, row by row.
    pub cells: Vec<Vec<Figure>>,
    /// Row totals.
    pub row_totals: Vec<Figure>,
    /// Column totals.
    pub column_totals: Vec<Figure>,
    /// The total.
    pub total: Figure,
}

/// A figure of the table: a cell, a row total, a column total or the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Cell(usize, usize),
    Row(usize),
    Column(usize),
    Total,
}

struct Grid<'t> {
    table: &'t Table,
    rows: usize,
    columns: usize,
}

impl Grid<'_> {
    fn places(&self) -> Vec<Place> {
        let mut places = Vec::new();
        for row in 0..self.rows {
            for column in 0..self.columns {
                places.push(Place::Cell(row, column));
            }
        }
        places.extend((0..self.rows).map(Place::Row));
        places.extend((0..self.columns).map(Place::Column));
        places.push(Place::Total);
        places
    }

    fn cell(&self, place: Place) -> Cell {
        match place {
            Place::Cell(row, column) => self.table.cells[row][column],
            Place::Row(row) => self.table.row_totals[row],
            Place::Column(column) => self.table.column_totals[column],
            Place::Total => self.table.total,
        }
    }

    fn index(&self, place: Place) -> usize {
        match place {
            Place::Cell(row, column) => row * self.columns + column,
            Place::Row(row) => self.rows * self.columns + row,
            Place::Column(column) => self.rows * self.columns + self.rows + column,
            Place::Total => self.rows * self.columns + self.rows + self.columns,
        }
    }

    /// The table's sums, each as the figures it adds (+1) and its total (-1): rows, columns, and
    /// the total as the sum of the row totals and of the column totals.
    fn equations(&self) -> Vec<Vec<(Place, f64)>> {
        let mut equations = Vec::new();
        for row in 0..self.rows {
            let mut terms: Vec<(Place, f64)> = (0..self.columns).map(|c| (Place::Cell(row, c), 1.0)).collect();
            terms.push((Place::Row(row), -1.0));
            equations.push(terms);
        }
        for column in 0..self.columns {
            let mut terms: Vec<(Place, f64)> = (0..self.rows).map(|r| (Place::Cell(r, column), 1.0)).collect();
            terms.push((Place::Column(column), -1.0));
            equations.push(terms);
        }
        let mut rows: Vec<(Place, f64)> = (0..self.rows).map(|r| (Place::Row(r), 1.0)).collect();
        rows.push((Place::Total, -1.0));
        equations.push(rows);
        let mut columns: Vec<(Place, f64)> = (0..self.columns).map(|c| (Place::Column(c), 1.0)).collect();
        columns.push((Place::Total, -1.0));
        equations.push(columns);
        equations
    }
}

/// The hidden figures that the shown ones determine: through the sums (the hidden figure is a
/// fixed combination of shown ones), or because the hidden figures of a sum add up to zero and
/// none can be negative.
fn determined(grid: &Grid<'_>, hidden: &[bool]) -> Vec<Place> {
    let places = grid.places();
    let unknowns: Vec<Place> = places.iter().copied().filter(|p| hidden[grid.index(*p)]).collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let position = |place: Place| unknowns.iter().position(|u| *u == place);
    let mut found = Vec::new();
    let mut matrix: Vec<Vec<f64>> = Vec::new();
    for equation in grid.equations() {
        let mut row = vec![0.0; unknowns.len()];
        let mut hidden_sum = 0u64;
        let mut hidden_terms = Vec::new();
        for (place, coefficient) in &equation {
            if let Some(index) = position(*place) {
                row[index] += coefficient;
                if *coefficient > 0.0 {
                    hidden_sum += grid.cell(*place).value;
                    hidden_terms.push(*place);
                }
            }
        }
        // The hidden parts of a sum whose hidden total is shown: if they add up to zero, each is zero.
        let total_hidden = equation
            .iter()
            .any(|(place, coefficient)| *coefficient < 0.0 && position(*place).is_some());
        if !total_hidden && hidden_sum == 0 {
            found.extend(hidden_terms);
        }
        if row.iter().any(|value| *value != 0.0) {
            matrix.push(row);
        }
    }
    // Reduced row echelon form: a hidden figure is determined when its pivot row has no other
    // unknown in it.
    let columns = unknowns.len();
    let mut pivot_row = 0;
    let mut pivots = Vec::new();
    for column in 0..columns {
        let Some(best) =
            (pivot_row..matrix.len()).max_by(|a, b| matrix[*a][column].abs().total_cmp(&matrix[*b][column].abs()))
        else {
            break;
        };
        if matrix[best][column].abs() < 1e-9 {
            continue;
        }
        matrix.swap(pivot_row, best);
        let pivot = matrix[pivot_row][column];
        for value in &mut matrix[pivot_row] {
            *value /= pivot;
        }
        let reference = matrix[pivot_row].clone();
        for (index, other) in matrix.iter_mut().enumerate() {
            let factor = other[column];
            if index != pivot_row && factor.abs() > 1e-12 {
                for (value, pivot_value) in other.iter_mut().zip(&reference) {
                    *value -= factor * pivot_value;
                }
            }
        }
        pivots.push((pivot_row, column));
        pivot_row += 1;
        if pivot_row == matrix.len() {
            break;
        }
    }
    for (row, column) in pivots {
        let alone = matrix[row]
            .iter()
            .enumerate()
            .all(|(k, value)| k == column || value.abs() < 1e-9);
        if alone {
            found.push(unknowns[column]);
        }
    }
    found.sort_by_key(|place| grid.index(*place));
    found.dedup();
    found
}

/// Which figures secondary suppression hides first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefer {
    /// Cells beside the exposed figure (totals stay shown when they can).
    Cells,
    /// The totals of the exposed figure's lines (cells stay shown when they can): better when a
    /// whole row comes from one member and the other rows should stay readable.
    Totals,
}

/// The shown figure to hide so that `place` can no longer be worked out. Preferring cells: the
/// smallest non-empty shown cell of the line where it is the only hidden one (its row, else its
/// column; both when the pattern is wider), else a total. Preferring totals: the smallest shown
/// total of its lines, else the smallest other shown total, else as when preferring cells.
fn complement(grid: &Grid<'_>, hidden: &[bool], place: Place, prefer: Prefer) -> Option<Place> {
    let shown = |p: &Place| !hidden[grid.index(*p)];
    if prefer == Prefer::Totals {
        let lines = match place {
            Place::Cell(row, column) => vec![Place::Row(row), Place::Column(column)],
            Place::Row(_) | Place::Column(_) => vec![Place::Total],
            Place::Total => Vec::new(),
        };
        let all_totals: Vec<Place> = (0..grid.rows)
            .map(Place::Row)
            .chain((0..grid.columns).map(Place::Column))
            .chain([Place::Total])
            .collect();
        let smallest = |candidates: Vec<Place>| {
            candidates
                .into_iter()
                .filter(|p| *p != place && shown(p) && grid.cell(*p).value > 0)
                .min_by_key(|p| (grid.cell(*p).value, grid.index(*p)))
        };
        // Its own lines' totals first, then the smallest other total (a total hidden alone is
        // worked out from the grand total).
        if let Some(best) = smallest(lines).or_else(|| smallest(all_totals)) {
            return Some(best);
        }
    }
    let row_cells = |row: usize| (0..grid.columns).map(move |c| Place::Cell(row, c));
    let column_cells = |column: usize| (0..grid.rows).map(move |r| Place::Cell(r, column));
    let alone = |cells: Vec<Place>| cells.iter().filter(|p| !shown(p)).count() == 1;
    let mut candidates: Vec<Place> = match place {
        Place::Cell(row, column) => {
            if alone(row_cells(row).collect()) {
                row_cells(row).collect()
            } else if alone(column_cells(column).collect()) {
                column_cells(column).collect()
            } else {
                row_cells(row).chain(column_cells(column)).collect()
            }
        }
        Place::Row(row) => row_cells(row).collect(),
        Place::Column(column) => column_cells(column).collect(),
        Place::Total => (0..grid.rows)
            .map(Place::Row)
            .chain((0..grid.columns).map(Place::Column))
            .collect(),
    };
    // An empty figure protects nothing: anyone who knows that nothing happened there (no show of
    // that discipline that month) reads the hidden one from the sum.
    candidates.retain(|p| *p != place && shown(p) && grid.cell(*p).value > 0);
    if let Some(best) = candidates
        .iter()
        .copied()
        .min_by_key(|p| (grid.cell(*p).value, grid.index(*p)))
    {
        return Some(best);
    }
    let totals = match place {
        Place::Cell(row, column) => vec![Place::Row(row), Place::Column(column), Place::Total],
        Place::Row(_) | Place::Column(_) => vec![Place::Total],
        Place::Total => Vec::new(),
    };
    totals.into_iter().find(|p| shown(p))
}

fn rounded(value: u64, base: u64) -> u64 {
    if base <= 1 {
        return value;
    }
    (value + base / 2) / base * base
}

/// Hides complements until no hidden figure can be worked out from the shown ones.
fn suppress(grid: &Grid<'_>, mut reasons: Vec<Option<Hidden>>, prefer: Prefer) -> Vec<Option<Hidden>> {
    loop {
        let hidden: Vec<bool> = reasons.iter().map(Option::is_some).collect();
        let Some(exposed) = determined(grid, &hidden).first().copied() else {
            return reasons;
        };
        match complement(grid, &hidden, exposed, prefer) {
            Some(place) => reasons[grid.index(place)] = Some(Hidden::Complementary),
            // Nothing left to hide around it: hide everything.
            None => {
                for reason in reasons.iter_mut().filter(|r| r.is_none()) {
                    *reason = Some(Hidden::Complementary);
                }
                return reasons;
            }
        }
    }
}

/// Protects a pooled table under `rules`.
///
/// # Panics
/// Never: a table whose rows are not all as long as `column_totals` is treated as if missing
/// cells counted nobody.
pub fn protect(table: &Table, rules: &Rules) -> Released {
    let rows = table.row_totals.len();
    let columns = table.column_totals.len();
    let mut normalized = table.clone();
    normalized.cells.resize(rows, Vec::new());
    for row in &mut normalized.cells {
        row.resize(
            columns,
            Cell {
                value: 0,
                people: 0,
                members: 0,
                others: 0,
            },
        );
    }
    let grid = Grid {
        table: &normalized,
        rows,
        columns,
    };
    let places = grid.places();
    let mut reasons: Vec<Option<Hidden>> = vec![None; places.len()];
    for place in &places {
        reasons[grid.index(*place)] = grid.cell(*place).primary(rules);
    }
    // Both ways of choosing complements are safe; the one that hides less (adding up the figures
    // it hides, so that small cells go before large totals) wins.
    let by_cells = suppress(&grid, reasons.clone(), Prefer::Cells);
    let by_totals = suppress(&grid, reasons, Prefer::Totals);
    let lost = |reasons: &[Option<Hidden>]| -> u128 {
        places
            .iter()
            .filter(|place| reasons[grid.index(**place)].is_some())
            .map(|place| u128::from(grid.cell(*place).value))
            .sum()
    };
    let reasons = if lost(&by_totals) < lost(&by_cells) {
        by_totals
    } else {
        by_cells
    };
    let figure = |place: Place| match reasons[grid.index(place)] {
        Some(reason) => Figure::Hidden(reason),
        None => Figure::Shown(rounded(grid.cell(place).value, rules.round_to)),
    };
    Released {
        cells: (0..rows)
            .map(|row| (0..columns).map(|column| figure(Place::Cell(row, column))).collect())
            .collect(),
        row_totals: (0..rows).map(|row| figure(Place::Row(row))).collect(),
        column_totals: (0..columns).map(|column| figure(Place::Column(column))).collect(),
        total: figure(Place::Total),
    }
}

/// Whether one figure alone may be shown (a benchmark without a table around it).
pub fn release(cell: Cell, rules: &Rules) -> Figure {
    match cell.primary(rules) {
        Some(reason) => Figure::Hidden(reason),
        None => Figure::Shown(rounded(cell.value, rules.round_to)),
    }
}
