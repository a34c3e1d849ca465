//! An engine adaptor that hands the inner engine a chosen subset and order of a batch's feature
//! columns: how an architecture that reads specific inputs (EXP-HYDRO's four forcings, the
//! MC-LSTM's mass inputs first) sits on batches laid out in the data set's order.

use crate::data::windows::Batch;
use crate::models::weights::ModelWeights;
use crate::training::engine::{Engine, Loss};

/// Runs `inner` on the columns `columns` (positions of a batch's features, in the order the
/// inner model reads them).
pub struct SelectedColumns {
    /// Feature positions, in the inner model's order.
    pub columns: Vec<usize>,
    /// The engine of the model.
    pub inner: Box<dyn Engine>,
}

impl SelectedColumns {
    /// `batch` with only the chosen feature columns, in their order.
    fn select(&self, batch: &Batch) -> Batch {
        let features = self.columns.len();
        let mut x = Vec::with_capacity(batch.size * batch.steps * features);
        for step in batch.x.chunks_exact(batch.features.max(1)) {
            x.extend(self.columns.iter().map(|&c| step[c]));
        }
        Batch {
            features,
            x,
            ..batch.clone()
        }
    }
}

impl Engine for SelectedColumns {
    fn train_step(&mut self, batch: &Batch, loss: &dyn Loss, learning_rate: f32) -> f32 {
        let selected = self.select(batch);
        self.inner.train_step(&selected, loss, learning_rate)
    }

    fn predict(&mut self, batch: &Batch) -> Vec<f32> {
        let selected = self.select(batch);
        self.inner.predict(&selected)
    }

    fn model_weights(&self) -> ModelWeights {
        self.inner.model_weights()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the batches it is given and predicts the first feature of the last step.
    struct Echo;

    impl Engine for Echo {
        fn train_step(&mut self, _: &Batch, _: &dyn Loss, _: f32) -> f32 {
            0.0
        }

        fn predict(&mut self, batch: &Batch) -> Vec<f32> {
            batch
                .x
                .chunks_exact(batch.steps * batch.features)
                .map(|w| w[(batch.steps - 1) * batch.features])
                .collect()
        }

        fn model_weights(&self) -> ModelWeights {
            unreachable!("not asked in this test")
        }
    }

    #[test]
    fn columns_are_picked_and_reordered_per_step() {
        // 2 samples x 2 steps x 3 features, value = 100 sample + 10 step + feature.
        let x: Vec<f32> = (0..2)
            .flat_map(|s| {
                (0..2).flat_map(move |t| (0..3).map(move |f| (100 * s + 10 * t + f) as f32))
            })
            .collect();
        let batch = Batch {
            size: 2,
            steps: 2,
            features: 3,
            x,
            y: vec![0.0; 2],
            targets: 1,
            basin_std: vec![1.0; 2],
        };
        let engine = SelectedColumns {
            columns: vec![2, 0],
            inner: Box::new(Echo),
        };
        let selected = engine.select(&batch);
        assert_eq!(selected.features, 2);
        assert_eq!(
            selected.x,
            vec![2.0, 0.0, 12.0, 10.0, 102.0, 100.0, 112.0, 110.0]
        );
        let mut engine = engine;
        assert_eq!(engine.predict(&batch), vec![12.0, 112.0]);
    }
}
