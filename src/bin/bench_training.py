"""The PyTorch side of `bench_training`: the same sequence-to-one LSTM, timed the same way.

`bench_training` runs this file with python3 (its text is built into the binary and passed on
standard input) and reads what it prints. Arguments: the folder holding the batch and the
initial weights the Rust side wrote as raw little-endian f32 files, and one `HIDDEN:REPEATS`
pair per hidden size. For every hidden size it prints one JSON line with the loss of the first
training step (from the shared initial weights, to compare with hydro's engines) and the
milliseconds of each timed training step and inference batch, after one warm-up call of each.

The model is `nn.LSTM(batch_first=True)`, its hidden state at the last step, and an
`nn.Linear` head; MSE loss; `torch.optim.Adam` (betas 0.9/0.999, eps 1e-8, lr 1e-3); no
dropout, no clipping; f32; two threads; denormals flushed to zero.
"""

import json
import os
import sys
import time

import torch
from torch import nn

# Sizes, given by the Rust side in `sizes.json`.
folder = sys.argv[1]
cases = [tuple(int(v) for v in arg.split(":")) for arg in sys.argv[2:]]
with open(os.path.join(folder, "sizes.json")) as f:
    sizes = json.load(f)
BATCH, STEPS, FEATURES = sizes["batch"], sizes["steps"], sizes["features"]

# Flush denormals before the thread pool starts, so its threads inherit the setting.
torch.set_flush_denormal(True)
torch.set_num_threads(2)


def read(name, shape):
    """A tensor read from a raw f32 file of the folder."""
    with open(os.path.join(folder, name), "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape).clone()


class Net(nn.Module):
    """LSTM over the window, linear head on the last hidden state."""

    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(FEATURES, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1, :])


def timed(repeats, call):
    """Result of a warm-up call, and the milliseconds of `repeats` further calls."""
    first = call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return first, times


x = read("x.bin", (BATCH, STEPS, FEATURES))
y = read("y.bin", (BATCH, 1))

for hidden, repeats in cases:
    net = Net(hidden)
    gates = 4 * hidden
    with torch.no_grad():
        net.lstm.weight_ih_l0.copy_(read(f"w_ih_{hidden}.bin", (gates, FEATURES)))
        net.lstm.weight_hh_l0.copy_(read(f"w_hh_{hidden}.bin", (gates, hidden)))
        net.lstm.bias_ih_l0.copy_(read(f"bias_{hidden}.bin", (gates,)))
        net.lstm.bias_hh_l0.zero_()
        net.head.weight.copy_(read(f"head_w_{hidden}.bin", (1, hidden)))
        net.head.bias.copy_(read(f"head_b_{hidden}.bin", (1,)))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.MSELoss()

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    def predict():
        with torch.inference_mode():
            return net(x)

    first_loss, train = timed(repeats, train_step)
    _, inference = timed(repeats, predict)
    print(
        json.dumps(
            {
                "hidden": hidden,
                "first_loss": first_loss,
                "train_ms": train,
                "predict_ms": inference,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
            }
        ),
        flush=True,
    )
