//! The floor of the import benchmark: how long SQLite itself takes to store a million ticket
//! lines and their natural keys in Ensemble's schema, with prepared statements and nothing else
//! (no file to read, no checks, no pseudonyms). `bench/import/run.py` runs it beside each import.
//!
//! cargo run --release -p ensemble-store --example sqlite-floor -- DATABASE.db [keys|no-keys]

use std::time::Instant;

use rusqlite::{Connection, params};

const ROWS: i64 = 1_000_000;
const CHUNK: usize = 5_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("a SQLite file with the demo is required")?;
    let with_keys = std::env::args().nth(2).as_deref() != Some("no-keys");
    let connection = Connection::open(&path)?;
    connection.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;",
    )?;
    let (member, first_performance): (i64, i64) = connection.query_row(
        "SELECT member_id, MIN(id) FROM performances WHERE member_id IS NOT NULL GROUP BY member_id LIMIT 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let batch: i64 = connection.query_row("SELECT MAX(id) + 1 FROM batches", [], |row| row.get(0))?;
    let first_id: i64 = connection.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM ticket_sales", [], |row| {
        row.get(0)
    })?;
    let start = Instant::now();
    connection.execute_batch("BEGIN")?;
    connection.execute(
        "INSERT INTO batches (id, kind, created_at, status, member_id) VALUES (?, 'import', '2026-11-28T12:00:00-05:00', 'committed', ?)",
        params![batch, member],
    )?;
    {
        let mut tickets = connection.prepare(
            "INSERT INTO ticket_sales (id, performance_id, sold_at, price, quantity, channel, price_type, buyer_key, \
             fsa, age_band, member_id, batch_id, source_row) VALUES (?, ?, ?, ?, 1, 'web', 'regular', ?, 'J1H', NULL, ?, ?, ?)",
        )?;
        let mut keys = connection.prepare(
            "INSERT INTO record_keys (member_id, entity_table, natural_key, record_id, batch_id) VALUES (?, 'ticket_sales', ?, ?, ?)",
        )?;
        // A xorshift generator stands in for the keyed hashes: random, like them.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut pending = Vec::with_capacity(CHUNK);
        for row in 0..ROWS {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let id = first_id + row;
            let buyer = format!("{state:016x}{state:016x}{state:016x}{state:016x}");
            tickets.execute(params![
                id,
                first_performance,
                "2025-10-01T20:00:00-04:00",
                4_200,
                buyer,
                member,
                batch,
                row
            ])?;
            pending.push((format!("{state:016x}{:016x}", state.rotate_left(17)), id));
            if pending.len() == CHUNK {
                pending.sort_unstable();
                for (key, id) in pending.drain(..) {
                    if with_keys {
                        keys.execute(params![member, key, id, batch])?;
                    }
                }
            }
        }
    }
    connection.execute_batch("COMMIT")?;
    println!("{:.2}", start.elapsed().as_secs_f64());
    Ok(())
}
