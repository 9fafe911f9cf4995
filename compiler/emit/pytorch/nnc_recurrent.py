"""Keras's recurrent layers for the PyTorch modules `nnc compile --target pytorch` emits:
simple_rnn and lstm over torch's fused modules (or Keras's step loop), the GRU Keras and
tfjs define, bidirectional. Copied verbatim next to the emitted model.
"""
import torch
import torch.nn.functional as F
from torch import nn

from nnc_keras import ACTIVATIONS, glorot


def _masks(x, rate, count, training):
    """Keras's recurrent dropout: one mask per gate, the same at every step of a batch."""
    if not training or rate == 0:
        return [None] * count
    keep = 1.0 - rate
    return [torch.bernoulli(torch.full_like(x, keep)) / keep for _ in range(count)]


def _drop(x, mask):
    return x if mask is None else x * mask


class Recurrent(nn.Module):
    """simple_rnn / lstm on [batch, time, features]; the last step's output unless
    return_sequences. The weights live in torch's nn.RNN / nn.LSTM (gate order i, f, g, o =
    Keras's i, f, c, o), whose fused kernel runs them; other activations or dropout take the
    step loop below, which is Keras's (dropout masks fixed over time, one per gate)."""

    def __init__(self, kind, in_features, units, return_sequences, go_backwards, activation="tanh",
                 recurrent_activation="sigmoid", dropout=0.0, recurrent_dropout=0.0):
        super().__init__()
        self.kind, self.units = kind, units
        self.return_sequences, self.go_backwards = return_sequences, go_backwards
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        self.activation, self.recurrent_activation = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
        fused = activation == "tanh" and (kind == "rnn" or recurrent_activation == "sigmoid")
        self.fused = fused and dropout == 0 and recurrent_dropout == 0
        if kind == "lstm":
            self.rnn = nn.LSTM(in_features, units, batch_first=True)
        else:
            self.rnn = nn.RNN(in_features, units, nonlinearity="tanh", batch_first=True)
        glorot(self.rnn.weight_ih_l0)
        gates = self.rnn.weight_hh_l0.shape[0] // units
        for g in range(gates):
            nn.init.orthogonal_(self.rnn.weight_hh_l0.data[g * units:(g + 1) * units])
        nn.init.zeros_(self.rnn.bias_ih_l0)
        nn.init.zeros_(self.rnn.bias_hh_l0)
        if kind == "lstm":
            self.rnn.bias_ih_l0.data[units:2 * units] = 1.0

    def forward(self, x):
        if self.go_backwards:
            x = x.flip(1)
        if self.fused:
            y, _ = self.rnn(x)
            return y if self.return_sequences else y[:, -1]
        return self._steps(x)

    def _steps(self, x):
        u, r = self.units, self.rnn
        gates = 4 if self.kind == "lstm" else 1
        w, uw, bias = r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0 + r.bias_hh_l0
        h = x.new_zeros(x.shape[0], u)
        c = h
        dm = _masks(x[:, 0], self.dropout, gates, self.training)
        rm = _masks(h, self.recurrent_dropout, gates, self.training)
        outs = []
        for t in range(x.shape[1]):
            xt = x[:, t]
            z = [F.linear(_drop(xt, dm[k]), w[k * u:(k + 1) * u], bias[k * u:(k + 1) * u]) + _drop(h, rm[k]) @ uw[k * u:(k + 1) * u].t()
                 for k in range(gates)]
            if self.kind == "lstm":
                i, f, o = self.recurrent_activation(z[0]), self.recurrent_activation(z[1]), self.recurrent_activation(z[3])
                c = f * c + i * self.activation(z[2])
                h = o * self.activation(c)
            else:
                h = self.activation(z[0])
            outs.append(h)
        return torch.stack(outs, 1) if self.return_sequences else h


class GRU(nn.Module):
    """Keras/tfjs's GRU with the reset gate applied before the recurrent product
    (reset_after=False; torch's nn.GRU is the reset-after variant, so it is written out).
    Weights keep Keras's gate order z, r, h, transposed to torch's [out, in]."""

    def __init__(self, in_features, units, return_sequences, go_backwards, activation="tanh", recurrent_activation="sigmoid",
                 dropout=0.0, recurrent_dropout=0.0):
        super().__init__()
        self.units, self.return_sequences, self.go_backwards = units, return_sequences, go_backwards
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        self.activation, self.recurrent_activation = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
        self.weight_ih = nn.Parameter(torch.empty(3 * units, in_features))
        self.weight_hh = nn.Parameter(torch.empty(3 * units, units))
        self.bias = nn.Parameter(torch.zeros(3 * units))
        glorot(self.weight_ih)
        for g in range(3):
            nn.init.orthogonal_(self.weight_hh.data[g * units:(g + 1) * units])

    def forward(self, x):
        if self.go_backwards:
            x = x.flip(1)
        u = self.units
        h = x.new_zeros(x.shape[0], u)
        dm = _masks(x[:, 0], self.dropout, 3, self.training)
        rm = _masks(h, self.recurrent_dropout, 3, self.training)
        w, b = self.weight_ih, self.bias
        if dm[0] is None:
            xs = F.linear(x, w, b)
        outs = []
        for t in range(x.shape[1]):
            if dm[0] is None:
                xz, xr, xh = xs[:, t, :u], xs[:, t, u:2 * u], xs[:, t, 2 * u:]
            else:
                xz, xr, xh = (F.linear(x[:, t] * dm[k], w[k * u:(k + 1) * u], b[k * u:(k + 1) * u]) for k in range(3))
            z = self.recurrent_activation(xz + _drop(h, rm[0]) @ self.weight_hh[:u].t())
            r = self.recurrent_activation(xr + _drop(h, rm[1]) @ self.weight_hh[u:2 * u].t())
            hh = self.activation(xh + (r * _drop(h, rm[2])) @ self.weight_hh[2 * u:].t())
            h = z * h + (1 - z) * hh
            outs.append(h)
        return torch.stack(outs, 1) if self.return_sequences else h


class Bidirectional(nn.Module):
    """Runs `forward_layer` and a go_backwards copy, the backward outputs put back in time
    order, merged by concat, sum, mul or ave."""

    def __init__(self, forward_layer, backward_layer, merge):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge = forward_layer, backward_layer, merge

    def forward(self, x):
        a, b = self.forward_layer(x), self.backward_layer(x)
        if self.forward_layer.return_sequences:
            b = b.flip(1)
        if self.merge == "concat":
            return torch.cat([a, b], -1)
        if self.merge == "sum":
            return a + b
        if self.merge == "mul":
            return a * b
        return (a + b) / 2
