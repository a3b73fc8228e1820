#!/usr/bin/env python3
"""Build the ordinary-text and extra labelled corpora the packs are measured on.

Developer tool only: the product, its tests and CI never run it, and no data goes into the
repository. Every upstream dataset is a folder (a clone of its repository) given by argument;
docs/detection.md ("Measuring on ordinary text") says where to get each one and what its licence is.

  build-extra-corpora.py --out DIR [--seed 20240601]
      [--cold COLDataset] [--toxicn ToxiCN]
      [--sophonplus ChineseNlpCorpus] [--ced Chinese_Rumor_Dataset]
      [--cdial-gpt CDial-GPT] [--kdconv KdConv] [--cdconv CDConv]

Writes into DIR, each only when its sources were given:

  reviews.txt, reviews-tune.txt, reviews-held.txt   ordinary product and service reviews (--sophonplus)
  social.txt,  social-tune.txt,  social-held.txt    ordinary Weibo posts and comments (--ced)
  chat.txt,    chat-tune.txt,    chat-held.txt      chat-like lines (--cdial-gpt, --kdconv, --cdconv)
  cold-test.tsv                                     COLD test split, label<TAB>text (--cold)
  toxicn.tsv, toxicn-train.tsv, toxicn-test.tsv     ToxiCN, label<TAB>text, 1 = toxic (--toxicn)
  BUILD.txt                                         what was built from what: counts and sha256

Ordinary text is one message a line (tabs and line breaks made spaces, exact duplicates dropped).
Each source is split into a tuning half and a held-out half by whole groups (a review; a Weibo
thread; a dialogue), so that no thread has lines on both sides; the split and every sample are
fixed by --seed, so the same upstream files and seed always give byte-identical files.
"""
import argparse
import csv
import glob
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile

csv.field_size_limit(1 << 24)

# Where each upstream comes from, for every error about it.
UPSTREAM = {
    "cold": "github.com/thu-coai/COLDataset (Apache-2.0)",
    "toxicn": "github.com/DUT-lujunyu/ToxiCN (CC BY-NC-ND 4.0)",
    "sophonplus": "github.com/SophonPlus/ChineseNlpCorpus (no licence stated)",
    "ced": "github.com/thunlp/Chinese_Rumor_Dataset (no licence stated)",
    "cdial-gpt": "github.com/thu-coai/CDial-GPT (MIT)",
    "kdconv": "github.com/thu-coai/KdConv (Apache-2.0)",
    "cdconv": "github.com/thu-coai/CDConv (CC BY-NC 4.0)",
}

# Sampling sizes: enough lines for a flag rate of 0.5% to be told from 1% on each half, and no
# single category or thread dominating a file.
SHOPPING_PER_CATEGORY = 3000   # online_shopping_10_cats has 10,000 lines in some categories
CED_COMMENTS_PER_THREAD = 12   # a popular Weibo thread has thousands of comments
MIN_CHARS = 2                  # lines shorter than this (after trimming) are not messages

# A comment that only reposts, in any of the spellings Weibo used.
REPOST_ONLY = re.compile(r"^(转发微博|轉發微博|repost|Repost|转发|轉發)[。.!！~～\s]*$")


class Missing(Exception):
    pass


def fail(message):
    print(f"build-extra-corpora: {message}", file=sys.stderr)
    sys.exit(2)


def need(folder, relative, option):
    path = os.path.join(folder, relative)
    if not os.path.exists(path):
        raise Missing(f"--{option} {folder}: no {relative} there.\n"
                      f"  Give a clone of {UPSTREAM[option]}; docs/detection.md says which commit.")
    return path


def clean(text):
    text = text.replace("\ufeff", "")
    text = re.sub(r"[\t\r\n\u2028\u2029]+", " ", text)
    return text.strip()


def usable(text):
    return len(text) >= MIN_CHARS


