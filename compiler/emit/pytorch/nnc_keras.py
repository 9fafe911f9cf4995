"""Keras semantics for the PyTorch modules `nnc compile --target pytorch` emits.

Tensors stay channels-last, as the .nn source writes them ([batch, time, features],
[batch, height, width, channels]); convolutions and pools move the channel axis to torch's
channels-first place at their own boundaries and back. Initialisers are Keras's: glorot
uniform kernels, orthogonal recurrent kernels, zero biases (LSTM forget gate 1).
Recurrent layers are in nnc_recurrent.py. This file is copied verbatim next to the emitted
model; it does not depend on nnc.
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


def glorot(weight):
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
        glorot(self.conv.weight)
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
        glorot(self.depthwise.weight)
        glorot(self.pointwise.weight)
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
        glorot(self.conv.weight)
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
    glorot(layer.weight)
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
