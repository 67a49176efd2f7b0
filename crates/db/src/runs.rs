//! Integer keys mapped to integer values, kept as runs: what the export's
//! ownership walk (row id -> owning client) and the merge (sender key ->
//! local key) hold for every row. Both see a table's rows in key order, and
//! neighbouring keys mostly have neighbouring values — the same client, or
//! the next local key — so a run (`key..key + len` to `value` or
//! `value..value + len`) stands for many rows, and memory grows with the
//! breaks between them instead of with the rows (issue 18, item 5: 4
//! million rows of 100,000 clients held 130–137 MiB in `HashMap`s). A pair
//! that continues no run in key order still fits, in a map beside the runs.

use std::collections::HashMap;

/// How the value moves along a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The same value for every key of the run (the owning client).
    Same,
    /// The value grows with the key (the next local key).
    Counting,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    key: i64,
    value: i64,
    len: u32,
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct RunMap {
    step: Step,
    /// Sorted by `key`, not overlapping.
    runs: Vec<Run>,
    scattered: HashMap<i64, i64>,
    /// How many keys: the capacity [`RunMap::keys`] needs.
    len: usize,
}

impl RunMap {
    /// A map whose runs hold one value (row id -> owning client).
    pub(crate) fn same() -> Self {
        Self::new(Step::Same)
    }

    /// A map whose values count up with the keys (sender key -> local key).
    pub(crate) fn counting() -> Self {
        Self::new(Step::Counting)
    }

    fn new(step: Step) -> Self {
        RunMap { step, runs: Vec::new(), scattered: HashMap::new(), len: 0 }
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: i64) -> Option<i64> {
        // The last run starting at or before `key`.
        let i = self.runs.partition_point(|r| r.key <= key);
        if let Some(run) = i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            let offset = key.wrapping_sub(run.key);
            if (0..i64::from(run.len)).contains(&offset) {
                return Some(match self.step {
                    Step::Same => run.value,
                    Step::Counting => run.value.wrapping_add(offset),
                });
            }
        }
        self.scattered.get(&key).copied()
    }

    /// Whether `key` is in the map.
    pub(crate) fn contains(&self, key: i64) -> bool {
        self.get(key).is_some()
    }

    /// Records `key -> value`. The caller has made sure that `key` is new
    /// (a table's key is unique; the merge refuses a key sent twice).
    pub(crate) fn insert(&mut self, key: i64, value: i64) {
        debug_assert!(!self.contains(key), "key {key} inserted twice");
        self.len += 1;
        if let Some(last) = self.runs.last_mut() {
            let end = last.key.checked_add(i64::from(last.len));
            let next_value = match self.step {
                Step::Same => Some(last.value),
                Step::Counting => last.value.checked_add(i64::from(last.len)),
            };
            if end == Some(key) && next_value == Some(value) && last.len < u32::MAX {
                last.len += 1;
                return;
            }
            if end.is_none_or(|end| key < end) {
                self.scattered.insert(key, value);
                return;
            }
        }
        self.runs.push(Run { key, value, len: 1 });
    }

    /// Every key, ascending.
    pub(crate) fn keys(&self) -> IdSet {
        let mut set = IdSet::default();
        if self.scattered.is_empty() {
            for run in &self.runs {
                set.push_run(run.key, run.len);
            }
            return set;
        }
        let mut keys = Vec::with_capacity(self.len);
        for run in &self.runs {
            keys.extend((0..i64::from(run.len)).map(|o| run.key + o));
        }
        keys.extend(self.scattered.keys().copied());
        keys.sort_unstable();
        for key in keys {
            set.push_run(key, 1);
        }
        set
    }
}

/// Row ids, ascending and distinct, kept as runs of consecutive ids: what a
/// selection holds per table (4 million ids of 100,000 clients were 32 MB
/// as a `Vec<i64>`; ids of one client scattered among others' cost 16
/// bytes each instead of 8).
#[derive(Debug, Clone, Default)]
pub struct IdSet {
    /// `(first id, how many)`, ascending, not overlapping; touching only
    /// where a run reached `u32::MAX` ids.
    runs: Vec<(i64, u32)>,
    len: usize,
}

/// Equal when they hold the same ids, however the runs are cut.
impl PartialEq for IdSet {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for IdSet {}

impl IdSet {
    /// The ids of `ids`, sorted and without repeats.
    pub fn from_ids(ids: &[i64]) -> Self {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut set = IdSet::default();
        for id in sorted {
            set.push_run(id, 1);
        }
        set
    }

