"""The bench's models in PyTorch, same shapes and batch sizes; prints samples/s as JSON.
Run by bench/train.ts when python3 can import torch; exits 1 otherwise. `torch_models.py N`
runs torch on N threads."""
import json, sys, time
try:
    import torch
    from torch import nn
except ImportError:
    sys.exit(1)

torch.manual_seed(0)
# Threads: torch's default (one here: its OpenMP sees one) unless a count is given.
if len(sys.argv) > 1:
    torch.set_num_threads(int(sys.argv[1]))

class Seq(nn.Module):
    def __init__(self, kind, features=1, units=32, outputs=1):
        super().__init__()
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](features, units, batch_first=True)
        self.out = nn.Linear(units, outputs)
    def forward(self, x):
        return self.out(self.rnn(x)[0][:, -1])

def conv1d():
    return nn.Sequential(Perm(), nn.Conv1d(1, 32, 3), nn.ReLU(), nn.MaxPool1d(2), nn.Conv1d(32, 32, 3), nn.ReLU(),
                         nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(32, 1))

class Perm(nn.Module):
    def forward(self, x):
        return x.transpose(1, 2) if x.dim() == 3 else x.permute(0, 3, 1, 2)

def mnist():
    return nn.Sequential(Perm(), nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 10))

def rate(model, shape, out, batch, loss, steps=256):
    """Samples/s over `steps` steps after as many warm-up steps as a tenth of them (at least 5);
    256 for the small models, as nnc's side of the bench measures them."""
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    x = torch.rand(batch, *shape); y = torch.rand(batch, out)
    warm = max(5, steps // 10)
    for i in range(steps + warm):
        if i == warm: t0 = time.perf_counter()
        opt.zero_grad(); loss(model(x), y).backward(); opt.step()
    return batch * steps / (time.perf_counter() - t0)

mse = nn.MSELoss(); ce = lambda p, y: nn.functional.cross_entropy(p, y.softmax(-1))
print(json.dumps({
    "rnn": rate(Seq("rnn"), (10, 1), 1, 32, mse), "lstm": rate(Seq("lstm"), (10, 1), 1, 32, mse),
    "gru": rate(Seq("gru"), (10, 1), 1, 32, mse), "conv1d": rate(conv1d(), (10, 1), 1, 32, mse),
    "mnist": rate(mnist(), (28, 28, 1), 10, 64, ce, steps=30),
    "charlstm": rate(Seq("lstm", 57, 128, 57), (60, 57), 57, 128, ce, steps=10),
}))
