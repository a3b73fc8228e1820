#!/usr/bin/env python3
"""An experiment, not part of the product: what a statistical offence score beside the rule packs
would do to the figures of docs/rule-packs.md.

It trains a logistic model on hashed character n-grams (1 to 4 UTF-16 units, ASCII letters lowered)
of labelled offensive and ordinary text, then combines the model's score with the shipped packs'
verdicts (`groupguard scan`) in two ways, over a grid of settings:

  - a veto: a hit of the abuse pack counts only when the score is at least VETO (other packs are
    untouched);
  - a score rule: a message whose score is at least T is flagged whatever the packs say.

and prints, for each pair, precision and recall on the held-out labelled sets and the flag rate on
held-out ordinary text: the same files and bars as issue 10's check (reviews at most 0.5%, social
posts at most 1.8%, COLD test precision at least 0.85 with recall at least 0.45).

  python3 tools/score-experiment.py --corpora DIR --extra XDIR [--no-tune-negatives] [--epochs 10]

DIR holds cold-train.tsv, cold-dev.tsv and swsr-comments.tsv (the training positives and
negatives); XDIR is what tools/build-extra-corpora.py writes: reviews-, social- and chat-tune.txt
(ordinary text, used as negatives unless --no-tune-negatives), their -held.txt halves, cold-test.tsv
and toxicn-test.tsv (scored, never trained on). Needs a Release build of the Host (GG, as for
tools/measure-packs.sh) and python3 alone; a run takes a few minutes. Deterministic (fixed seed).

Licences: the model is never written out. A model shipped with the product would have to be
trained only on text whose licence allows it (COLD: Apache-2.0; SWSR: MIT; of the ordinary text,
not the reviews or the social posts, whose sources state no licence); see docs/rule-packs.md.
"""
import argparse
import importlib.util
import json
import math
import os
import random
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The corpus reader of measure-packs.py: label<TAB>text lines, or plain lines taken as clean.
_spec = importlib.util.spec_from_file_location("measure_packs", os.path.join(ROOT, "tools", "measure-packs.py"))
_measure_packs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_measure_packs)
HASH_BITS = 20
MAX_GRAM = 4


def fail(message):
    print(f"score-experiment: {message}", file=sys.stderr)
    sys.exit(2)


def read_labelled(path):
    labels, texts = _measure_packs.read_corpus(path)
    return list(zip(labels, texts))


def read_plain(path):
    return _measure_packs.read_corpus(path)[1]


def features(text):
    """The hashed n-grams of text: UTF-16 units, ASCII letters lowered, each n-gram once."""
    units = text.encode("utf-16-le")
    chars = [units[i:i + 2] for i in range(0, len(units), 2)]
    chars = [bytes([c[0] + 32, c[1]]) if c[1] == 0 and 65 <= c[0] <= 90 else c for c in chars]
    mask = (1 << HASH_BITS) - 1
    found = set()
    for n in range(1, MAX_GRAM + 1):
        seed = bytes([n])
        for i in range(len(chars) - n + 1):
            found.add(zlib.crc32(seed + b"".join(chars[i:i + n])) & mask)
    return list(found)


def train(examples, epochs, seed):
    """Logistic regression by SGD over shuffled examples; the weights averaged over the later epochs."""
    rng = random.Random(seed)
    size = 1 << HASH_BITS
    w = [0.0] * size
    bias = 0.0
    total = [0.0] * size
    total_bias = 0.0
    averaged = 0
    rate = 0.2
    data = [(y, features(text)) for y, text in examples]
    for epoch in range(epochs):
        rng.shuffle(data)
        for y, f in data:
            z = max(-30.0, min(30.0, bias + sum(w[j] for j in f)))
            g = (1.0 / (1.0 + math.exp(-z)) - y) * rate / math.sqrt(len(f) + 1)
            bias -= g
            for j in f:
                w[j] -= g
        rate *= 0.75
        if epoch >= epochs // 2:
            averaged += 1
            total_bias += bias
            for j in range(size):
                total[j] += w[j]
        print(f"  epoch {epoch + 1}/{epochs}", file=sys.stderr, flush=True)
    return [x / averaged for x in total], total_bias / averaged


def score(model, text):
    w, bias = model
    z = max(-30.0, min(30.0, bias + sum(w[j] for j in features(text))))
    return 1.0 / (1.0 + math.exp(-z))


