"""`newsstance eval --cv RUN_DIR [--compare OTHER_RUN_DIR] [--out DIR]`: a cross-validation run's
pooled scores, and a paired comparison of two runs on the same held-out sentences."""

from __future__ import annotations

import json

from newsstance.atomic import write_text
from newsstance.eval.cross_validation import compare_cv, format_cv, read_predictions, score_cv


def run_cv_eval(args) -> dict:
    rows = read_predictions(args.cv)
    report = {"run": str(args.cv), "scores": score_cv(rows)}
    print(format_cv(report["scores"], str(args.cv)))
    if args.compare:
        other = read_predictions(args.compare)
        report["other"] = {"run": str(args.compare), "scores": score_cv(other)}
        report["compare"] = c = compare_cv(rows, other)
        print(format_cv(report["other"]["scores"], str(args.compare)))
        for metric in ("macro_f1", "denial_f1"):
            d = c[metric]
            print(f"{args.cv} - {args.compare}: {metric} {d['diff']:+.4f} (95% paired document-bootstrap "
                  f"{d['ci'][0]:+.4f} to {d['ci'][1]:+.4f}; share of resamples with no gain {d['p_not_better']:.3f})")
        m = c["mcnemar"]
        print(f"McNemar on {c['n']} sentences: p = {m['p_value']:.4g} ({m['a_right_b_wrong']} right only in "
              f"{args.cv}, {m['b_right_a_wrong']} only in {args.compare})")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        write_text(args.out / "cv_report.json", json.dumps(report, indent=2))
    return report
