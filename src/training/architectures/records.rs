//! [`RecordWeights`] of the models kept as Burn modules (the CNN-LSTM, the stacked LSTM): a
//! module's configuration as JSON and its parameters as a binary full-precision Burn record.

use burn::module::Module;
use burn::record::{BinBytesRecorder, FullPrecisionSettings, Recorder};
use burn::tensor::backend::Backend;
use serde::de::DeserializeOwned;

use crate::models::weights::RecordWeights;
use crate::training::burn_random;

fn recorder() -> BinBytesRecorder<FullPrecisionSettings> {
    BinBytesRecorder::default()
}

/// The weights of `module`, built from the configuration `config` (JSON), which has
/// `parameters` trainable values.
pub(super) fn encode<B: Backend, M: Module<B>>(
    config: String,
    module: &M,
    parameters: usize,
) -> RecordWeights {
    RecordWeights {
        config,
        record: recorder()
            .record(module.clone().into_record(), ())
            .expect("a record serialises"),
        parameters,
    }
}

/// The module `weights` hold: `init` builds one from the configuration, then the record's
/// parameters replace its own. `init` draws from Burn's generator, so it runs apart from the
/// seeded draws of engines in other threads (see [`burn_random`]).
pub(super) fn decode<B: Backend, C: DeserializeOwned, M: Module<B>>(
    weights: &RecordWeights,
    device: &B::Device,
    init: impl FnOnce(&C) -> M,
) -> M {
    let config: C =
        serde_json::from_str(&weights.config).expect("the configuration was written by serde");
    let record = recorder()
        .load(weights.record.clone(), device)
        .expect("the record was written by the same recorder");
    burn_random::apart(|| init(&config)).load_record(record)
}