    /// Appends `len` ids from `first` on, all above every id held.
    fn push_run(&mut self, first: i64, len: u32) {
        if len == 0 {
            return;
        }
        debug_assert!(
            self.runs.last().is_none_or(|&(f, l)| f.checked_add(i64::from(l)).is_some_and(|end| first >= end)),
            "ids pushed out of order"
        );
        self.len += len as usize;
        if let Some(last) = self.runs.last_mut()
            && last.0.checked_add(i64::from(last.1)) == Some(first)
            && let Some(joined) = last.1.checked_add(len)
        {
            last.1 = joined;
            return;
        }
        self.runs.push((first, len));
    }

    /// Whether `id` is one of them.
    pub fn contains(&self, id: i64) -> bool {
        let i = self.runs.partition_point(|&(first, _)| first <= id);
        i.checked_sub(1)
            .and_then(|i| self.runs.get(i))
            .is_some_and(|&(first, len)| (0..i64::from(len)).contains(&id.wrapping_sub(first)))
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.runs.iter().flat_map(|&(first, len)| (0..i64::from(len)).map(move |o| first + o))
    }

    /// The ids as ranges of consecutive ids, `(first, last)` inclusive,
    /// ascending (ranges may touch where a run reached its length's limit).
    pub fn ranges(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.runs.iter().map(|&(first, len)| (first, first + (i64::from(len) - 1)))
    }

    /// The ids, ascending, as a vector.
    pub fn to_vec(&self) -> Vec<i64> {
        self.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::{IdSet, RunMap};

    /// The rows of a whole export: every key in order, local keys in order —
    /// one run, however many rows; a client's rows in a row — one run each.
    #[test]
    fn keys_in_order_take_one_run() {
        let mut counting = RunMap::counting();
        let mut same = RunMap::same();
        for key in 1..=1_000_000 {
            counting.insert(key, key + 41);
            same.insert(key, (key - 1) / 1000);
        }
        assert_eq!((counting.runs.len(), same.runs.len()), (1, 1000));
        assert!(counting.scattered.is_empty() && same.scattered.is_empty());
        assert_eq!((counting.get(1), counting.get(1_000_000)), (Some(42), Some(1_000_041)));
        assert_eq!((same.get(1), same.get(1000), same.get(1001)), (Some(0), Some(0), Some(1)));
        assert_eq!((counting.get(0), counting.get(1_000_001), same.get(0)), (None, None, None));
        assert_eq!(counting.keys().len(), 1_000_000);
        // Keys of several owners in a row are one run of ids.
        assert_eq!(same.keys().runs, [(1, 1_000_000)]);
    }

    proptest! {
        /// Whatever the order and the gaps, the map answers as a `HashMap`
        /// given the same pairs: what was inserted, and nothing else; and it
        /// lists exactly those keys, in order.
        #[test]
        fn answers_as_a_hash_map(
            counting in any::<bool>(),
            pairs in proptest::collection::vec((-50i64..50, -3i64..3), 0..200),
            edges in proptest::collection::vec(prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(i64::MAX - 1)], 0..3),
        ) {
            let mut map = if counting { RunMap::counting() } else { RunMap::same() };
            let mut model = HashMap::new();
            for (key, value) in pairs.into_iter().chain(edges.iter().map(|&e| (e, e))) {
                // Keys are new to the map; so they are to the model.
                if model.contains_key(&key) {
                    continue;
                }
                map.insert(key, value);
                model.insert(key, value);
            }
            for key in (-60i64..60).chain([i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1, i64::MAX - 2]) {
                prop_assert_eq!(map.get(key), model.get(&key).copied(), "key {}", key);
                prop_assert_eq!(map.contains(key), model.contains_key(&key));
            }
            let mut keys: Vec<i64> = model.keys().copied().collect();
            keys.sort_unstable();
            let set = map.keys();
            for key in (-60i64..60).chain([i64::MIN, i64::MAX, i64::MAX - 1]) {
                prop_assert_eq!(set.contains(key), model.contains_key(&key), "key {}", key);
            }
            prop_assert_eq!(set.to_vec(), keys.clone());
            prop_assert_eq!(set.len(), keys.len());
            prop_assert_eq!(IdSet::from_ids(&keys), set);
        }
    }
}
