//! Figures that are costly to compute and change only when data is imported (a member's holdings,
//! the seasons and venues offered as filters): kept for [`FRESH_FOR`], and dropped at once when the
//! portal itself changes data. An import run from the command line while the portal serves shows
//! up within that delay.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a figure is served before it is computed again.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

type Entry = (Instant, Arc<dyn Any + Send + Sync>);

/// The kept figures, by name.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The figure kept under `key` if still fresh, else the one `compute` gives (then kept).
    pub async fn get_or<T, E>(&self, key: &str, compute: impl Future<Output = Result<T, E>>) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
    {
        let kept = self
            .lock()
            .get(key)
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .and_then(|(_, value)| value.clone().downcast::<T>().ok());
        if let Some(value) = kept {
            return Ok(value);
        }
        let value = Arc::new(compute.await?);
        self.lock().insert(key.to_string(), (Instant::now(), value.clone()));
        Ok(value)
    }

    /// Forgets every figure (after the portal changed data).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Cache;

    #[tokio::test]
    async fn a_kept_figure_is_served_until_cleared() {
        let cache = Cache::default();
        let first = cache.get_or("k", async { Ok::<_, ()>(1) }).await.unwrap();
        let second = cache.get_or("k", async { Ok::<_, ()>(2) }).await.unwrap();
        assert_eq!((*first, *second), (1, 1));
        cache.clear();
        let third = cache.get_or("k", async { Ok::<_, ()>(3) }).await.unwrap();
        assert_eq!(*third, 3);
        let failed = cache.get_or::<i32, _>("other", async { Err("x") }).await;
        assert!(failed.is_err());
        let other = cache.get_or("other", async { Ok::<_, ()>(4) }).await.unwrap();
        assert_eq!(*other, 4, "a failure is not kept");
    }
}
