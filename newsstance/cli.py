"""Command line: newsstance train | eval | predict | serve | label | export | text | data."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from newsstance import __version__  # noqa: E402
from newsstance.errors import ConfigError, NewsstanceError  # noqa: E402
from newsstance.model.precision import PRECISIONS  # noqa: E402

log = logging.getLogger("newsstance")
MODEL_HELP = "a shipped model (fast, accurate; default: the default one) or a model directory"


def _train(args: argparse.Namespace) -> None:
    from newsstance.config import Config

    config = Config.from_yaml(args.config, args.set or [])
    if args.cv is not None:
        from newsstance.eval.cross_validation import format_cv
        from newsstance.train.cross_validation import REPORT, run_cv

        if args.cv < 2:
            raise ConfigError(f"--cv {args.cv}: cross-validation needs at least 2 folds")
        report = run_cv(config, args.cv, resume=args.resume, only=args.fold)
        print(format_cv(report, config.training.output_dir))
        print(f"report: {Path(config.training.output_dir) / REPORT}")
        return
    from newsstance.train.loop import fit

    result = fit(config, resume=args.resume)
    if result is None:  # a data-parallel rank other than 0: rank 0 reports
        return
    dev, base = result.best_dev, result.baseline_dev
    print(f"best step {result.best_step}: dev macro-F1 {dev['macro_f1']:.4f} "
          f"(95% CI {dev['macro_f1_ci'][0]:.4f}-{dev['macro_f1_ci'][1]:.4f}), n={dev['n']}, skipped={dev['skipped']}")
    for label, m in dev["per_label"].items():
        print(f"  {label:12s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (n={m['support']})")
    if base:
        print(f"TF-IDF + LR baseline, same data: dev macro-F1 {base['macro_f1']:.4f}")
        for label, m in base["per_label"].items():
            print(f"  {label:12s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    print(f"model: {result.run_dir / 'best'}   report: {result.run_dir / 'dev_report.json'}")


def _stats(args: argparse.Namespace) -> None:
    from newsstance.data.corpora import default_data_root
    from newsstance.data.stats import STANDARD_SPECS, format_table, label_counts

    root = Path(args.data_root) if args.data_root else default_data_root()
    print(format_table(label_counts(tuple(args.spec) if args.spec else STANDARD_SPECS, root)))


def _data_export(args: argparse.Namespace) -> None:
    from newsstance.data.corpora import default_data_root
    from newsstance.data.hf_export import export

    root = Path(args.data_root) if args.data_root else default_data_root()
    counts = export(root, args.out)
    for split, c in counts.items():
        print(f"{split:28s} {sum(c.values()):7d} rows  " + "  ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print(f"datasets.load_from_disk({str(args.out)!r}); as a data spec: hf:{args.out}/<split>")


def _predict(args: argparse.Namespace) -> None:
    from newsstance.predict_cli import run_predict

    run_predict(args)


def _serve(args: argparse.Namespace) -> None:
    from newsstance.service.app import ServiceSettings, serve

    for name in ("max_body_bytes", "max_queued_sentences", "port"):
        if getattr(args, name) <= 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be > 0, got {getattr(args, name)}")
    settings = ServiceSettings(max_body_bytes=args.max_body_bytes, max_queued_sentences=args.max_queued_sentences,
                               batch_wait_ms=args.batch_wait_ms)
    serve(args.model, args.host, args.port, args.precision, settings, args.device)


def _label(args: argparse.Namespace) -> None:
    from newsstance.label.command import run_label

    for name in ("shard_size", "workers", "max_chars"):
        if getattr(args, name) <= 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be > 0, got {getattr(args, name)}")
    counts = run_label(args)
    print(f"{counts['articles_labelled']} articles labelled, {counts['articles_failed']} recorded in "
          f"{args.out / 'errors.jsonl'}; {counts['sentences']} sentences {counts['labels']} in {args.out / 'shards'}")


def _export(args: argparse.Namespace) -> None:
    from newsstance import model_dir
    from newsstance.model.export import export_transformers

    print(f"wrote {export_transformers(model_dir(args.model), args.out)}")


def _text(args: argparse.Namespace) -> None:
    from newsstance.predict_cli import run_text

    run_text(args)


def _eval(args: argparse.Namespace) -> None:
    if args.cv is not None:
        from newsstance.eval.cv_command import run_cv_eval

        run_cv_eval(args)
        return
    if not args.data or args.out is None:
        raise ConfigError("eval: --data KIND:PATH and --out DIR are required (or --cv RUN_DIR)")
    from newsstance.eval.harness import run_eval

    run_eval(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsstance", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"newsstance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="fine-tune a model from a YAML config")
    p.add_argument("config", type=Path)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override, e.g. training.lr=3e-5")
    p.add_argument("--resume", action="store_true", help="continue from the run's last checkpoint")
    p.add_argument("--cv", type=int, metavar="K",
                   help="K-fold document-level cross-validation over the guideline annotations: K runs in "
                        "OUTPUT_DIR/fold-<i>, pooled into OUTPUT_DIR/cv_report.json (rerun to continue)")
    p.add_argument("--fold", type=int, action="append", metavar="I",
                   help="with --cv: run only fold I (repeatable); the report pools the folds finished so far")
    p.set_defaults(func=_train)

    p = sub.add_parser("predict", help="label the sentences of articles (or JSONL files of sentences)")
    p.add_argument("inputs", nargs="+", metavar="FILE",
                   help="text/HTML files, or - for standard input; with several, each JSONL row names its file")
    p.add_argument("--model", default="default", help=MODEL_HELP)
    p.add_argument("--jsonl", action="store_true", help="input is JSONL with a 'text' field (and optional prev/next)")
    p.add_argument("--format", choices=["jsonl", "table", "html"], default="jsonl",
                   help="html: one article as a self-contained page (shaded sentences, who said what)")
    p.add_argument("--precision", choices=PRECISIONS, default=None,
                   help="numeric path (default: the measured fastest that keeps accuracy)")
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu",
                   help="cuda or auto (CUDA where present) runs PyTorch bf16 on the GPU")
    p.set_defaults(func=_predict)

    p = sub.add_parser("serve", help="HTTP service and page: POST /v1/analyze, /v1/predict; GET / (the page), /docs")
    p.add_argument("--model", default=None, help=MODEL_HELP)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--precision", choices=PRECISIONS, default=None)
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu",
                   help="cuda or auto (CUDA where present) runs PyTorch bf16 on the GPU")
    p.add_argument("--max-body-bytes", type=int, default=2 * 2**20, help="larger requests get 413 (default 2 MB)")
    p.add_argument("--max-queued-sentences", type=int, default=20_000,
                   help="more queued work gets 503 with Retry-After (default 20,000 sentences)")
    p.add_argument("--batch-wait-ms", type=float, default=5.0,
                   help="how long a request waits for others to share a model call (default 5 ms)")
    p.set_defaults(func=_serve)

    p = sub.add_parser("label", help="label a whole corpus into Parquet shards (resumable; locally or on Ray)")
    p.add_argument("input", type=Path, metavar="INPUT",
                   help="a folder of .txt/.html files, a .jsonl or .parquet file of articles, or a saved "
                        "Hugging Face dataset folder")
    p.add_argument("--out", type=Path, required=True, help="output folder (rerun the same command to resume)")
    p.add_argument("--model", default="default", help=MODEL_HELP)
    p.add_argument("--precision", choices=PRECISIONS, default=None)
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu",
                   help="cuda or auto (CUDA where present) runs PyTorch bf16 on the GPU")
    p.add_argument("--engine", choices=["local", "ray"], default="local")
    p.add_argument("--address", default=None, help="Ray cluster to join (default: start a local one for the run)")
    p.add_argument("--workers", type=int, default=2, help="Ray: model replicas (actors), one model load each")
    p.add_argument("--shard-size", type=int, default=1000, help="articles per output shard")
    p.add_argument("--id-column", default="id")
    p.add_argument("--text-column", default="text")
    p.add_argument("--split", default=None, help="the split of a saved DatasetDict")
    p.add_argument("--max-chars", type=int, default=1_000_000, help="longer articles are recorded as errors")
    p.set_defaults(func=_label)

    p = sub.add_parser("export", help="write a model in another library's format")
    p.add_argument("out", type=Path, metavar="OUT", help="folder to write")
    p.add_argument("--format", choices=["transformers"], default="transformers",
                   help="transformers: an AutoModelForSequenceClassification folder with tokenizer and model card")
    p.add_argument("--model", default="default", help=MODEL_HELP)
    p.set_defaults(func=_export)

    p = sub.add_parser("text", help="print the text newsstance reads from a file (HTML reduced to text): "
                                    "the text that predict's start/end offsets index")
    p.add_argument("input", metavar="FILE", help="text/HTML file, or - for standard input")
    p.set_defaults(func=_text)

    p = sub.add_parser("eval", help="score a model against hand-annotated sets, or a cross-validation run")
    p.add_argument("--model", default="default")
    p.add_argument("--cv", type=Path, metavar="RUN_DIR",
                   help="score the pooled held-out predictions of `newsstance train --cv` in RUN_DIR (with "
                        "--compare OTHER_RUN_DIR: paired test on the same sentences) instead of --data")
    p.add_argument("--data", action="append", metavar="KIND:PATH",
                   help="gold:F.jsonl, polnear:DIR, emergent:F.csv, newsclaims:F.json, newsdiscourse:DIR")
    p.add_argument("--data-root", default=None, help="base for relative paths (default ../shared/data)")
    p.add_argument("--out", type=Path)
    p.add_argument("--baselines", action="store_true", help="also score majority, cue-lexicon and TF-IDF baselines")
    p.add_argument("--baseline-config", type=Path, default=Path("configs/default.yaml"),
                   help="config whose training corpora train the TF-IDF baseline")
    p.add_argument("--compare", metavar="OTHER_MODEL", help="paired comparison against another model")
    p.add_argument("--precision", choices=PRECISIONS, default=None)
    p.set_defaults(func=_eval)

    data = sub.add_parser("data", help="data utilities")
    dsub = data.add_subparsers(dest="data_command", required=True)
    p = dsub.add_parser("stats", help="per-corpus, per-label counts after conversion")
    p.add_argument("--data-root", default=None)
    p.add_argument("--spec", action="append", help="only these KIND:PATH specs")
    p.set_defaults(func=_stats)
    p = dsub.add_parser("export", help="every converted corpus and the guideline annotations as a Hugging Face "
                                       "DatasetDict (Parquet copy and dataset card beside it)")
    p.add_argument("--data-root", default=None)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=_data_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("transformers", "urllib3", "filelock", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        args.func(args)
    except NewsstanceError as e:
        print(f"newsstance: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsstance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`newsstance predict a.txt | head`): stop quietly, as `cat` would. Python
        # would otherwise report the pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a process killed by a closed pipe
    return 0


if __name__ == "__main__":
    sys.exit(main())
