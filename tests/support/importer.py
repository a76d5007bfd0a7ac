"""The importer tests' small builders, and one page of interleaved columns."""
from __future__ import annotations

from feature.importer.lines import assemble_blocks, read_lines
from feature.importer.structure import classify


def raw(*lines: str) -> str:
    """Raw print text as layout exports it: one blank line after every line."""
    return "\n\n".join(lines) + "\n"


def blocks_of(text: str):
    lines, _ = read_lines(text)
    return classify(assemble_blocks(lines))


def texts_of(text: str) -> list[str]:
    return [b.text for b in blocks_of(text)]


# Two articles as a page interleaves their columns: a run of the metro article
# (a subhead and its paragraph) is printed before the metro article's headline.
FARM_OPENING = "今年以来，全县抓住有利天气，组织农民抢抓农时，春耕播种进展顺利，小麦长势良好，农机手忙着播种。"
FARM_MORE = "全县共投入农机两千台，农机手分片包干，小麦播种面积十二万亩，春耕农机服务队走村入户。"
METRO_EARLY = "地铁三号线全线贯通，公交线路同步优化，市民乘坐地铁出行更加便捷，地铁站点覆盖主城区。"
METRO_OPENING = "今年，城市地铁建设全面提速，公交与地铁无缝衔接，市民出行更便捷，地铁线路延伸到新城区。"
WEATHER = "天气预报：明天晴转多云，气温十五到二十度，东南风三级，空气质量良好，适宜户外活动。"

INTERLEAVED = raw(
    "春耕生产进展顺利", "记者 张明", FARM_OPENING,
    "农机服务保播种", FARM_MORE,
    "地铁建设提速度", METRO_EARLY,       # printed before its own headline
    "城市交通换新颜", "记者 李华", METRO_OPENING,
)
