"""Weights both ways between nnc's tfjs checkpoints and PyTorch state dicts.

A tfjs checkpoint (what `nnc run` saves: model.json + weights-*.bin) is read with numpy
alone; each model class's TFJS_LAYERS says, per attribute, which weight layout converts it
and the tfjs layer it comes from. Copied verbatim next to the emitted model.
"""
import json
import os
import tempfile

import numpy as np
import torch

DTYPES = {"float32": np.float32, "int32": np.int32}


def read_tfjs(folder):
    """All weights of a tfjs checkpoint folder: {name: array} in manifest order, and model.json."""
    with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
        meta = json.load(f)
    weights = {}
    for group in meta["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        at = 0
        for spec in group["weights"]:
            dtype = np.dtype(DTYPES[spec.get("dtype", "float32")])
            count = int(np.prod(spec["shape"], dtype=np.int64))
            weights[spec["name"]] = np.frombuffer(data, dtype, count, at).reshape(spec["shape"])
            at += count * dtype.itemsize
    return weights, meta


def _t(a):
    return torch.from_numpy(np.array(a, dtype=np.float32))  # a copy: frombuffer arrays are read-only


def _n(p):
    return p.detach().cpu().numpy().astype(np.float32)


# Each layout: (tfjs {suffix: array} → assigns the module's tensors, module → {suffix: array}).
def _dense_in(m, w):
    m.weight.data.copy_(_t(w["kernel"].T))
    if m.bias is not None:
        m.bias.data.copy_(_t(w["bias"]))


def _dense_out(m):
    out = {"kernel": _n(m.weight).T}
    if m.bias is not None:
        out["bias"] = _n(m.bias)
    return out


def _conv_in(order):
    def load(m, w):
        m.conv.weight.data.copy_(_t(w["kernel"].transpose(order)))
        if m.conv.bias is not None:
            m.conv.bias.data.copy_(_t(w["bias"]))
    return load


def _conv_out(order):
    def save(m):
        out = {"kernel": _n(m.conv.weight).transpose(np.argsort(order))}
        if m.conv.bias is not None:
            out["bias"] = _n(m.conv.bias)
        return out
    return save


def _separable_in(m, w):
    kh, kw, c, dm = w["depthwise_kernel"].shape
    m.depthwise.weight.data.copy_(_t(w["depthwise_kernel"].transpose(2, 3, 0, 1).reshape(c * dm, 1, kh, kw)))
    m.pointwise.weight.data.copy_(_t(w["pointwise_kernel"].transpose(3, 2, 0, 1)))
    if m.pointwise.bias is not None:
        m.pointwise.bias.data.copy_(_t(w["bias"]))


def _separable_out(m):
    c = m.depthwise.in_channels
    d = _n(m.depthwise.weight)
    out = {"depthwise_kernel": d.reshape(c, d.shape[0] // c, *d.shape[2:]).transpose(2, 3, 0, 1),
           "pointwise_kernel": _n(m.pointwise.weight).transpose(2, 3, 1, 0)}
    if m.pointwise.bias is not None:
        out["bias"] = _n(m.pointwise.bias)
    return out


BN = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}


def _bn_in(m, w):
    for k, v in BN.items():
        if k in w:
            getattr(m.bn, v).data.copy_(_t(w[k]))


def _bn_out(m):
    out = {k: _n(getattr(m.bn, v)) for k, v in BN.items()}
    if not m.bn.weight.requires_grad:
        del out["gamma"]
    if not m.bn.bias.requires_grad:
        del out["beta"]
    return out


def _ln_in(m, w):
    m.weight.data.copy_(_t(w["gamma"]))
    m.bias.data.copy_(_t(w["beta"]))


def _rnn_in(m, w):
    r = m.rnn
    r.weight_ih_l0.data.copy_(_t(w["kernel"].T))
    r.weight_hh_l0.data.copy_(_t(w["recurrent_kernel"].T))
    r.bias_ih_l0.data.copy_(_t(w["bias"]))
    r.bias_hh_l0.data.zero_()


def _rnn_out(m):
    r = m.rnn
    return {"kernel": _n(r.weight_ih_l0).T, "recurrent_kernel": _n(r.weight_hh_l0).T, "bias": _n(r.bias_ih_l0) + _n(r.bias_hh_l0)}


def _gru_in(m, w):
    m.weight_ih.data.copy_(_t(w["kernel"].T))
    m.weight_hh.data.copy_(_t(w["recurrent_kernel"].T))
    m.bias.data.copy_(_t(w["bias"]))


def _gru_out(m):
    return {"kernel": _n(m.weight_ih).T, "recurrent_kernel": _n(m.weight_hh).T, "bias": _n(m.bias)}


LAYOUTS = {
    "dense": (_dense_in, _dense_out),
    "conv1d": (_conv_in((2, 1, 0)), _conv_out((2, 1, 0))),
    "conv2d": (_conv_in((3, 2, 0, 1)), _conv_out((3, 2, 0, 1))),
    "conv_transpose2d": (_conv_in((3, 2, 0, 1)), _conv_out((3, 2, 0, 1))),
    "separable_conv2d": (_separable_in, _separable_out),
    "batch_norm": (_bn_in, _bn_out),
    "layer_norm": (_ln_in, lambda m: {"gamma": _n(m.weight), "beta": _n(m.bias)}),
    "embedding": (lambda m, w: m.weight.data.copy_(_t(w["embeddings"])), lambda m: {"embeddings": _n(m.weight)}),
    "rnn": (_rnn_in, _rnn_out),
    "gru": (_gru_in, _gru_out),
    "none": (lambda m, w: None, lambda m: {}),
}


def _split(layout):
    """'bidirectional:rnn' → ('bidirectional', 'rnn')."""
    return layout.split(":", 1) if ":" in layout else (layout, None)


def _load_layer(module, layout, prefix, weights):
    if layout == "model":  # a model used as a layer: tfjs keeps its layers' own names
        for attr, (sub_layout, name) in module.TFJS_LAYERS.items():
            _load_layer(getattr(module, attr), sub_layout, name, weights)
        return None
    outer, inner = _split(layout)
    if outer == "time_distributed":
        return _load_layer(module.layer, inner, prefix, weights)
    if outer == "bidirectional":
        for half, sub in (("forward_", module.forward_layer), ("backward_", module.backward_layer)):
            names = {n.split("/")[1] for n in weights if n.startswith(prefix + "/" + half)}
            if len(names) != 1:
                raise KeyError(f"{prefix}: expected one {half}* layer in the checkpoint, found {sorted(names)}")
            _load_layer(sub, inner, prefix + "/" + names.pop(), weights)
        return None
    own = {n[len(prefix) + 1:]: a for n, a in weights.items() if n.startswith(prefix + "/") and "/" not in n[len(prefix) + 1:]}
    if not own and layout != "none":
        raise KeyError(f"the checkpoint has no weights for layer {prefix}")
    LAYOUTS[layout][0](module, own)
    return None


def _save_layer(module, layout, prefix, out, names):
    if layout == "model":
        for attr, (sub_layout, name) in module.TFJS_LAYERS.items():
            _save_layer(getattr(module, attr), sub_layout, name, out, names)
        return None
    outer, inner = _split(layout)
    if outer == "time_distributed":
        return _save_layer(module.layer, inner, prefix, out, names)
    if outer == "bidirectional":
        for half, sub in (("forward_", module.forward_layer), ("backward_", module.backward_layer)):
            sub_name = {n.split("/")[1] for n in names if n.startswith(prefix + "/" + half)}.pop()
            _save_layer(sub, inner, prefix + "/" + sub_name, out, names)
        return None
    for suffix, array in LAYOUTS[layout][1](module).items():
        out[prefix + "/" + suffix] = array
    return None


def load_tfjs(model, folder):
    """Copies the weights of the tfjs checkpoint in `folder` into `model` (torch layout)."""
    weights, _ = read_tfjs(folder)
    for attr, (layout, tfjs_name) in model.TFJS_LAYERS.items():
        _load_layer(getattr(model, attr), layout, tfjs_name, weights)
    return model


def save_tfjs(model, like, folder):
    """Writes `model`'s weights as a tfjs checkpoint in `folder`, with the topology (and any
    optimizer state) of the nnc checkpoint `like` of the same model."""
    weights, meta = read_tfjs(like)
    ours = {}
    for attr, (layout, tfjs_name) in model.TFJS_LAYERS.items():
        _save_layer(getattr(model, attr), layout, tfjs_name, ours, weights.keys())
    blobs = []
    for group in meta["weightsManifest"]:
        for spec in group["weights"]:
            array = ours.get(spec["name"], weights[spec["name"]])
            if list(array.shape) != list(spec["shape"]):
                raise ValueError(f"{spec['name']}: torch gives {list(array.shape)}, the checkpoint holds {spec['shape']}")
            blobs.append(np.ascontiguousarray(array, dtype=DTYPES[spec.get("dtype", "float32")]).tobytes())
        group["paths"] = []
    meta["weightsManifest"] = [{"paths": ["weights-torch.bin"], "weights": [s for g in meta["weightsManifest"] for s in g["weights"]]}]
    os.makedirs(folder, exist_ok=True)
    _write(os.path.join(folder, "weights-torch.bin"), b"".join(blobs))
    _write(os.path.join(folder, "model.json"), json.dumps(meta).encode("utf-8"))


def _write(path, data):
    """Atomic: a temporary file in the same folder renamed over `path`."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
