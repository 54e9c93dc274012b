//! Disclosure control: both sides of every threshold, a worked table, and property tests that no
//! hidden figure of a random table can be worked out from what is released. The check is written
//! here independently of the library: exact fractions, and for each hidden figure an explicit
//! other table with the same released figures and sums but a different value there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::needless_range_loop)]

use ensemble_privacy::disclosure::{Cell, Figure, Hidden, Released, Rules, Table, protect, release};
use proptest::prelude::*;

/// A figure whose people are spread so that no one member holds more than k of them.
fn cell(value: u64, people: u64, members: u64) -> Cell {
    Cell {
        value,
        people,
        members,
        others: people,
    }
}

#[test]
fn k_minus_one_is_hidden_k_and_k_plus_one_are_shown() {
    let rules = Rules::default();
    assert_eq!(release(cell(90, 9, 6), &rules), Figure::Hidden(Hidden::TooFewPeople));
    assert_eq!(release(cell(100, 10, 6), &rules), Figure::Shown(100));
    assert_eq!(release(cell(110, 11, 6), &rules), Figure::Shown(110));
    let strict = Rules {
        min_people: 25,
        ..rules
    };
    assert!(release(cell(1, 24, 6), &strict).is_hidden());
    assert!(!release(cell(1, 25, 6), &strict).is_hidden());
}

#[test]
fn a_benchmark_needs_enough_members() {
    let rules = Rules::default();
    assert_eq!(release(cell(500, 50, 4), &rules), Figure::Hidden(Hidden::TooFewMembers));
    assert_eq!(release(cell(500, 50, 5), &rules), Figure::Shown(500));
    assert_eq!(release(cell(500, 50, 6), &rules), Figure::Shown(500));
}

#[test]
fn rounding_to_base_five() {
    let rules = Rules {
        round_to: 5,
        ..Rules::default()
    };
    let shown = |value| release(cell(value, 20, 6), &rules);
    assert_eq!(shown(0), Figure::Shown(0));
    assert_eq!(shown(12), Figure::Shown(10));
    assert_eq!(shown(13), Figure::Shown(15));
    assert_eq!(shown(15), Figure::Shown(15));
    assert_eq!(shown(1_234), Figure::Shown(1_235));
}

#[test]
fn nobody_counted_is_shown_as_such() {
    assert_eq!(release(cell(0, 0, 0), &Rules::default()), Figure::Shown(0));
}

#[test]
fn tickets_without_a_known_buyer_count_nobody_and_are_hidden() {
    assert_eq!(
        release(cell(12, 0, 6), &Rules::default()),
        Figure::Hidden(Hidden::TooFewPeople)
    );
}

/// A member that contributes to a figure knows its own buyers: what it cannot see must still
/// count k people, else subtracting its own part would show the others' small group.
#[test]
fn one_member_taking_out_its_own_must_still_see_k_others() {
    let rules = Rules {
        min_members: 2,
        ..Rules::default()
    };
    let with_others = |others| Cell {
        value: 400,
        people: 40,
        members: 2,
        others,
    };
    assert_eq!(release(with_others(9), &rules), Figure::Hidden(Hidden::MostlyOneMember));
    assert_eq!(release(with_others(10), &rules), Figure::Shown(400));
    assert_eq!(release(with_others(11), &rules), Figure::Shown(400));
    // A lone member's figure is hidden for having one member, not for this.
    let alone = Cell {
        members: 1,
        others: 0,
        ..with_others(0)
    };
    assert_eq!(release(alone, &rules), Figure::Hidden(Hidden::TooFewMembers));
}

/// Regions × disciplines, attendance: one small cell.
fn worked_table() -> Table {
    let cells = vec![
        vec![cell(120, 120, 6), cell(45, 45, 5), cell(7, 7, 5)],
        vec![cell(80, 80, 6), cell(60, 60, 6), cell(30, 30, 5)],
        vec![cell(200, 200, 7), cell(90, 90, 6), cell(40, 40, 6)],
    ];
    totals(cells)
}

/// A table with its totals as sums (people of a total: the sum, as if nobody were in two cells).
fn totals(cells: Vec<Vec<Cell>>) -> Table {
    let columns = cells.first().map_or(0, Vec::len);
    let add = |parts: Vec<Cell>| Cell {
        value: parts.iter().map(|c| c.value).sum(),
        people: parts.iter().map(|c| c.people).sum(),
        members: parts.iter().map(|c| c.members).max().unwrap_or(0),
        others: parts.iter().map(|c| c.others).sum(),
    };
    let row_totals: Vec<Cell> = cells.iter().map(|row| add(row.clone())).collect();
    let column_totals: Vec<Cell> = (0..columns)
        .map(|column| add(cells.iter().map(|row| row[column]).collect()))
        .collect();
    let total = add(row_totals.clone());
    Table {
        cells,
        row_totals,
        column_totals,
        total,
    }
}

