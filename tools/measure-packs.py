#!/usr/bin/env python3
"""Join `groupguard scan` verdicts with labels and print precision/recall per pack, rule and term.

Developer tool only (the product and its CI never run it). Usually called by measure-packs.sh.

  measure-packs.py LABELS VERDICTS [--pack P ...] [--rules] [--terms N] [--fp N] [--fn N]
                   [--sample N [--seed S]] [--hits] [--name NAME]

LABELS: the corpus file. `label<TAB>text` lines (1 = offensive), or a plain text file (one
message a line, all treated as clean: a fixture that must stay quiet, or ordinary text whose
flag rate is measured). For such a file the rule and term tables give each one's hits and the
share of all lines it flags, instead of precision.
VERDICTS: the scan output for the same lines, in order (one JSON object a line).
--pack restricts "flagged" to hits of the named packs (repeatable); default: every pack.
--sample N prints N flagged lines drawn at random (fixed by --seed), for reading by hand.
"""
import argparse
import collections
import json
import random
import sys


def read_corpus(path):
    labels, texts = [], []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if path.endswith(".tsv") and line.startswith("# "):
                continue  # a comment, skipped by measure-packs.sh too
            if len(line) >= 2 and line[0] in "01" and line[1] == "\t":
                labels.append(int(line[0]))
                texts.append(line[2:])
            else:
                labels.append(0)
                texts.append(line)
    return labels, texts


def pct(a, b):
    return a / b if b else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("labels")
    ap.add_argument("verdicts")
    ap.add_argument("--pack", action="append", default=[])
    ap.add_argument("--name", default=None)
    ap.add_argument("--terms", type=int, default=0, help="print the N most frequent terms")
    ap.add_argument("--rules", action="store_true", help="print per-rule counts")
    ap.add_argument("--fp", type=int, default=0, help="print N flagged label-0 lines")
    ap.add_argument("--fn", type=int, default=0, help="print N missed label-1 lines")
    ap.add_argument("--hits", action="store_true", help="print every flagged line (fixtures)")
    ap.add_argument("--sample", type=int, default=0, help="print N flagged lines drawn at random")
    ap.add_argument("--seed", type=int, default=1, help="fixes --sample (default 1)")
    args = ap.parse_args()

    labels, texts = read_corpus(args.labels)
    with open(args.verdicts, encoding="utf-8") as f:
        verdicts = [json.loads(l) for l in f if l.strip()]
    if len(verdicts) != len(labels):
        sys.exit(f"{args.verdicts}: {len(verdicts)} verdicts for {len(labels)} lines")

    keep = set(args.pack)
    tp = fp = fn = tn = 0
    rule_n = collections.Counter()
    rule_pos = collections.Counter()
    term_n = collections.Counter()
    term_pos = collections.Counter()
    fps, fns, flagged_lines = [], [], []
    for y, text, v in zip(labels, texts, verdicts):
        hits = [h for h in v["hits"] if not keep or h["pack"] in keep]
        flagged = bool(hits)
        if flagged and y:
            tp += 1
        elif flagged:
            fp += 1
            fps.append((text, hits))
        elif y:
            fn += 1
            fns.append(text)
        else:
            tn += 1
        if flagged:
            flagged_lines.append((text, hits))
        for key in {h["rule"] for h in hits}:
            rule_n[key] += 1
            rule_pos[key] += y
        for key in {(h["rule"], h["matched"]) for h in hits}:
            term_n[key] += 1
            term_pos[key] += y

    p = pct(tp, tp + fp)
    r = pct(tp, tp + fn)
    f1 = pct(2 * p * r, p + r)
    neg = fp + tn
    name = args.name or args.labels
    scope = "+".join(sorted(keep)) if keep else "all packs"
    if tp + fn:
        print(f"{name} [{scope}] lines={len(labels)} pos={tp+fn} flagged={tp+fp} "
              f"P={p:.3f} R={r:.3f} F1={f1:.3f} clean-flagged={fp}/{neg}={pct(fp, neg):.2%}")
    else:
        print(f"{name} [{scope}] lines={len(labels)} (all clean) flagged={fp} ({pct(fp, neg):.2%})")

    labelled = tp + fn > 0
    if args.rules:
        if labelled:
            print("  rule                      hits   pos  prec")
            for key, n in rule_n.most_common():
                print(f"  {key:24s} {n:6d} {rule_pos[key]:5d}  {pct(rule_pos[key], n):.2f}")
        else:
            print("  rule                      hits  of lines")
            for key, n in rule_n.most_common():
                print(f"  {key:24s} {n:6d}  {pct(n, len(labels)):.2%}")
    if args.terms:
        if labelled:
            print("  term (rule)                         hits   pos  prec")
            for (rule, term), n in term_n.most_common(args.terms):
                print(f"  {term:12s} {rule:22s} {n:6d} {term_pos[(rule, term)]:5d}  {pct(term_pos[(rule, term)], n):.2f}")
        else:
            print("  term (rule)                         hits  of lines")
            for (rule, term), n in term_n.most_common(args.terms):
                print(f"  {term:12s} {rule:22s} {n:6d}  {pct(n, len(labels)):.2%}")
    for text, hits in fps[: args.fp]:
        print("  FP", ",".join(f'{h["rule"]}:{h["matched"]}' for h in hits), "|", text[:120])
    for text in fns[: args.fn]:
        print("  FN |", text[:120])
    if args.sample:
        drawn = random.Random(args.seed).sample(flagged_lines, min(args.sample, len(flagged_lines)))
        for text, hits in drawn:
            print("  SAMPLE", ",".join(f'{h["rule"]}:{h["matched"]}' for h in hits), "|", text[:200])
    if args.hits:
        for text, hits in flagged_lines:
            print("  HIT", ",".join(f'{h["rule"]}:{h["matched"]}' for h in hits), "|", text[:160])


if __name__ == "__main__":
    main()
