#!/usr/bin/env python3
"""A synthetic edition of N articles, in this project's own input format.

usage: python benchmarks/corpus.py N OUTDIR [--no-share]

The article bodies are byte-identical to the peer benchmark's canonical corpus
(/work/shared/bench/corpus.py, same algorithm, same seed text, same RNG seed),
so our timings compare with Hugo's and Pelican's on the same text. Only the
front matter differs: `reporter` is printed with its title (记者 …), `section` is
the section's key, and files live in content/<section>/<slug>.md. OUTDIR gets a
config.yaml with the ten sections and copies of the project's templates/ and
static/, so it builds like the real edition. Its config says whether share
cards and posters are made (`share:`, docs/share.md) in so many words: on, as
in the real edition, unless --no-share.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "sources" / "zhoukou-2019-raw.txt"   # = shared/seeds/000_b91edbebec7b6ebb.txt
RNG_SEED = "feature-edition"                             # the peer corpus's default

SECTIONS = [
    ("要闻", "yaowen"), ("时政", "shizheng"), ("经济", "jingji"), ("社会", "shehui"),
    ("民生", "minsheng"), ("文化", "wenhua"), ("教育", "jiaoyu"), ("体育", "tiyu"),
    ("国际", "guoji"), ("评论", "pinglun"),
]
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "凤霞艳涛明华伟芳娜敏静丽强磊军洋勇杰娟燕超秀英平刚桂兰辉鹏宇浩然晨阳雪梅建国志红玉"
EPOCH = dt.date(2019, 1, 1)
CJK = re.compile(r"[\u4e00-\u9fff]")
CLAUSE_SPLIT = re.compile(r"[，。；：！？、（）“”‘’…—■\s]+")


class Pools:
    """Lines, subhead-sized and list-item-sized clauses, reporters: the sampling pools."""

    def __init__(self, text: str):
        self.lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        clauses = [c for ln in self.lines for c in CLAUSE_SPLIT.split(ln) if c]
        self.heads = [c for c in clauses if 4 <= len(c) <= 12 and "*" not in c] or ["专题报道"]
        self.items = [c for c in clauses if 6 <= len(c) <= 24 and "*" not in c] or ["要点"]
        rng = random.Random("reporters")
        names = {rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                 for _ in range(96)}
        self.reporters = sorted(names)[:48]


def _paragraph(rng, pools: Pools, target: int) -> str:
    parts, n = [], 0
    while n < target:
        line = rng.choice(pools.lines).replace("*", "")
        parts.append(line)
        n += len(line)
    text = "".join(parts)
    limit = int(target * 1.1)
    if len(text) > limit:
        cut = text.rfind("。", int(target * 0.8), limit)
        text = text[: cut + 1] if cut > 0 else text[:target] + "。"
    return text


def _embolden(rng, para: str) -> str:
    for _ in range(20):
        k = rng.randint(4, 8)
        if len(para) < k + 10:
            return para
        i = rng.randrange(2, len(para) - k - 2)
        if all(CJK.match(ch) for ch in para[i:i + k]):
            return f"{para[:i]}**{para[i:i + k]}**{para[i + k:]}"
    return para


def make_article(i: int, pools: Pools) -> tuple[str, str, str]:
    """(section key, slug, file text) of article i; the same RNG calls as the peer corpus."""
    rng = random.Random(f"{RNG_SEED}:{i}")
    _, section = SECTIONS[rng.randrange(len(SECTIONS))]
    h1, h2 = rng.choice(pools.heads), rng.choice(pools.heads)
    headline = h1 if rng.random() < 0.35 else f"{h1}　{h2}"
    reporter = rng.choice(pools.reporters)
    date = EPOCH + dt.timedelta(days=rng.randrange(365 * 3))
    slug = f"{section}-{i:05d}"
    body_len, n_par = rng.randint(1500, 3000), rng.randint(6, 15)
    weights = [rng.uniform(0.6, 1.4) for _ in range(n_par)]
    paras = [_paragraph(rng, pools, max(30, int(body_len * w / sum(weights)))) for w in weights]
    paras = [_embolden(rng, p) if rng.random() < 0.15 else p for p in paras]
    sub_at = set(rng.sample(range(1, n_par), min(rng.randint(2, 4), n_par - 1)))
    list_after = rng.randrange(n_par)
    items = [rng.choice(pools.items) for _ in range(rng.randint(3, 5))]
    blocks = []
    for j, p in enumerate(paras):
        if j in sub_at:
            blocks.append("## " + rng.choice(pools.heads))
        blocks.append(p)
        if j == list_after:
            blocks.append("\n".join("- " + it for it in items))
    front = (f"---\nheadline: {json.dumps(headline, ensure_ascii=False)}\n"
             f"reporter: {json.dumps('记者 ' + reporter, ensure_ascii=False)}\n"
             f"section: {section}\ndate: {date.isoformat()}\nslug: {slug}\n---\n")
    return section, slug, front + "\n" + "\n\n".join(blocks) + "\n"


def config_text(n: int, share: bool = True) -> str:
    sections = "".join(f"  - key: {key}\n    title: {title}\n" for title, key in SECTIONS)
    made = "true" if share else "false"
    return (f"title: 合成专题 {n} 篇\nsubtitle: 性能测试用的合成版面\nnewspaper: 测试日报\n"
            f'date: "2021-12"\nlanguage: zh-CN\nbase_url: /\noutput: dist\nsections:\n{sections}'
            f"share:\n  cards: {made}\n  posters: {made}\n")


def write_edition(n: int, out: Path, share: bool = True) -> Path:
    """OUTDIR/{config.yaml, content/, templates/, static/} for N articles."""
    pools = Pools(SEED_TEXT.read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    for _, key in SECTIONS:
        (out / "content" / key).mkdir()
    for i in range(n):
        section, slug, text = make_article(i, pools)
        (out / "content" / section / f"{slug}.md").write_text(text, encoding="utf-8")
    (out / "config.yaml").write_text(config_text(n, share), encoding="utf-8")
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, out / name)
    return out


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[3:] not in ([], ["--no-share"]):
        sys.exit(__doc__.split("\n\n")[1])
    write_edition(int(sys.argv[1]), Path(sys.argv[2]), share=sys.argv[3:] != ["--no-share"])
