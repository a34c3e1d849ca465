//! Deterministic shuffling of samples: the same seed and epoch give the same order on every
//! machine and run.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::windows::Sample;

/// `samples` in a random order determined by `seed` and `epoch` only.
///
/// The generator is ChaCha8 seeded with `seed`, on stream `epoch`, so each epoch of a run gets
/// its own independent order and runs with the same seed repeat exactly.
pub fn shuffled(samples: &[Sample], seed: u64, epoch: u64) -> Vec<Sample> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(epoch);
    let mut order = samples.to_vec();
    order.shuffle(&mut rng);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(n: usize) -> Vec<Sample> {
        (0..n)
            .map(|end| Sample {
                basin: end % 3,
                end,
            })
            .collect()
    }

    #[test]
    fn same_seed_and_epoch_give_the_same_order() {
        let s = samples(100);
        assert_eq!(shuffled(&s, 7, 3), shuffled(&s, 7, 3));
    }

    #[test]
    fn epochs_and_seeds_change_the_order_but_not_the_samples() {
        let s = samples(100);
        let a = shuffled(&s, 7, 0);
        assert_ne!(a, shuffled(&s, 7, 1));
        assert_ne!(a, shuffled(&s, 8, 0));
        assert_ne!(a, s);
        let mut sorted = a.clone();
        sorted.sort_by_key(|x| x.end);
        assert_eq!(sorted, s);
    }
}
