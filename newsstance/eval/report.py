"""report.md: the tables a human reads."""

from __future__ import annotations


def _f(x: float) -> str:
    return f"{x:.3f}"


def write_markdown(report: dict) -> str:
    sets = report["sets"]
    lines = [f"# newsstance evaluation: model `{report['model']}` ({report['precision']})", "",
             "| set | scored as | n | skipped | accuracy | macro-F1 | 95% CI | ECE |"
             + " baselines macro-F1 |", "|---|---|---|---|---|---|---|---|---|"]
    for name, e in sets.items():
        base = ", ".join(f"{k} {_f(v['macro_f1'])}" for k, v in e.get("baselines", {}).items()) or "-"
        lo, hi = e["macro_f1_ci"]
        lines.append(f"| {name} | {e['view']} | {e['n']} | {e['skipped']} | {_f(e['accuracy'])} | "
                     f"**{_f(e['macro_f1'])}** | {_f(lo)}-{_f(hi)} | {_f(e['ece'])} | {base} |")
    notes = sorted({e["view_note"] for e in sets.values() if e["view"] != "full"})
    lines += [""] + [f"Note: {n}." for n in notes]
    for name, e in sets.items():
        lines += ["", f"## {name}", "", f"Spec `{e['spec']}`; {e['n']} sentences scored, {e['skipped']} skip rows "
                  f"excluded; predicted in {e['predict_seconds']:.1f} s, scored in {e['score_seconds']:.2f} s.", "",
                  "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label, m in e["per_label"].items():
            lines.append(f"| {label} | {_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])} | {m['support']} |")
        lines += ["", "Confusion (rows gold, columns predicted): " + ", ".join(e["labels"]), "", "```"]
        lines += ["  ".join(f"{v:6d}" for v in row) for row in e["confusion"]] + ["```"]
        for bname, b in e.get("baselines", {}).items():
            per = ", ".join(f"{k} F1 {_f(v['f1'])}" for k, v in b["per_label"].items())
            lines.append(f"- baseline {bname}: macro-F1 {_f(b['macro_f1'])} "
                         f"({_f(b['macro_f1_ci'][0])}-{_f(b['macro_f1_ci'][1])}); {per}")
        if e.get("spans"):
            s = e["spans"]
            lines += ["", f"Spans ({s['note']}):", "", "| span | exact P | exact R | exact F1 | overlap F1 | gold |",
                      "|---|---|---|---|---|---|"]
            for k in ("source", "cue"):
                x = s[k]
                lines.append(f"| {k} | {_f(x['exact']['precision'])} | {_f(x['exact']['recall'])} | "
                             f"{_f(x['exact']['f1'])} | {_f(x['overlap']['f1'])} | {x['n_gold']} |")
        if e.get("skip"):
            k = e["skip"]
            lines += ["", f"Page furniture marked skip (P(skip) > 0.5, over all {k['n']} labelled rows): "
                      f"precision {_f(k['precision'])}, recall {_f(k['recall'])}, F1 {_f(k['f1'])} "
                      f"({k['support']} gold skip rows, {k['predicted']} predicted)."]
        if e.get("compare"):
            c = e["compare"]
            pb, mc = c["paired_bootstrap"], c["mcnemar"]
            lines += ["", f"Compared with `{c['other']}` (macro-F1 {_f(c['other_macro_f1'])}): difference "
                      f"{pb['diff']:+.3f} (95% paired bootstrap {pb['ci'][0]:+.3f} to {pb['ci'][1]:+.3f}); "
                      f"McNemar p = {mc['p_value']:.4f} ({mc['a_right_b_wrong']} vs {mc['b_right_a_wrong']} "
                      "discordant sentences)."]
    return "\n".join(lines) + "\n"