#[test]
fn a_small_cell_takes_others_with_it_in_its_row_and_column() {
    let released = protect(&worked_table(), &Rules::default());
    assert_eq!(released.cells[0][2], Figure::Hidden(Hidden::TooFewPeople));
    let hidden_in_row = released.cells[0].iter().filter(|f| f.is_hidden()).count();
    let hidden_in_column = released.cells.iter().filter(|row| row[2].is_hidden()).count();
    assert!(hidden_in_row >= 2 && hidden_in_column >= 2, "{released:?}");
    // The smallest neighbours are the ones hidden with it.
    assert_eq!(released.cells[0][1], Figure::Hidden(Hidden::Complementary));
    assert_eq!(released.cells[1][2], Figure::Hidden(Hidden::Complementary));
    assert_eq!(released.total, Figure::Shown(672));
    assert_no_hidden_figure_is_recoverable(&worked_table(), &released);
}

/// Two shows' rows: one sold by two members, one by a single member. Protecting the single
/// member's row must not hide the other row's cells (hiding the column totals instead), and no
/// empty cell is hidden to protect anything.
#[test]
fn one_members_row_leaves_the_shared_row_readable() {
    let mut table = totals(vec![
        vec![cell(900, 300, 2), cell(400, 150, 2), cell(0, 0, 0)],
        vec![cell(300, 100, 1), cell(120, 40, 1), cell(0, 0, 0)],
    ]);
    // The totals of two members' data.
    for total in table.column_totals.iter_mut().chain([&mut table.total]) {
        if total.people > 0 {
            total.members = 2;
        }
    }
    let rules = Rules {
        min_members: 2,
        ..Rules::default()
    };
    let released = protect(&table, &rules);
    assert_eq!(
        released.cells[0][..2],
        [Figure::Shown(900), Figure::Shown(400)],
        "{released:?}"
    );
    assert_eq!(released.row_totals[0], Figure::Shown(1_300));
    assert!(released.cells[1][..2].iter().all(Figure::is_hidden));
    assert!(
        released.cells.iter().all(|row| row[2] == Figure::Shown(0)),
        "empty cells stay shown"
    );
    assert_no_hidden_figure_is_recoverable(&table, &released);
}

/// The check below can fail: hiding only the small cell lets it be worked out from its row.
#[test]
fn the_check_catches_a_cell_hidden_alone() {
    let table = worked_table();
    let mut naive = protect(
        &table,
        &Rules {
            min_people: 1,
            ..Rules::default()
        },
    );
    assert!(!naive.cells[0][2].is_hidden());
    naive.cells[0][2] = Figure::Hidden(Hidden::TooFewPeople);
    let caught = std::panic::catch_unwind(|| assert_no_hidden_figure_is_recoverable(&table, &naive));
    assert!(caught.is_err(), "a lone hidden cell must be found recoverable");
}

#[test]
fn a_lone_small_row_hides_its_total_or_a_neighbour() {
    // One row, one small cell: the row total equals the cell, so something else must go.
    let table = totals(vec![
        vec![cell(5, 5, 6), cell(50, 50, 6)],
        vec![cell(30, 30, 6), cell(40, 40, 6)],
    ]);
    let released = protect(&table, &Rules::default());
    assert!(released.cells[0][0].is_hidden());
    assert_no_hidden_figure_is_recoverable(&table, &released);
}

#[test]
fn hidden_zeros_are_not_given_away_by_a_zero_sum() {
    // The small cell holds 0 (3 people, no money) beside a 0 of nobody: hiding only the small
    // cell and the zero would let "the hidden cells add up to 0" tell both.
    let table = totals(vec![
        vec![cell(0, 3, 6), cell(0, 0, 0), cell(900, 40, 6)],
        vec![cell(700, 30, 6), cell(10, 12, 6), cell(800, 35, 6)],
    ]);
    let released = protect(&table, &Rules::default());
    assert!(released.cells[0][0].is_hidden());
    let hidden_sum: u64 = released.cells[0]
        .iter()
        .zip(&table.cells[0])
        .filter(|(figure, _)| figure.is_hidden())
        .map(|(_, cell)| cell.value)
        .sum();
    assert!(hidden_sum > 0 || released.row_totals[0].is_hidden(), "{released:?}");
}

