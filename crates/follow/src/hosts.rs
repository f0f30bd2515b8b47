//! One request at a time per host, with a minimum delay between the end of one and the start
//! of the next. Feeds, their pages and `robots.txt` all take their turn here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The turns of every host seen so far.
#[derive(Default)]
pub(crate) struct Hosts {
    /// Per host (`host:port`): when its last request ended.
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl Hosts {
    /// Runs `work` as the host's only request, at least `delay` after its previous one ended.
    pub(crate) async fn turn<T>(
        &self,
        host: &str,
        delay: Duration,
        work: impl Future<Output = T>,
    ) -> T {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(host.to_owned()).or_default().clone()
        };
        let mut last = slot.lock().await;
        if let Some(at) = *last {
            tokio::time::sleep_until(at + delay).await;
        }
        let out = work.await;
        *last = Some(Instant::now());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_wait_their_turn_and_the_delay() {
        let hosts = Arc::new(Hosts::default());
        let start = Instant::now();
        let delay = Duration::from_secs(5);
        let request = |hosts: Arc<Hosts>, host: &'static str| async move {
            hosts
                .turn(host, delay, async {
                    let began = Instant::now();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    began - start
                })
                .await
        };
        let a = tokio::spawn(request(hosts.clone(), "a:80"));
        let b = tokio::spawn(request(hosts.clone(), "a:80"));
        let c = tokio::spawn(request(hosts.clone(), "b:80"));
        let mut began = [a.await.unwrap(), b.await.unwrap()];
        began.sort();
        // The second waits for the first (1 s) and the delay (5 s); another host does not wait.
        assert_eq!(began, [Duration::ZERO, Duration::from_secs(6)]);
        assert_eq!(c.await.unwrap(), Duration::ZERO);
    }
}
