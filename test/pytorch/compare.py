"""Runs each case's emitted module with the weights of its tfjs checkpoint and prints, as
JSON, the largest |torch - tfjs| over the largest |tfjs| of its outputs; then writes the
torch weights back as a tfjs checkpoint (ckpt-back/) for the test to reload."""
import importlib.util
import json
import sys

import numpy as np
import torch

torch.manual_seed(0)
cases = json.load(open(sys.argv[1], encoding="utf-8"))
sys.path.insert(0, cases[0]["dir"])
import nnc_weights  # noqa: E402  (from the first case's folder; the helpers are the same files)

result = {}
for i, case in enumerate(cases):
    spec = importlib.util.spec_from_file_location(f"model_{i}", case["dir"] + "/model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net = getattr(mod, case["cls"])()
    nnc_weights.load_tfjs(net, case["dir"] + "/ckpt")
    net.eval()
    xs = [torch.from_numpy(np.load(f"{case['dir']}/in{k}.npy")) for k in range(case["inputs"])]
    with torch.no_grad():
        out = net(*xs)
    outs = out if isinstance(out, tuple) else (out,)
    worst = 0.0
    for k, o in enumerate(outs):
        want = np.load(f"{case['dir']}/out{k}.npy")
        worst = max(worst, float(np.abs(o.numpy() - want).max() / max(np.abs(want).max(), 1e-6)))
    nnc_weights.save_tfjs(net, case["dir"] + "/ckpt", case["dir"] + "/ckpt-back")
    result[case["name"]] = worst
print(json.dumps(result))
