"""`newsstance label`: open the input and the output folder, then run the chosen engine."""

from __future__ import annotations

import newsstance
from newsstance.config import Config
from newsstance.label.articles import open_source
from newsstance.label.job import LabelJob
from newsstance.model.precision import DEFAULT_PRECISION
from newsstance.model.saved_model import fingerprint, read_meta


def model_identity(model_arg: str, precision: str | None) -> dict:
    directory = newsstance.model_dir(model_arg)
    config = Config.from_dict(read_meta(directory)["config"])
    return {"model": model_arg, "model_fingerprint": fingerprint(directory, config),
            "precision": precision or DEFAULT_PRECISION}


def run_label(args) -> dict:
    source = open_source(args.input, args.id_column, args.text_column, args.split, args.max_chars)
    job = LabelJob(args.out, source, model_identity(args.model, args.precision), args.shard_size)
    model_path = str(newsstance.model_dir(args.model))
    if args.engine == "ray":
        from newsstance.label.ray_engine import run_ray

        run_ray(job, model_path, args.precision, args.workers, args.address, args.device)
    else:
        from newsstance.label.local import run_local

        run_local(job, newsstance.load(model_path, precision=args.precision, device=args.device))
    return job.finish()