// ---------------------------------------------------------------------------------------------
// The independent check: exact fractions
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fraction(i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl Fraction {
    fn new(numerator: i128, denominator: i128) -> Fraction {
        let sign = if denominator < 0 { -1 } else { 1 };
        let divisor = gcd(numerator, denominator).max(1);
        Fraction(sign * numerator / divisor, sign * denominator / divisor)
    }
    fn zero() -> Fraction {
        Fraction(0, 1)
    }
    fn is_zero(self) -> bool {
        self.0 == 0
    }
    fn sub(self, other: Fraction) -> Fraction {
        Fraction::new(self.0 * other.1 - other.0 * self.1, self.1 * other.1)
    }
    fn mul(self, other: Fraction) -> Fraction {
        Fraction::new(self.0 * other.0, self.1 * other.1)
    }
    fn div(self, other: Fraction) -> Fraction {
        Fraction::new(self.0 * other.1, self.1 * other.0)
    }
}

/// Every figure of a table with its released form, in one order: cells, row totals, column
/// totals, total.
fn flatten(table: &Table, released: &Released) -> Vec<(u64, bool)> {
    let mut out = Vec::new();
    for (row, figures) in table.cells.iter().zip(&released.cells) {
        for (cell, figure) in row.iter().zip(figures) {
            out.push((cell.value, figure.is_hidden()));
        }
    }
    for (cell, figure) in table.row_totals.iter().zip(&released.row_totals) {
        out.push((cell.value, figure.is_hidden()));
    }
    for (cell, figure) in table.column_totals.iter().zip(&released.column_totals) {
        out.push((cell.value, figure.is_hidden()));
    }
    out.push((table.total.value, released.total.is_hidden()));
    out
}

/// The sums a table obeys, as coefficients over the flattened figures.
fn sums(rows: usize, columns: usize) -> Vec<Vec<i128>> {
    let size = rows * columns + rows + columns + 1;
    let mut equations = Vec::new();
    for row in 0..rows {
        let mut e = vec![0; size];
        for column in 0..columns {
            e[row * columns + column] = 1;
        }
        e[rows * columns + row] = -1;
        equations.push(e);
    }
    for column in 0..columns {
        let mut e = vec![0; size];
        for row in 0..rows {
            e[row * columns + column] = 1;
        }
        e[rows * columns + rows + column] = -1;
        equations.push(e);
    }
    let mut by_rows = vec![0; size];
    let mut by_columns = vec![0; size];
    for row in 0..rows {
        by_rows[rows * columns + row] = 1;
    }
    for column in 0..columns {
        by_columns[rows * columns + rows + column] = 1;
    }
    by_rows[size - 1] = -1;
    by_columns[size - 1] = -1;
    equations.push(by_rows);
    equations.push(by_columns);
    equations
}

/// A change `y` of the hidden figures only, keeping every sum, with `y[target] = 1`; none when
/// the target is fixed by the released figures.
fn alternative(equations: &[Vec<i128>], hidden: &[usize], target: usize) -> Option<Vec<Fraction>> {
    // Unknowns: y over the hidden figures. Rows: each sum restricted to them = 0, and y[target] = 1.
    let n = hidden.len();
    let mut matrix: Vec<Vec<Fraction>> = equations
        .iter()
        .map(|e| {
            let mut row: Vec<Fraction> = hidden.iter().map(|&h| Fraction::new(e[h], 1)).collect();
            row.push(Fraction::zero());
            row
        })
        .collect();
    let mut pin = vec![Fraction::zero(); n + 1];
    pin[hidden.iter().position(|&h| h == target)?] = Fraction::new(1, 1);
    pin[n] = Fraction::new(1, 1);
    matrix.push(pin);
    // Gauss-Jordan over fractions.
    let mut pivot_columns = Vec::new();
    let mut r = 0;
    for c in 0..n {
        let Some(p) = (r..matrix.len()).find(|&i| !matrix[i][c].is_zero()) else {
            continue;
        };
        matrix.swap(r, p);
        let pivot = matrix[r][c];
        for k in 0..=n {
            matrix[r][k] = matrix[r][k].div(pivot);
        }
        for i in 0..matrix.len() {
            if i != r && !matrix[i][c].is_zero() {
                let factor = matrix[i][c];
                for k in 0..=n {
                    matrix[i][k] = matrix[i][k].sub(factor.mul(matrix[r][k]));
                }
            }
        }
        pivot_columns.push(c);
        r += 1;
    }
    // Inconsistent (0 = 1): no such change.
    if matrix
        .iter()
        .any(|row| row[..n].iter().all(|v| v.is_zero()) && !row[n].is_zero())
    {
        return None;
    }
    let mut y = vec![Fraction::zero(); n];
    for (row, &c) in pivot_columns.iter().enumerate() {
        y[c] = matrix[row][n];
    }
    Some(y)
}

/// For every hidden figure, builds another table with the same released figures and sums, no
/// negative figure, and a different value there.
fn assert_no_hidden_figure_is_recoverable(table: &Table, released: &Released) {
    let rows = table.row_totals.len();
    let columns = table.column_totals.len();
    let figures = flatten(table, released);
    let equations = sums(rows, columns);
    let hidden: Vec<usize> = (0..figures.len()).filter(|&i| figures[i].1).collect();
    for &target in &hidden {
        let y = alternative(&equations, &hidden, target)
            .unwrap_or_else(|| panic!("hidden figure {target} is fixed by the released ones: {released:?}"));
        // Step along y, small enough that no figure goes negative.
        let mut step = Fraction::new(1, 1);
        for (k, &h) in hidden.iter().enumerate() {
            if y[k].0 < 0 {
                let room = Fraction::new(figures[h].0 as i128, 1).div(Fraction::new(-y[k].0, y[k].1));
                if room.0 * step.1 < step.0 * room.1 {
                    step = room;
                }
            }
        }
        assert!(
            !step.is_zero(),
            "hidden figure {target} can only move by making another negative: {released:?}"
        );
        // The other table keeps every sum.
        let mut other: Vec<Fraction> = figures.iter().map(|(v, _)| Fraction::new(*v as i128, 1)).collect();
        for (k, &h) in hidden.iter().enumerate() {
            other[h] = other[h].sub(step.mul(y[k]).mul(Fraction::new(-1, 1)));
        }
        for equation in &equations {
            let mut total = Fraction::zero();
            for (i, coefficient) in equation.iter().enumerate() {
                total = total.sub(other[i].mul(Fraction::new(-*coefficient, 1)));
            }
            assert!(total.is_zero());
        }
        assert_ne!(other[target], Fraction::new(figures[target].0 as i128, 1));
    }
}

fn table_strategy() -> impl Strategy<Value = Table> {
    (1usize..=4, 1usize..=4).prop_flat_map(|(rows, columns)| {
        proptest::collection::vec(
            proptest::collection::vec((1u64..=60, 1u64..=25, 1u64..=8, 0u64..=25), columns),
            rows,
        )
        .prop_map(|cells| {
            totals(
                cells
                    .into_iter()
                    .map(|row| {
                        row.into_iter()
                            .map(|(v, p, m, o)| Cell {
                                others: o.min(p),
                                ..cell(v, p, m)
                            })
                            .collect()
                    })
                    .collect(),
            )
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn nothing_hidden_can_be_worked_out(table in table_strategy(), k in 2u64..=20, members in 1u64..=6) {
        let rules = Rules { min_people: k, min_members: members, round_to: 1 };
        let released = protect(&table, &rules);
        assert_no_hidden_figure_is_recoverable(&table, &released);
        // What is shown is the true figure, and only where the thresholds allow.
        let figures = flatten(&table, &released);
        let mut cells: Vec<Cell> = table.cells.iter().flatten().copied().collect();
        cells.extend(&table.row_totals);
        cells.extend(&table.column_totals);
        cells.push(table.total);
        let shown: Vec<Figure> = released.cells.iter().flatten().copied()
            .chain(released.row_totals.iter().copied())
            .chain(released.column_totals.iter().copied())
            .chain(std::iter::once(released.total))
            .collect();
        for ((cell, figure), (value, _)) in cells.iter().zip(&shown).zip(&figures) {
            match figure {
                Figure::Shown(v) => {
                    prop_assert_eq!(v, value);
                    prop_assert!(
                        (cell.people == 0 && cell.value == 0)
                            || (cell.people >= k && cell.members >= members && (cell.members < 2 || cell.others >= k))
                    );
                }
                Figure::Hidden(Hidden::TooFewPeople) => prop_assert!(cell.people < k),
                Figure::Hidden(Hidden::TooFewMembers) => prop_assert!(cell.members < members),
                Figure::Hidden(Hidden::MostlyOneMember) => prop_assert!(cell.members >= 2 && cell.others < k),
                Figure::Hidden(Hidden::Complementary) => {}
            }
        }
    }

    #[test]
    fn one_more_person_never_reveals_a_figure_hidden_before(table in table_strategy()) {
        // Differencing: the same table released twice, the second time with one more person in
        // one cell, must not show a figure in the first that was hidden unless the threshold
        // now allows it (people >= k).
        let rules = Rules::default();
        let before = protect(&table, &rules);
        let mut after_table = table.clone();
        after_table.cells[0][0].people += 1;
        after_table.cells[0][0].value += 1;
        after_table.row_totals[0].people += 1;
        after_table.row_totals[0].value += 1;
        after_table.column_totals[0].people += 1;
        after_table.column_totals[0].value += 1;
        after_table.total.people += 1;
        after_table.total.value += 1;
        let after = protect(&after_table, &rules);
        assert_no_hidden_figure_is_recoverable(&after_table, &after);
        // A small cell stays hidden until it reaches k.
        if after_table.cells[0][0].people < rules.min_people {
            prop_assert!(after.cells[0][0].is_hidden());
            prop_assert!(before.cells[0][0].is_hidden());
        }
    }
}
