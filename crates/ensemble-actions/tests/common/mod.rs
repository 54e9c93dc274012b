//! What the actions' test binaries share.

/// `check => sqlite_test, postgres_test;` makes two tests that run `check` on a new SQLite file
/// and on a new schema of the suites' PostgreSQL server (skipped when none is configured; CI
/// configures one and counts that every PostgreSQL test ran).
macro_rules! on_both_backends {
    ($($check:ident => $sqlite:ident, $postgres:ident;)+) => {
        $(
            #[test]
            fn $sqlite() {
                $check(&TestUrl::sqlite());
            }

            #[test]
            fn $postgres() {
                let Some(place) = TestUrl::postgres(stringify!($postgres)) else {
                    return;
                };
                $check(&place);
            }
        )+
    };
}
