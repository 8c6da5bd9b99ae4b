"""Exponential moving average of the trainable weights (training.ema_decay).

The averaged weights are what dev evaluation scores and what best/ saves: on a few thousand
guideline sentences the raw weights' dev score jumps from one evaluation to the next, and the
average of the last few hundred steps moves more smoothly (measured in docs/RESULTS.md: smoother,
not higher, so the default config leaves it off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


class WeightAverage:
    def __init__(self, network: torch.nn.Module, decay: float):
        self.decay = decay
        trainable = [(n, p) for n, p in network.named_parameters() if p.requires_grad]
        self.names = [n for n, _ in trainable]
        self._params = [p for _, p in trainable]
        self.averages = [p.detach().clone() for p in self._params]

    @torch.no_grad()
    def update(self) -> None:
        torch._foreach_lerp_(self.averages, [p.detach() for p in self._params], 1.0 - self.decay)

    @contextmanager
    def applied(self) -> Iterator[None]:
        """Inside the block the network holds the averaged weights; the raw ones come back after."""
        raw = [p.detach().clone() for p in self._params]
        with torch.no_grad():
            torch._foreach_copy_(self._params, self.averages)
        try:
            yield
        finally:
            with torch.no_grad():
                torch._foreach_copy_(self._params, raw)

    def state_tensors(self) -> dict[str, torch.Tensor]:
        return {f"ema.{n}": a.contiguous() for n, a in zip(self.names, self.averages, strict=True)}

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        missing = [n for n in self.names if f"ema.{n}" not in tensors]
        if missing:
            raise KeyError(f"checkpoint has no averaged weights for {missing[0]} (trained without ema_decay?)")
        for n, a in zip(self.names, self.averages, strict=True):
            a.copy_(tensors[f"ema.{n}"])
