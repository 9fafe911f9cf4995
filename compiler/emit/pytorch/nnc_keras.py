"""Keras semantics for the PyTorch modules `nnc compile --target pytorch` emits.

Tensors stay channels-last, as the .nn source writes them ([batch, time, features],
[batch, height, width, channels]); convolutions and pools move the channel axis to torch's
channels-first place at their own boundaries and back. Initialisers are Keras's: glorot
uniform kernels, orthogonal recurrent kernels, zero biases (LSTM forget gate 1).
This file is copied verbatim next to the emitted model; it does not depend on nnc.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


def hard_sigmoid(x):
    """Keras/tfjs's piecewise-linear sigmoid."""
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


def gelu(x):
    """tfjs's gelu: the exact (erf) form."""
    return F.gelu(x)


ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": torch.relu,
    "relu6": F.relu6,
    "sigmoid": torch.sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda x: torch.softmax(x, dim=-1),
    "elu": F.elu,
    "selu": F.selu,
    "softplus": F.softplus,
    "softsign": F.softsign,
    "swish": F.silu,
    "gelu": gelu,
}


def _glorot(weight):
    nn.init.xavier_uniform_(weight)


def same_padding(length, kernel, stride, dilation=1):
    """(before, after) zeros that make a window of `kernel` give ceil(length / stride)
    outputs, the extra one after, as TensorFlow pads."""
    out = -(-length // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - length, 0)
    return total // 2, total - total // 2


def _pad_spatial(x, pads, value=0.0):
    """Pads the spatial axes of a channels-first x; pads[i] is (before, after) of axis 2 + i."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    if not any(flat):
        return x
    return F.pad(x, flat, value=value)


def _keras_pads(x, kernel, strides, dilation, padding):
    spatial = x.shape[2:]
    if padding == "same":
        return [same_padding(n, k, s, d) for n, k, s, d in zip(spatial, kernel, strides, dilation)]
    if padding == "causal":
        return [((kernel[0] - 1) * dilation[0], 0)]
    return [(0, 0)] * len(spatial)


class Conv(nn.Module):
    """conv1d/conv2d on channels-last input, padding valid, same or causal."""

    def __init__(self, rank, in_channels, filters, kernel_size, strides, padding, dilation, use_bias):
        super().__init__()
        make = nn.Conv1d if rank == 1 else nn.Conv2d
        self.kernel_size, self.strides, self.dilation, self.padding = kernel_size, strides, dilation, padding
        self.conv = make(in_channels, filters, kernel_size, stride=strides, dilation=dilation, bias=use_bias)
        _glorot(self.conv.weight)
        if use_bias:
            nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        x = x.movedim(-1, 1)
        x = _pad_spatial(x, _keras_pads(x, self.kernel_size, self.strides, self.dilation, self.padding))
        return self.conv(x).movedim(1, -1)


class SeparableConv2d(nn.Module):
    """Depthwise then pointwise convolution, channels-last."""

    def __init__(self, in_channels, filters, kernel_size, strides, padding, depth_multiplier, use_bias):
        super().__init__()
        self.kernel_size, self.strides, self.padding = kernel_size, strides, padding
        mid = in_channels * depth_multiplier
        self.depthwise = nn.Conv2d(in_channels, mid, kernel_size, stride=strides, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(mid, filters, 1, bias=use_bias)
        _glorot(self.depthwise.weight)
        _glorot(self.pointwise.weight)
        if use_bias:
            nn.init.zeros_(self.pointwise.bias)

    def forward(self, x):
        x = x.movedim(-1, 1)
        x = _pad_spatial(x, _keras_pads(x, self.kernel_size, self.strides, [1, 1], self.padding))
        return self.pointwise(self.depthwise(x)).movedim(1, -1)


class ConvTranspose2d(nn.Module):
    """conv2d_transpose, channels-last: 'same' gives in * stride, 'valid' (in - 1) * stride + kernel."""

    def __init__(self, in_channels, filters, kernel_size, strides, padding, use_bias):
        super().__init__()
        self.kernel_size, self.strides, self.padding = kernel_size, strides, padding
        self.conv = nn.ConvTranspose2d(in_channels, filters, kernel_size, stride=strides, bias=use_bias)
        # Keras's fans for a transposed kernel [kh, kw, filters, in]: the same products.
        _glorot(self.conv.weight)
        if use_bias:
            nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        # torch crops `padding` from both ends and adds `output_padding` (with the bias) at
        # the end; TensorFlow's same crops (kernel - stride) // 2 before and the rest after.
        pads, extra, crop = [], [], []
        for n, k, s in zip(x.shape[1:3], self.kernel_size, self.strides):
            total = k - s if self.padding == "same" else 0
            pads.append(max(total, 0) // 2)
            extra.append(s - k if total < 0 else 0)
            crop.append(n * s if self.padding == "same" else None)
        y = F.conv_transpose2d(x.movedim(-1, 1), self.conv.weight, self.conv.bias, self.strides, pads, extra)
        for axis, length in enumerate(crop):
            if length is not None:
                y = y.narrow(2 + axis, 0, length)
        return y.movedim(1, -1)


class Pool(nn.Module):
    """max/average pooling over 1 or 2 spatial axes, channels-last, padding valid or same
    (same: max ignores the padding, average divides by the real elements, as Keras)."""

    def __init__(self, rank, op, pool_size, strides, padding):
        super().__init__()
        self.rank, self.op, self.pool_size, self.strides, self.padding = rank, op, pool_size, strides, padding

    def forward(self, x):
        x = x.movedim(-1, 1)
        pads = _keras_pads(x, self.pool_size, self.strides, [1] * self.rank, self.padding)
        if self.op == "max":
            pool = F.max_pool1d if self.rank == 1 else F.max_pool2d
            y = pool(_pad_spatial(x, pads, value=-math.inf), self.pool_size, self.strides)
        else:
            pool = F.avg_pool1d if self.rank == 1 else F.avg_pool2d
            y = pool(_pad_spatial(x, pads), self.pool_size, self.strides)
            if any(b or a for b, a in pads):
                ones = _pad_spatial(torch.ones_like(x[:1, :1]), pads)
                y = y / pool(ones, self.pool_size, self.strides)
        return y.movedim(1, -1)


class BatchNorm(nn.Module):
    """Batch normalisation over the last axis (torch momentum = 1 - Keras momentum)."""

    def __init__(self, channels, keras_momentum, epsilon, center, scale):
        super().__init__()
        self.bn = nn.BatchNorm1d(channels, eps=epsilon, momentum=1.0 - keras_momentum)
        if not center:
            self.bn.bias.requires_grad_(False)
        if not scale:
            self.bn.weight.requires_grad_(False)

    def forward(self, x):
        return self.bn(x.reshape(-1, x.shape[-1])).reshape(x.shape)


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
        _glorot(self.rnn.weight_ih_l0)
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
        _glorot(self.weight_ih)
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


class TimeDistributed(nn.Module):
    """Applies `layer` to each time step: [batch, time, ...] as [batch * time, ...];
    `step(layer, x)`, when given, is what one step does with it (a dense layer's activation)."""

    def __init__(self, layer, step=None):
        super().__init__()
        self.layer, self.step = layer, step

    def forward(self, x):
        b, t = x.shape[:2]
        flat = x.reshape(b * t, *x.shape[2:])
        y = self.step(self.layer, flat) if self.step else self.layer(flat)
        return y.reshape(b, t, *y.shape[1:])


class Lambda(nn.Module):
    """A weightless layer as a function (so time_distributed can wrap it)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def glorot_linear(in_features, units, use_bias):
    """nn.Linear with Keras's initialisers."""
    layer = nn.Linear(in_features, units, bias=use_bias)
    _glorot(layer.weight)
    if use_bias:
        nn.init.zeros_(layer.bias)
    return layer


def embedding(input_dim, output_dim):
    """nn.Embedding with Keras's uniform(-0.05, 0.05) initialiser."""
    layer = nn.Embedding(input_dim, output_dim)
    nn.init.uniform_(layer.weight, -0.05, 0.05)
    return layer


def upsampling2d(x, size):
    return x.repeat_interleave(size[0], dim=1).repeat_interleave(size[1], dim=2)


def zero_padding2d(x, padding):
    return F.pad(x, [0, 0, padding[1], padding[1], padding[0], padding[0]])


def sampling(z_mean, z_log_var):
    """The VAE's reparameterisation: z_mean + exp(z_log_var / 2) * N(0, 1)."""
    return z_mean + torch.exp(0.5 * z_log_var) * torch.randn_like(z_mean)
