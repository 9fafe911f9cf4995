"""The train loop of programs `nnc compile --target pytorch` emits: the .nn file's train
task (loss, optimizer, metrics, epochs, batch size, validation split, early stopping) on
PyTorch, on one process (`python3 train.py`) or several (`torchrun --nproc_per_node=N
train.py`: DistributedDataParallel, a DistributedSampler per epoch, the gloo backend,
on CPUs; rank 0 logs and writes checkpoints). `batch_size` is the global batch: each of N
processes takes batch_size / N samples a step, so a step sees the samples one process
would. Copied verbatim next to the emitted model.
"""
import argparse
import copy
import json
import math
import os
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

EPSILON = 1e-7  # tfjs-layers' epsilon, which clips probabilities in the cross-entropies


class Column:
    """Samples exported by `nnc compile` as .npy: dense values, or class ids one-hot encoded
    per batch (a one-hot corpus is never held whole)."""

    def __init__(self, folder, spec):
        self.values = np.load(os.path.join(folder, spec["file"]), mmap_mode="r")
        self.one_hot = spec.get("oneHot")

    def __len__(self):
        return self.values.shape[0]

    def take(self, rows):
        """The batch of `rows`."""
        v = np.asarray(self.values[rows])
        if self.one_hot:
            return F.one_hot(torch.from_numpy(v.astype(np.int64)), self.one_hot).float()
        return torch.from_numpy(v.astype(np.int64 if v.dtype.kind in "iu" else np.float32))


def batches(x, y, rows, size):
    for at in range(0, len(rows), size):
        r = rows[at:at + size]
        yield x.take(r), y.take(r)


def keras_loss(name, pred, y):
    """The batch mean of a Keras/tfjs loss (probabilities in, not logits)."""
    if name == "mse":
        return F.mse_loss(pred, y)
    if name == "mae":
        return F.l1_loss(pred, y)
    if name == "huber":
        return F.huber_loss(pred, y, delta=1.0)
    if name == "binary_crossentropy":
        return F.binary_cross_entropy(pred.clamp(EPSILON, 1 - EPSILON), y)
    q = (pred / pred.sum(-1, keepdim=True)).clamp(EPSILON, 1 - EPSILON)
    if name == "categorical_crossentropy":
        return -(y * q.log()).sum(-1).mean()
    if name == "sparse_categorical_crossentropy":
        return F.nll_loss(q.log().reshape(-1, q.shape[-1]), y.reshape(-1).long())
    raise ValueError(f"unknown loss {name}")


def metric(name, loss, pred, y):
    if name == "mae":
        return (pred - y).abs().mean()
    if name == "mse":
        return ((pred - y) ** 2).mean()
    if loss == "binary_crossentropy":
        return ((pred > 0.5).float() == y).float().mean()
    if loss == "sparse_categorical_crossentropy":
        return (pred.argmax(-1) == y.reshape(pred.shape[:-1]).long()).float().mean()
    return (pred.argmax(-1) == y.argmax(-1)).float().mean()


def make_optimizer(spec, params):
    p = spec["params"]
    if spec["name"] == "adam":
        return torch.optim.Adam(params, lr=p["lr"], betas=(p["beta1"], p["beta2"]), eps=p["epsilon"])
    if spec["name"] == "rmsprop":
        # tfjs adds epsilon inside the square root, torch outside: equal up to that epsilon.
        return torch.optim.RMSprop(params, lr=p["lr"], alpha=p["rho"], momentum=p["momentum"], eps=p["epsilon"])
    return torch.optim.SGD(params, lr=p["lr"], momentum=p.get("momentum", 0.0))


def _all_sum(values, world):
    t = torch.tensor(values, dtype=torch.float64)
    if world > 1:
        dist.all_reduce(t)
    return t.tolist()


