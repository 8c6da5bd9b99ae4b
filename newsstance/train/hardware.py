"""Where training runs: the device (`training.device`), mixed precision, and data parallelism across
processes started by `torchrun` (one per GPU, or several CPU processes for a test).

Data parallelism keeps the single-process recipe: every process draws the same global batch from the
mixture sampler (it depends only on seed and step) and takes its own rows of it, rows rank::world;
DistributedDataParallel averages the gradients. Rank 0 alone evaluates, checkpoints and writes the
run directory; the others wait for it at a barrier, and its early-stopping decision is broadcast.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from newsstance.config import Config
from newsstance.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass
class Hardware:
    device: torch.device
    rank: int = 0
    world: int = 1
    autocast: torch.dtype | None = None  # mixed precision for the forward pass, or None for fp32
    scaler: torch.amp.GradScaler | None = None  # fp16 on a GPU without bf16 needs loss scaling

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1

    def rows(self, batch: list) -> list:
        """This process's share of a global batch."""
        return batch[self.rank :: self.world] if self.distributed else batch

    def barrier(self) -> None:
        if self.distributed:
            dist.barrier()

    def agree(self, flag: bool) -> bool:
        """Rank 0's value of `flag`, on every rank."""
        if not self.distributed:
            return flag
        value = torch.tensor([int(flag)], device=self.device if self.device.type == "cuda" else "cpu")
        dist.broadcast(value, src=0)
        return bool(value.item())

    def close(self) -> None:
        if self.distributed and dist.is_initialized():
            dist.destroy_process_group()


def choose_device(requested: str) -> torch.device:
    if requested == "cpu":
        return torch.device("cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ConfigError("training.device is 'cuda' but no CUDA device is available (use 'auto' or 'cpu')")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def setup_hardware(config: Config) -> Hardware:
    device = choose_device(config.training.device)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = 0
    if world > 1:
        if device.type == "cuda":
            local = int(os.environ.get("LOCAL_RANK", "0"))
            torch.cuda.set_device(local)
            device = torch.device("cuda", local)
        if not dist.is_initialized():
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        rank = dist.get_rank()
        log.info("data-parallel training: rank %d of %d on %s", rank, world, device)
    autocast, scaler = None, None
    if config.training.bf16:
        if device.type == "cuda" and not torch.cuda.is_bf16_supported():
            autocast, scaler = torch.float16, torch.amp.GradScaler("cuda")
        else:
            autocast = torch.bfloat16
    return Hardware(device, rank, world, autocast, scaler)