def despace_lccc(text):
    """LCCC is written one character a token (`你 好 ！`); join it back, keeping a space only
    between two ASCII letters or digits (`iphone 4`)."""
    return re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", text.strip())


def commit_of(folder):
    try:
        out = subprocess.run(["git", "-C", folder, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() if out.returncode == 0 else "(not a git clone)"
    except (OSError, subprocess.SubprocessError):
        return "(git not available)"


def read_csv_text(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------------
# Sources. Each returns {source-key: {group-key: [line, ...]}}; a source key is what the split is
# stratified by (a dataset, or a dataset's category), a group is what stays on one side.

def reviews_sophonplus(folder):
    sources = {}
    path = need(folder, "datasets/ChnSentiCorp_htl_all/ChnSentiCorp_htl_all.csv", "sophonplus")
    sources["ChnSentiCorp_htl_all"] = [row["review"] for row in read_csv_text(path)]
    path = need(folder, "datasets/waimai_10k/waimai_10k.csv", "sophonplus")
    sources["waimai_10k"] = [row["review"] for row in read_csv_text(path)]

    extracted = os.path.join(folder, "datasets/online_shopping_10_cats/online_shopping_10_cats.csv")
    if os.path.exists(extracted):
        rows = read_csv_text(extracted)
    else:
        archive = need(folder, "datasets/online_shopping_10_cats/online_shopping_10_cats.zip", "sophonplus")
        with zipfile.ZipFile(archive) as z:
            rows = list(csv.DictReader(io.StringIO(z.read("online_shopping_10_cats.csv").decode("utf-8-sig"))))
    by_category = {}
    for row in rows:
        by_category.setdefault(row["cat"], []).append(row["review"])
    for category in sorted(by_category):
        sources[f"online_shopping_10_cats/{category}"] = by_category[category]

    out = {}
    for key, texts in sources.items():
        lines = sorted({t for t in map(clean, texts) if usable(t)})
        if key.startswith("online_shopping_10_cats/") and len(lines) > SHOPPING_PER_CATEGORY:
            lines = sorted(random.Random(f"{args.seed}:{key}:sample").sample(lines, SHOPPING_PER_CATEGORY))
        out[key] = {line: [line] for line in lines}  # a review is its own group
    return out


def social_ced(folder):
    need(folder, "CED_Dataset", "ced")
    reposts = need(folder, "CED_Dataset/non-rumor-repost", "ced")
    originals = need(folder, "CED_Dataset/original-microblog", "ced")
    threads = {}
    files = sorted(f for f in glob.glob(os.path.join(reposts, "*.json")) if not os.path.basename(f).startswith("._"))
    if not files:
        raise Missing(f"--ced {folder}: no threads in {os.path.relpath(reposts, folder)}.\n"
                      f"  Give a clone of {UPSTREAM['ced']}.")
    for path in files:
        name = os.path.basename(path)
        lines = []
        original = os.path.join(originals, name)
        if os.path.exists(original):
            with open(original, encoding="utf-8") as f:
                text = clean(json.load(f).get("text", ""))
            if usable(text):
                lines.append(text)
        with open(path, encoding="utf-8") as f:
            comments = json.load(f)
        seen = set()
        own = []
        for comment in comments:
            # A repost carries the chain it reposted after //@: keep only the commenter's own words.
            text = clean(comment.get("text", "").split("//@", 1)[0])
            if usable(text) and not REPOST_ONLY.match(text) and text not in seen:
                seen.add(text)
                own.append(text)
        own.sort()
        if len(own) > CED_COMMENTS_PER_THREAD:
            own = sorted(random.Random(f"{args.seed}:ced:{name}").sample(own, CED_COMMENTS_PER_THREAD))
        lines.extend(own)
        if lines:
            threads[name] = lines
    return {"CED non-rumor threads": threads}


def chat_cdial(folder):
    dialogues = {}
    for name in ("data/toy_train.txt", "data/toy_valid.txt"):
        with open(need(folder, name, "cdial-gpt"), encoding="utf-8") as f:
            for raw in f:
                turns = [despace_lccc(t) for t in raw.rstrip("\n").split("\t")]
                turns = [t for t in turns if usable(t)]
                if turns:
                    dialogues.setdefault("\t".join(turns), turns)
    with open(need(folder, "data/toy_data.json", "cdial-gpt"), encoding="utf-8") as f:
        data = json.load(f)
    for split in sorted(data):
        for dialogue in data[split]:
            turns = [t for t in (despace_lccc(clean(u)) for u in dialogue) if usable(t)]
            if turns:
                dialogues.setdefault("\t".join(turns), turns)
    return {"LCCC (CDial-GPT toy data)": dialogues}


def chat_kdconv(folder):
    dialogues = {}
    for domain in ("film", "music", "travel"):
        for split in ("dev", "test"):
            with open(need(folder, f"data/{domain}/{split}.json", "kdconv"), encoding="utf-8") as f:
                data = json.load(f)
            for i, dialogue in enumerate(data):
                turns = [t for t in (clean(m["message"]) for m in dialogue["messages"]) if usable(t)]
                if turns:
                    dialogues[f"{domain}/{split}/{i}"] = turns
    return {"KdConv": dialogues}


def chat_cdconv(folder):
    dialogues = {}
    with open(need(folder, "codes/data/raw_data/cdconv.txt", "cdconv"), encoding="utf-8") as f:
        for raw in f:
            if not raw.strip():
                continue
            item = json.loads(raw)
            # u1 and u2 are written by people; b1 and b2 are a chatbot's replies, left out.
            turns = [t for t in (clean(item.get(k, "")) for k in ("u1", "u2")) if usable(t)]
            if turns:
                dialogues.setdefault(turns[0], [])
                for t in turns:
                    if t not in dialogues[turns[0]]:
                        dialogues[turns[0]].append(t)
    return {"CDConv (human turns)": dialogues}


# ---------------------------------------------------------------------------------------------

def split_and_write(name, sources, out_dir, report):
    """Split every source's groups in half (fixed by the seed), drop lines already written by an
    earlier group, and write NAME.txt (all), NAME-tune.txt and NAME-held.txt, each shuffled."""
    seen = set()
    halves = {"tune": [], "held": []}
    for key in sorted(sources):
        groups = sources[key]
        order = sorted(groups)
        random.Random(f"{args.seed}:{name}:{key}:split").shuffle(order)
        cut = (len(order) + 1) // 2
        counts = {"tune": 0, "held": 0}
        for i, group in enumerate(order):
            side = "tune" if i < cut else "held"
            for line in groups[group]:
                if line not in seen:
                    seen.add(line)
                    halves[side].append(line)
                    counts[side] += 1
        report.append(f"  {name:8s} {key:40s} groups={len(order):6d} tune={counts['tune']:6d} held={counts['held']:6d}")
    for side in ("tune", "held"):
        random.Random(f"{args.seed}:{name}:{side}:order").shuffle(halves[side])
    everything = halves["tune"] + halves["held"]
    random.Random(f"{args.seed}:{name}:all:order").shuffle(everything)
    write_lines(os.path.join(out_dir, f"{name}.txt"), everything, report)
    write_lines(os.path.join(out_dir, f"{name}-tune.txt"), halves["tune"], report)
    write_lines(os.path.join(out_dir, f"{name}-held.txt"), halves["held"], report)


def write_lines(path, lines, report):
    body = "".join(line + "\n" for line in lines)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(body)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    report.append(f"  wrote {os.path.basename(path):20s} {len(lines):7d} lines  sha256 {digest}")


def write_labelled(path, rows, report):
    lines = [f"{label}\t{text}" for label, text in rows if usable(text)]
    write_lines(path, lines, report)
    positive = sum(1 for line in lines if line.startswith("1\t"))
    report.append(f"    {positive} labelled 1")


def labelled_cold(folder, out_dir, report):
    rows = read_csv_text(need(folder, "COLDataset/test.csv", "cold"))
    write_labelled(os.path.join(out_dir, "cold-test.tsv"), [(r["label"], clean(r["TEXT"])) for r in rows], report)


def labelled_toxicn(folder, out_dir, report):
    rows = read_csv_text(need(folder, "ToxiCN_1.0.csv", "toxicn"))
    write_labelled(os.path.join(out_dir, "toxicn.tsv"), [(r["toxic"], clean(r["content"])) for r in rows], report)
    for split in ("train", "test"):
        with open(need(folder, f"ToxiCN_ex/ToxiCN/data/{split}.json", "toxicn"), encoding="utf-8") as f:
            data = json.load(f)
        write_labelled(os.path.join(out_dir, f"toxicn-{split}.tsv"),
                       [(str(r["toxic"]), clean(r["content"])) for r in data], report)


def main():
    global args
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder to write into (created if missing); keep it outside the repository")
    ap.add_argument("--seed", type=int, default=20240601, help="fixes every sample and split (default 20240601)")
    for option in UPSTREAM:
        ap.add_argument(f"--{option}", metavar="DIR", help=f"clone of {UPSTREAM[option]}")
    args = ap.parse_args()

    given = {o: getattr(args, o.replace("-", "_")) for o in UPSTREAM}
    if not any(given.values()):
        fail("no upstream folder given; see --help (docs/detection.md says where to get each one)")
    for option, folder in given.items():
        if folder and not os.path.isdir(folder):
            fail(f"--{option} {folder}: no such folder (want a clone of {UPSTREAM[option]})")

    out_dir = args.out
    os.makedirs(out_dir, exist_ok=True)
    report = [f"build-extra-corpora.py --seed {args.seed}", "", "upstream:"]
    for option, folder in given.items():
        if folder:
            report.append(f"  --{option:10s} {UPSTREAM[option]}  commit {commit_of(folder)}")
    report.append("")
    skipped = []
    try:
        # Read every source before writing anything, so that a missing file stops the build whole.
        reviews = reviews_sophonplus(given["sophonplus"]) if given["sophonplus"] else None
        social = social_ced(given["ced"]) if given["ced"] else None
        chat = {}
        if given["cdial-gpt"]:
            chat.update(chat_cdial(given["cdial-gpt"]))
        if given["kdconv"]:
            chat.update(chat_kdconv(given["kdconv"]))
        if given["cdconv"]:
            chat.update(chat_cdconv(given["cdconv"]))
        if given["cold"]:
            need(given["cold"], "COLDataset/test.csv", "cold")
        if given["toxicn"]:
            need(given["toxicn"], "ToxiCN_1.0.csv", "toxicn")
    except Missing as e:
        fail(str(e))
    except (KeyError, ValueError) as e:
        fail(f"an upstream file is not in the expected format ({e!r}); was the right commit checked out?")

    report.append("built:")
    if reviews:
        split_and_write("reviews", reviews, out_dir, report)
    else:
        skipped.append("reviews (needs --sophonplus)")
    if social:
        split_and_write("social", social, out_dir, report)
    else:
        skipped.append("social (needs --ced)")
    if chat:
        split_and_write("chat", chat, out_dir, report)
    else:
        skipped.append("chat (needs --cdial-gpt, --kdconv or --cdconv)")
    if given["cold"]:
        labelled_cold(given["cold"], out_dir, report)
    else:
        skipped.append("cold-test.tsv (needs --cold)")
    if given["toxicn"]:
        labelled_toxicn(given["toxicn"], out_dir, report)
    else:
        skipped.append("toxicn*.tsv (needs --toxicn)")
    if skipped:
        report += ["", "not built:"] + [f"  {s}" for s in skipped]

    with open(os.path.join(out_dir, "BUILD.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


args = None

if __name__ == "__main__":
    main()