def _save(path, obj):
    """Atomic: written beside `path`, then renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        if path.endswith(".json"):
            f.write(json.dumps(obj, indent=2).encode("utf-8"))
        else:
            torch.save(obj, f)
    os.replace(tmp, path)


def _resumed(path, rank, world):
    """The training state rank 0 finds at `path` (None without one), on every rank."""
    state = torch.load(path) if rank == 0 and os.path.exists(path) else None
    if world > 1:
        box = [state]
        dist.broadcast_object_list(box, src=0)
        state = box[0]
    return state


def run_task(task, base, epochs=None, resume=False, log=print):
    world = dist.get_world_size() if dist.is_initialized() else 1
    rank = dist.get_rank() if dist.is_initialized() else 0
    say = log if rank == 0 else (lambda *a: None)
    seed = task.get("seed") or 0
    torch.manual_seed(seed)
    x, y = Column(base, task["data"]["x"]), Column(base, task["data"]["y"])
    n = len(x)
    held_out = task["data"].get("validation")
    if held_out:  # validation_data: its own columns, every training sample trains
        vx, vy = Column(base, held_out["x"]), Column(base, held_out["y"])
        n_val, train_rows, val_rows = len(vx), np.arange(0, n), np.arange(0, len(vx))
    else:  # validation_split: the last fraction, as nnc run takes it
        n_val = math.floor(n * task["validationSplit"])
        train_rows, val_rows = np.arange(0, n - n_val), np.arange(n - n_val, n)
        vx, vy = x, y
    model = task["model"]()
    optimizer = make_optimizer(task["optimizer"], [p for p in model.parameters() if p.requires_grad])
    out_dir = os.path.join(base, task["save"])
    state_path = os.path.join(out_dir, "state.pt")
    state = _resumed(state_path, rank, world) if resume else None
    if state:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
    net = DistributedDataParallel(model) if world > 1 else model
    per_rank = max(1, task["batchSize"] // world)
    # The epoch's order: a DistributedSampler gives each rank its share (the same permutation
    # on every rank, from the seed and the epoch); one process shuffles with the seed.
    sampler = DistributedSampler(range(len(train_rows)), world, rank, shuffle=task["shuffle"], seed=seed) if world > 1 else None
    # Validation: each rank a disjoint share (no padding), the sums reduced.
    val_share = val_rows[rank::world]
    if rank == 0:
        os.makedirs(out_dir, exist_ok=True)
    es = task.get("earlyStopping")
    monitor = es["monitor"] if es else ("val_loss" if n_val else "loss")
    names = ["loss"] + list(task["metrics"])
    history, best, best_state, wait, seen, t_train = [], math.inf, None, 0, 0, 0.0
    if state:
        history, best, best_state, wait = state["history"], state["best"], state["best_state"], state["wait"]
    total_epochs = epochs if epochs is not None else task["epochs"]
    resumed = f", resuming after epoch {len(history)}" if state else ""
    say(f"train {task['name']}: {n} samples of {list(x.take([0]).shape[1:])}, {world} process(es), saving to {out_dir}{resumed}")
    for epoch in range(len(history), total_epochs):
        t0 = time.perf_counter()
        net.train()
        if sampler is not None:
            sampler.set_epoch(epoch)
            order = train_rows[np.fromiter(iter(sampler), dtype=np.int64)]
        else:
            # Seeded by epoch, as DistributedSampler is: a resumed run sees the same orders.
            shuffler = torch.Generator().manual_seed(seed + epoch)
            order = train_rows[torch.randperm(len(train_rows), generator=shuffler).numpy()] if task["shuffle"] else train_rows
        sums = [0.0] * (len(names) + 1)
        for xb, yb in batches(x, y, order, per_rank):
            optimizer.zero_grad()
            pred = net(xb)
            loss = keras_loss(task["loss"], pred, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                k = xb.shape[0]
                sums[0] += loss.item() * k
                for i, m in enumerate(task["metrics"]):
                    sums[i + 1] += metric(m, task["loss"], pred, yb).item() * k
                sums[-1] += k
        t_train += time.perf_counter() - t0
        sums = _all_sum(sums, world)
        seen += sums[-1]
        entry = {nm: sums[i] / sums[-1] for i, nm in enumerate(names)}
        if n_val:
            net.eval()
            vs = [0.0] * (len(names) + 1)
            with torch.no_grad():
                for xb, yb in batches(vx, vy, val_share, max(per_rank, 256)):
                    pred = model(xb)
                    k = xb.shape[0]
                    vs[0] += keras_loss(task["loss"], pred, yb).item() * k
                    for i, m in enumerate(task["metrics"]):
                        vs[i + 1] += metric(m, task["loss"], pred, yb).item() * k
                    vs[-1] += k
            vs = _all_sum(vs, world)
            entry.update({f"val_{nm}": vs[i] / vs[-1] for i, nm in enumerate(names)})
        history.append(entry)
        improved = entry[monitor] < best
        if improved:
            best, wait = entry[monitor], 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            wait += 1
        if rank == 0:
            _save(os.path.join(out_dir, "model.pt"), model.state_dict())
            if improved:
                _save(os.path.join(out_dir, "best.pt"), best_state)
            _save(state_path, {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "history": history,
                               "best": best, "best_state": best_state, "wait": wait})
        figures = "  ".join(f"{k} {v:.4g}" for k, v in entry.items())
        say(f"epoch {epoch + 1}/{total_epochs}  {figures}  ({time.perf_counter() - t0:.1f} s)")
        if es and wait >= es["patience"]:
            say(f"early stopping: {monitor} has not improved for {wait} epochs")
            break
    if task["restoreBest"] and best_state is not None:
        model.load_state_dict(best_state)
    rate = seen / t_train if t_train else 0.0
    result = {"history": history, "samples_per_s": rate, "processes": world}
    if rank == 0:
        _save(os.path.join(out_dir, "model.pt"), model.state_dict())
        _save(os.path.join(out_dir, "metrics.json"), result)
    say(f"train {task['name']}: {rate:.0f} samples/s over {world} process(es)")
    return result


def main(tasks, argv, base):
    ap = argparse.ArgumentParser(description="Runs the .nn file's train tasks on PyTorch.")
    ap.add_argument("--task", help="run only the task of this name")
    ap.add_argument("--epochs", type=int, help="override every task's epochs")
    ap.add_argument("--resume", action="store_true", help="continue from the last epoch's SAVE/state.pt")
    args = ap.parse_args(argv)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if distributed:
        dist.init_process_group("gloo")  # the model and data stay on the CPU
    try:
        chosen = [t for t in tasks if args.task in (None, t["name"])]
        if not chosen:
            print(f"train.py: no task named {args.task!r}; the tasks are {', '.join(t['name'] for t in tasks)}")
            return 2
        for task in chosen:
            run_task(task, base, args.epochs, args.resume)
    finally:
        if distributed:
            dist.destroy_process_group()
    return 0