def scan(gg, rules, texts):
    """The packs' verdict on each text: (a hit of another pack, a hit of the abuse pack)."""
    done = subprocess.run(["dotnet", gg, "scan", "--rules", rules], input="\n".join(texts) + "\n",
                          capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        fail(f"groupguard scan failed: {done.stderr.strip()}")
    verdicts = []
    for line in done.stdout.splitlines():
        hits = json.loads(line)["hits"]
        verdicts.append((any(h["pack"] != "abuse" for h in hits), any(h["pack"] == "abuse" for h in hits)))
    if len(verdicts) != len(texts):
        fail(f"scan gave {len(verdicts)} verdicts for {len(texts)} lines")
    return verdicts


def flagged(verdict, s, veto, threshold):
    other, abuse = verdict
    return other or (abuse and s >= veto) or s >= threshold


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default=os.environ.get("CORPORA"), help="cold-train.tsv, cold-dev.tsv, swsr-comments.tsv")
    parser.add_argument("--extra", default=os.environ.get("EXTRA"), help="what tools/build-extra-corpora.py wrote")
    parser.add_argument("--rules", default=os.environ.get("RULES", os.path.join(ROOT, "rules")))
    parser.add_argument("--gg", default=os.environ.get("GG", os.path.join(ROOT, "src/GroupGuard.Host/bin/Release/net10.0/groupguard.dll")))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-tune-negatives", action="store_true", help="train on the labelled corpora alone")
    args = parser.parse_args()
    if not args.corpora or not args.extra:
        fail("give --corpora DIR and --extra XDIR (docs/detection.md says how to make them)")
    need = [os.path.join(args.corpora, n) for n in ("cold-train.tsv", "cold-dev.tsv", "swsr-comments.tsv")]
    need += [os.path.join(args.extra, n) for n in ("cold-test.tsv", "toxicn-test.tsv", "reviews-held.txt", "social-held.txt", "chat-held.txt")]
    if not args.no_tune_negatives:
        need += [os.path.join(args.extra, n) for n in ("reviews-tune.txt", "social-tune.txt", "chat-tune.txt")]
    for path in need:
        if not os.path.isfile(path):
            fail(f"no such file: {path}")
    if not os.path.isfile(args.gg):
        fail(f"no {args.gg}: build first (dotnet build src/GroupGuard.Host -c Release)")

    examples = []
    for name in ("cold-train.tsv", "cold-dev.tsv", "swsr-comments.tsv"):
        examples += read_labelled(os.path.join(args.corpora, name))
    if not args.no_tune_negatives:
        for name in ("reviews-tune.txt", "social-tune.txt", "chat-tune.txt"):
            examples += [(0, t) for t in read_plain(os.path.join(args.extra, name))]
    print(f"training on {len(examples)} lines ({sum(y for y, _ in examples)} offensive)", file=sys.stderr)
    model = train(examples, args.epochs, args.seed)

    labelled = {}
    for name in ("cold-test.tsv", "toxicn-test.tsv"):
        rows = read_labelled(os.path.join(args.extra, name))
        texts = [t for _, t in rows]
        labelled[name] = ([y for y, _ in rows], [score(model, t) for t in texts], scan(args.gg, args.rules, texts))
    ordinary = {}
    for name in ("reviews-held.txt", "social-held.txt", "chat-held.txt"):
        texts = read_plain(os.path.join(args.extra, name))
        ordinary[name] = ([score(model, t) for t in texts], scan(args.gg, args.rules, texts))

    print("veto  score rule | COLD test P / R  | ToxiCN test P / R | reviews  social   chat   | issue 10's bars")
    for veto in (0.0, 0.1, 0.2, 0.3):
        for threshold in (0.95, 0.98, 0.99, 0.995, 2.0):
            cells = []
            figures = {}
            for name, (labels, scores, verdicts) in labelled.items():
                tp = fp = 0
                for y, s, v in zip(labels, scores, verdicts):
                    if flagged(v, s, veto, threshold):
                        tp += y
                        fp += 1 - y
                p = tp / (tp + fp) if tp + fp else 0.0
                r = tp / max(1, sum(labels))
                figures[name] = (p, r)
                cells.append(f"{p:.3f} / {r:.3f}")
            rates = []
            for name, (scores, verdicts) in ordinary.items():
                rate = sum(flagged(v, s, veto, threshold) for s, v in zip(scores, verdicts)) / len(scores)
                figures[name] = rate
                rates.append(f"{100 * rate:5.2f}%")
            p, r = figures["cold-test.tsv"]
            met = p >= 0.85 and r >= 0.45 and figures["reviews-held.txt"] <= 0.005 and figures["social-held.txt"] <= 0.018
            rule = "none " if threshold > 1 else f"{threshold:<5}"
            print(f"{veto:<5} {rule:<10} | {cells[0]:<16} | {cells[1]:<17} | {'  '.join(rates)} | {'met' if met else '-'}")


if __name__ == "__main__":
    main()
