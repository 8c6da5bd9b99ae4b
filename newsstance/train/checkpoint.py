"""Checkpoints for --resume: trainable weights, AdamW moments, averaged weights and RNG states.

Written as safetensors + JSON into a temp folder and swapped into place (newsstance.atomic), so a
kill at any moment leaves the previous checkpoint or the new one, never half of one.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from newsstance.atomic import recover_dir, replace_dir, write_text
from newsstance.errors import NewsstanceError
from newsstance.train.weight_average import WeightAverage


# --- checkpoints ---------------------------------------------------------------------------------
def save_checkpoint(run_dir: Path, network, optimizer, step: int, state: dict,
                    average: WeightAverage | None = None) -> None:
    """Trainable weights, AdamW moments, averaged weights and RNG states as safetensors + JSON;
    atomic via rename."""
    tmp = run_dir / "checkpoint.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    tensors = {f"model.{n}": p.detach().contiguous() for n, p in network.named_parameters() if p.requires_grad}
    names = {id(p): n for n, p in network.named_parameters()}
    for group in optimizer.param_groups:
        for p in group["params"]:
            s = optimizer.state.get(p)
            if s:
                tensors[f"adam.{names[id(p)]}.exp_avg"] = s["exp_avg"].contiguous()
                tensors[f"adam.{names[id(p)]}.exp_avg_sq"] = s["exp_avg_sq"].contiguous()
                tensors[f"adam.{names[id(p)]}.step"] = torch.as_tensor(s["step"]).reshape(1).float()
    if average is not None:
        tensors.update(average.state_tensors())
    tensors["rng.torch"] = torch.get_rng_state()
    save_file(tensors, str(tmp / "state.safetensors"))
    meta = {**state, "step": step, "python_random": _encode_random_state(random.getstate())}
    (tmp / "state.json").write_text(json.dumps(meta), encoding="utf-8")
    replace_dir(tmp, run_dir / "checkpoint")


def load_checkpoint(run_dir: Path, network, optimizer, average: WeightAverage | None = None) -> dict:
    ckpt = run_dir / "checkpoint"
    recover_dir(ckpt)
    try:
        tensors = load_file(str(ckpt / "state.safetensors"))
        meta = json.loads((ckpt / "state.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsstanceError(f"--resume: no checkpoint in {run_dir} (nothing to resume)") from None
    except Exception as e:  # safetensors raises its own error types for truncated files
        raise NewsstanceError(f"--resume: checkpoint in {ckpt} is corrupt or truncated ({e})") from None
    params = dict(network.named_parameters())
    with torch.no_grad():
        for key, value in tensors.items():
            if key.startswith("model."):
                params[key[len("model."):]].copy_(value)
    names = {id(p): n for n, p in params.items()}
    for group in optimizer.param_groups:
        for p in group["params"]:
            name = names[id(p)]
            if f"adam.{name}.exp_avg" in tensors:
                optimizer.state[p] = {
                    "exp_avg": tensors[f"adam.{name}.exp_avg"].clone(),
                    "exp_avg_sq": tensors[f"adam.{name}.exp_avg_sq"].clone(),
                    "step": tensors[f"adam.{name}.step"].reshape(()).clone(),
                }
    if average is not None:
        try:
            average.load_state_tensors(tensors)
        except KeyError as e:
            raise NewsstanceError(f"--resume: {ckpt}: {e.args[0]}") from None
    torch.set_rng_state(tensors["rng.torch"])
    random.setstate(_decode_random_state(meta.pop("python_random")))
    return meta


def _encode_random_state(state) -> list:
    return [state[0], list(state[1]), state[2]]


def _decode_random_state(state) -> tuple:
    return (state[0], tuple(state[1]), state[2])


def truncate_metrics(path: Path, step: int) -> None:
    """Drop evaluations logged after the checkpoint we resume from (they will be redone)."""
    if not path.exists():
        return
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    kept = [ln for ln in lines if json.loads(ln)["step"] <= step]
    write_text(path, "".join(ln + "\n" for ln in kept))
