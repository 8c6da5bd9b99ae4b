"""Training: setup -> build -> fit -> validate, each callable from a test with tiny arguments.

Run directory:
  config.yaml        the resolved config
  metrics.jsonl      one JSON line per dev evaluation
  checkpoint/        last state for --resume (safetensors + JSON, written atomically)
  best/              the best model by dev macro-F1 (a loadable model directory)
  dev_report.json    final dev metrics of best/ and of the TF-IDF baseline trained on the same data
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm
from transformers import AutoTokenizer

from newsstance.atomic import write_text
from newsstance.config import Config
from newsstance.data.labels import LABELS, head_labels
from newsstance.data.mixture import Corpus, MixtureSampler
from newsstance.data.training_data import load_training_data
from newsstance.errors import NewsstanceError
from newsstance.eval.baselines import TfidfBaseline
from newsstance.eval.evaluator import Evaluator
from newsstance.model.encoders import encoder_dir
from newsstance.model.network import StanceNetwork, build_network
from newsstance.model.saved_model import save_pretrained
from newsstance.model.stance_model import StanceModel
from newsstance.train import objective
from newsstance.train.checkpoint import load_checkpoint, save_checkpoint, truncate_metrics
from newsstance.train.hardware import Hardware, setup_hardware
from newsstance.train.weight_average import WeightAverage

log = logging.getLogger(__name__)
MIN_FREE_BYTES = 300 * 2**20  # a checkpoint of MiniLM + AdamW state is ~150 MB


@dataclass
class TrainResult:
    run_dir: Path
    best_step: int
    best_dev: dict
    baseline_dev: dict | None
    steps_done: int


# --- setup ---------------------------------------------------------------------------------------
def setup(config: Config, main: bool = True) -> Path:
    """Check the output directory is writable with room to spare, seed everything, set threads."""
    run_dir = Path(config.training.output_dir)
    torch.set_num_threads(config.training.threads)
    random.seed(config.training.seed)
    np.random.seed(config.training.seed)
    torch.manual_seed(config.training.seed)
    if not main:  # rank 0 checks and writes the run directory
        return run_dir
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / ".write-probe"
        probe.write_bytes(b"x" * 1024)
        probe.unlink()
    except OSError as e:
        raise NewsstanceError(f"training.output_dir {run_dir}: not writable ({e.strerror or e})") from None
    free = shutil.disk_usage(run_dir).free
    if free < MIN_FREE_BYTES:
        raise NewsstanceError(f"training.output_dir {run_dir}: only {free // 2**20} MiB free on its disk; "
                              f"need at least {MIN_FREE_BYTES // 2**20} MiB for checkpoints")
    return run_dir


def load_corpora(config: Config) -> tuple[list[Corpus], Evaluator]:
    t = config.training
    corpora, dev = load_training_data(config.data, t.seed, t.max_train_examples, t.max_dev_examples,
                                      keep_skip=config.model.predicts_skip)
    return corpora, Evaluator(dev, name=config.data.dev)


def class_weights(sampler: MixtureSampler, scheme: str, labels: tuple[str, ...] = LABELS) -> torch.Tensor:
    dist = sampler.label_distribution(labels)
    freq = torch.tensor([max(dist[label], 1e-3) for label in labels])
    if scheme == "none":
        w = torch.ones(len(labels))
    else:
        w = 1.0 / freq if scheme == "inverse" else 1.0 / freq.sqrt()
    return w / (w * freq).sum()  # expected weight of a sampled example is 1: the lr keeps its meaning


# --- build ---------------------------------------------------------------------------------------
def build(config: Config) -> tuple[StanceNetwork, object]:
    network = build_network(config)
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir(config.model.encoder))
    return network, tokenizer


def _optimizer(network: StanceNetwork, config: Config) -> torch.optim.AdamW:
    decay, no_decay = [], []
    for p in network.parameters():
        if p.requires_grad:
            (no_decay if p.ndim == 1 else decay).append(p)
    t = config.training
    return torch.optim.AdamW([{"params": decay, "weight_decay": t.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=t.lr)


def _lr_factor(step: int, config: Config) -> float:
    total = config.training.max_steps
    warmup = max(1, int(total * config.training.warmup_ratio))
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


# --- fit -----------------------------------------------------------------------------------------
def fit(config: Config, resume: bool = False, stop_at_step: int | None = None) -> TrainResult | None:
    """Train per `config`; with `resume`, continue from the run's checkpoint.

    `stop_at_step` ends the process-level loop early without finishing the run (returns None), the
    way an interruption would: tests use it to check that --resume reproduces an uninterrupted run.
    """
    hardware = setup_hardware(config)
    try:
        return _fit(config, hardware, resume, stop_at_step)
    finally:
        hardware.close()


def _fit(config: Config, hardware: Hardware, resume: bool, stop_at_step: int | None) -> TrainResult | None:
    run_dir = setup(config, hardware.main)
    if hardware.main:
        (run_dir / "config.yaml").write_text(config.to_yaml(), encoding="utf-8")
    started = time.perf_counter()
    corpora, evaluator = load_corpora(config)
    if config.distill.teacher is not None:
        from newsstance.train.distillation import distillation_corpus

        if not hardware.main:
            hardware.barrier()  # rank 0 has the teacher label the pool once; the others then read it
        corpora.append(distillation_corpus(config, run_dir))
        if hardware.main:
            hardware.barrier()
    network, tokenizer = build(config)
    network.to(hardware.device)
    trained = network
    if hardware.distributed:
        from torch.nn.parallel import DistributedDataParallel

        trained = DistributedDataParallel(network, device_ids=[hardware.device.index] if hardware.device.index
                                          is not None else None)
    sampler = MixtureSampler(corpora, config.training.batch_size, config.training.seed,
                             length_of=lambda r: len(r.text))
    classes = head_labels(config.model.predicts_skip)
    weights = class_weights(sampler, config.training.class_weighting, classes)
    log.info("label mix %s -> class weights %s", sampler.label_distribution(classes), weights.tolist())
    optimizer = _optimizer(network, config)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _lr_factor(s, config))
    decay = config.training.ema_decay
    average = WeightAverage(network, decay) if decay is not None else None
    state = {"best_macro_f1": -1.0, "best_step": 0, "bad_evals": 0}
    start_step = 0
    if resume:
        state = load_checkpoint(run_dir, network, optimizer, average)
        start_step = state.pop("step")
        scheduler.last_epoch = start_step
        for group, base in zip(optimizer.param_groups, scheduler.base_lrs, strict=True):
            group["lr"] = base * _lr_factor(start_step, config)
        if hardware.main:
            truncate_metrics(run_dir / "metrics.jsonl", start_step)
        log.info("resumed at step %d (best dev macro-F1 %.4f at step %d)", start_step,
                 state["best_macro_f1"], state["best_step"])
    elif hardware.main:
        (run_dir / "metrics.jsonl").write_text("", encoding="utf-8")
        validate_pipeline(network, tokenizer, config, sampler, evaluator, hardware)
    step = start_step
    network.train()
    bar = tqdm(total=config.training.max_steps, initial=start_step, desc="train",
               disable=not (sys.stderr.isatty() and hardware.main))
    stopped_early = False
    scaler = hardware.scaler
    while step < config.training.max_steps and not stopped_early:
        tensors = objective.batch_tensors(hardware.rows(sampler.batch(step)), tokenizer, config)
        loss = objective.loss(trained, tensors, weights, config, hardware)
        (scaler.scale(loss) if scaler else loss).backward()
        if scaler:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_([p for p in network.parameters() if p.requires_grad], 1.0)
        if scaler:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        if average is not None:
            average.update()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        if step % 20 == 0 and not sys.stderr.isatty() and hardware.main:
            log.info("step %d/%d loss %.4f (%.2f s/step)", step, config.training.max_steps, loss.item(),
                     (time.perf_counter() - started) / max(1, step - start_step))
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        if step % config.training.eval_every == 0 or step == config.training.max_steps:
            if hardware.main:
                stopped_early = _evaluate_and_checkpoint(network, tokenizer, config, evaluator, run_dir, optimizer,
                                                         average, step, state, loss.item(), started)
            stopped_early = hardware.agree(stopped_early)
            network.train()
        if stop_at_step is not None and step >= stop_at_step:
            bar.close()
            return None
    bar.close()
    if not hardware.main:
        return None
    return finish(config, run_dir, corpora, evaluator, state, step)


def _evaluate_and_checkpoint(network, tokenizer, config, evaluator, run_dir, optimizer, average, step, state,
                             loss, started) -> bool:
    """Score the weights on dev (the averaged ones when training.ema_decay is set), keep the best."""
    network.eval()
    with average.applied() if average is not None else contextlib.nullcontext():
        model = StanceModel(network, tokenizer, config)
        result = evaluator.score(evaluator.predict(model), with_intervals=False)
        improved = result["macro_f1"] > state["best_macro_f1"]
        if improved:
            state.update(best_macro_f1=result["macro_f1"], best_step=step, bad_evals=0)
            save_pretrained(network, tokenizer, config, run_dir / "best", extra={"best_step": step})
        else:
            state["bad_evals"] += 1
    record = {"step": step, "train_loss": loss, "dev_macro_f1": result["macro_f1"],
              "dev_accuracy": result["accuracy"],
              "dev_f1": {k: v["f1"] for k, v in result["per_label"].items()},
              "best": improved, "elapsed_s": round(time.perf_counter() - started, 1)}
    with (run_dir / "metrics.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    log.info("step %d: dev macro-F1 %.4f (best %.4f at %d)", step, result["macro_f1"],
             state["best_macro_f1"], state["best_step"])
    save_checkpoint(run_dir, network, optimizer, step, state, average)
    return state["bad_evals"] >= config.training.patience


# --- validate ------------------------------------------------------------------------------------
def validate_pipeline(network, tokenizer, config, sampler, evaluator, hardware: Hardware) -> None:
    """Two batches through loss and evaluation before the first step: a broken setup fails in seconds."""
    with torch.no_grad():
        for s in range(2):
            tensors = objective.batch_tensors(sampler.batch(s), tokenizer, config)
            objective.loss(network, tensors, None, config, hardware)
    if len(evaluator):
        sample = Evaluator(evaluator.records[: 2 * config.training.batch_size], name="smoke")
        sample(StanceModel(network.eval(), tokenizer, config))
    network.train()


def finish(config: Config, run_dir: Path, corpora, evaluator: Evaluator, state: dict, steps: int) -> TrainResult:
    """Score best/ on dev with intervals, fit and score the TF-IDF baseline on the same data."""
    best = StanceModel.from_pretrained(run_dir / "best")
    best_dev = evaluator(best)
    baseline_dev = None
    if config.training.baseline:
        baseline_dev = evaluator(TfidfBaseline.from_mixture(corpora, seed=config.training.seed))
    report = {"best_step": state["best_step"], "steps": steps, "model": best_dev, "tfidf_baseline": baseline_dev}
    write_text(run_dir / "dev_report.json", json.dumps(report, indent=2))
    return TrainResult(run_dir, state["best_step"], best_dev, baseline_dev, steps)
